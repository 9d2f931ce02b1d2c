import MagicString from "magic-string";
import type { ImportedName, SemanticModel } from "../analysis/model.js";
import { isDocstring } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";

/** Replace `[start, end)` of the original text with `content` (an insertion when start === end). */
export interface Edit {
  start: number;
  end: number;
  content: string;
}

/** What a strategy does to one imported name in its statement: drop it, or put code in its place. */
export interface ImportRewrite {
  imported: ImportedName;
  /** Statement text that takes the name's place (`np = _pylazy_import("numpy")`), or "" to drop it. */
  replacement: string;
}

/** The line ending the file mostly uses, so inserted lines match it. */
export function lineEnding(source: string): string {
  const crlf = source.split("\r\n").length - 1;
  const lf = source.split("\n").length - 1 - crlf;
  return crlf > lf ? "\r\n" : "\n";
}

/** The import statement that binds exactly this name, as a line of code: `import numpy as np`. */
export function importStatementFor(imported: ImportedName): string {
  const as = imported.asName ? ` as ${imported.asName}` : "";
  if (imported.kind === "import") return `import ${imported.module}${as}`;
  return `from ${".".repeat(imported.level)}${imported.module} import ${imported.importedName}${as}`;
}

/** Text from the start of the line up to `offset`, when it is only whitespace (the statement's indentation). */
export function indentationAt(lines: LineIndex, offset: number): string | undefined {
  const start = lines.lineStart(lines.lineOf(offset));
  const prefix = lines.text.slice(start, offset);
  return /^[ \t\f]*$/.test(prefix) ? prefix : undefined;
}

/**
 * Rewrites every statement touched by `rewrites` once: the names that stay are kept in a smaller
 * import, the names that go are dropped or replaced, and a statement left empty is removed with
 * its line. Text outside those statements is not touched.
 */
export function statementEdits(rewrites: readonly ImportRewrite[], lines: LineIndex): Edit[] {
  const byStatement = new Map<number, { statement: SyntaxNode; rewrites: ImportRewrite[] }>();
  for (const rewrite of rewrites) {
    const key = rewrite.imported.statement.startIndex;
    const entry = byStatement.get(key);
    if (entry) {
      if (!entry.rewrites.some((r) => r.imported.alias.startIndex === rewrite.imported.alias.startIndex)) entry.rewrites.push(rewrite);
    } else byStatement.set(key, { statement: rewrite.imported.statement, rewrites: [rewrite] });
  }
  const edits: Edit[] = [];
  for (const { statement, rewrites: group } of byStatement.values()) edits.push(rewriteStatement(statement, group, lines));
  return edits;
}

