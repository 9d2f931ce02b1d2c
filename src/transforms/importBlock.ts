import type { ImportedName } from "../analysis/model.js";
import { isDocstring } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { Edit, Origin } from "./edits.js";
import { endOfLine, indentationAt } from "./layout.js";

/** Imports inserted at one point of a function body, and the text that sets them in place. */
export interface ImportInsertion {
  names: ImportedName[];
  /** Before the first import, between two, after the last: line endings and indentation, or `; `. */
  before: string;
  separator: string;
  after: string;
  /**
   * Moved statements keep their trailing comment (`# noqa: F401`, `# type: ignore`) when every name
   * of the statement moves with it: the original line and its comment are removed.
   */
  keepComments?: boolean;
}

/** The import statement that binds these names of one module: `import numpy as np`, `from m import a, b as c`. */
export function importStatementFor(...names: ImportedName[]): string {
  const [first] = names;
  const as = (imported: ImportedName): string => (imported.asName ? ` as ${imported.asName}` : "");
  if (first.kind === "import") return `import ${first.module}${as(first)}`;
  return `from ${".".repeat(first.level)}${first.module} import ${names.map((imported) => `${imported.importedName}${as(imported)}`).join(", ")}`;
}

/**
 * Where an import goes inside a function: first in its body, after the docstring and any leading
 * `global`/`nonlocal` declarations, in the function's own indentation. A nested definition right
 * after it gets a blank line before it.
 */
export function functionBodyInsertion(fn: SyntaxNode, lines: LineIndex, imported: ImportedName, keepComments = false): Edit {
  const opensBody = (statement: SyntaxNode, index: number): boolean => (index === 0 && isDocstring(statement)) || DECLARATIONS.has(statement.type);
  return bodyInsertion(fn, fn.childForFieldName("body")!, lines, [imported], opensBody, keepComments);
}

/** Imports inserted first in the block of a compound statement (`if TYPE_CHECKING:`), in its indentation. */
export function blockStartInsertion(owner: SyntaxNode, body: SyntaxNode, lines: LineIndex, names: ImportedName[], keepComments = false): Edit {
  return bodyInsertion(owner, body, lines, names, () => false, keepComments);
}

