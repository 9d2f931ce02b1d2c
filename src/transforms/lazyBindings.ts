import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { ImportRewrite, LazyHelper, Origin } from "./edits.js";
import type { HeaderSection } from "./header.js";
import { afterStatementLine, afterTopImports, leadingImportCount, moduleOf, moduleStatements } from "./header.js";
import { commentOfWholeStatement } from "./importBlock.js";
import { indentUnit, reindent } from "./layout.js";

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
  const statements = moduleStatements(root);
  const defined = statements.findIndex((statement) => definesName(statement, helper.name));
  if (defined < 0) {
    // After the top imports, and the bindings of those imports with it.
    const last = statements[leadingImportCount(statements) - 1];
    const hoisted = last ? lazy.filter((rewrite) => rewrite.imported.statement.startIndex <= last.startIndex) : [];
    return { root, helper, at: afterTopImports(root, lines), hoisted, blanksBefore: 2 };
  }
  // After the helper and the bindings an earlier fix made.
  let anchor = defined;
  while (anchor + 1 < statements.length && callsHelper(statements[anchor + 1], helper.name)) anchor++;
  const last = statements[anchor];
  return {
    root,
    at: afterStatementLine(last, lines),
    hoisted: lazy.filter((rewrite) => rewrite.imported.statement.startIndex <= last.startIndex),
    blanksBefore: anchor > defined ? 0 : 2,
  };
}

/** The helper (if needed) and the moved bindings, as sections of the code inserted at `placement.at`. */
export function helperSections(placement: HelperPlacement, lines: LineIndex): HeaderSection[] {
  const eol = lines.lineEnding;
  const sections: HeaderSection[] = [];
  if (placement.helper) {
    const code = reindent(placement.helper.code, indentUnit(placement.root, lines), eol) + eol;
    sections.push({ text: code, blanksBefore: placement.blanksBefore, blanksAfter: 2 });
  }
  const bindings = [...placement.hoisted].sort((a, b) => a.imported.alias.startIndex - b.imported.alias.startIndex);
  if (bindings.length > 0) {
    let text = "";
    const origins: Origin[] = [];
    const commented = new Set<number>();
    for (const rewrite of bindings) {
      const statement = rewrite.imported.statement;
      origins.push({ offset: text.length, original: statement.startIndex });
      text += rewrite.replacement + hoistedComment(statement, bindings, commented) + eol;
    }
    sections.push({ text, blanksBefore: placement.helper ? 2 : placement.blanksBefore, blanksAfter: 0, origins });
  }
  return sections;
}

/**
 * The comment of the import line a binding comes from (`# type: ignore`), written after the first
 * binding of that statement when every name of it moves here: the line itself goes, comment and all.
 */
function hoistedComment(statement: SyntaxNode, bindings: readonly ImportRewrite[], commented: Set<number>): string {
  if (commented.has(statement.startIndex)) return "";
  const comment = commentOfWholeStatement(statement, new Set(bindings.map((rewrite) => rewrite.imported.alias.startIndex)));
  if (comment === undefined) return "";
  commented.add(statement.startIndex);
  return `  ${comment}`;
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
