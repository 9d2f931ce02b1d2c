import { existsSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type * as WorkerThreads from "node:worker_threads";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { FileModule } from "../analysis/heavyImports.js";
import { moduleNameForFile } from "../analysis/modulePath.js";
import { mayHoldLazyConstruct } from "../analysis/lazyConstructs.js";
import { PreScan } from "../analysis/prescan.js";
import { REACH_TO_COME, reachTold } from "../analysis/safety.js";
import { ProjectIndex } from "../analysis/projectIndex.js";
import { UserError } from "../errors.js";
import { charactersParsed } from "../parse/parser.js";
import { decodePythonSource, SourceDecodeError } from "../parse/source.js";
import type { PythonSource } from "../parse/source.js";
import { loadCostTable } from "../profile/costs.js";
import type { StartupSavings } from "../profile/startupSavings.js";
import type { CostTable } from "../profile/types.js";
import { loadProject } from "../project/config.js";
import { discoverPythonFiles, discoverPythonFilesSync } from "../project/files.js";
import type { WalkedFolders } from "../project/files.js";
import type { PathProblem } from "../project/files.js";
import type { Project, Settings } from "../project/types.js";
import { selectRules } from "../rules/index.js";
import { STRATEGY_NAMES } from "../transforms/strategy.js";
import type { StrategyName } from "../transforms/strategy.js";
import { nodeBuiltin } from "./builtin.js";
import { hashOf, LintCache } from "./cache.js";
import type { FileStamp } from "./cache.js";
import { releaseNativeMemory, SOURCE_PER_RELEASE } from "./release.js";
import type { Diagnostic } from "./diagnostic.js";
import type { FileAnalysis, LintOptions, lintImportTime as LintImportTime, lintSource as LintSource } from "./lintSource.js";
import type { LintWorkerInput, LintWorkerOutput, LintWorkerRequest } from "./lintWorker.js";

export interface RunOptions {
  paths: string[];
  cwd: string;
  configFile?: string;
  overrides: RunOverrides;
  /** Where warnings go (modules `--measure` could not import, a profile of another interpreter); default stderr. */
  warn?: (message: string) => void;
}

/** The command line's settings (`--measure` and `--python` among them). */
export type RunOverrides = Partial<Settings>;

/** A file as read from disk: what `fix` needs to write it back safely. */
export interface ReadFile {
  path: string;
  bytes: Buffer;
  mode: number;
  source: Omit<PythonSource, "text">;
  analysis: FileAnalysis;
}

export interface RunResult {
  project: Project;
  costs: CostTable;
  strategy: StrategyName;
  files: ReadFile[];
  /** Paths that could not be found, read or decoded, each with the reason. */
  problems: PathProblem[];
  /** With a profile of the program's startup: what deferring the findings' imports saves. */
  savings?: StartupSavings;
}

/** What `lint` needs: diagnostics only, which may come from the cache or from worker threads. */
export interface CheckResult {
  project: Project;
  diagnostics: Diagnostic[];
  problems: PathProblem[];
  savings?: StartupSavings;
}

/** What crosses from a worker thread or the cache: diagnostics, never trees. */
export type LintOutcome = { diagnostics: Diagnostic[]; skipped?: FileAnalysis["skipped"] } | { problem: string };

export function plainOutcome(outcome: FileOutcome): LintOutcome {
  return "problem" in outcome ? outcome : { diagnostics: outcome.diagnostics, skipped: outcome.skipped };
}

/** One file's lint, or why it could not be linted. */
export type FileOutcome =
  | { bytes: Buffer; mode: number; source: Omit<PythonSource, "text">; analysis?: FileAnalysis; diagnostics: Diagnostic[]; skipped?: FileAnalysis["skipped"] }
  | { problem: string };

export class UsageError extends UserError {}

interface PreparedRun {
  project: Project;
  costs: CostTable;
  options: LintOptions;
  cwd: string;
  files: string[];
  projectFiles: LazyList;
  problems: PathProblem[];
  /** The project's other modules, for re-export checks (also `options.project`). */
  index: ProjectIndex;
}

/**
 * Settings, costs and the files to lint; the project's other files for re-export checks.
 * `onManyFiles`: called, with the project and its costs, as soon as the search has found WORKER_THRESHOLD files.
 */
async function prepareRun(run: RunOptions, onManyFiles?: (project: Project, costs: CostTable) => void): Promise<PreparedRun> {
  const paths = run.paths.length > 0 ? run.paths : ["."];
  const project = loadProject({ paths, cwd: run.cwd, configFile: run.configFile, overrides: run.overrides });
  const warn = run.warn ?? ((message: string) => process.stderr.write(`pylazy: warning: ${message}\n`));
  // Loaded only for --measure, which runs Python.
  const costs = project.settings.measure
    ? await (await import("../profile/measure.js")).measuredCostTable({ project, paths, cwd: run.cwd, python: project.settings.python, warn })
    : loadCostTable({ profilePath: project.settings.profile, projectRoot: project.root });
  const options = lintOptionsFor(project, costs);
  const walked: WalkedFolders = new Map();
  const notice = onManyFiles && { count: WORKER_THRESHOLD, reached: () => onManyFiles(project, costs) };
  const discovered = await discoverPythonFiles(project, paths, run.cwd, { notice, record: walked });
  // References from anywhere in the project count, even when only some paths are linted (§5); the
  // project's other files are listed only when a question needs them (not for a file with no finding).
  const whole = paths.length === 1 && path.resolve(run.cwd, paths[0]) === project.root;
  const projectFiles = whole ? madeList(discovered.files) : lazyList(() => discoverPythonFilesSync(project, [project.root], run.cwd, { known: walked }).files);
  const index = new ProjectIndex(() => projectFiles.get(), project.root);
  options.project = index;
  return { project, costs, options, cwd: run.cwd, files: discovered.files, projectFiles, problems: [...discovered.problems], index };
}

/** A list made on first use. */
interface LazyList {
  get(): string[];
}

function madeList(files: string[]): LazyList {
  return { get: () => files };
}

function lazyList(make: () => string[]): LazyList {
  let made: string[] | undefined;
  return { get: () => (made ??= make()) };
}

export function lintOptionsFor(project: Project, costs: CostTable = loadCostTable({ profilePath: project.settings.profile, projectRoot: project.root })): LintOptions {
  return {
    costs,
    thresholdMs: project.settings.thresholdMs,
    keepEager: project.settings.keepEager,
    rules: selectRules(project.settings.select, project.settings.ignore),
    strategy: strategyFrom(project.settings.strategy),
    targetVersion: project.settings.targetVersion,
  };
}

/** A file read and decoded, ready for the analysis. */
interface SourceFile {
  bytes: Buffer;
  mode: number;
  source: Omit<PythonSource, "text">;
  text: string;
  module: FileModule;
}

type Linter = typeof LintSource;
type LintModule = { lintSource: Linter; lintImportTime: typeof LintImportTime };
let linter: LintModule | undefined;

/** The analysis (tree-sitter, rules, strategies), loaded when a file first needs it. */
async function loadLinter(): Promise<LintModule> {
  linter ??= await import("./lintSource.js");
  return linter;
}

/**
 * Reads and decodes one file; a file that cannot be read is an outcome, not a crash. `withMode`:
 * also its permissions, which only a fix that writes it back needs (a stat a file: 1,800 on a lint of the stdlib).
 */
function readSourceFile(file: string, withMode = true): SourceFile | { problem: string } {
  let bytes: Buffer;
  let mode = 0;
  try {
    bytes = readFileSync(file);
    if (withMode) mode = statSync(file).mode;
  } catch (error) {
    return { problem: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  let decoded: PythonSource;
  try {
    decoded = decodePythonSource(bytes);
  } catch (error) {
    if (!(error instanceof SourceDecodeError)) throw error;
    return { problem: `cannot decode: ${error.message}; skipped` };
  }
  return { bytes, mode, source: { bom: decoded.bom, encoding: decoded.encoding }, text: decoded.text, module: fileModuleOf(file) };
}

/** Analyses a file read; `lint` may answer undefined for a file it finds nothing in without an analysis. */
function analyse(read: SourceFile, shown: string, options: LintOptions, lint: (filename: string, text: string, file: FileModule, options: LintOptions) => FileAnalysis | undefined): FileOutcome {
  const { bytes, mode, source } = read;
  try {
    const analysis = lint(shown, read.text, read.module, options);
    if (analysis === undefined) return { bytes, mode, source, diagnostics: [] };
    return { bytes, mode, source, analysis, diagnostics: analysis.diagnostics, skipped: analysis.skipped };
  } catch (error) {
    // Only code nested thousands of levels deep gets here; CPython cannot compile it either.
    if (!(error instanceof RangeError)) throw error;
    return { problem: "too deeply nested for pylazy to analyse; skipped" };
  }
}

/** Finds the project's files and lints each, keeping every analysis (for `fix` and `profile`). */
export async function runLint(run: RunOptions): Promise<RunResult> {
  const prepared = await prepareRun(run);
  const { project, costs, problems } = prepared;
  const files: ReadFile[] = [];
  const lint = (await loadLinter()).lintSource;
  for (const file of prepared.files) {
    const shown = displayPath(file, run.cwd);
    const read = readSourceFile(file);
    const outcome = "problem" in read ? read : analyse(read, shown, prepared.options, lint);
    if ("problem" in outcome) problems.push({ path: shown, message: outcome.problem });
    else files.push({ path: file, bytes: outcome.bytes, mode: outcome.mode, source: outcome.source, analysis: outcome.analysis! });
  }
  // Loaded only with a profile of the entry; it parses the rest of the project.
  const savings = costs.startup
    ? await (await import("../profile/startupSavings.js")).annotateStartupSavings(files, project, run.cwd, costs.startup, costs.closures)
    : undefined;
  return { project, costs, strategy: prepared.options.strategy, files, problems, savings };
}

/**
 * What `lint` runs: diagnostics only, so results may come from the cache (`.pylazy/cache`) and
 * files may be linted on several threads. Savings need every analysis: then it is `runLint`.
 */
export async function runCheck(run: RunOptions & { cache: boolean }): Promise<CheckResult> {
  let early: LintWorker[] | undefined;
  try {
    const prepared = await prepareRun(run, (project, costs) => {
      if (startsWorkersEarly(run, project, costs)) early = startLintWorkers(jobCount() - 1);
    });
    return await checkPrepared(run, prepared, early);
  } finally {
    // Those lintOnThreads did not take (too few files, a cached tree, an error).
    for (const { worker } of early ?? []) void worker.terminate();
  }
}

async function checkPrepared(run: RunOptions & { cache: boolean }, prepared: PreparedRun, early: LintWorker[] | undefined): Promise<CheckResult> {
  const { project, costs, problems } = prepared;
  if (needsEveryAnalysis(project, costs)) {
    const full = await runLint(run);
    return { project, diagnostics: full.files.flatMap((file) => file.analysis.diagnostics), problems: full.problems, savings: full.savings };
  }
  const cache = run.cache ? LintCache.open(project.root, cacheKey(project, costs)) : undefined;
  // The state of the whole project matters only to results with findings: stamped when one is met.
  let projectHash: string | undefined;
  const projectState = (): string => (projectHash ??= projectStateHash(prepared.projectFiles.get(), stamps));
  const contentHash = (file: string): string => hashOf(safeRead(file));
  const stamps = new Map(cache ? prepared.files.map((file) => [file, stampOf(file)]) : []);
  const pending: { index: number; path: string; shown: string }[] = [];
  const outcomes: LintOutcome[] = [];
  prepared.files.forEach((file, index) => {
    const shown = displayPath(file, run.cwd);
    const hit = cache?.get(path.relative(project.root, file), stamps.get(file), () => contentHash(file), projectState);
    if (hit) outcomes[index] = { diagnostics: hit.diagnostics.map((d) => ({ ...d, filename: shown })) };
    else pending.push({ index, path: file, shown });
  });
  const useWorkers = pending.length >= WORKER_THRESHOLD && jobCount() > 1;
  const linted = useWorkers ? await lintOnThreads(pending, prepared, early) : await lintInTurn(pending, prepared.options);
  linted.forEach((outcome, position) => {
    const file = pending[position];
    outcomes[file.index] = outcome;
    if (cache && !("problem" in outcome)) {
      // A file with findings may change with the rest of the project (a re-export elsewhere).
      const dependsOnProject = outcome.diagnostics.length > 0 ? projectState() : undefined;
      cache.set(path.relative(project.root, file.path), stamps.get(file.path), contentHash(file.path), outcome, dependsOnProject);
    }
  });
  cache?.save();
  const diagnostics: Diagnostic[] = [];
  outcomes.forEach((outcome, index) => {
    if ("problem" in outcome) problems.push({ path: displayPath(prepared.files[index], run.cwd), message: outcome.problem });
    else diagnostics.push(...outcome.diagnostics);
  });
  return { project, diagnostics, problems };
}

/**
 * Lints files one after the other, keeping only their diagnostics, and freeing their trees as it
 * goes; files that cannot hold a finding are not parsed (see PreScan).
 */
export async function lintInTurn(files: readonly { path: string; shown: string }[], options: LintOptions, onResult?: (index: number, outcome: LintOutcome) => void): Promise<LintOutcome[]> {
  const linter = new DiagnosticsLinter(options);
  const outcomes: LintOutcome[] = [];
  for (const [index, file] of files.entries()) {
    const outcome = await linter.lint(file);
    outcomes.push(outcome);
    onResult?.(index, outcome);
    // Lets node-tree-sitter free the trees collected (lintWorker.ts): 30,000 page faults instead
    // of 40,000 over the stdlib on one thread.
    await nextTurn();
  }
  return outcomes;
}

/** Lints one file after another for their diagnostics alone (what a worker thread runs). */
export class DiagnosticsLinter {
  private readonly preScan: PreScan;
  // Diagnostics only: a module's import-time skeleton often decides them (see lintImportTime and lintSource).
  private readonly options: LintOptions;
  private parsedSinceRelease = 0;

  constructor(options: LintOptions) {
    this.preScan = new PreScan(options.costs, options.thresholdMs);
    this.options = { ...options, skeleton: true };
  }

  async lint(file: { path: string; shown: string }): Promise<LintOutcome> {
    const read = readSourceFile(file.path, false);
    const parsedBefore = charactersParsed();
    let linted: FileOutcome;
    if ("problem" in read) linted = read;
    else {
      const lazy = mayHoldLazyConstruct(read.text);
      if (!this.preScan.mayHaveFindings(read.text, read.module, lazy)) linted = { bytes: read.bytes, mode: read.mode, source: read.source, diagnostics: [] };
      else {
        const { lintImportTime } = linter ?? (await loadLinter());
        linted = analyse(read, file.shown, this.options, (shown, text, module, options) => lintImportTime(shown, text, module, options, this.preScan, lazy));
      }
    }
    this.parsedSinceRelease += charactersParsed() - parsedBefore;
    if (this.parsedSinceRelease >= SOURCE_PER_RELEASE) {
      this.parsedSinceRelease = 0;
      await releaseNativeMemory();
    }
    return plainOutcome(linted);
  }
}

/**
 * Whether `lint` is runLint's, on one thread, keeping every analysis: with a profile of the
 * program's startup (the savings need them) or `--measure`.
 */
function needsEveryAnalysis(project: Project, costs: CostTable): boolean {
  return costs.startup !== undefined || project.settings.measure === true;
}

// Below this many files a thread pool costs more to start than it saves.
const WORKER_THRESHOLD = 64;

/**
 * Whether the lint workers start as soon as the search has found enough files for them, so that
 * loading their code (some 30 ms each, more while the main thread searches) overlaps the rest of
 * the search: when they are likely to be needed, not over a tree whose results are likely cached,
 * nor when the lint is runLint's on one thread (`--measure`, a profile of the program's startup).
 * Unused, they are stopped.
 */
function startsWorkersEarly(run: RunOptions & { cache: boolean }, project: Project, costs: CostTable): boolean {
  if (needsEveryAnalysis(project, costs)) return false;
  return jobCount() > 1 && (!run.cache || !existsSync(LintCache.fileOf(project.root)));
}

/** A lint worker thread, and how it ended: at once, so that an early one's failure is not missed. */
interface LintWorker {
  worker: WorkerThreads.Worker;
  ended: Promise<void>;
}

function startLintWorkers(count: number): LintWorker[] {
  return Array.from({ length: count }, () => {
    const { Worker } = nodeBuiltin<typeof WorkerThreads>("node:worker_threads");
    const worker = new Worker(new URL("./lintWorker.js", import.meta.url));
    const ended = new Promise<void>((resolve, reject) => {
      worker.on("error", reject);
      worker.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`a lint worker stopped with exit code ${code}`))));
    });
    // lintOnThreads awaits it; a worker left unused is stopped, which is no failure.
    ended.catch(() => undefined);
    return { worker, ended };
  });
}

