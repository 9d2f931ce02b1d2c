import { Command } from "commander";
import { runLint } from "../engine/run.js";
import { formatJson } from "../report/json.js";
import { formatText } from "../report/text.js";
import type { CommonOptions } from "./options.js";
import { addCommonOptions, overridesFrom } from "./options.js";
import { reportProblems, shouldColor } from "./output.js";

export function lintCommand(setExitCode: (code: number) => void): Command {
  const command = new Command("lint")
    .alias("check")
    .description("report heavy module-level imports that could be deferred")
    .argument("[paths...]", "files or folders to lint", []);
  addCommonOptions(command).action(async (paths: string[], options: CommonOptions) => {
    const cwd = process.cwd();
    const result = await runLint({ paths, cwd, configFile: options.config, overrides: overridesFrom(options, cwd) });
    const diagnostics = result.files.flatMap((file) => file.analysis.diagnostics);
    const format = result.project.settings.format ?? "text";
    process.stdout.write(format === "json" ? formatJson(diagnostics) : formatText(diagnostics, { color: shouldColor(process.stdout) }));
    reportProblems(result.problems);
    setExitCode(result.problems.length > 0 ? 2 : diagnostics.length > 0 ? 1 : 0);
  });
  return command;
}
