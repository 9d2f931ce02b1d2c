import type { FileModule, HeavyImport } from "../analysis/heavyImports.js";
import type { SemanticModel } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { Edit, ImportRewrite } from "./edits.js";

export const STRATEGY_NAMES = ["function", "lazyloader", "lazymodule"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface DeferralContext {
  heavy: HeavyImport;
  model: SemanticModel;
  lines: LineIndex;
  file: FileModule;
}

/** How a strategy would defer one import: the statement rewrite plus any other insertions. */
export interface DeferralPlan {
  /** The strategy whose rewrite this is (a fallback names the strategy it fell back to). */
  strategy: StrategyName;
  rewrites: ImportRewrite[];
  edits: Edit[];
  /** One line for the user: "Move `import numpy as np` into 2 functions". */
  message: string;
  /** The name stays bound at module level (a proxy), so re-exports and rebinding are not at risk. */
  keepsNameBound: boolean;
  /** Why the requested strategy was not used, when it fell back to another. */
  fallbackReason?: string;
}

export type DeferralResult = DeferralPlan | { refused: string };

export interface Strategy {
  name: StrategyName;
  summary: string;
  defer(context: DeferralContext): DeferralResult;
}

export function isPlan(result: DeferralResult): result is DeferralPlan {
  return !("refused" in result);
}