function jobCount(): number {
  const requested = Number(process.env.PYLAZY_JOBS);
  if (Number.isInteger(requested) && requested > 0) return requested;
  return Math.min(os.availableParallelism(), 8);
}

/**
 * Lints the files on this thread and on worker threads beside it, one thread a core. Each thread
 * claims the next file through a counter they share, largest files first: how long a file takes
 * depends on what it holds (most are never parsed), so fixed shares would leave a thread idle
 * while another works, and a claim needs no message, so no thread waits for another to hand it
 * work. This thread also builds the project index, a slice between two of its files, once a fix
 * depends on it. (Two workers beside an idle main thread cost more CPU on two cores: each
 * thread that lints loads and warms up the analysis, docs/speed.md.)
 */
async function lintOnThreads(files: { path: string; shown: string }[], prepared: PreparedRun, early: LintWorker[] = []): Promise<LintOutcome[]> {
  const sizes = files.map((file) => {
    try {
      return statSync(file.path).size;
    } catch {
      return 0;
    }
  });
  const order = files.map((_, index) => index).sort((a, b) => sizes[b] - sizes[a]);
  const ordered = order.map((index) => files[index]);
  const claims = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const outcomes: LintOutcome[] = new Array(files.length);
  const { index } = prepared;
  const received = (linted: readonly LintOutcome[]): void => {
    // Settled now, while the threads lint on, when the index is ready; else at the end.
    if (index.built) settleWithIndex(linted, index);
    // The first fix that depends on a reach: build the index meanwhile, a slice at a time.
    else if (linted.some((outcome) => "diagnostics" in outcome && outcome.diagnostics.some((diagnostic) => diagnostic.ifReached))) void index.prepare();
  };
  const workers = Array.from(
    { length: Math.min(jobCount(), files.length) - 1 },
    () =>
      new Promise<void>((resolve, reject) => {
        const { worker, ended } = early.pop() ?? startLintWorkers(1)[0];
        ended.then(resolve, reject);
        worker.postMessage({ project: prepared.project } satisfies LintWorkerInput);
        let writesCodeCache = false;
        worker.on("message", (message: LintWorkerOutput) => {
          if ("ready" in message) {
            writesCodeCache = message.writesCodeCache;
            worker.postMessage({ files: ordered, claims: claims.buffer as SharedArrayBuffer } satisfies LintWorkerRequest);
            return;
          }
          received(message.outcomes.map(([position, outcome]) => (outcomes[order[position]] = outcome)));
          if (!message.finished) return;
          worker.postMessage({ done: true } satisfies LintWorkerRequest);
          // Its outcomes are all in: the rest of the run need not wait while its thread ends
          // (unless it writes its code cache, which the end of the process would cut short).
          if (!writesCodeCache) {
            worker.unref();
            resolve();
          }
        });
      }),
  );
  // A failure on any thread leaves nothing to claim: the others stop after the file they are on.
  const stopClaims = (): void => void Atomics.store(claims, 0, ordered.length);
  // Awaited once this thread is done, but failed now: a worker that fails meanwhile is no unhandled rejection.
  const workersDone = Promise.all(workers);
  workersDone.catch(stopClaims);
  // Fixes that a reach would decide are planned both ways here too, for the index to choose.
  const linter = new DiagnosticsLinter({ ...prepared.options, project: "later" });
  try {
    for (let position = Atomics.add(claims, 0, 1); position < ordered.length; position = Atomics.add(claims, 0, 1)) {
      const outcome = await linter.lint(ordered[position]);
      outcomes[order[position]] = outcome;
      received([outcome]);
      // The workers' messages, a slice of the index when it is being built, and the native memory
      // of the trees collected freed (lintWorker.ts).
      await nextTurn();
    }
  } catch (error) {
    stopClaims();
    throw error;
  }
  await workersDone;
  await settleReaches(outcomes, index);
  return outcomes;
}

