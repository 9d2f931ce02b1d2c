import type { ImportedName, SemanticModel } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { AdditionEdits } from "./edits.js";
import { afterLastTopImport, moduleOf } from "./header.js";
import { blockStartInsertion, renderImports } from "./importBlock.js";
import { indentUnit } from "./layout.js";
import type { ModuleAddition, TypeCheckingBlock } from "./strategy.js";
import { isTypeCheckingCondition } from "../analysis/model.js";

const TYPING_MODULES = new Set(["typing", "typing_extensions"]);

/**
 * The `if TYPE_CHECKING:` block that imports moved for type checkers go into: the module's first
 * one, or a new one after the imports at the top of the file, whose condition reuses a
 * `TYPE_CHECKING` or `import typing` bound before it (else `from typing import TYPE_CHECKING` is added).
 */
export function typeCheckingBlock(model: SemanticModel, lines: LineIndex): TypeCheckingBlock {
  const root = model.tree.rootNode;
  const existing = root.namedChildren.find((statement) => statement.type === "if_statement" && isTypeCheckingCondition(statement.childForFieldName("condition")!));
  const at = afterLastTopImport(root, lines);
  const boundBefore = (binding: { node: SyntaxNode; guard?: unknown }): boolean => binding.guard === undefined && binding.node.startIndex < at;
  const moduleImports = model.imports.filter((imported) => imported.scope === model.moduleScope && boundBefore({ node: imported.statement, guard: imported.guard }));
  const fromTyping = moduleImports.find((imported) => imported.kind === "from" && TYPING_MODULES.has(imported.module) && imported.importedName === "TYPE_CHECKING");
  const condition = existing?.childForFieldName("condition")!.text ?? fromTyping?.boundName;
  if (condition) return { existing, condition, importsTypeChecking: false };
  if (model.moduleBindings("TYPE_CHECKING").some((binding) => binding.kind === "assignment" && boundBefore(binding))) {
    return { condition: "TYPE_CHECKING", importsTypeChecking: false };
  }
  const typing = moduleImports.find((imported) => imported.kind === "import" && imported.module === "typing");
  if (typing) return { condition: `${typing.boundName}.TYPE_CHECKING`, importsTypeChecking: false };
  return { condition: "TYPE_CHECKING", importsTypeChecking: true };
}

/** Every import of the file that moves under `if TYPE_CHECKING:`, in one block. */
export function typeCheckingAdditions(additions: readonly Extract<ModuleAddition, { kind: "type-checking" }>[], lines: LineIndex): AdditionEdits {
  const names = uniqueNames(additions.map((addition) => addition.imported));
  const { block } = additions[0];
  if (block.existing) {
    return { edits: [blockStartInsertion(block.existing, block.existing.childForFieldName("consequence")!, lines, names, true)] };
  }
  const root = moduleOf(names[0].statement);
  const eol = lines.lineEnding;
  const unit = indentUnit(root, lines);
  const header = `if ${block.condition}:${eol}`;
  const imports = renderImports({ names, before: unit, separator: `${eol}${unit}`, after: eol, keepComments: true });
  const origins = imports.origins.map((origin) => ({ ...origin, offset: header.length + origin.offset }));
  const sections = [{ text: header + imports.content, blanksBefore: 1, blanksAfter: 1, origins }];
  if (block.importsTypeChecking) sections.unshift({ text: `from typing import TYPE_CHECKING${eol}`, blanksBefore: 0, blanksAfter: 0, origins: [] });
  return { edits: [], header: { at: afterLastTopImport(root, lines), sections } };
}

function uniqueNames(names: readonly ImportedName[]): ImportedName[] {
  const seen = new Set<number>();
  return names.filter((imported) => !seen.has(imported.alias.startIndex) && seen.add(imported.alias.startIndex));
}
