import { parentPort } from "node:worker_threads";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Project } from "../project/types.js";
import { DiagnosticsLinter, lintOptionsFor } from "./run.js";
import type { LintOutcome } from "./run.js";

/**
 * What the main thread tells a lint worker first: the project (a worker may start before the
 * project's files are found, see run.ts).
 */
export interface LintWorkerInput {
  project: Project;
}

/**
 * Then every file to lint, in the order to take them, and the shared counter through which the
 * threads claim them (see run.ts, lintOnThreads); at last, the end.
 */
export type LintWorkerRequest = { files: { path: string; shown: string }[]; claims: SharedArrayBuffer } | { done: true };

/**
 * Ready for the files (and whether the worker writes its code cache when it is done, for the main
 * thread to wait for it then), or the outcomes of the files it claimed since its last message,
 * each with the file's position in the list; `finished` with the last of them.
 */
export type LintWorkerOutput = { ready: true; writesCodeCache: boolean } | { outcomes: [number, LintOutcome][]; finished: boolean };

/** What the bundled worker was compiled with (bin/codeCache.js's runCached). */
export interface WorkerCodeCache {
  /** Whether save writes it (there was none, or V8 rejected it). */
  writes: boolean;
  save(): void;
}

// Absent when this module runs as it is (tests): only the bundle has a code cache.
let codeCache: WorkerCodeCache | undefined;

/** The bundled worker's entry (scripts/bundle.mjs) hands over its code cache, to be written when the worker is done. */
export function useCodeCache(cache: WorkerCodeCache): void {
  codeCache = cache;
}

/** A worker sends its outcomes after this many files (and at the end): the main thread settles them as they come. */
const OUTCOMES_PER_MESSAGE = 16;

// Each worker loads its own parser and cost table and lints the files it claims. The project
// index is the main thread's: a fix that a reach of the name by another module would decide is
// planned both ways, for it to choose (Diagnostic.ifReached).
let linter: DiagnosticsLinter | undefined;
// Trees stay here: only plain results cross the thread boundary.
parentPort!.on("message", (request: LintWorkerInput | LintWorkerRequest) => {
  if ("project" in request) {
    const options = lintOptionsFor(request.project);
    options.project = "later";
    linter = new DiagnosticsLinter(options);
    parentPort!.postMessage({ ready: true, writesCodeCache: codeCache?.writes ?? false } satisfies LintWorkerOutput);
    return;
  }
  if ("done" in request) {
    // With every function the lint compiled in it.
    codeCache?.save();
    parentPort!.close();
    return;
  }
  const { files } = request;
  const claims = new Int32Array(request.claims);
  void (async () => {
    let outcomes: [number, LintOutcome][] = [];
    for (let position = Atomics.add(claims, 0, 1); position < files.length; position = Atomics.add(claims, 0, 1)) {
      outcomes.push([position, await linter!.lint(files[position])]);
      if (outcomes.length >= OUTCOMES_PER_MESSAGE) {
        parentPort!.postMessage({ outcomes, finished: false } satisfies LintWorkerOutput);
        outcomes = [];
      }
      // A turn of the event loop: node-tree-sitter frees the native memory of the trees V8 has
      // collected only then (see release.ts). Without it, a worker's trees piled up until the next
      // forced release, and the process took some 11,000 more page faults (docs/speed.md).
      await nextTurn();
    }
    parentPort!.postMessage({ outcomes, finished: true } satisfies LintWorkerOutput);
  })();
});
