import type { FileModule, HeavyImport } from "../analysis/heavyImports.js";
import type { SemanticModel } from "../analysis/model.js";
import type { DeferralBlocker } from "../analysis/safety.js";
import type { LineIndex } from "../parse/lines.js";
import { planEdits } from "../transforms/edits.js";
import type { Edit } from "../transforms/edits.js";
import { strategies } from "../transforms/index.js";
import { STRATEGY_NAMES, blockersOf, withLine } from "../transforms/strategy.js";
import type { DeferralPlan, StrategyName } from "../transforms/strategy.js";
import type { FixKind } from "../rules/rule.js";
import type { Fix, TextEdit } from "./diagnostic.js";

export interface FixOptions {
  strategy: StrategyName;
  targetVersion: string;
}

export interface FixContext {
  model: SemanticModel;
  lines: LineIndex;
  file: FileModule;
  blockers: readonly DeferralBlocker[];
}

/** A fix for one finding, with the plan kept so that all fixes of a file can be merged. */
export interface PlannedFix {
  fix: Fix;
  plan: DeferralPlan;
}

export type FixPlanResult = PlannedFix | { refused: string };

/** The finding each kind of fix is for, in the user's words. */
const KIND_WORDS: Record<FixKind, string> = {
  defer: "an import used at runtime inside functions",
  "type-checking": "an import used only in annotations (LZ003)",
  getattr: "a re-export in a package `__init__.py` (LZ006)",
};

/**
 * Asks the chosen strategy how to fix the finding (a strategy fixes only some kinds: `type-checking`
 * only typing-only imports, `getattr` only package re-exports), then checks the safety conditions
 * that apply to that rewrite: any hard blocker refuses it, an unsafe one marks the fix unsafe. The
 * message says which strategy rewrote the import and, when it is not the one asked for, why.
 */
export function planFix(heavy: HeavyImport, kind: FixKind, context: FixContext, options: FixOptions): FixPlanResult {
  const strategy = strategies[options.strategy];
  if (!strategy.fixes.includes(kind)) {
    const fitting = STRATEGY_NAMES.filter((name) => strategies[name].fixes.includes(kind)).map((name) => `\`${name}\``);
    const choices = fitting.length > 1 ? `${fitting.slice(0, -1).join(", ")} and ${fitting[fitting.length - 1]}` : fitting[0];
    return { refused: `the \`${strategy.name}\` strategy does not fix ${KIND_WORDS[kind]}: ${choices} do` };
  }
  const { model, lines, file, blockers } = context;
  const result = strategy.defer({ heavy, model, lines, file, kind, targetVersion: options.targetVersion, blockers });
  if ("refused" in result) return result;
  const { hard, unsafe } = blockersOf(result, blockers);
  if (hard) return { refused: withLine(hard, lines) };
  const notes = [result.choice, result.fallbackReason, unsafe && `unsafe: ${withLine(unsafe, lines)}`].filter(Boolean);
  const fix: Fix = {
    applicability: unsafe ? "unsafe" : "safe",
    message: notes.length > 0 ? `${result.message} (${notes.join("; ")})` : result.message,
    strategy: result.strategy,
    edits: planEdits([result], lines).map((edit) => toTextEdit(edit, lines)),
  };
  return { fix, plan: result };
}

function toTextEdit(edit: Edit, lines: LineIndex): TextEdit {
  // Only plain data: diagnostics travel to worker threads, caches and JSON.
  return { start: edit.start, end: edit.end, content: edit.content, location: lines.position(edit.start), endLocation: lines.position(edit.end) };
}
