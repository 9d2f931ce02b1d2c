import type { Scope } from "../analysis/scope.js";
import { functionBodyInsertion, importStatementFor } from "./importBlock.js";
import type { DeferralContext, DeferralResult, Strategy } from "./strategy.js";

/**
 * Moves the import into every function that uses the name, first in its body (after the
 * docstring). A use in a nested function, lambda, comprehension or local class is served by the
 * innermost `def` around it, or by an enclosing `def` that gets the import anyway.
 */
export const functionStrategy: Strategy = {
  name: "function",
  summary: "move the import into each function that uses the name",
  fixes: ["defer"],
  defer({ heavy, lines }: DeferralContext): DeferralResult {
    const name = heavy.imported.boundName;
    const functions = new Map<number, Scope>();
    for (const ref of heavy.uses.deferred) {
      const fn = ref.scope.enclosingDef;
      if (!fn) return { refused: `\`${name}\` is used ${outsideAnyDef(ref.scope)} on line ${lines.lineOf(ref.startIndex) + 1}, outside any function: no function body can hold the import` };
      functions.set(fn.node.startIndex, fn);
    }
    const targets = [...functions.values()]
      .filter((fn) => !importedByEnclosingTarget(fn, functions, name))
      .sort((a, b) => a.node.startIndex - b.node.startIndex);
    const importLine = importStatementFor(heavy.imported);
    return {
      strategy: "function",
      rewrites: [{ imported: heavy.imported, replacement: "" }],
      edits: targets.map((fn) => functionBodyInsertion(fn.node, lines, heavy.imported, true)),
      additions: [],
      message: `Move \`${importLine}\` into ${targets.length === 1 ? `\`${definedName(targets[0])}\`` : `${targets.length} functions`}`,
      keepsNameBound: false,
    };
  },
};

/** A nested function sees the import of an enclosing target function, unless it declares the name `global`. */
function importedByEnclosingTarget(fn: Scope, targets: ReadonlyMap<number, Scope>, name: string): boolean {
  for (let scope: Scope | undefined = fn; scope && scope.kind !== "module"; scope = scope.parent) {
    if (scope.globals.has(name)) return false;
    if (scope !== fn && targets.get(scope.node.startIndex) === scope) return true;
  }
  return false;
}

/**
 * Where a deferred use with no `def` around it stands: in a lambda, or in what Python evaluates
 * only when first asked for (a `type` alias's value, a type parameter's bound), at module level
 * or in a class body.
 */
function outsideAnyDef(scope: Scope): string {
  let lambda = false;
  let inClass: Scope | undefined;
  for (let current: Scope | undefined = scope; current && current.kind !== "module"; current = current.parent) {
    if (current.kind === "lambda") lambda = true;
    if (current.kind === "class") inClass ??= current;
  }
  const what = lambda ? "in a lambda" : "in a type alias or type parameter (evaluated when first used)";
  return `${what} ${inClass ? `in the body of class \`${definedName(inClass)}\`` : "at module level"}`;
}

/** The name a `def` or `class` binds. */
function definedName(fn: Scope): string {
  return fn.node.childForFieldName("name")?.text ?? "function";
}
