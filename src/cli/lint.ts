import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import type { Diagnostic } from "../engine/diagnostic.js";
import type { CheckResult } from "../engine/run.js";
import type { CommonOptions } from "./options.js";
import { addCommonOptions, overridesFrom } from "./options.js";
import { reportProblems, shouldColor, writeStdout } from "./output.js";

interface LintOptions extends CommonOptions {
  outputFile?: string;
  cache: boolean;
}

export function lintCommand(setExitCode: (code: number) => void): Command {
  const command = new Command("lint")
    .alias("check")
    .description("report heavy module-level imports that could be deferred")
    .argument("[paths...]", "files or folders to lint", [])
    .option("--output-file <file>", "write the report to this file instead of stdout")
    .option("--no-cache", "ignore and do not update the results cached in .pylazy/cache");
  addCommonOptions(command).action(async (paths: string[], options: LintOptions) => {
    const cwd = process.cwd();
    // Loaded here, not at the top: `pylazy --version` and `--help` must not pay for the linter.
    const { runCheck } = await import("../engine/run.js");
    const result = await runCheck({ paths, cwd, configFile: options.config, overrides: overridesFrom(options, cwd), cache: options.cache });
    const diagnostics = result.diagnostics;
    const format = result.project.settings.format ?? "text";
    const report = await formatReport(format, diagnostics, result, { cwd, color: options.outputFile === undefined && shouldColor(process.stdout), version: command.parent?.version() ?? "unknown" });
    let written = true;
    if (options.outputFile === undefined) await writeStdout(report);
    else written = await writeReport(path.resolve(cwd, options.outputFile), report);
    reportProblems(result.problems);
    setExitCode(result.problems.length > 0 || !written ? 2 : diagnostics.length > 0 ? 1 : 0);
  });
  return command;
}

/** Each formatter is a module of its own, loaded only when asked for. */
async function formatReport(format: string, diagnostics: Diagnostic[], result: CheckResult, options: { cwd: string; color: boolean; version: string }): Promise<string> {
  switch (format) {
    case "json":
      return (await import("../report/json.js")).formatJson(diagnostics);
    case "sarif": {
      const { rules } = await import("../rules/index.js");
      return (await import("../report/sarif.js")).formatSarif(diagnostics, { rules, version: options.version, baseDirectory: options.cwd, problems: result.problems });
    }
    case "github":
      return (await import("../report/github.js")).formatGithub(diagnostics);
    default:
      return (await import("../report/text.js")).formatText(diagnostics, { color: options.color, savedMs: savedMs(result, diagnostics), unread: result.problems.length });
  }
}

/** What deferring every fixable finding saves, when a profile of the program's startup is at hand. */
function savedMs(result: CheckResult, diagnostics: readonly Diagnostic[]): number | undefined {
  const fixable = diagnostics.filter((diagnostic) => diagnostic.fix !== null && diagnostic.savingMs !== undefined);
  if (!result.savings || fixable.length === 0) return undefined;
  return result.savings.savedBy(fixable).savedUs / 1000;
}

/** `--output-file`: the folder is made if needed; a file that cannot be written is an error (exit 2). */
async function writeReport(file: string, report: string): Promise<boolean> {
  const { fsErrorReason } = await import("../project/config.js");
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, report);
    return true;
  } catch (error) {
    process.stderr.write(`pylazy: error: cannot write ${file}: ${fsErrorReason(error)}\n`);
    return false;
  }
}
