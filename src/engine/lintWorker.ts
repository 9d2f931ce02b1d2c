import { parentPort, workerData } from "node:worker_threads";
import type { Project } from "../project/types.js";
import { DiagnosticsLinter, lintOptionsFor } from "./run.js";
import type { LintOutcome } from "./run.js";

/** What the main thread gives a lint worker: the project; the files come in batches as it asks. */
export interface LintWorkerInput {
  project: Project;
}

/** The next batch of files, or the end. */
export type LintWorkerRequest = { files: { path: string; shown: string }[] } | { done: true };

/** Ready for a batch, or the outcomes of the last one (in its order), which also asks for the next. */
export type LintWorkerOutput = { ready: true } | { outcomes: LintOutcome[] };

// Each worker loads its own parser and cost table and answers for the batches it is given. The
// project index is the main thread's, which it builds while the workers lint: a fix that a reach
// of the name by another module would decide is planned both ways, for it to choose (Diagnostic.ifReached).
const input = workerData as LintWorkerInput;
const options = lintOptionsFor(input.project);
options.project = "later";
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
