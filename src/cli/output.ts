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