function rewriteStatement(statement: SyntaxNode, rewrites: ImportRewrite[], lines: LineIndex): Edit {
  const source = lines.text;
  const removed = new Set(rewrites.map((r) => r.imported.alias.startIndex));
  const kept = statement.childrenForFieldName("name").filter((alias) => !removed.has(alias.startIndex));
  const parts: string[] = [];
  if (kept.length > 0) parts.push(keptImport(statement, kept));
  const ordered = [...rewrites].sort((a, b) => a.imported.alias.startIndex - b.imported.alias.startIndex);
  for (const rewrite of ordered) if (rewrite.replacement) parts.push(rewrite.replacement);

  const indentation = indentationAt(lines, statement.startIndex);
  const lineEnd = endOfLine(source, statement.endIndex);
  const aloneOnLine = indentation !== undefined && /^[ \t\f]*(#.*)?$/.test(source.slice(statement.endIndex, lineEnd));
  if (aloneOnLine) {
    if (parts.length === 0) {
      // Drop the whole line, its comment and line ending included.
      const lineStart = statement.startIndex - indentation.length;
      return { start: lineStart, end: afterLineEnding(source, lineEnd), content: "" };
    }
    return { start: statement.startIndex, end: statement.endIndex, content: parts.join(lineEnding(source) + indentation) };
  }
  // `import a; x = 1`: keep the other statements on the line.
  if (parts.length === 0) {
    const after = /^[ \t]*;[ \t]*/.exec(source.slice(statement.endIndex));
    if (after) return { start: statement.startIndex, end: statement.endIndex + after[0].length, content: "" };
    const before = /[ \t]*;[ \t]*$/.exec(source.slice(0, statement.startIndex));
    return { start: before ? statement.startIndex - before[0].length : statement.startIndex, end: statement.endIndex, content: "" };
  }
  return { start: statement.startIndex, end: statement.endIndex, content: parts.join("; ") };
}

function keptImport(statement: SyntaxNode, kept: SyntaxNode[]): string {
  const names = kept.map((alias) => alias.text.replace(/\s+/g, " ")).join(", ");
  if (statement.type === "import_statement") return `import ${names}`;
  const module = statement.childForFieldName("module_name")!.text;
  return `from ${module} import ${names}`;
}

function endOfLine(source: string, offset: number): number {
  const match = /\r\n|\n|\r/.exec(source.slice(offset));
  return match ? offset + match.index : source.length;
}

function afterLineEnding(source: string, lineEnd: number): number {
  if (source.startsWith("\r\n", lineEnd)) return lineEnd + 2;
  if (source[lineEnd] === "\n" || source[lineEnd] === "\r") return lineEnd + 1;
  return lineEnd;
}

/**
 * Where code that must run before everything else goes: after the module docstring and the
 * `from __future__` imports (which must stay first), or before the first statement.
 */
export function preambleInsertion(model: SemanticModel, lines: LineIndex, block: string): Edit {
  const source = lines.text;
  const eol = lineEnding(source);
  const statements = model.tree.rootNode.namedChildren.filter((node) => node.type !== "comment");
  let last: SyntaxNode | undefined;
  for (const [index, statement] of statements.entries()) {
    if ((index === 0 && isDocstring(statement)) || statement.type === "future_import_statement") last = statement;
    else break;
  }
  if (last) {
    const lineEnd = endOfLine(source, last.endIndex);
    return { start: lineEnd, end: lineEnd, content: `${eol}${eol}${block}${eol}${lineEnd === source.length ? eol : ""}` };
  }
  const first = statements[0];
  const at = first ? lines.lineStart(lines.lineOf(first.startIndex)) : source.length;
  return { start: at, end: at, content: `${block}${eol}${eol}` };
}

/** Where an import goes inside a function: first in its body, after the docstring. */
export function functionBodyInsertion(fn: SyntaxNode, lines: LineIndex, importLine: string): Edit {
  const body = fn.childForFieldName("body")!;
  const statements = body.namedChildren.filter((node) => node.type !== "comment");
  const first = statements[0];
  const eol = lineEnding(lines.text);
  if (first && isDocstring(first) && statements.length > 1) {
    const indentation = indentationAt(lines, first.startIndex);
    if (indentation !== undefined) return { start: first.endIndex, end: first.endIndex, content: `${eol}${indentation}${importLine}` };
    return { start: first.endIndex, end: first.endIndex, content: `; ${importLine}` };
  }
  const target = first && isDocstring(first) ? undefined : first;
  if (target) {
    const indentation = indentationAt(lines, target.startIndex);
    // `def f(): return x` keeps its body on the header line: join with a semicolon.
    if (indentation === undefined) return { start: target.startIndex, end: target.startIndex, content: `${importLine}; ` };
    return { start: target.startIndex, end: target.startIndex, content: `${importLine}${eol}${indentation}` };
  }
  // Only a docstring: the import goes after it, on a line of its own.
  const indentation = indentationAt(lines, first.startIndex);
  if (indentation === undefined) return { start: first.endIndex, end: first.endIndex, content: `; ${importLine}` };
  return { start: first.endIndex, end: first.endIndex, content: `${eol}${indentation}${importLine}` };
}

export interface AppliedEdits {
  code: string;
  magic: MagicString;
  /** Edits dropped because they overlapped an edit applied before them. */
  conflicts: Edit[];
}

/**
 * Applies edits made against the original text. Identical edits count once; an edit that overlaps
 * one already applied is refused, never merged by guesswork.
 */
export function applyEdits(source: string, edits: readonly Edit[]): AppliedEdits {
  const magic = new MagicString(source);
  const applied: Edit[] = [];
  const conflicts: Edit[] = [];
  for (const edit of edits) {
    if (applied.some((other) => other.start === edit.start && other.end === edit.end && other.content === edit.content)) continue;
    if (applied.some((other) => overlaps(other, edit))) conflicts.push(edit);
    else applied.push(edit);
  }
  // Replacements first: magic-string drops text inserted at a chunk's edge when that chunk is overwritten later.
  for (const edit of applied) {
    if (edit.start === edit.end) continue;
    if (edit.content === "") magic.remove(edit.start, edit.end);
    else magic.overwrite(edit.start, edit.end, edit.content);
  }
  for (const edit of applied) if (edit.start === edit.end) magic.appendLeft(edit.start, edit.content);
  return { code: magic.toString(), magic, conflicts };
}

function overlaps(a: Edit, b: Edit): boolean {
  // An insertion conflicts only with a replacement that strictly contains its point.
  if (a.start === a.end || b.start === b.end) return (a.start > b.start && a.start < b.end) || (b.start > a.start && b.start < a.end);
  return a.start < b.end && b.start < a.end;
}
