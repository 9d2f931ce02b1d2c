import type { FileModule, HeavyImport } from "../analysis/heavyImports.js";
import type { ImportedName, SemanticModel } from "../analysis/model.js";
import type { DeferralBlocker } from "../analysis/safety.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import type { FixKind } from "../rules/rule.js";
import type { Edit, ImportRewrite } from "./edits.js";

export const STRATEGY_NAMES = ["function", "lazyloader", "lazymodule", "pep810", "lazy-modules", "type-checking", "getattr", "auto"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export interface DeferralContext {
  heavy: HeavyImport;
  model: SemanticModel;
  lines: LineIndex;
  file: FileModule;
  /** What the rule asks for: defer a runtime import, move a typing-only one, or rewrite a re-export. */
  kind: FixKind;
  /** The oldest Python the code supports: `py39`, `py315`. */
  targetVersion: string;
  /** What could make a deferral unsafe (DESIGN.md §5); `auto` picks a strategy they do not block. */
  blockers: readonly DeferralBlocker[];
}

/** A module-level `if TYPE_CHECKING:` block that moved imports go into. */
export interface TypeCheckingBlock {
  /** The block to extend; undefined to create one after the imports at the top of the file. */
  existing?: SyntaxNode;
  /** `TYPE_CHECKING` or `typing.TYPE_CHECKING`: what the condition of a new block reads. */
  condition: string;
  /** A new block needs `from typing import TYPE_CHECKING` before it. */
  importsTypeChecking: boolean;
}

/** One name a package's `__getattr__` imports on first access, and the Python lines that do it. */
export interface GetattrEntry {
  name: string;
  /** Lines that bind `value`, four spaces a level: `from .frames import DataFrame as value`. */
  code: string[];
}

/**
 * Code a strategy adds to the module once per file, whatever the number of findings it serves:
 * all additions of one kind in a file are rendered together (one block, one set, one function).
 */
export type ModuleAddition =
  | { kind: "type-checking"; imported: ImportedName; block: TypeCheckingBlock }
  | { kind: "lazy-modules"; imported: ImportedName; module: string; literal?: SyntaxNode }
  | { kind: "getattr"; imported: ImportedName; entries: GetattrEntry[] };

/** How a strategy would defer one import: the statement rewrite plus any other insertions. */
export interface DeferralPlan {
  /** The strategy whose rewrite this is (a fallback names the strategy it fell back to). */
  strategy: StrategyName;
  rewrites: ImportRewrite[];
  edits: Edit[];
  /** Code added once per file, merged with the other findings' (see ModuleAddition). */
  additions: ModuleAddition[];
  /** One line for the user: "Move `import numpy as np` into 2 functions". */
  message: string;
  /**
   * The name stays reachable at module level (bound to a proxy or a lazy object, or served by a
   * module `__getattr__`), so re-exports and rebinding are not at risk.
   */
  keepsNameBound: boolean;
  /** Why the requested strategy was not used, when it fell back to another. */
  fallbackReason?: string;
  /** Why `auto` chose this strategy. */
  choice?: string;
}

export type DeferralResult = DeferralPlan | { refused: string };

export interface Strategy {
  name: StrategyName;
  summary: string;
  /** The kinds of fix this strategy can make. */
  fixes: readonly FixKind[];
  defer(context: DeferralContext): DeferralResult;
}

export function isPlan(result: DeferralResult): result is DeferralPlan {
  return !("refused" in result);
}

/** The blockers that concern a plan (a plan that keeps the name bound is not at risk from re-exports), hard first. */
export function blockersOf(plan: DeferralPlan, blockers: readonly DeferralBlocker[]): { hard?: DeferralBlocker; unsafe?: DeferralBlocker } {
  const relevant = blockers.filter((blocker) => !(blocker.onlyWhenUnbound && plan.keepsNameBound));
  return { hard: relevant.find((blocker) => !blocker.unsafe), unsafe: relevant.find((blocker) => blocker.unsafe) };
}

export function withLine(blocker: DeferralBlocker, lines: LineIndex): string {
  return blocker.at === undefined ? blocker.reason : `${blocker.reason} on line ${lines.lineOf(blocker.at) + 1}`;
}

/** The minor version of a target such as `py315` (15); 0 when unreadable. */
export function targetMinor(targetVersion: string): number {
  return Number(/^py3(\d+)$/.exec(targetVersion)?.[1] ?? "0");
}

/** Python 3.15 has `lazy import` and honours `__lazy_modules__` (PEP 810). */
export const LAZY_IMPORTS_MINOR = 15;
