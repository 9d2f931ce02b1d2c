import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { createTwoFilesPatch } from "diff";
import type MagicString from "magic-string";
import { encodePythonSource, SourceEncodeError } from "../parse/source.js";
import { applyFileFixes } from "./applyFixes.js";
import type { Diagnostic } from "./diagnostic.js";
import { runLint } from "./run.js";
import type { ReadFile, RunOptions, RunResult } from "./run.js";
import { LAZY_IMPORTS_MINOR, targetMinor } from "../transforms/strategy.js";
import { findPython, verifyRewrites } from "./verify.js";
import { WriteSkipped, writeFileAtomically } from "./write.js";

export interface FixRunOptions {
  diff: boolean;
  sourceMap?: string;
  unsafeFixes: boolean;
  verify: boolean;
  /** Where diffs go with `diff`. */
  writeDiff: (diff: string) => void;
}

/** A file whose fixes applied cleanly, waiting to be verified and written. */
interface PendingRewrite {
  file: ReadFile;
  output: string;
  magic: MagicString;
  applied: Diagnostic[];
  /** The applied findings that only listed their module in `__lazy_modules__`, inert before 3.15. */
  inert: Set<Diagnostic>;
}

export interface FixReport {
  filesChanged: number;
  /** The findings whose import is deferred now (on the target version). */
  applied: Diagnostic[];
  deferred: number;
  /**
   * Imports listed in `__lazy_modules__` for a target below Python 3.15: applied, but they stay
   * eager until the code runs on 3.15, so they are not counted as deferred nor as saved time.
   */
  listedForLater: number;
  savedMs: Map<string, { ms: number; estimate: boolean }>;
  refused: { filename: string; location: Diagnostic["location"]; module: string; reason: string }[];
  failures: { filename: string; reason: string }[];
  interrupted: boolean;
  /** With a profile of the program's startup: what the applied deferrals save together. */
  measuredSavingMs?: number;
}

/**
 * Lints, applies every fix file by file, verifies the rewrites in one Python process, then writes
 * them atomically (or prints diffs). A Ctrl-C stops between files: each is written whole or not at all.
 */
export async function runFix(run: RunOptions, options: FixRunOptions): Promise<{ result: RunResult; report: FixReport }> {
  const result = await runLint(run);
  const report: FixReport = { filesChanged: 0, applied: [], deferred: 0, listedForLater: 0, savedMs: new Map(), refused: [], failures: [], interrupted: false };
  const inertBefore315 = targetMinor(result.project.settings.targetVersion) < LAZY_IMPORTS_MINOR;
  const pending = result.files.map((file) => planFile(file, options, report, inertBefore315)).filter((p): p is PendingRewrite => p !== undefined);
  const verified = options.verify ? verify(pending, report) : pending;

  const stopOnInterrupt = (): void => {
    report.interrupted = true;
  };
  process.once("SIGINT", stopOnInterrupt);
  process.once("SIGTERM", stopOnInterrupt);
  try {
    for (const rewrite of verified) {
      // Let a Ctrl-C be seen between files.
      await nextTurn();
      if (report.interrupted) break;
      if (options.diff) options.writeDiff(diffOf(rewrite));
      else if (!write(rewrite, result.project.root, report)) continue;
      if (options.sourceMap) writeSourceMap(options.sourceMap, rewrite, run.cwd);
      record(rewrite, report);
    }
  } finally {
    process.removeListener("SIGINT", stopOnInterrupt);
    process.removeListener("SIGTERM", stopOnInterrupt);
  }
  const measured = report.applied.filter((diagnostic) => diagnostic.savingMs !== undefined);
  if (result.savings && measured.length > 0) report.measuredSavingMs = result.savings.savedBy(measured).savedUs / 1000;
  return { result, report };
}

function planFile(file: ReadFile, options: FixRunOptions, report: FixReport, inertBefore315: boolean): PendingRewrite | undefined {
  const { analysis } = file;
  if (analysis.skipped === "syntax-error") {
    const error = analysis.diagnostics[0];
    report.failures.push({ filename: analysis.filename, reason: `not fixed: ${error.message} at ${error.location.row}:${error.location.column}` });
    return undefined;
  }
  const fixed = applyFileFixes(analysis, { unsafeFixes: options.unsafeFixes });
  for (const { diagnostic, reason } of fixed.refused) {
    report.refused.push({ filename: diagnostic.filename, location: diagnostic.location, module: diagnostic.module ?? "", reason });
  }
  if (fixed.failure) report.failures.push({ filename: analysis.filename, reason: fixed.failure });
  if (fixed.applied.length === 0 || fixed.output === analysis.source || !fixed.magic) return undefined;
  const inert = new Set(inertBefore315 ? fixed.applied.filter(({ planned }) => planned.plan.strategy === "lazy-modules").map(({ diagnostic }) => diagnostic) : []);
  return { file, output: fixed.output, magic: fixed.magic, applied: fixed.applied.map(({ diagnostic }) => diagnostic), inert };
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
    if (!(error instanceof WriteSkipped) && !(error instanceof SourceEncodeError) && !isFsError(error)) throw error;
    const why = error instanceof WriteSkipped || error instanceof SourceEncodeError ? error.message : (error as NodeJS.ErrnoException).code;
    report.failures.push({ filename: file.analysis.filename, reason: `not written: ${why}` });
    return false;
  }
}

function record(rewrite: PendingRewrite, report: FixReport): void {
  report.filesChanged++;
  for (const diagnostic of rewrite.applied) {
    if (rewrite.inert.has(diagnostic)) {
      report.listedForLater++;
      continue;
    }
    report.applied.push(diagnostic);
    report.deferred++;
    if (diagnostic.module) report.savedMs.set(diagnostic.module, { ms: diagnostic.costMs ?? 0, estimate: diagnostic.costSource === "estimate" });
  }
}

/** A unified diff with git's `a/` and `b/` prefixes; an absolute path loses its leading `/` there, as in git's own (`a/tmp/x.py`). */
function diffOf({ file, output }: PendingRewrite): string {
  const name = file.analysis.filename.replace(/^\/+/, "");
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

