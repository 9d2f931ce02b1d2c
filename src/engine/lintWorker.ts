import { parentPort } from "node:worker_threads";
import type { Project } from "../project/types.js";
import { DiagnosticsLinter, lintOptionsFor } from "./run.js";
import type { LintOutcome } from "./run.js";

/**
 * What the main thread tells a lint worker first: the project (a worker may start before the
 * project's files are found, see run.ts); then the files come in batches as it asks.
 */
export interface LintWorkerInput {
  project: Project;
}

/** The next batch of files, or the end. */
export type LintWorkerRequest = { files: { path: string; shown: string }[] } | { done: true };

/**
 * Ready for a batch (and whether the worker writes its code cache when it is done, for the main
 * thread to wait for it then), or the outcomes of the last one (in its order), which also asks for
 * the next.
 */
export type LintWorkerOutput = { ready: true; writesCodeCache: boolean } | { outcomes: LintOutcome[] };

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

// Each worker loads its own parser and cost table and answers for the batches it is given. The
// project index is the main thread's, which it builds while the workers lint: a fix that a reach
// of the name by another module would decide is planned both ways, for it to choose (Diagnostic.ifReached).
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
  void (async () => {
    const outcomes: LintOutcome[] = [];
    for (const file of request.files) outcomes.push(await linter!.lint(file));
    parentPort!.postMessage({ outcomes } satisfies LintWorkerOutput);
  })();
});
