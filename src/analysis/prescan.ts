import { builtinEstimates } from "../profile/estimates.js";
import type { CostTable } from "../profile/types.js";
import type { FileModule } from "./heavyImports.js";
import { mayHoldLazyConstruct } from "./lazyConstructs.js";

/**
 * A test on a file's text that tells whether the full analysis could find anything in it, without
 * parsing: most files of a tree import nothing heavy, and parsing is most of the cost of a lint.
 *
 * It must never say "nothing" for a file in which the analysis finds something (test/prescan.test.ts
 * compares both over a corpus). It holds because every finding comes from one of:
 * - a module-level import whose module (or `module.name`) costs at least the threshold: its
 *   absolute name starts with a top-level name that some heavy entry of the cost table starts
 *   with, and that name is spelled right after `import`, `from` or a comma of an import list
 *   (or it is the file's own package, reached by a relative import);
 * - with a threshold of 0, any import at all;
 * - a lazy construct (`lazy import`, `__lazy_modules__`, a lazy proxy): mayHoldLazyConstruct.
 * A file with a syntax error that could hold no finding is not parsed, so its syntax error is not
 * reported: pylazy reports syntax errors only in files it has to analyse.
 */
export class PreScan {
  private readonly anyImport: boolean;
  private readonly heavyTops: ReadonlySet<string>;
  private readonly spelled?: RegExp;

  constructor(costs: CostTable, thresholdMs: number) {
    this.anyImport = thresholdMs <= 0;
    this.heavyTops = heavyTopLevelNames(costs, thresholdMs);
    if (this.heavyTops.size > 0) {
      const names = [...this.heavyTops].sort((a, b) => b.length - a.length).map(escapeRegExp);
      // The name where an import spells a module: after `import`, `from` (and any dots), or a comma.
      this.spelled = new RegExp(`(?:\\b(?:import|from)|,)[\\s\\\\.]*(?:${names.join("|")})(?![\\p{L}\\p{M}\\p{N}\\p{Pc}])`, "u");
    }
  }

  /** False only when the file cannot hold a finding (see the class comment). `lazy`: mayHoldLazyConstruct(source), when the caller knows it. */
  mayHaveFindings(source: string, file: FileModule, lazy = mayHoldLazyConstruct(source)): boolean {
    if (lazy) return true;
    if (!IMPORT_KEYWORD.test(source)) return false;
    if (this.anyImport) return true;
    if (this.spelled?.test(source)) return true;
    // A relative import resolves into the file's own package (or, outside one, to the name after the dots).
    const ownTop = file.module.split(".")[0];
    return this.heavyTops.has(ownTop) && RELATIVE_IMPORT.test(source);
  }
}

const IMPORT_KEYWORD = /\bimport\b/;
const RELATIVE_IMPORT = /\bfrom[\s\\]*\./;

/**
 * The first component of every module the table could call heavy: a cost is either a module's own
 * entry or, for the built-in estimates, that of a listed parent, so every heavy module shares its
 * top-level name with a listed entry that is heavy by one reading or the other.
 */
export function heavyTopLevelNames(costs: CostTable, thresholdMs: number): Set<string> {
  const thresholdUs = thresholdMs * 1000;
  const estimates = builtinEstimates();
  const tops = new Set<string>();
  for (const module of costs.modules()) {
    const heavy = [costs.lookup(module), estimates.lookup(module)].some((cost) => cost !== undefined && cost.cumulativeUs >= thresholdUs);
    if (heavy) tops.add(module.split(".")[0]);
  }
  return tops;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
