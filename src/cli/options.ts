import path from "node:path";
import { UserError } from "../errors.js";
import { Option } from "commander";
import type { Command } from "commander";
import type { RunOverrides } from "../engine/run.js";
import { OUTPUT_FORMATS } from "../report/formats.js";

/** `sarif` for code scanning, `github` for workflow annotations. */

/** Options every checking command shares (DESIGN.md §1). */
export function addCommonOptions(command: Command): Command {
  return command
    .option("--profile <file>", "costs from a raw `python -X importtime` log or a pylazy profile JSON")
    .option("--threshold <ms>", "a module is heavy when its cumulative import time is at least this (default 10)")
    .option("--select <codes>", "comma-separated rule codes or prefixes to enable")
    .option("--ignore <codes>", "comma-separated rule codes or prefixes to disable")
    .option("--exclude <glob>", "skip files matching this glob (repeatable)", collect, [])
    .option("--config <file>", "read settings from this pyproject.toml or pylazy.toml")
    .option("--target-version <version>", "oldest Python the code supports: py38 .. py315")
    .addOption(new Option("--format <format>", "output format").choices(OUTPUT_FORMATS))
    .addOption(new Option("--output-format <format>", "alias of --format").choices(OUTPUT_FORMATS).hideHelp())
    .option("--no-respect-gitignore", "lint files that .gitignore excludes")
    .option("--measure", "measure each imported module in a fresh interpreter (cached in .pylazy/measure/)")
    .option("--python <python>", "the interpreter --measure runs (default: the active virtualenv's, else python3)");
}

/** For a repeatable option: each use adds its value. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export interface CommonOptions {
  profile?: string;
  threshold?: string;
  select?: string;
  ignore?: string;
  exclude: string[];
  config?: string;
  targetVersion?: string;
  format?: string;
  outputFormat?: string;
  respectGitignore: boolean;
  measure?: boolean;
  python?: string;
}

export class CliUsageError extends UserError {}

/** Command-line values that override the configuration file. */
export function overridesFrom(options: CommonOptions, cwd: string): RunOverrides {
  const overrides: RunOverrides = {};
  if (options.threshold !== undefined) {
    const threshold = Number(options.threshold);
    if (!Number.isFinite(threshold) || threshold < 0) throw new CliUsageError(`--threshold expects a number of milliseconds, got \`${options.threshold}\``);
    overrides.thresholdMs = threshold;
  }
  if (options.profile !== undefined) overrides.profile = path.resolve(cwd, options.profile);
  if (options.select !== undefined) overrides.select = splitCodes(options.select);
  if (options.ignore !== undefined) overrides.ignore = splitCodes(options.ignore);
  if (options.exclude.length > 0) overrides.exclude = options.exclude;
  if (options.targetVersion !== undefined) overrides.targetVersion = options.targetVersion;
  if (!options.respectGitignore) overrides.respectGitignore = false;
  const format = options.format ?? options.outputFormat;
  if (format !== undefined) overrides.format = format;
  if (options.measure) overrides.measure = true;
  if (options.python !== undefined) overrides.python = options.python;
  return overrides;
}

function splitCodes(value: string): string[] {
  return value
    .split(",")
    .map((code) => code.trim())
    .filter((code) => code.length > 0);
}