/**
 * Workers plan a fix both ways where a reach of the name by another module would decide it
 * (Diagnostic.ifReached); the index, asked here, picks one.
 */
async function settleReaches(outcomes: readonly LintOutcome[], index: ProjectIndex): Promise<void> {
  const asks = (outcome: LintOutcome): boolean => "diagnostics" in outcome && outcome.diagnostics.some((diagnostic) => diagnostic.ifReached);
  if (!outcomes.some(asks)) return;
  await index.prepare();
  settleWithIndex(outcomes, index);
}

/** settleReaches once the index is built (the outcomes that come in after it are settled as they come). */
function settleWithIndex(outcomes: readonly LintOutcome[], index: ProjectIndex): void {
  for (const outcome of outcomes) {
    if ("problem" in outcome) continue;
    for (const diagnostic of outcome.diagnostics) {
      const { ifReached } = diagnostic;
      if (!ifReached) continue;
      delete diagnostic.ifReached;
      const external = index.externalReference(ifReached.module, ifReached.name, ifReached.fromFile);
      if (!external) continue;
      const told = (text: string): string => text.replaceAll(REACH_TO_COME, reachTold(external));
      diagnostic.fix = ifReached.fix && { ...ifReached.fix, message: told(ifReached.fix.message) };
      if (ifReached.fixRefusal === undefined) delete diagnostic.fixRefusal;
      else diagnostic.fixRefusal = told(ifReached.fixRefusal);
    }
  }
}

