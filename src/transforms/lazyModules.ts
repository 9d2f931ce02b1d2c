import { importedModule } from "../analysis/heavyImports.js";
import type { SemanticModel } from "../analysis/model.js";
import { isDocstring, stringLiteralValue } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { Edit } from "./edits.js";
import { moduleOf } from "./header.js";
import { indentationAt } from "./layout.js";
import type { DeferralContext, DeferralResult, ModuleAddition, Strategy } from "./strategy.js";
import { LAZY_IMPORTS_MINOR, targetMinor } from "./strategy.js";

const NAME = "__lazy_modules__";

/**
 * Lists the module in the file's `__lazy_modules__` (PEP 810): Python 3.15 and later import it
 * lazily, older versions ignore the name and import it as before. The import statement itself is
 * not touched, so the name stays bound and the file runs on every version.
 */
export const lazyModulesStrategy: Strategy = {
  name: "lazy-modules",
  summary: "list the module in `__lazy_modules__`: lazy on Python 3.15+, unchanged before",
  fixes: ["defer", "type-checking", "getattr"],
  defer({ heavy, model, lines, file, targetVersion }: DeferralContext): DeferralResult {
    const imported = heavy.imported;
    const module = imported.kind === "import" ? imported.module : importedModule(imported, file);
    if (module === undefined) return { refused: "the relative import cannot be resolved to the full module name `__lazy_modules__` needs" };
    const existing = lazyModulesLiteral(model, lines);
    if ("refused" in existing) return existing;
    const inertOnTarget = targetMinor(targetVersion) < LAZY_IMPORTS_MINOR;
    if (existing.listed.has(module)) {
      return { refused: `\`${module}\` is already in \`${NAME}\`${inertOnTarget ? `, which changes nothing before Python 3.15 (target ${targetVersion})` : ""}` };
    }
    if (existing.literal && existing.literal.startIndex > imported.statement.startIndex) {
      return { refused: `\`${NAME}\` is assigned on line ${lines.lineOf(existing.literal.startIndex) + 1}, after this import: move it above the imports` };
    }
    if (!existing.literal && creationPoint(model.tree.rootNode, lines) === undefined) {
      return { refused: `no line of its own for \`${NAME}\` after the docstring and \`__future__\` imports` };
    }
    const effect = inertOnTarget ? `lazy on Python 3.15+; on ${targetVersion} it changes nothing until then` : "Python 3.15+ imports it lazily";
    return {
      strategy: "lazy-modules",
      rewrites: [],
      edits: [],
      additions: [{ kind: "lazy-modules", imported, module, literal: existing.literal }],
      message: `Add \`${module}\` to \`${NAME}\` (${effect})`,
      keepsNameBound: true,
    };
  },
};

/**
 * The module-level literal set, list or tuple assigned to `__lazy_modules__`, and the names in it;
 * refused when the file builds it in a way that cannot be extended by adding one string.
 */
function lazyModulesLiteral(model: SemanticModel, lines: LineIndex): { literal?: SyntaxNode; listed: Set<string> } | { refused: string } {
  let literal: SyntaxNode | undefined;
  const listed = new Set<string>();
  for (const statement of model.tree.rootNode.namedChildren) {
    if (DEFINITIONS.has(statement.type) || !mentions(statement, NAME)) continue;
    const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
    const value = assignment?.type === "assignment" && assignment.childForFieldName("left")?.text === NAME ? assignment.childForFieldName("right") : undefined;
    const elements = value && LITERALS.has(value.type) ? literalElements(value) : [];
    if (!value || !LITERALS.has(value.type) || literal || elements.some((element) => stringLiteralValue(element) === undefined)) {
      return { refused: `\`${NAME}\` is built on line ${lines.lineOf(statement.startIndex) + 1} in a way pylazy cannot extend (it extends one literal set, list or tuple of strings)` };
    }
    literal = value;
    for (const element of elements) listed.add(stringLiteralValue(element)!);
  }
  return { literal, listed };
}

const DEFINITIONS = new Set(["function_definition", "class_definition", "decorated_definition"]);
const LITERALS = new Set(["set", "list", "tuple"]);

/** The code of `node` reads or writes `name` (strings and comments do not count). */
function mentions(node: SyntaxNode, name: string): boolean {
  if (node.type === "identifier") return node.text === name;
  return node.type !== "string" && node.text.includes(name) && node.namedChildren.some((child) => mentions(child, name));
}

function literalElements(literal: SyntaxNode): SyntaxNode[] {
  return literal.namedChildren.filter((node) => node.type !== "comment");
}

/** Where a new `__lazy_modules__` goes: the start of the first statement after the docstring and `__future__` imports. */
function creationPoint(root: SyntaxNode, lines: LineIndex): number | undefined {
  const statements = root.namedChildren.filter((node) => node.type !== "comment");
  const first = statements.find((statement, index) => !(index === 0 && isDocstring(statement)) && statement.type !== "future_import_statement");
  if (!first || indentationAt(lines, first.startIndex) !== "") return undefined;
  return first.startIndex;
}

/** Every module the file's fixes list, added to its `__lazy_modules__` literal or to a new one. */
export function lazyModulesEdit(additions: readonly Extract<ModuleAddition, { kind: "lazy-modules" }>[], lines: LineIndex): Edit {
  const ordered = [...additions].sort((a, b) => a.imported.alias.startIndex - b.imported.alias.startIndex);
  const modules = [...new Set(ordered.map((addition) => addition.module))];
  const { literal } = additions[0];
  if (literal) return extensionOf(literal, modules, lines);
  const root = moduleOf(ordered[0].imported.statement);
  const at = creationPoint(root, lines)!;
  const eol = lines.lineEnding;
  const previous = root.namedChildren.filter((node) => node.type !== "comment" && node.endIndex <= at).pop();
  // A blank line apart from the docstring or `__future__` import right above, and from the imports below.
  const blankBefore = previous && lines.lineOf(previous.endIndex) === lines.lineOf(at) - 1 ? eol : "";
  return { start: at, end: at, content: `${blankBefore}${NAME} = {${modules.map((m) => JSON.stringify(m)).join(", ")}}${eol}${eol}` };
}

/** `{"json"}` → `{"json", "numpy"}`, one entry a line when the literal has one element a line. */
function extensionOf(literal: SyntaxNode, modules: readonly string[], lines: LineIndex): Edit {
  const elements = literalElements(literal);
  const quote = elements[0]?.namedChildren.find((child) => child.type === "string_start")?.text.includes("'") ? "'" : '"';
  const entries = modules.map((module) => `${quote}${module}${quote}`);
  const last = elements[elements.length - 1];
  if (!last) {
    const onlyOne = literal.type === "tuple" && entries.length === 1 ? "," : "";
    return { start: literal.endIndex - 1, end: literal.endIndex - 1, content: entries.join(", ") + onlyOne };
  }
  const comma = last.nextSibling?.type === "," ? last.nextSibling : undefined;
  if (literal.endPosition.row > last.endPosition.row) {
    const indentation = `${lines.lineEnding}${indentationAt(lines, last.startIndex) ?? ""}`;
    if (comma) return { start: comma.endIndex, end: comma.endIndex, content: entries.map((entry) => `${indentation}${entry},`).join("") };
    return { start: last.endIndex, end: last.endIndex, content: entries.map((entry) => `,${indentation}${entry}`).join("") };
  }
  return { start: last.endIndex, end: last.endIndex, content: entries.map((entry) => `, ${entry}`).join("") };
}
