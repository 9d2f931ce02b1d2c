/** Where a module's import cost came from: measured by a profile, or the built-in table. */
export type CostSource = "profile" | "estimate";

export interface ModuleCost {
  /** Full dotted module name, e.g. `numpy.linalg`. */
  module: string;
  /** Cumulative import time in microseconds (the module and everything first imported under it). */
  cumulativeUs: number;
  /** Self import time in microseconds. */
  selfUs: number;
  source: CostSource;
  /**
   * When the cost is that of a parent package (`numpy` for `numpy.linalg`), the module it was
   * taken from. Only estimates fall back this way, and the fallback is always visible here.
   */
  fallbackFrom?: string;
}

/** Answers "how much does importing this module cost" for the rules. */
export interface CostTable {
  lookup(module: string): ModuleCost | undefined;
  /** Every module this table knows, for pre-scans that must not miss a candidate. */
  modules(): Iterable<string>;
  /** A short description for messages: the file the costs came from, or "built-in estimates". */
  readonly description: string;
  /** The import tree of a profiled entry, when the costs came from one: what savings are computed from. */
  readonly startup?: StartupProfile;
  /** What importing each module `--measure` measured loads in a fresh interpreter, itself included. */
  readonly closures?: ReadonlyMap<string, readonly string[]>;
}

/** A profile of one program's startup: enough to tell what deferring an import would save. */
export interface StartupProfile {
  /** Median timings per module. */
  modules: ReadonlyMap<string, ModuleTiming>;
  /** The import trees of the profiled run(s); each module sits under the import that first loaded it. */
  tree: readonly ImportTimeNode[];
  /** The module run as `__main__` (`python -m app`, `python app/cli.py`): its imports are the top-level ones. */
  main?: string;
  /** What each module's body imported, already loaded modules included (the tree shows first loads only). */
  imports?: ReadonlyMap<string, readonly string[]>;
  /** The interpreter that was profiled, when known. */
  python?: PythonIdentity;
}

/** Which interpreter a measurement belongs to: another executable or version measures something else. */
export interface PythonIdentity {
  executable: string;
  version: string;
}

/** One node of a `-X importtime` tree. */
export interface ImportTimeNode {
  module: string;
  selfUs: number;
  cumulativeUs: number;
  children: ImportTimeNode[];
}

/** What one profile says about one module: medians over `samples` runs. */
export interface ModuleTiming {
  selfUs: number;
  cumulativeUs: number;
  /** How many runs measured the module. */
  samples: number;
}
