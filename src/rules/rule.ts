import type { FileModule, HeavyImport, HeavyStarImport, Uses } from "../analysis/heavyImports.js";
import { firstCalled } from "../analysis/importTimeCalls.js";
import type { CalledUse } from "../analysis/importTimeCalls.js";
import type { Reference } from "../analysis/scope.js";
import { describeUseSite } from "../analysis/useSite.js";
import type { SemanticModel } from "../analysis/model.js";
import type { LazyConstruct } from "../analysis/lazyConstructs.js";
import type { DeferralBlocker } from "../analysis/safety.js";
import type { ModuleCost } from "../profile/types.js";

/** The fix a rule offers: which kind of rewrite the transforms should make for the finding. */
export type FixKind = "defer" | "type-checking" | "getattr";

export interface RuleMeta {
  code: string;
  /** kebab-case name, as in ruff. */
  name: string;
  /** One line: when the rule fires. */
  summary: string;
  /** Whether findings of this rule can be fixed by `pylazy fix` (some may still be refused). */
  fixable: boolean;
  /** User documentation in Markdown: what it does, why, example, use instead, fix safety, options. */
  docs: string;
}

/** What a rule reports; the engine turns it into a diagnostic with positions, noqa and fixes. */
export interface Finding {
  /** Source range of the finding, as offsets into the text. */
  start: number;
  end: number;
  message: string;
  module: string;
  cost: ModuleCost;
  /** The import the finding is about, for fixes and for LSP hovers. */
  heavy?: HeavyImport;
  /** The kind of fix to offer, if the rule offers one for this finding. */
  fix?: FixKind;
  /** For LZ002/LZ004: where the name is first needed at import time (offset). */
  importTimeUse?: number;
}

export interface RuleContext {
  readonly model: SemanticModel;
  readonly file: FileModule;
  readonly heavyImports: readonly HeavyImport[];
  readonly heavyStarImports: readonly HeavyStarImport[];
  blockers(heavy: HeavyImport): DeferralBlocker[];
  /** Names the code means to be lazy (PEP 810 imports, `__lazy_modules__`, proxies). */
  lazyConstructs(): readonly LazyConstruct[];
  costOf(module: string): ModuleCost | undefined;
  /** 1-based line of an offset, for messages. */
  lineOf(offset: number): number;
  report(finding: Finding): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export function formatCost(cost: ModuleCost): string {
  const ms = cost.cumulativeUs / 1000;
  const shown = ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
  return cost.source === "estimate" ? `~${shown}, estimated` : shown;
}

/** The span a finding about one imported name points at: the whole statement if it imports one name, else the name. */
export function importSpan(heavy: HeavyImport): { start: number; end: number } {
  const { statement, alias } = heavy.imported;
  const single = statement.childrenForFieldName("name").length === 1;
  const node = single ? statement : alias;
  return { start: node.startIndex, end: node.endIndex };
}

/**
 * What ties a name to import time, for LZ002 and LZ004: its first use that runs then where it is
 * written ("a class body on line 12"), else its first use in a function that the module calls
 * then (calledSite); with the offset a diagnostic points at as its import-time use.
 */
export function importTimeUse(model: SemanticModel, uses: Uses, lineOf: (offset: number) => number): { where: string; offset: number } | undefined {
  const first = uses.importTime.reduce<Reference | undefined>((earliest, ref) => (earliest === undefined || ref.startIndex < earliest.startIndex ? ref : earliest), undefined);
  if (first !== undefined) return { where: `${siteWithArticle(describeUseSite(model, first))} on line ${lineOf(first.startIndex)}`, offset: first.startIndex };
  const called = firstCalled(uses.calledAtImportTime);
  return called && { where: calledSite(called, lineOf), offset: called.call };
}

/**
 * "`make()` on line 5, called at import time on line 7", "`App.__init__()` on line 5, run by
 * `App()` at import time on line 9", "`helper()` on line 5, reached from `make()`, called at
 * import time on line 9": where a use in a function run at import time is.
 */
function calledSite(called: CalledUse, lineOf: (offset: number) => number): string {
  const use = lineOf(called.use.startIndex);
  const call = lineOf(called.call);
  const runner = called.method === undefined ? `\`${called.runner}()\`` : `\`${called.runner}.${called.method}()\``;
  if (called.through !== undefined) return `${runner} on line ${use}, reached from \`${called.through}()\`, called at import time on line ${call}`;
  if (called.method === undefined) return `${runner} on line ${use}, called at import time on line ${call}`;
  return `${runner} on line ${use}, run by \`${called.runner}()\` at import time on line ${call}`;
}

/** "a class body", "an annotation", "the module body": a use site in a sentence. */
export function siteWithArticle(site: string): string {
  if (site === "module body") return "the module body";
  return /^[aeiou]/.test(site) ? `an ${site}` : `a ${site}`;
}
