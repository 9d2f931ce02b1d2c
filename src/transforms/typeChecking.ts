import type { SemanticModel } from "../analysis/model.js";
import type { Reference } from "../analysis/scope.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { Edit } from "./edits.js";
import { importStatementFor } from "./importBlock.js";
import type { DeferralContext, DeferralResult, Strategy } from "./strategy.js";
import { targetMinor } from "./strategy.js";
import { typeCheckingBlock } from "./typeCheckingBlock.js";

/** Python 3.14 evaluates annotations only when asked for them (PEP 649). */
const LAZY_ANNOTATIONS_MINOR = 14;

/**
 * Moves an import that only annotations use under `if TYPE_CHECKING:` (extending the module's
 * block or creating one), where type checkers still see it and the program never runs it. Every
 * use must be an annotation Python does not evaluate at runtime: a string, one under
 * `from __future__ import annotations`, a local variable's, or any on Python 3.14+. An annotation
 * that would be evaluated is quoted when it is a plain (dotted) name; otherwise the fix is refused.
 */
export const typeCheckingStrategy: Strategy = {
  name: "type-checking",
  summary: "move an import used only in annotations under `if TYPE_CHECKING:`",
  fixes: ["type-checking"],
  defer({ heavy, model, lines, targetVersion }: DeferralContext): DeferralResult {
    const imported = heavy.imported;
    const quoted: Edit[] = [];
    const lazyAnnotations = targetMinor(targetVersion) >= LAZY_ANNOTATIONS_MINOR;
    for (const ref of [...heavy.uses.importTime, ...heavy.uses.deferred, ...heavy.uses.typing]) {
      if (ref.context === "typing") continue;
      const annotation = annotationAround(model, ref);
      if (annotation && lazyAnnotations) continue;
      if (!annotation || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(annotation.text)) {
        return { refused: `\`${imported.boundName}\` is needed at runtime on line ${lines.lineOf(ref.startIndex) + 1}, where no quotes can make it typing-only` };
      }
      quoted.push({ start: annotation.startIndex, end: annotation.endIndex, content: `"${annotation.text}"` });
    }
    const unique = quoted.filter((edit, index) => quoted.findIndex((other) => other.start === edit.start) === index);
    const quotes = unique.length === 0 ? "" : ` and quote ${unique.length === 1 ? "1 annotation" : `${unique.length} annotations`}`;
    return {
      strategy: "type-checking",
      rewrites: [{ imported, replacement: "" }],
      edits: unique,
      additions: [{ kind: "type-checking", imported, block: typeCheckingBlock(model, lines) }],
      message: `Move \`${importStatementFor(imported)}\` under \`if TYPE_CHECKING:\`${quotes}`,
      keepsNameBound: false,
    };
  },
};

/** The annotation (`type` node) a reference is part of, if any. */
function annotationAround(model: SemanticModel, ref: Reference): SyntaxNode | undefined {
  for (let node: SyntaxNode | null = model.tree.rootNode.descendantForIndex(ref.startIndex, ref.endIndex); node; node = node.parent) {
    if (node.type === "type") return node;
    if (node.type.endsWith("statement") || node.type === "block" || node.type === "lambda") return undefined;
  }
  return undefined;
}
