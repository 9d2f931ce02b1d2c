import path from "node:path";
import { ProfileError } from "./errors.js";
import { ImportGraphRecorder } from "./importGraph.js";
import { parseImportTimeLog } from "./importtime.js";
import { describeExit, lastLine, runProcess } from "./python.js";
import type { Interpreter, ProcessResult } from "./python.js";
import type { ImportTimeNode } from "./types.js";

/** What to profile: the import of some modules (`-m`), or a whole command line (`-- COMMAND`). */
export type ProfileTarget = { modules: string[] } | { command: string[] };

export interface ProfileRunOptions {
  interpreter: Interpreter;
  target: ProfileTarget;
  /** Measured runs, after one warm-up run. */
  repeat: number;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/** Everything the runs measured; medians are taken by whoever reads it. */
export interface StartupRuns {
  /** The command line that was measured. */
  argv: string[];
  /** Each measured run's import trees, in run order. */
  trees: ImportTimeNode[][];
  wallMs: number[];
  /** Source files the warm-up compiled because they had no up-to-date `.pyc`. */
  compiledFiles: string[];
  /** What each module's body imported during the warm-up, already loaded modules included. */
  imports: Map<string, string[]>;
  /** Wall time of `python -S -c pass`, the interpreter starting with nothing to import. */
  bareStartMs: number[];
  /** Modules the interpreter imports before `site` and the program: its own start. */
  coreModules: Set<string>;
}

const MODULE_NAME = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

/** A program still running after this long is a server or waits for something: not a startup to profile. */
const RUN_TIMEOUT_MS = 120_000;

/** A dotted name that can follow `import` as it is: nothing else goes into the programs pylazy runs. */
export function isModuleName(name: string): boolean {
  return MODULE_NAME.test(name);
}

/** `-v` prints this for a module compiled from source; a `.pyc` it read is quoted. */
const COMPILED_FROM_SOURCE = /^# code object from (?!')(.+)$/;

/**
 * Runs the target once to warm the file cache, with `-v` to see what gets compiled and a
 * `sitecustomize` recording the import graph; then `repeat` times with `-X importtime`, each after
 * a run of the bare interpreter for comparison. A run that fails ends the profile with a
 * ProfileError saying how.
 */
export async function profileStartup(options: ProfileRunOptions): Promise<StartupRuns> {
  const argv = commandLine(options);
  const env = { ...(options.env ?? process.env), PYTHONPROFILEIMPORTTIME: "1" };
  const run = (environment: NodeJS.ProcessEnv): Promise<ProcessResult> => runProcess(argv, { cwd: options.cwd, env: environment, timeoutMs: RUN_TIMEOUT_MS });
  const bare = [options.interpreter.executable, "-S", "-X", "importtime", "-c", "pass"];

  const recorder = new ImportGraphRecorder();
  let warmUp: ProcessResult;
  let imports: Map<string, string[]>;
  try {
    warmUp = await run({ ...recorder.environment(env), PYTHONVERBOSE: "1" });
    // -v buries the error under its own lines: run again without it to say what went wrong.
    if (warmUp.status !== 0 && !warmUp.timedOut) checkRun(await run(env), options.target, argv);
    checkRun(warmUp, options.target, argv);
    imports = recorder.read();
  } finally {
    recorder.dispose();
  }
  const runs: StartupRuns = {
    argv,
    trees: [],
    wallMs: [],
    // The recorder's own sitecustomize is no part of the program.
    compiledFiles: compiledFiles(warmUp.stderr, options.cwd).filter((file) => !file.startsWith(recorder.folder)),
    imports,
    bareStartMs: [],
    coreModules: new Set(),
  };
  for (let index = 0; index < options.repeat; index++) {
    const bareRun = await runProcess(bare, { cwd: options.cwd, env: options.env });
    runs.bareStartMs.push(bareRun.wallMs);
    for (const root of parseImportTimeLog(bareRun.stderr)) runs.coreModules.add(root.module);
    const measured = checkRun(await run(env), options.target, argv);
    runs.trees.push(importTrees(measured.stderr, options.target, argv));
    runs.wallMs.push(measured.wallMs);
  }
  return runs;
}

function commandLine({ interpreter, target }: ProfileRunOptions): string[] {
  if ("command" in target) return target.command;
  for (const module of target.modules) {
    if (!isModuleName(module)) throw new ProfileError(`\`${module}\` is not a module name (expected dotted.name)`);
  }
  return [interpreter.executable, "-c", target.modules.map((module) => `import ${module}`).join("; ")];
}

function checkRun(result: ProcessResult, target: ProfileTarget, argv: readonly string[]): ProcessResult {
  if (result.status === 0) return result;
  if (result.timedOut) {
    throw new ProfileError(`\`${shellQuote(argv)}\` was still running after ${RUN_TIMEOUT_MS / 1000} s: profile a command that exits (\`--help\`, say) or a module (-m)`);
  }
  const why = lastLine(result.stderr);
  if ("modules" in target) {
    throw new ProfileError(`importing ${target.modules.map((module) => `\`${module}\``).join(", ")} failed: ${why ?? describeExit(result)}`);
  }
  throw new ProfileError(`\`${shellQuote(argv)}\` failed (${describeExit(result)})${why ? `: ${why}` : ""}`);
}

function importTrees(stderr: string, target: ProfileTarget, argv: readonly string[]): ImportTimeNode[] {
  try {
    return parseImportTimeLog(stderr);
  } catch (error) {
    if (!(error instanceof ProfileError) || !("command" in target)) throw error;
    throw new ProfileError(
      `\`${shellQuote(argv)}\` printed no "import time:" lines: is it a Python program? (pylazy sets PYTHONPROFILEIMPORTTIME=1, which python -E and -I ignore)`,
    );
  }
}

function compiledFiles(verboseStderr: string, cwd: string): string[] {
  const files = new Set<string>();
  for (const line of verboseStderr.split(/\r?\n/)) {
    const match = COMPILED_FROM_SOURCE.exec(line);
    if (match) files.add(path.resolve(cwd, match[1]));
  }
  return [...files];
}

/** A command line as a person would type it again. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`)).join(" ");
}
