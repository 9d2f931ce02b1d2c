import type { FileModule, HeavyImport } from "../analysis/heavyImports.js";
import type { SemanticModel } from "../analysis/model.js";
import type { DeferralBlocker } from "../analysis/safety.js";
import type { LineIndex } from "../parse/lines.js";
import { statementEdits } from "../transforms/edits.js";
import type { Edit } from "../transforms/edits.js";
import { strategies } from "../transforms/index.js";
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

/**
 * Asks the chosen strategy how to defer the import, then checks the safety conditions that apply
 * to that rewrite: any hard blocker refuses it, an unsafe one marks the fix unsafe.
 */
export function planFix(heavy: HeavyImport, kind: FixKind, context: FixContext, options: FixOptions): FixPlanResult {
  if (kind !== "defer") return { refused: `the \`${kind}\` fix is not available yet` };
  const result = strategies[options.strategy].defer({ heavy, model: context.model, lines: context.lines, file: context.file });
  if ("refused" in result) return result;
  const relevant = context.blockers.filter((blocker) => !(blocker.onlyWhenUnbound && result.keepsNameBound));
  const hard = relevant.find((blocker) => !blocker.unsafe);
  if (hard) return { refused: withLine(hard, context.lines) };
  const unsafe = relevant.find((blocker) => blocker.unsafe);
  const edits = [...statementEdits(result.rewrites, context.lines), ...result.edits];
  const notes = [result.fallbackReason, unsafe && `unsafe: ${withLine(unsafe, context.lines)}`].filter(Boolean);
  const fix: Fix = {
    applicability: unsafe ? "unsafe" : "safe",
    message: notes.length > 0 ? `${result.message} (${notes.join("; ")})` : result.message,
    strategy: result.strategy,
    edits: edits.map((edit) => toTextEdit(edit, context.lines)),
  };
  return { fix, plan: result };
}

export function withLine(blocker: DeferralBlocker, lines: LineIndex): string {
  return blocker.at === undefined ? blocker.reason : `${blocker.reason} on line ${lines.lineOf(blocker.at) + 1}`;
}

function toTextEdit(edit: Edit, lines: LineIndex): TextEdit {
  // Only plain data: diagnostics travel to worker threads, caches and JSON.
  return { start: edit.start, end: edit.end, content: edit.content, location: lines.position(edit.start), endLocation: lines.position(edit.end) };
}
