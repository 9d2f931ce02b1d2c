import type { PathProblem } from "../project/files.js";

/** Color only on a terminal, and never when NO_COLOR is set (no-color.org). */
export function shouldColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR) return true;
  return stream.isTTY === true;
}

export function reportProblems(problems: readonly PathProblem[]): void {
  for (const problem of problems) process.stderr.write(`pylazy: error: ${problem.path}: ${problem.message}\n`);
}

/**
 * Writes to stdout, resolved once node has handed all of it to the system. To a pipe node writes
 * what the pipe takes (64 KB) and queues the rest: a message written to stderr meanwhile landed in
 * the middle of a line of the report for a reader of both (`pylazy lint src 2>&1 | less`).
 */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}

/**
 * A reader of stdout that went away (`pylazy lint src | head`) ends the report, not the run: the
 * rest is not written and the exit code is the command's own, as if it had all been read (node
 * would otherwise throw the pipe's error, with a stack trace). Other errors are still thrown.
 */
export function quietOnClosedStdout(): void {
  if (process.stdout.listenerCount("error") > 0) return;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    throw error;
  });
}
