import { parentPort, workerData } from "node:worker_threads";
import type { Project } from "../project/types.js";
import { DiagnosticsLinter, lintOptionsFor } from "./run.js";
import type { LintOutcome } from "./run.js";
import { SharedIndexClient } from "./sharedIndex.js";

/** What the main thread gives a lint worker: the project; the files come in batches as it asks. */
export interface LintWorkerInput {
  project: Project;
  /** Where to ask the main thread's project index (see sharedIndex.ts), when there is one. */
  indexChannel?: SharedArrayBuffer;
}

/** The next batch of files, or the end. */
export type LintWorkerRequest = { files: { path: string; shown: string }[] } | { done: true };

/**
 * Ready for a batch, or the outcomes of the last one (in its order), which also asks for the
 * next. Questions to the project index go through its channel (sharedIndex.ts).
 */
export type LintWorkerOutput = { ready: true } | { outcomes: LintOutcome[] };

// Each worker loads its own parser and cost table and answers for the batches it is given; the
// project index is the main thread's.
const input = workerData as LintWorkerInput;
const options = lintOptionsFor(input.project);
if (input.indexChannel) options.project = new SharedIndexClient(input.indexChannel);
const linter = new DiagnosticsLinter(options);
// Trees stay here: only plain results cross the thread boundary.
parentPort!.on("message", (request: LintWorkerRequest) => {
  if ("done" in request) {
    parentPort!.close();
    return;
  }
  void (async () => {
    const outcomes: LintOutcome[] = [];
    for (const file of request.files) outcomes.push(await linter.lint(file));
    parentPort!.postMessage({ outcomes } satisfies LintWorkerOutput);
  })();
});
parentPort!.postMessage({ ready: true } satisfies LintWorkerOutput);