/** Imports inserted in `body` of `owner`, after the statements for which `opensBody` holds. */
function bodyInsertion(
  owner: SyntaxNode,
  body: SyntaxNode,
  lines: LineIndex,
  names: ImportedName[],
  opensBody: (statement: SyntaxNode, index: number) => boolean,
  keepComments = false,
): Edit {
  const statements = body.namedChildren.filter((node) => node.type !== "comment");
  const eol = lines.lineEnding;
  let leading = 0;
  while (leading < statements.length && opensBody(statements[leading], leading)) leading++;
  const [last, next] = [statements[leading - 1], statements[leading]];
  if (last) {
    const indentation = indentationAt(lines, last.startIndex);
    const blankAfter = next && isDefinition(next) && next.startPosition.row === last.endPosition.row + 1 ? eol : "";
    const layout = indentation === undefined ? { before: "; ", separator: "; ", after: "" } : { before: `${eol}${indentation}`, separator: `${eol}${indentation}`, after: blankAfter };
    // A comment would swallow what follows on the line (`"""doc"""; x = 1`).
    const endsLine = indentation !== undefined && /^[ \t\f]*(?:#.*)?$/.test(lines.text.slice(last.endIndex, endOfLine(lines.text, last.endIndex)));
    return importInsertion(last.endIndex, { names, keepComments: keepComments && endsLine, ...layout });
  }
  const first = next;
  const indentation = indentationAt(lines, first.startIndex);
  // `def f(): return x` keeps its body on the header line: join with semicolons.
  if (indentation === undefined) return importInsertion(first.startIndex, { names, before: "", separator: "; ", after: "; " });
  const blankAfter = isDefinition(first) ? eol : "";
  // Comments that open the body belong to the statement below them: the import goes above them.
  const comment = owner.namedChildren.find((child) => child.type === "comment" && child.startIndex < body.startIndex && indentationAt(lines, child.startIndex) !== undefined);
  if (comment) {
    const lineStart = lines.lineStart(lines.lineOf(comment.startIndex));
    return importInsertion(lineStart, { names, keepComments, before: indentation, separator: `${eol}${indentation}`, after: `${eol}${blankAfter}` });
  }
  return importInsertion(first.startIndex, { names, keepComments, before: "", separator: `${eol}${indentation}`, after: `${eol}${blankAfter}${indentation}` });
}

const DECLARATIONS = new Set(["global_statement", "nonlocal_statement"]);

function isDefinition(statement: SyntaxNode): boolean {
  return statement.type === "function_definition" || statement.type === "class_definition" || statement.type === "decorated_definition";
}

function importInsertion(at: number, imports: ImportInsertion): Edit {
  return { start: at, end: at, ...renderImports(imports), imports };
}

/**
 * The import lines of one insertion, in the order of the original statements: the names of one
 * `from` module share a statement, each `import` has its own (PEP 8). Each line's origin is the
 * statement it came from, for the source map.
 */
export function renderImports(imports: ImportInsertion): { content: string; origins: Origin[] } {
  const seen = new Set<number>();
  const statements: ImportedName[][] = [];
  const fromModules = new Map<string, ImportedName[]>();
  for (const imported of [...imports.names].sort((a, b) => a.alias.startIndex - b.alias.startIndex)) {
    if (seen.has(imported.alias.startIndex)) continue;
    seen.add(imported.alias.startIndex);
    const module = imported.kind === "from" ? `${imported.level}:${imported.module}` : undefined;
    const shared = module === undefined ? undefined : fromModules.get(module);
    if (shared) shared.push(imported);
    else {
      statements.push([imported]);
      if (module !== undefined) fromModules.set(module, statements[statements.length - 1]);
    }
  }
  let content = imports.before;
  const origins: Origin[] = [];
  for (const [index, names] of statements.entries()) {
    if (index > 0) content += imports.separator;
    origins.push({ offset: content.length, original: names[0].statement.startIndex });
    content += importStatementFor(...names);
    if (imports.keepComments) content += trailingComments(names);
  }
  return { content: content + imports.after, origins };
}

/** `  # comment` for each statement all of whose names are in `names` and whose line ends in a comment. */
function trailingComments(names: readonly ImportedName[]): string {
  const moving = new Set(names.map((imported) => imported.alias.startIndex));
  const statements = new Map(names.map((imported) => [imported.statement.startIndex, imported.statement]));
  const comments = new Set<string>();
  for (const statement of statements.values()) {
    const comment = commentOfWholeStatement(statement, moving);
    if (comment !== undefined) comments.add(comment);
  }
  return [...comments].map((comment) => `  ${comment}`).join("");
}

/**
 * The comment that ends the last line of an import statement (`# type: ignore`), when every name
 * of the statement is among `moving` (the start offsets of their aliases): the statement's line
 * goes, and the comment goes with its names.
 */
export function commentOfWholeStatement(statement: SyntaxNode, moving: ReadonlySet<number>): string | undefined {
  const next = statement.nextSibling;
  if (next?.type !== "comment" || next.startPosition.row !== statement.endPosition.row) return undefined;
  return statement.childrenForFieldName("name").every((alias) => moving.has(alias.startIndex)) ? next.text : undefined;
}

/** Import insertions at the same point (one function, several names) become one block of imports. */
export function mergeImportInsertions(edits: readonly Edit[]): Edit[] {
  const merged: Edit[] = [];
  const blockAt = new Map<number, number>();
  for (const edit of edits) {
    const index = edit.imports && blockAt.get(edit.start);
    if (index === undefined) {
      if (edit.imports) blockAt.set(edit.start, merged.length);
      merged.push(edit);
    } else {
      const block = merged[index].imports!;
      merged[index] = importInsertion(edit.start, { ...block, names: [...block.names, ...edit.imports!.names] });
    }
  }
  return merged;
}
