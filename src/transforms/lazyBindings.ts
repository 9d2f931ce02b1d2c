import { isDocstring } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { Edit, ImportRewrite, LazyHelper, Origin } from "./edits.js";
import { afterLineEnding, blankLinesAbove, blankLinesFrom, endOfLine, indentUnit, reindent } from "./layout.js";

/**
 * Where a file's lazy-import helper and the bindings that call it go: after the imports at the top
 * of the file, so that no import follows code (E402). The bindings of those imports move down to
 * just after the helper; a lazy import further down keeps its place, the helper being above it.
 */
export interface HelperPlacement {
  /** The module's syntax tree. */
  root: SyntaxNode;
  /** The helper to insert; undefined when the file defines it already (a second `fix`). */
  helper?: LazyHelper;
  /** The start of the line the code goes before (or the end of the file). */
  at: number;
  /** Rewrites whose replacement moves to `at`. */
  hoisted: ImportRewrite[];
  /** Blank lines wanted above the inserted code: two before a definition, none to extend a run of bindings. */
  blanksBefore: number;
}

export function helperPlacement(rewrites: readonly ImportRewrite[], lines: LineIndex): HelperPlacement | undefined {
  const lazy = rewrites.filter((rewrite) => rewrite.helper);
  if (lazy.length === 0) return undefined;
  const helper = lazy[0].helper!;
  const root = moduleOf(lazy[0].imported.statement);
  const statements = root.namedChildren.filter((node) => node.type !== "comment");
  const defined = statements.findIndex((statement) => definesName(statement, helper.name));
  // The code goes after the helper and the bindings an earlier fix made, or else after the top imports.
  let anchor = defined >= 0 ? defined : leadingImportCount(statements) - 1;
  if (defined >= 0) while (anchor + 1 < statements.length && callsHelper(statements[anchor + 1], helper.name)) anchor++;
  const source = lines.text;
  if (anchor < 0) {
    const first = statements[0];
    return { root, helper, at: first ? lines.lineStart(lines.lineOf(first.startIndex)) : source.length, hoisted: [], blanksBefore: 2 };
  }
  const last = statements[anchor];
  const extendsBindings = defined >= 0 && anchor > defined;
  return {
    root,
    helper: defined >= 0 ? undefined : helper,
    at: afterLineEnding(source, endOfLine(source, last.endIndex)),
    hoisted: lazy.filter((rewrite) => rewrite.imported.statement.startIndex <= last.startIndex),
    blanksBefore: extendsBindings ? 0 : 2,
  };
}

/** The helper (if needed) and the moved bindings, spaced as PEP 8 wants once `removed` lines are gone. */
export function helperInsertion(placement: HelperPlacement, lines: LineIndex, removed: ReadonlySet<number>): Edit {
  const source = lines.text;
  const eol = lines.lineEnding;
  const atEnd = placement.at === source.length;
  const line = atEnd ? lines.lineCount : lines.lineOf(placement.at);
  const above = blankLinesAbove(lines, removed, line);
  let content = atEnd && !/[\r\n]$/.test(source) && source.length > 0 ? eol : "";
  content += above.atStart ? "" : eol.repeat(Math.max(0, placement.blanksBefore - above.blanks));
  const origins: Origin[] = [];
  if (placement.helper) {
    content += reindent(placement.helper.code, indentUnit(placement.root, lines), eol) + eol;
    if (placement.hoisted.length > 0) content += eol + eol;
  }
  const bindings = [...placement.hoisted].sort((a, b) => a.imported.alias.startIndex - b.imported.alias.startIndex);
  for (const rewrite of bindings) {
    origins.push({ offset: content.length, original: rewrite.imported.statement.startIndex });
    content += rewrite.replacement + eol;
  }
  if (bindings.length === 0) {
    // The helper ends in a definition: two blank lines before the code that follows it.
    const below = blankLinesFrom(lines, removed, line);
    if (!below.atEnd) content += eol.repeat(Math.max(0, 2 - below.blanks));
  }
  return { start: placement.at, end: placement.at, content, origins };
}

function moduleOf(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

/**
 * How many statements open the module before its first code, as pycodestyle's E402 sees it:
 * docstring, imports, `__all__`-like assignments, and `if`/`try` holding only imports.
 */
function leadingImportCount(statements: readonly SyntaxNode[]): number {
  let count = 0;
  const opensModule = (statement: SyntaxNode): boolean => (count === 0 && isDocstring(statement)) || isDunderAssignment(statement) || holdsOnlyImports(statement);
  while (count < statements.length && opensModule(statements[count])) count++;
  return count;
}

function isDunderAssignment(statement: SyntaxNode): boolean {
  const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
  const target = assignment?.type === "assignment" ? assignment.childForFieldName("left") : undefined;
  return target?.type === "identifier" && /^__\w+__$/.test(target.text);
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

function definesName(statement: SyntaxNode, name: string): boolean {
  return (statement.type === "function_definition" || statement.type === "class_definition") && statement.childForFieldName("name")?.text === name;
}

/** `np = _pylazy_import("numpy")`: a binding made by an earlier fix. */
function callsHelper(statement: SyntaxNode, name: string): boolean {
  const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
  const value = assignment?.type === "assignment" ? assignment.childForFieldName("right") : undefined;
  return value?.type === "call" && value.childForFieldName("function")?.text === name;
}
