import { parentPort, workerData } from "node:worker_threads";
import { ProjectIndex } from "../analysis/projectIndex.js";
import { discoverPythonFilesSync } from "../project/files.js";
import type { Project } from "../project/types.js";
import { lintInTurn, lintOptionsFor } from "./run.js";
import type { LintOutcome } from "./run.js";

/** What the main thread gives a lint worker: the project, and the files that are its share. */
export interface LintWorkerInput {
  project: Project;
  /** The project's files when the main thread has listed them; else the worker lists them if it needs them. */
  projectFiles?: string[];
  cwd: string;
  files: { path: string; shown: string }[];
}

export type LintWorkerOutput = { index: number; outcome: LintOutcome } | { done: true };

// Each worker loads its own parser and cost table and answers for its share of the files.
const input = workerData as LintWorkerInput;
const options = lintOptionsFor(input.project);
options.project = new ProjectIndex(() => input.projectFiles ?? discoverPythonFilesSync(input.project, [input.project.root], input.cwd).files, input.project.root);
// Trees stay here: only plain results cross the thread boundary, as each file is done.
await lintInTurn(input.files, options, (index, outcome) => parentPort!.postMessage({ index, outcome } satisfies LintWorkerOutput));
parentPort!.postMessage({ done: true } satisfies LintWorkerOutput);
