import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";

// `# noqa`, `# noqa: LZ001`, `# noqa:LZ001,LZ002` — ruff's forms, case-insensitive `noqa`.
const NOQA = /#\s*noqa(?::\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+|\s+[A-Z]+[0-9]+)*))?/i;
const SKIP_FILE = /^[ \t]*#[ \t]*pylazy:[ \t]*skip-file\b/m;

export function skipsFile(source: string): boolean {
  return source.includes("pylazy") && SKIP_FILE.test(source);
}

/** The codes a line's noqa comment names: "all" for a bare `# noqa`, undefined for none. */
export function noqaCodes(line: string): Set<string> | "all" | undefined {
  const match = NOQA.exec(line);
  if (!match) return undefined;
  if (!match[1]) return "all";
  return new Set(match[1].split(/[\s,]+/).map((code) => code.toUpperCase()));
}

/**
 * A finding is suppressed by a noqa comment on its first line, or on any line of the import
 * statement it is about (a parenthesized import spans several).
 */
export function isSuppressed(lines: LineIndex, range: { start: number; end: number }, code: string, statement?: SyntaxNode): boolean {
  const first = lines.lineOf(statement ? Math.min(statement.startIndex, range.start) : range.start);
  const last = lines.lineOf(statement ? Math.max(statement.endIndex, range.end) : range.start);
  for (let line = first; line <= last; line++) {
    const codes = noqaCodes(lines.lineText(line));
    if (codes === "all" || codes?.has(code)) return true;
  }
  return false;
}
