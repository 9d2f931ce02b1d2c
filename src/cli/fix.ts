import { Command, Option } from "commander";
import { STRATEGY_NAMES } from "../transforms/strategy.js";
import type { CommonOptions } from "./options.js";
import { addCommonOptions, overridesFrom } from "./options.js";
import { reportProblems, writeStdout } from "./output.js";

interface FixOptions extends CommonOptions {
  strategy?: string;
  diff?: boolean;
  sourceMap?: string;
  unsafeFixes?: boolean;
  verify: boolean;
}

export function fixCommand(setExitCode: (code: number) => void): Command {
  const command = new Command("fix")
    .description("rewrite heavy module-level imports so they run only when first needed")
    .argument("[paths...]", "files or folders to fix", [])
    .addOption(new Option("--strategy <strategy>", "how to defer an import (default: function)").choices([...STRATEGY_NAMES]))
    .option("--diff", "print a unified diff of the changes and write nothing (exit 1 if there are changes)")
    .option("--source-map <dir>", "write a v3 source map per changed file into this folder")
    .option("--unsafe-fixes", "also apply fixes marked unsafe")
    .option("--no-verify", "do not check the rewrites with python3 before writing them");
  addCommonOptions(command).action(async (paths: string[], options: FixOptions) => {
    const cwd = process.cwd();
    const overrides = overridesFrom(options, cwd);
    if (options.strategy) overrides.strategy = options.strategy;
    // Loaded here, not at the top: `pylazy --version` and `--help` must not pay for the fixer.
    const { runFix } = await import("../engine/runFix.js");
    const { formatFixJson, formatFixSummary } = await import("../report/fixSummary.js");
    const { result, report } = await runFix(
      { paths, cwd, configFile: options.config, overrides },
      {
        diff: options.diff === true,
        sourceMap: options.sourceMap,
        unsafeFixes: options.unsafeFixes === true,
        verify: options.verify,
        writeDiff: (diff) => process.stdout.write(diff),
      },
    );
    const json = (result.project.settings.format ?? "text") === "json";
    const summary = json ? formatFixJson(report) : formatFixSummary(report, options.diff === true);
    // After the diffs (stdout) are all out: the summary of --diff and the problems go to stderr.
    if (options.diff && !json) {
      await writeStdout("");
      process.stderr.write(summary);
    } else await writeStdout(summary);
    reportProblems(result.problems);
    if (report.interrupted) setExitCode(130);
    else if (result.problems.length > 0 || report.failures.length > 0) setExitCode(2);
    else setExitCode(options.diff && report.filesChanged > 0 ? 1 : 0);
  });
  return command;
}
