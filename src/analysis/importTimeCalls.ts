import type { SyntaxNode, Tree } from "../parse/parser.js";
import { isTypeCheckingCondition, wordPositions } from "./model.js";
import type { SemanticModel } from "./model.js";
import type { Reference, Scope } from "./scope.js";

/**
 * A use that runs later by where it is written, inside a module-level function, but runs while
 * the module is imported because the module's own import-time code calls that function by name:
 *
 * ```python
 * import json
 * def make():
 *     return json.dumps({})   # deferred by where it is written…
 * EMPTY = make()              # …but run by this line, at import time
 * ```
 *
 * Deferring `import json` into `make()` would be safe and would save nothing.
 */
export interface CalledUse {
  use: Reference;
  /** The module-level function the use is in. */
  runner: string;
  /** Offset of the first call of that function (or decorator naming it) that runs at import time. */
  call: number;
}

/**
 * The uses among `deferred` that run at import time through a call, each with the first such call
 * of its function, in the order of `deferred`. What counts, the same whatever part of a module's
 * function bodies the analysis looked at (skeleton.ts blanks only function bodies and class-body
 * statements):
 * - the use is in a function defined at module level (in its body, a comprehension there or a
 *   class defined there: not in a nested `def` or `lambda`, which run only if called in turn);
 * - that function's name is called, or names a decorator, in the module's own statements (those
 *   inside `if`, `try`, `with` and loops included, default arguments and decorators of its
 *   definitions and lambdas too), outside a class body, a function body or a lambda's body, and
 *   outside the body of `if __name__ == "__main__":`, which runs when the file is run as a
 *   program, not when it is imported, and of `if TYPE_CHECKING:`, which never runs.
 * One call deep: a function that calls another which uses the name, or a call from a class body
 * or through an attribute (`self.make()`, `registry.make()`), is not followed.
 */
export function usesThroughCalls(model: SemanticModel, deferred: readonly Reference[]): CalledUse[] {
  const calls = new Map<string, number | undefined>();
  const found: CalledUse[] = [];
  for (const use of deferred) {
    const runner = moduleLevelRunner(use.scope, model.moduleScope);
    const name = runner?.node.childForFieldName("name")?.text;
    if (name === undefined) continue;
    if (!calls.has(name)) calls.set(name, firstImportTimeCall(model.tree, model.source, name));
    const call = calls.get(name);
    if (call !== undefined) found.push({ use, runner: name, call });
  }
  return found;
}

/** The use whose function is called first at import time (the first use in it, on a tie). */
export function firstCalled(uses: readonly CalledUse[]): CalledUse | undefined {
  return uses.reduce<CalledUse | undefined>(
    (earliest, use) => (earliest === undefined || use.call < earliest.call || (use.call === earliest.call && use.use.startIndex < earliest.use.startIndex) ? use : earliest),
    undefined,
  );
}

/** The module-level function whose call runs code of `scope`, if one does. */
export function moduleLevelRunner(scope: Scope, moduleScope: Scope): Scope | undefined {
  let current = scope;
  // A comprehension runs where it is written; so does the body of a class defined in the function.
  while ((current.kind === "comprehension" || current.kind === "class") && current.parent) current = current.parent;
  return current.kind === "function" && current.parent === moduleScope ? current : undefined;
}

/** Offset of the first place where the module's import-time code calls `name` (see usesThroughCalls). */
export function firstImportTimeCall(tree: Tree, text: string, name: string): number | undefined {
  for (const offset of wordPositions(text, [name])) {
    if (isImportTimeCall(tree, offset, name.length)) return offset;
  }
  return undefined;
}

function isImportTimeCall(tree: Tree, offset: number, length: number): boolean {
  const node = tree.rootNode.descendantForIndex(offset, offset + length);
  if (node.type !== "identifier" || node.startIndex !== offset || node.endIndex !== offset + length) return false;
  const parent = node.parent;
  if (!parent) return false;
  const callee = parent.childForFieldName("function");
  const called = (parent.type === "call" && callee !== null && callee.startIndex === offset && callee.endIndex === offset + length) || parent.type === "decorator";
  if (!called) return false;
  for (let ancestor: SyntaxNode | null = parent; ancestor; ancestor = ancestor.parent) {
    // A lambda's defaults are evaluated where it is written, its body when it is called.
    if (ancestor.type === "lambda" && within(ancestor.childForFieldName("body"), offset)) return false;
    if (ancestor.type === "block" && (ancestor.parent?.type === "function_definition" || ancestor.parent?.type === "class_definition")) return false;
    if (ancestor.type === "if_statement" && (isMainGuard(ancestor) || isTypeCheckingCondition(ancestor.childForFieldName("condition")!)) && within(ancestor.childForFieldName("consequence"), offset)) return false;
  }
  return true;
}

function within(node: SyntaxNode | null, offset: number): boolean {
  return node !== null && offset >= node.startIndex && offset < node.endIndex;
}

/** `if __name__ == "__main__":` (either way round, either quote, or `and` something else). */
function isMainGuard(statement: SyntaxNode): boolean {
  const condition = statement.childForFieldName("condition");
  return condition !== null && isMainTest(condition);
}

function isMainTest(condition: SyntaxNode): boolean {
  if (condition.type === "parenthesized_expression") return condition.namedChildren.length === 1 && isMainTest(condition.namedChildren[0]);
  if (condition.type === "boolean_operator" && condition.childForFieldName("operator")?.type === "and") {
    return [condition.childForFieldName("left"), condition.childForFieldName("right")].some((side) => side !== null && isMainTest(side));
  }
  const text = condition.text.replace(/\s+/g, "").replaceAll("'", '"');
  return text === '__name__=="__main__"' || text === '"__main__"==__name__';
}
