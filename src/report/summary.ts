import type { Diagnostic } from "../engine/diagnostic.js";

export interface Summary {
  total: number;
  fixable: number;
  /** Startup time the fixable findings' modules account for, counting each module once. */
  fixableMs: number;
  /** Some of that time is estimated rather than measured. */
  fixableMsIncludesEstimates: boolean;
  /** With a profile of the program's startup: what deferring all the fixable imports saves, measured. */
  savedMs?: number;
}

export function summarize(diagnostics: readonly Diagnostic[], savedMs?: number): Summary {
  const byModule = new Map<string, Diagnostic>();
  let fixable = 0;
  for (const diagnostic of diagnostics) {
    if (diagnostic.fix === null) continue;
    fixable++;
    if (diagnostic.module !== undefined && !byModule.has(diagnostic.module)) byModule.set(diagnostic.module, diagnostic);
  }
  let fixableMs = 0;
  let fixableMsIncludesEstimates = false;
  for (const diagnostic of byModule.values()) {
    fixableMs += diagnostic.costMs ?? 0;
    if (diagnostic.costSource === "estimate") fixableMsIncludesEstimates = true;
  }
  return { total: diagnostics.length, fixable, fixableMs, fixableMsIncludesEstimates, savedMs };
}
