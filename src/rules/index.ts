import { heavyImportNeededAtImportTime } from "./heavyImportNeededAtImportTime.js";
import { heavyModuleLevelImport } from "./heavyModuleLevelImport.js";
import { heavyPackageReexport } from "./heavyPackageReexport.js";
import { heavyStarImport } from "./heavyStarImport.js";
import { heavyTypingOnlyImport } from "./heavyTypingOnlyImport.js";
import { lazyImportResolvedEagerly } from "./lazyImportResolvedEagerly.js";
import type { Rule } from "./rule.js";

/** Every rule, in code order. */
export const rules: readonly Rule[] = [
  heavyModuleLevelImport,
  heavyImportNeededAtImportTime,
  heavyTypingOnlyImport,
  lazyImportResolvedEagerly,
  heavyStarImport,
  heavyPackageReexport,
];

export function ruleByCode(code: string): Rule | undefined {
  const wanted = code.toUpperCase();
  return rules.find((rule) => rule.meta.code === wanted || rule.meta.name === code.toLowerCase());
}

/** ruff's selection: a code matches a selector equal to it or prefixing it (`LZ`, `LZ00`, `LZ001`, `ALL`). */
export function selectRules(select: readonly string[], ignore: readonly string[]): Rule[] {
  const matches = (code: string, selector: string): boolean => selector.toUpperCase() === "ALL" || code.startsWith(selector.toUpperCase());
  return rules.filter(
    (rule) =>
      (select.length === 0 || select.some((s) => matches(rule.meta.code, s))) && !ignore.some((s) => matches(rule.meta.code, s)),
  );
}