/** Everything a cached result depends on besides the file itself. */
function cacheKey(project: Project, costs: CostTable): string {
  const version = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  const profile = project.settings.profile ? safeRead(project.settings.profile) : safeRead(path.join(project.root, ".pylazy", "profile.json"));
  return hashOf(version, JSON.stringify(project.settings), costs.description, profile);
}

/**
 * The state of the project's files, by stamp (size and modification time): results with findings
 * hold while no file of the project was added, removed or changed.
 */
function projectStateHash(files: readonly string[], known: ReadonlyMap<string, FileStamp | undefined>): string {
  return hashOf(...files.map((file) => {
    const stamp = known.has(file) ? known.get(file) : stampOf(file);
    return stamp ? `${file}\u0000${stamp.size}\u0000${stamp.mtimeMs}` : `${file}\u0000missing`;
  }));
}

function stampOf(file: string): FileStamp | undefined {
  try {
    const { size, mtimeMs } = statSync(file);
    return { size, mtimeMs };
  } catch {
    return undefined;
  }
}

function safeRead(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

export function fileModuleOf(file: string): FileModule {
  return { ...moduleNameForFile(file), path: file };
}

export function strategyFrom(name: string | undefined): StrategyName {
  if (name === undefined) return "function";
  if ((STRATEGY_NAMES as readonly string[]).includes(name)) return name as StrategyName;
  throw new UsageError(`unknown strategy \`${name}\` (expected one of: ${STRATEGY_NAMES.join(", ")})`);
}

export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
