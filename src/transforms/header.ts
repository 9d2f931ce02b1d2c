import { isDocstring } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { Edit, Origin } from "./edits.js";
import { afterLineEnding, blankLinesAbove, blankLinesFrom, endOfLine } from "./layout.js";

/**
 * A piece of module-level code inserted after the imports at the top of the file: the
 * `TYPE_CHECKING` block, the lazy-import helper and its bindings, a package's `__getattr__`.
 */
export interface HeaderSection {
  /** Whole lines, each ending with the file's line ending. */
  text: string;
  /** Blank lines wanted above it (PEP 8: two before a definition). */
  blanksBefore: number;
  /** Blank lines wanted below it when code follows it. */
  blanksAfter: number;
  /** Lines of `text` that stand for original statements, for the source map. */
  origins?: Origin[];
}

/** The statements of a module, comments left out. */
export function moduleStatements(root: SyntaxNode): SyntaxNode[] {
  return root.namedChildren.filter((node) => node.type !== "comment");
}

export function moduleOf(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

/**
 * Where code goes so that no import follows it (E402): the start of the line after the imports
 * that open the module, or before its first statement when it opens with code.
 */
export function afterTopImports(root: SyntaxNode, lines: LineIndex): number {
  const statements = moduleStatements(root);
  const count = leadingImportCount(statements);
  if (count === 0) return statements[0] ? lines.lineStart(lines.lineOf(statements[0].startIndex)) : lines.text.length;
  return afterStatementLine(statements[count - 1], lines);
}

/**
 * Where code that belongs with the imports goes (`from typing import TYPE_CHECKING` and its block):
 * as `afterTopImports`, but before the `__all__`-like assignments that close the top of the module.
 */
export function afterLastTopImport(root: SyntaxNode, lines: LineIndex): number {
  const statements = moduleStatements(root);
  let count = leadingImportCount(statements);
  while (count > 0 && assignedDunder(statements[count - 1]) !== undefined) count--;
  if (count === 0) return statements[0] ? lines.lineStart(lines.lineOf(statements[0].startIndex)) : lines.text.length;
  return afterStatementLine(statements[count - 1], lines);
}

/** The start of the line after the one `statement` ends on. */
export function afterStatementLine(statement: SyntaxNode, lines: LineIndex): number {
  return afterLineEnding(lines.text, endOfLine(lines.text, statement.endIndex));
}

/**
 * The sections inserted at `at`, in order, spaced as PEP 8 wants once the `removed` lines are
 * gone: the first as its `blanksBefore` asks counting the blank lines already above, the others
 * as asked, and the code below the last kept apart by its `blanksAfter`.
 */
export function headerInsertion(at: number, sections: readonly HeaderSection[], lines: LineIndex, removed: ReadonlySet<number>): Edit {
  const source = lines.text;
  const eol = lines.lineEnding;
  const atEnd = at === source.length;
  const line = atEnd ? lines.lineCount : lines.lineOf(at);
  const above = blankLinesAbove(lines, removed, line);
  let content = atEnd && !/[\r\n]$/.test(source) && source.length > 0 ? eol : "";
  const origins: Origin[] = [];
  for (const [index, section] of sections.entries()) {
    const blanks = index > 0 ? section.blanksBefore : above.atStart ? 0 : Math.max(0, section.blanksBefore - above.blanks);
    content += eol.repeat(blanks);
    for (const origin of section.origins ?? []) origins.push({ offset: content.length + origin.offset, original: origin.original });
    content += section.text;
  }
  const last = sections[sections.length - 1];
  if (last && last.blanksAfter > 0) {
    const below = blankLinesFrom(lines, removed, line);
    if (!below.atEnd) content += eol.repeat(Math.max(0, last.blanksAfter - below.blanks));
  }
  return { start: at, end: at, content, origins };
}

/**
 * How many statements open the module before its first code, as pycodestyle's E402 sees it:
 * docstring, imports, `__all__`-like assignments, and `if`/`try` holding only imports.
 */
export function leadingImportCount(statements: readonly SyntaxNode[]): number {
  let count = 0;
  const opensModule = (statement: SyntaxNode): boolean => (count === 0 && isDocstring(statement)) || assignedDunder(statement) !== undefined || holdsOnlyImports(statement);
  while (count < statements.length && opensModule(statements[count])) count++;
  return count;
}

/** `__name__ = …` at module level: the assigned dunder, if the statement is one. */
function assignedDunder(statement: SyntaxNode): string | undefined {
  const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
  const target = assignment?.type === "assignment" ? assignment.childForFieldName("left") : undefined;
  return target?.type === "identifier" && /^__\w+__$/.test(target.text) ? target.text : undefined;
}

const CLAUSES = new Set(["elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause"]);

function holdsOnlyImports(node: SyntaxNode): boolean {
  switch (node.type) {
    case "import_statement":
    case "import_from_statement":
    case "future_import_statement":
    case "pass_statement":
    case "comment":
      return true;
    case "if_statement":
    case "try_statement":
      return node.namedChildren.every((child) => (CLAUSES.has(child.type) ? child.namedChildren.every(blockHoldsOnlyImports) : blockHoldsOnlyImports(child)));
    default:
      return false;
  }
}

/** A block of only imports; any other part of a compound statement (a condition) does not matter. */
function blockHoldsOnlyImports(node: SyntaxNode): boolean {
  return node.type !== "block" || node.namedChildren.every(holdsOnlyImports);
}
