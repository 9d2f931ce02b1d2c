import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { createTwoFilesPatch } from "diff";
import { applyFileFixes } from "../engine/applyFixes.js";
import { runLint } from "../engine/run.js";
import type { ReadFile } from "../engine/run.js";
import { WriteSkipped, writeFileAtomically } from "../engine/write.js";
import { encodePythonSource } from "../parse/source.js";
import { STRATEGY_NAMES } from "../transforms/strategy.js";
import type { CommonOptions } from "./options.js";
import { addCommonOptions, overridesFrom } from "./options.js";
import { reportProblems } from "./output.js";

interface FixOptions extends CommonOptions {
  strategy?: string;
  diff?: boolean;
  sourceMap?: string;
  unsafeFixes?: boolean;
}

interface FixTotals {
  filesChanged: number;
  deferred: number;
  savedMs: Map<string, { ms: number; estimate: boolean }>;
  refused: { where: string; module: string; reason: string }[];
  failures: { path: string; reason: string }[];
}

export function fixCommand(setExitCode: (code: number) => void): Command {
  const command = new Command("fix")
    .description("rewrite heavy module-level imports so they run only when first needed")
    .argument("[paths...]", "files or folders to fix", [])
    .addOption(new Option("--strategy <strategy>", "how to defer an import (default: function)").choices([...STRATEGY_NAMES]))
    .option("--diff", "print a unified diff of the changes and write nothing (exit 1 if there are changes)")
    .option("--source-map <dir>", "write a v3 source map per changed file into this folder")
    .option("--unsafe-fixes", "also apply fixes marked unsafe");
  addCommonOptions(command).action(async (paths: string[], options: FixOptions) => {
    const cwd = process.cwd();
    const overrides = overridesFrom(options, cwd);
    if (options.strategy) overrides.strategy = options.strategy;
    const result = await runLint({ paths, cwd, configFile: options.config, overrides });
    const totals: FixTotals = { filesChanged: 0, deferred: 0, savedMs: new Map(), refused: [], failures: [] };
    const out = options.diff ? process.stderr : process.stdout;
    for (const file of result.files) {
      const changed = fixFile(file, options, result.project.root, cwd, totals);
      if (changed && options.diff) process.stdout.write(changed);
    }
    out.write(formatFixSummary(totals, options.diff === true));
    reportProblems(result.problems);
    const pending = options.diff && totals.filesChanged > 0;
    setExitCode(result.problems.length > 0 || totals.failures.length > 0 ? 2 : pending ? 1 : 0);
  });
  return command;
}

/** Fixes one file; returns its diff when something changed (written unless --diff). */
function fixFile(file: ReadFile, options: FixOptions, root: string, cwd: string, totals: FixTotals): string | undefined {
  const { analysis } = file;
  if (analysis.skipped === "syntax-error") {
    const error = analysis.diagnostics[0];
    totals.failures.push({ path: analysis.filename, reason: `not fixed: ${error.message} at ${error.location.row}:${error.location.column}` });
    return undefined;
  }
  const fixed = applyFileFixes(analysis, { unsafeFixes: options.unsafeFixes === true });
  for (const { diagnostic, reason } of fixed.refused) {
    totals.refused.push({ where: `${diagnostic.filename}:${diagnostic.location.row}:${diagnostic.location.column}`, module: diagnostic.module ?? "", reason });
  }
  if (fixed.failure) totals.failures.push({ path: analysis.filename, reason: fixed.failure });
  if (fixed.applied.length === 0 || fixed.output === analysis.source) return undefined;

  if (!options.diff) {
    try {
      writeFileAtomically(file.path, file.bytes, encodePythonSource(file.source, fixed.output), file.mode, root);
    } catch (error) {
      if (!(error instanceof WriteSkipped) && !isFsError(error)) throw error;
      totals.failures.push({ path: analysis.filename, reason: `not written: ${error instanceof WriteSkipped ? error.message : (error as NodeJS.ErrnoException).code}` });
      return undefined;
    }
  }
  if (options.sourceMap && fixed.magic) writeSourceMap(options.sourceMap, file, fixed.magic, cwd);
  totals.filesChanged++;
  for (const { diagnostic } of fixed.applied) {
    totals.deferred++;
    if (diagnostic.module) totals.savedMs.set(diagnostic.module, { ms: diagnostic.costMs ?? 0, estimate: diagnostic.costSource === "estimate" });
  }
  return createTwoFilesPatch(`a/${analysis.filename}`, `b/${analysis.filename}`, analysis.source, fixed.output);
}

function writeSourceMap(dir: string, file: ReadFile, magic: NonNullable<ReturnType<typeof applyFileFixes>["magic"]>, cwd: string): void {
  const relative = file.analysis.filename.startsWith("/") ? path.basename(file.path) : file.analysis.filename;
  const mapFile = path.resolve(cwd, dir, `${relative}.map`);
  mkdirSync(path.dirname(mapFile), { recursive: true });
  const map = magic.generateMap({ source: path.relative(path.dirname(mapFile), file.path), file: path.basename(file.path), includeContent: true, hires: true });
  writeFileSync(mapFile, map.toString());
}

function isFsError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

function formatFixSummary(totals: FixTotals, dryRun: boolean): string {
  const lines: string[] = [];
  for (const failure of totals.failures) lines.push(`${failure.path}: ${failure.reason}`);
  for (const refused of totals.refused) lines.push(`${refused.where}: left \`${refused.module}\` as it was: ${refused.reason}`);
  let saved = 0;
  let estimated = false;
  for (const { ms, estimate } of totals.savedMs.values()) {
    saved += ms;
    estimated ||= estimate;
  }
  const verb = dryRun ? "would defer" : "deferred";
  const files = `${totals.filesChanged} ${totals.filesChanged === 1 ? "file" : "files"} ${dryRun ? "would change" : "changed"}`;
  lines.push(
    `${files}; ${verb} ${totals.deferred} ${totals.deferred === 1 ? "import" : "imports"}, left ${totals.refused.length} as ${totals.refused.length === 1 ? "it was" : "they were"}.`,
  );
  if (totals.deferred > 0) lines.push(`Modules moved out of startup: up to ${estimated ? "~" : ""}${Math.round(saved)} ms.`);
  return `${lines.join("\n")}\n`;
}
