import { functionStrategy } from "./function.js";
import { getattrStrategy } from "./getattr.js";
import { lazyloaderStrategy } from "./lazyloader.js";
import { lazymoduleStrategy } from "./lazymodule.js";
import { pep810Strategy } from "./pep810.js";
import type { DeferralContext, DeferralResult, Strategy } from "./strategy.js";
import { LAZY_IMPORTS_MINOR, blockersOf, isPlan, targetMinor, withLine } from "./strategy.js";
import { typeCheckingStrategy } from "./typeChecking.js";

/** A strategy `auto` may choose, and why it would. */
interface Candidate {
  strategy: Strategy;
  why: string;
}

/**
 * For each finding, the first strategy that applies and that no safety condition blocks, in the
 * order of preference for the target version: `lazy import` on 3.15+; before that the
 * `TYPE_CHECKING` block for a typing-only import, `__getattr__` for a package re-export,
 * LazyLoader for `import x`, and the import moved into functions for `from x import y`.
 */
export const autoStrategy: Strategy = {
  name: "auto",
  summary: "the best safe strategy for each import and the target version",
  fixes: ["defer", "type-checking", "getattr"],
  defer(context: DeferralContext): DeferralResult {
    const passedOver: string[] = [];
    for (const { strategy, why } of candidates(context)) {
      const result = strategy.defer(context);
      const notUsed = whyNotUsed(result, strategy, context);
      if (notUsed === undefined && isPlan(result)) return { ...result, choice: [`auto: ${why}`, ...passedOver].join("; ") };
      passedOver.push(`not ${strategy.name}: ${notUsed}`);
    }
    return { refused: passedOver.join("; ") };
  },
};

/** Why a candidate's answer is not taken: it refused, fell back to another strategy, or a safety condition blocks it. */
function whyNotUsed(result: DeferralResult, strategy: Strategy, context: DeferralContext): string | undefined {
  if (!isPlan(result)) return result.refused;
  // A fallback is left to the candidates that follow, which say why they are chosen.
  if (result.strategy !== strategy.name) return result.fallbackReason ?? `it would use ${result.strategy}`;
  const { hard } = blockersOf(result, context.blockers);
  return hard && withLine(hard, context.lines);
}

function candidates({ heavy, kind, targetVersion }: DeferralContext): Candidate[] {
  const imported = heavy.imported;
  const preferred: Candidate[] = [];
  if (targetMinor(targetVersion) >= LAZY_IMPORTS_MINOR) preferred.push({ strategy: pep810Strategy, why: `the target ${targetVersion} has \`lazy import\`` });
  if (kind === "type-checking") return [...preferred, { strategy: typeCheckingStrategy, why: "only annotations use the name" }];
  if (kind === "getattr") return [...preferred, { strategy: getattrStrategy, why: "a package `__init__.py` re-exports the name" }];
  if (imported.kind === "from") return [...preferred, { strategy: functionStrategy, why: "`from … import name` binds an object, not a module" }];
  if (!imported.module.includes(".")) return [...preferred, { strategy: lazyloaderStrategy, why: `\`import ${imported.module}\` binds a module, which LazyLoader runs on first attribute access` }];
  const submodule = `\`${imported.module}\` is a submodule, which LazyLoader cannot load lazily`;
  return [...preferred, { strategy: functionStrategy, why: submodule }, { strategy: lazymoduleStrategy, why: `${submodule}: a module proxy instead` }];
}
