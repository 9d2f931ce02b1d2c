import type { Position } from "../parse/lines.js";
import type { CostSource } from "../profile/types.js";

export type Applicability = "safe" | "unsafe";

/** One text replacement, with offsets for applying it and positions for showing it. */
export interface TextEdit {
  start: number;
  end: number;
  content: string;
  location: Position;
  endLocation: Position;
}

export interface Fix {
  applicability: Applicability;
  /** What the fix does, in one line: "Move `import numpy as np` into 2 functions". */
  message: string;
  /** The strategy that produced the edits. */
  strategy: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  /** Rule code, or null for a syntax error (as ruff does). */
  code: string | null;
  name: string;
  message: string;
  filename: string;
  location: Position;
  endLocation: Position;
  fix: Fix | null;
  /** Why a finding of a fixable rule has no fix (or only an unsafe one). */
  fixRefusal?: string;
  module?: string;
  costMs?: number;
  costSource?: CostSource;
  /**
   * With a profile of the program's startup: what deferring this import alone would take out of
   * startup, which is less than `costMs` when other eager imports load the same modules.
   */
  savingMs?: number;
  /** LZ002: where the imported name is first needed at import time. */
  importTimeUse?: Position;
  /**
   * Linted without asking the project index (a lint worker): `fix` and `fixRefusal` are as if no
   * other module reached the imported name, and these are as if one did, with REACH_TO_COME
   * (safety.ts) where the reach is told. The main thread asks its index and keeps one (run.ts);
   * never shown, cached or sent to an editor.
   */
  ifReached?: { module: string; name: string; fromFile: string; fix: Fix | null; fixRefusal?: string };
}
