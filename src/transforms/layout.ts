import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { Edit } from "./edits.js";

/** Text from the start of the line up to `offset`, when it is only whitespace (the statement's indentation). */
export function indentationAt(lines: LineIndex, offset: number): string | undefined {
  const start = lines.lineStart(lines.lineOf(offset));
  const prefix = lines.text.slice(start, offset);
  return /^[ \t\f]*$/.test(prefix) ? prefix : undefined;
}

/** One level of the file's indentation (a tab, or its number of spaces), read from its first indented block. */
export function indentUnit(root: SyntaxNode, lines: LineIndex): string {
  for (const statement of root.namedChildren) {
    const first = statement.childForFieldName("body")?.namedChildren.find((node) => node.type !== "comment");
    const indentation = first && first.startPosition.row !== statement.startPosition.row ? indentationAt(lines, first.startIndex) : undefined;
    if (indentation) return indentation;
  }
  return "    ";
}

/** Python code written with four spaces a level, re-indented with `unit` and `eol`. */
export function reindent(code: string, unit: string, eol: string): string {
  const indented = unit === "    " ? code : code.replace(/^(?: {4})+/gm, (levels) => unit.repeat(levels.length / 4));
  return indented.replace(/\n/g, eol);
}

/** Offset where the line holding `offset` ends (before its line ending). */
export function endOfLine(source: string, offset: number): number {
  const match = /\r\n|\n|\r/.exec(source.slice(offset));
  return match ? offset + match.index : source.length;
}

/** Offset just after the line ending at `lineEnd`. */
export function afterLineEnding(source: string, lineEnd: number): number {
  if (source.startsWith("\r\n", lineEnd)) return lineEnd + 2;
  if (source[lineEnd] === "\n" || source[lineEnd] === "\r") return lineEnd + 1;
  return lineEnd;
}

/** Lines of the file, without the empty "line" after a final line ending. */
function lineCount(lines: LineIndex): number {
  const last = lines.lineCount - 1;
  return lines.lineStart(last) === lines.text.length ? last : lines.lineCount;
}

/** Only spaces, tabs and form feeds before the line ending (read in place: this runs for many lines). */
function isBlank(lines: LineIndex, line: number): boolean {
  const { text } = lines;
  const end = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : text.length;
  for (let offset = lines.lineStart(line); offset < end; offset++) {
    const code = text.charCodeAt(offset);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0c && code !== 0x0a && code !== 0x0d) return false;
  }
  return true;
}

/** The lines that edits remove whole (from a line start to the start of a later line, or the end of the file). */
export function removedLines(edits: readonly Edit[], lines: LineIndex): Set<number> {
  const removed = new Set<number>();
  for (const edit of edits) {
    if (edit.content !== "" || edit.end <= edit.start) continue;
    const first = lines.lineOf(edit.start);
    if (lines.lineStart(first) !== edit.start) continue;
    const endLine = lines.lineOf(edit.end);
    const last = edit.end === lines.text.length ? lineCount(lines) - 1 : lines.lineStart(endLine) === edit.end ? endLine - 1 : -1;
    for (let line = first; line <= last; line++) removed.add(line);
  }
  return removed;
}

/**
 * Removals of the blank lines that only separated removed imports from the code around them.
 * Where removed lines leave several runs of blank lines next to each other, the longest run stays
 * (the last of equal ones): the code after it keeps the spacing it had. At the start or end of the
 * file, none stays. `barriers` are lines before which code is inserted: runs never cross them.
 */
export function blankLineRemovals(lines: LineIndex, removed: ReadonlySet<number>, barriers: ReadonlySet<number> = new Set()): Edit[] {
  const count = lineCount(lines);
  const inRun = (line: number): boolean => removed.has(line) || isBlank(lines, line);
  const edits: Edit[] = [];
  // A run is a maximal stretch of blank and removed lines, split before each barrier; only runs
  // with a removed line can change, so each is found from its removed lines.
  let covered = 0;
  for (const line of [...removed].sort((a, b) => a - b)) {
    if (line < covered || line >= count) continue;
    let first = line;
    while (first > 0 && !barriers.has(first) && inRun(first - 1)) first--;
    let end = line + 1;
    while (end < count && !barriers.has(end) && inRun(end)) end++;
    covered = end;
    edits.push(...runRemovals(lines, removed, first, end, { codeBefore: first > 0 || barriers.has(first), codeAfter: end < count || barriers.has(end) }));
  }
  return edits;
}

/** The removals for one run `[first, end)` of blank and removed lines. */
function runRemovals(lines: LineIndex, removed: ReadonlySet<number>, first: number, end: number, around: { codeBefore: boolean; codeAfter: boolean }): Edit[] {
  const groups: number[][] = [[]];
  for (let line = first; line < end; line++) {
    if (removed.has(line)) groups.push([]);
    else groups[groups.length - 1].push(line);
  }
  if (groups.length === 1) return [];
  let kept: number[] = [];
  if (around.codeBefore && around.codeAfter) for (const group of groups) if (group.length >= kept.length) kept = group;
  return groups.filter((group) => group !== kept && group.length > 0).map((group) => lineRangeRemoval(lines, group[0], group[group.length - 1]));
}

function lineRangeRemoval(lines: LineIndex, first: number, last: number): Edit {
  const end = last + 1 < lines.lineCount ? lines.lineStart(last + 1) : lines.text.length;
  return { start: lines.lineStart(first), end, content: "" };
}

/** Blank lines right above `line` once the removed lines are gone; `atStart` when only blank lines precede. */
export function blankLinesAbove(lines: LineIndex, removed: ReadonlySet<number>, line: number): { blanks: number; atStart: boolean } {
  let blanks = 0;
  for (let above = line - 1; above >= 0; above--) {
    if (removed.has(above)) continue;
    if (!isBlank(lines, above)) return { blanks, atStart: false };
    blanks++;
  }
  return { blanks, atStart: true };
}

/** Blank lines right below `line` (inclusive) once the removed lines are gone; `atEnd` when only blank lines follow. */
export function blankLinesFrom(lines: LineIndex, removed: ReadonlySet<number>, line: number): { blanks: number; atEnd: boolean } {
  let blanks = 0;
  for (let below = line; below < lineCount(lines); below++) {
    if (removed.has(below)) continue;
    if (!isBlank(lines, below)) return { blanks, atEnd: false };
    blanks++;
  }
  return { blanks, atEnd: true };
}
