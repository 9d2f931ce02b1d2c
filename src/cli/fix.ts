import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { createTwoFilesPatch } from "diff";
import type MagicString from "magic-string";
import { applyFileFixes } from "../engine/applyFixes.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import { runLint } from "../engine/run.js";
import type { ReadFile } from "../engine/run.js";
import { findPython, verifyRewrites } from "../engine/verify.js";
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
  verify: boolean;
}

/** A file whose fixes applied cleanly, waiting to be verified and written. */
interface PendingRewrite {
  file: ReadFile;
  output: string;
  magic: MagicString;
  applied: Diagnostic[];
}

interface FixReport {
  filesChanged: number;
  applied: Diagnostic[];
  deferred: number;
  savedMs: Map<string, { ms: number; estimate: boolean }>;
  refused: { filename: string; location: Diagnostic["location"]; module: string; reason: string }[];
  failures: { filename: string; reason: string }[];
  interrupted: boolean;
  /** With a profile of the program's startup: what the applied deferrals save together. */
  measuredSavingMs?: number;
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
    const result = await runLint({ paths, cwd, configFile: options.config, overrides });
    const report: FixReport = { filesChanged: 0, applied: [], deferred: 0, savedMs: new Map(), refused: [], failures: [], interrupted: false };

    const pending = result.files.map((file) => planFile(file, options, report)).filter((p): p is PendingRewrite => p !== undefined);
    const verified = options.verify ? verify(pending, report) : pending;

    const stopOnInterrupt = (): void => {
      report.interrupted = true;
    };
    process.once("SIGINT", stopOnInterrupt);
    process.once("SIGTERM", stopOnInterrupt);
    try {
      for (const rewrite of verified) {
        // Let a Ctrl-C be seen between files: each file is written whole (atomically) or not at all.
        await new Promise((resolve) => setImmediate(resolve));
        if (report.interrupted) break;
        if (options.diff) process.stdout.write(diffOf(rewrite));
        else if (!write(rewrite, result.project.root, report)) continue;
        if (options.sourceMap) writeSourceMap(options.sourceMap, rewrite, cwd);
        record(rewrite, report);
      }
    } finally {
      process.removeListener("SIGINT", stopOnInterrupt);
      process.removeListener("SIGTERM", stopOnInterrupt);
    }

    const measured = report.applied.filter((diagnostic) => diagnostic.savingMs !== undefined);
    if (result.savings && measured.length > 0) report.measuredSavingMs = result.savings.savedBy(measured).savedUs / 1000;
    const json = (result.project.settings.format ?? "text") === "json";
    const summary = json ? formatFixJson(report) : formatFixSummary(report, options.diff === true);
    (options.diff && !json ? process.stderr : process.stdout).write(summary);
    reportProblems(result.problems);
    if (report.interrupted) setExitCode(130);
    else if (result.problems.length > 0 || report.failures.length > 0) setExitCode(2);
    else setExitCode(options.diff && report.filesChanged > 0 ? 1 : 0);
  });
  return command;
}

function planFile(file: ReadFile, options: FixOptions, report: FixReport): PendingRewrite | undefined {
  const { analysis } = file;
  if (analysis.skipped === "syntax-error") {
    const error = analysis.diagnostics[0];
    report.failures.push({ filename: analysis.filename, reason: `not fixed: ${error.message} at ${error.location.row}:${error.location.column}` });
    return undefined;
  }
  const fixed = applyFileFixes(analysis, { unsafeFixes: options.unsafeFixes === true });
  for (const { diagnostic, reason } of fixed.refused) {
    report.refused.push({ filename: diagnostic.filename, location: diagnostic.location, module: diagnostic.module ?? "", reason });
  }
  if (fixed.failure) report.failures.push({ filename: analysis.filename, reason: fixed.failure });
  if (fixed.applied.length === 0 || fixed.output === analysis.source || !fixed.magic) return undefined;
  return { file, output: fixed.output, magic: fixed.magic, applied: fixed.applied.map(({ diagnostic }) => diagnostic) };
}

