import type { Diagnostic } from "../engine/diagnostic.js";
import type { FileAnalysis } from "../engine/lintSource.js";
import type { Project } from "../project/types.js";
import { formatCost } from "../rules/rule.js";
import { siteKeyOfImport } from "./importSites.js";
import type { FirstPartyModule } from "./importSites.js";
import { loadFirstPartyModules } from "./projectModules.js";
import { StartupGraph } from "./savings.js";
import type { Saving } from "./savings.js";
import type { StartupProfile } from "./types.js";

/** A linted file: its absolute path and what linting it found. */
export interface LintedFile {
  path: string;
  analysis: FileAnalysis;
}

/** Savings for the diagnostics of one run, from a profile of the program's startup. */
export class StartupSavings {
  constructor(
    readonly graph: StartupGraph,
    readonly firstParty: ReadonlyMap<string, FirstPartyModule>,
    private readonly sitesByDiagnostic: ReadonlyMap<Diagnostic, string>,
  ) {}

  /** What deferring the imports of all these diagnostics saves together; shared dependencies count once. */
  savedBy(diagnostics: Iterable<Diagnostic>): Saving {
    const keys: string[] = [];
    for (const diagnostic of diagnostics) {
      const key = this.sitesByDiagnostic.get(diagnostic);
      if (key !== undefined) keys.push(key);
    }
    return this.graph.saving(keys);
  }
}

/**
 * Gives every diagnostic about an import that loads at startup its saving (`savingMs`); the message
 * of one that offers a deferral names the saving instead of the cumulative cost, and what stays.
 */
export async function annotateStartupSavings(
  files: readonly LintedFile[],
  project: Project,
  cwd: string,
  startup: StartupProfile,
  closures?: ReadonlyMap<string, Iterable<string>>,
): Promise<StartupSavings> {
  const firstParty = await loadFirstPartyModules(project, cwd, files);
  const graph = new StartupGraph({ modules: startup.modules, tree: startup.tree, imports: startup.imports, firstParty, main: startup.main, closures });
  const sitesByDiagnostic = new Map<Diagnostic, string>();
  for (const file of files) {
    const importer = file.analysis.file.module;
    // A file the profiled entry never imports saves it nothing; its cost stays as measured.
    if (importer !== startup.main && !graph.loadedAtStartup.has(importer)) continue;
    for (const { finding, diagnostic } of file.analysis.findings) {
      if (!finding.heavy || !finding.cost) continue;
      const key = siteKeyOfImport(file.path, finding.heavy.imported);
      sitesByDiagnostic.set(diagnostic, key);
      const saving = graph.saving([key]);
      diagnostic.savingMs = roundMs(saving.savedUs);
      // An import needed at import time (LZ002) cannot be deferred: promising a saving would mislead.
      if (finding.fix) diagnostic.message = diagnostic.message.replace(`(${formatCost(finding.cost)})`, `(${describeSaving(saving, finding.cost.cumulativeUs)})`);
    }
  }
  return new StartupSavings(graph, firstParty, sitesByDiagnostic);
}

/**
 * `saves 120 ms of 201 ms: \`numpy\` stays, still loaded by app/calc.py:1`; what stays is named
 * when it accounts for a tenth of the cost or more.
 */
export function describeSaving(saving: Saving, cumulativeUs: number): string {
  const saves = `saves ${formatMs(saving.savedUs)}`;
  if (formatMs(saving.savedUs) === formatMs(cumulativeUs)) return saves;
  const kept = saving.staying[0];
  if (kept === undefined || kept.cumulativeUs < cumulativeUs / 10) return `${saves} of ${formatMs(cumulativeUs)}`;
  const by = kept.keptBy ? `still loaded by ${kept.keptBy.where}` : "loaded at startup anyway";
  return `${saves} of ${formatMs(cumulativeUs)}: \`${kept.module}\` stays, ${by}`;
}

export function formatMs(us: number): string {
  const ms = us / 1000;
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

function roundMs(us: number): number {
  return Math.round(us / 100) / 10;
}
