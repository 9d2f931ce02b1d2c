import type { Scope } from "../analysis/scope.js";
import type { SyntaxNode } from "../parse/parser.js";
import { functionBodyInsertion, importStatementFor } from "./edits.js";
import type { DeferralContext, DeferralResult, Strategy } from "./strategy.js";

/**
 * Moves the import into every function that uses the name, first in its body (after the
 * docstring). A use in a nested function, lambda, comprehension or local class is served by the
 * innermost `def` around it.
 */
export const functionStrategy: Strategy = {
  name: "function",
  summary: "move the import into each function that uses the name",
  defer({ heavy, lines }: DeferralContext): DeferralResult {
    const name = heavy.imported.boundName;
    const functions = new Map<number, SyntaxNode>();
    for (const ref of heavy.uses.deferred) {
      const fn = innermostDef(ref.scope);
      if (!fn) {
        return {
          refused: `\`${name}\` is used in a module-level lambda on line ${lines.lineOf(ref.startIndex) + 1}, which has no body to hold an import`,
        };
      }
      functions.set(fn.node.startIndex, fn.node);
    }
    const importLine = importStatementFor(heavy.imported);
    const targets = [...functions.values()].sort((a, b) => a.startIndex - b.startIndex);
    return {
      strategy: "function",
      rewrites: [{ imported: heavy.imported, replacement: "" }],
      edits: targets.map((fn) => functionBodyInsertion(fn, lines, importLine)),
      message: `Move \`${importLine}\` into ${targets.length === 1 ? `\`${functionName(targets[0])}\`` : `${targets.length} functions`}`,
      keepsNameBound: false,
    };
  },
};

function innermostDef(scope: Scope): Scope | undefined {
  let current: Scope | undefined = scope;
  while (current && current.kind !== "function") {
    if (current.kind === "module") return undefined;
    current = current.parent;
  }
  return current;
}

function functionName(fn: SyntaxNode): string {
  return fn.childForFieldName("name")?.text ?? "function";
}
