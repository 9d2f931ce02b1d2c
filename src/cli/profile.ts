import { Command, Option } from "commander";
import { CliUsageError, collect, overridesFrom } from "./options.js";

interface ProfileOptions {
  module: string[];
  python?: string;
  repeat?: string;
  html?: string;
  output?: string;
  threshold?: string;
  top?: string;
  config?: string;
  format?: string;
}

export function profileCommand(setExitCode: (code: number) => void): Command {
  return new Command("profile")
    .description("measure what a program imports at startup, store the profile for lint and fix, and show where startup goes")
    .usage("[options] [-m MODULE]... [-- COMMAND...]")
    .argument("[command...]", "a command line to profile, after `--` (for example: -- python -m mycli --help)")
    .option("-m, --module <module>", "profile importing this module (repeatable)", collect, [])
    .option("--python <python>", "the interpreter to run (default: the active virtualenv's, else python3)")
    .option("--repeat <runs>", "measured runs after the warm-up; medians are kept (default 5)")
    .option("--output <file>", "where to write the profile JSON (default: the configured profile, else .pylazy/profile.json)")
    .option("--html <file>", "also write a flame chart of the import tree to this self-contained HTML file")
    .option("--threshold <ms>", "an import is heavy when its cumulative time is at least this (default 10)")
    .option("--top <count>", "how many heavy imports to list (default 10)")
    .option("--config <file>", "read settings from this pyproject.toml or pylazy.toml")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]))
    .action(async (command: string[], options: ProfileOptions) => {
      if (options.module.length === 0 && command.length === 0) throw new CliUsageError("give a module to import (-m MODULE) or a command to run (-- COMMAND...)");
      if (options.module.length > 0 && command.length > 0) throw new CliUsageError("give either modules (-m) or a command (-- COMMAND...), not both");
      const cwd = process.cwd();
      // Loaded here, not at startup: `pylazy --version` should not pay for the profiler.
      const { profileProgram } = await import("../profile/profileProgram.js");
      const { formatProfileText } = await import("../profile/breakdown.js");
      const outcome = await profileProgram({
        target: command.length > 0 ? { command } : { modules: options.module },
        cwd,
        python: options.python,
        repeat: positiveInteger(options.repeat, "--repeat", 5),
        configFile: options.config,
        overrides: overridesFrom({ threshold: options.threshold, exclude: [], respectGitignore: true }, cwd),
        output: options.output,
        html: options.html,
        top: positiveInteger(options.top, "--top", 10),
      });
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify({ ...outcome.breakdown, profile_file: outcome.profileFile, html_file: outcome.htmlFile ?? null }, null, 2)}\n`);
      } else {
        process.stdout.write(formatProfileText(outcome.breakdown, outcome, cwd));
      }
      setExitCode(0);
    });
}

function positiveInteger(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new CliUsageError(`${option} expects a whole number of at least 1, got \`${value}\``);
  return parsed;
}