/** Checks every rewrite with the user's Python in one process; a rejected file is reported, not written. */
function verify(pending: PendingRewrite[], report: FixReport): PendingRewrite[] {
  if (pending.length === 0) return pending;
  const python = findPython();
  if (!python) {
    process.stderr.write("pylazy: warning: no python3 found, rewrites were not verified (use --no-verify to silence this)\n");
    return pending;
  }
  const verdicts = verifyRewrites(
    python,
    pending.map(({ file, output }) => ({ path: file.path, original: file.analysis.source, fixed: output })),
  );
  return pending.filter(({ file, applied }) => {
    const reason = verdicts.get(file.path);
    if (!reason) return true;
    report.failures.push({ filename: file.analysis.filename, reason: `not written: the rewrite failed verification: ${reason}` });
    for (const diagnostic of applied) {
      report.refused.push({ filename: diagnostic.filename, location: diagnostic.location, module: diagnostic.module ?? "", reason: "the file's rewrite failed verification" });
    }
    return false;
  });
}

function write(rewrite: PendingRewrite, root: string, report: FixReport): boolean {
  const { file } = rewrite;
  try {
    writeFileAtomically(file.path, file.bytes, encodePythonSource(file.source, rewrite.output), file.mode, root);
    return true;
  } catch (error) {
    if (!(error instanceof WriteSkipped) && !isFsError(error)) throw error;
    const why = error instanceof WriteSkipped ? error.message : (error as NodeJS.ErrnoException).code;
    report.failures.push({ filename: file.analysis.filename, reason: `not written: ${why}` });
    return false;
  }
}

function record(rewrite: PendingRewrite, report: FixReport): void {
  report.filesChanged++;
  for (const diagnostic of rewrite.applied) {
    report.deferred++;
    report.applied.push(diagnostic);
    if (diagnostic.module) report.savedMs.set(diagnostic.module, { ms: diagnostic.costMs ?? 0, estimate: diagnostic.costSource === "estimate" });
  }
}

function diffOf({ file, output }: PendingRewrite): string {
  const name = file.analysis.filename;
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, file.analysis.source, output);
}

function writeSourceMap(dir: string, { file, magic }: PendingRewrite, cwd: string): void {
  const relative = path.isAbsolute(file.analysis.filename) ? path.basename(file.path) : file.analysis.filename;
  const mapFile = path.resolve(cwd, dir, `${relative}.map`);
  mkdirSync(path.dirname(mapFile), { recursive: true });
  const map = magic.generateMap({ source: path.relative(path.dirname(mapFile), file.path), file: path.basename(file.path), includeContent: true, hires: true });
  writeFileSync(mapFile, map.toString());
}

function isFsError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

function savedTotal(report: FixReport): { ms: number; estimated: boolean } {
  let ms = 0;
  let estimated = false;
  for (const saved of report.savedMs.values()) {
    ms += saved.ms;
    estimated ||= saved.estimate;
  }
  return { ms, estimated };
}

function formatFixSummary(report: FixReport, dryRun: boolean): string {
  const lines: string[] = [];
  for (const failure of report.failures) lines.push(`${failure.filename}: ${failure.reason}`);
  for (const r of report.refused) lines.push(`${r.filename}:${r.location.row}:${r.location.column}: left \`${r.module}\` as it was: ${r.reason}`);
  const files = `${report.filesChanged} ${report.filesChanged === 1 ? "file" : "files"} ${dryRun ? "would change" : "changed"}`;
  const deferred = `${dryRun ? "would defer" : "deferred"} ${report.deferred} ${report.deferred === 1 ? "import" : "imports"}`;
  const left = `left ${report.refused.length} as ${report.refused.length === 1 ? "it was" : "they were"}`;
  lines.push(`${files}; ${deferred}, ${left}.`);
  if (report.deferred > 0 && report.measuredSavingMs !== undefined) {
    lines.push(`Startup saving, measured: ${Math.round(report.measuredSavingMs)} ms.`);
  } else if (report.deferred > 0) {
    const { ms, estimated } = savedTotal(report);
    lines.push(`Modules moved out of startup: up to ${estimated ? "~" : ""}${Math.round(ms)} ms.`);
  }
  if (report.interrupted) lines.push("Interrupted: the files listed as changed were written whole; the others are untouched.");
  return `${lines.join("\n")}\n`;
}

function formatFixJson(report: FixReport): string {
  const { ms, estimated } = savedTotal(report);
  return `${JSON.stringify(
    {
      files_changed: report.filesChanged,
      imports_deferred: report.deferred,
      refused: report.refused.map((r) => ({ filename: r.filename, location: r.location, module: r.module, reason: r.reason })),
      failures: report.failures,
      saved_ms: Math.round((report.measuredSavingMs ?? ms) * 10) / 10,
      saved_ms_measured: report.measuredSavingMs !== undefined,
      saved_ms_includes_estimates: estimated,
      interrupted: report.interrupted,
    },
    null,
    2,
  )}\n`;
}
