import type { FileModule } from "../analysis/heavyImports.js";
import { importedModule } from "../analysis/heavyImports.js";
import type { ImportedName, SemanticModel, StarImport } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";

/**
 * One name an import statement of the project imports while its module is being imported:
 * what a deferral removes from startup. `import a, b` is two sites, one per name.
 */
export interface ImportSite {
  /** Identifies the site across a run: the file and the offset of the imported name. */
  key: string;
  /** The module whose body runs the statement. */
  importer: string;
  /** Modules the statement loads, as absolute names: `a.b` for `import a.b`, `m` and `m.x` for `from m import x`. */
  targets: string[];
  /** Where it is, for people: `app/report.py:3`. */
  where: string;
  /** The statement's first line, as written. */
  text: string;
}

/** A module of the project: its own import statements replace the profile's guess at what it imports. */
export interface FirstPartyModule {
  module: string;
  /** The file, as shown to the user. */
  file: string;
  /** Import statements that run while the module is imported, in source order. */
  sites: ImportSite[];
}

export function siteKey(file: string, offset: number): string {
  return `${file}#${offset}`;
}

/** The key of the site a finding's import is, so that savings can be looked up for a diagnostic. */
export function siteKeyOfImport(file: string, imported: ImportedName): string {
  return siteKey(file, imported.alias.startIndex);
}

/**
 * The import sites of one parsed file: every import that runs at import time, guarded or not
 * (an `if` or `try` may well take that branch), but not those under `TYPE_CHECKING` or in functions.
 */
export function importSitesOf(model: SemanticModel, lines: LineIndex, file: FileModule, paths: { absolute: string; shown: string }): ImportSite[] {
  const sites: ImportSite[] = [];
  const siteAt = (offset: number, statementText: string, targets: string[]): ImportSite => ({
    key: siteKey(paths.absolute, offset),
    importer: file.module,
    targets,
    where: `${paths.shown}:${lines.lineOf(offset) + 1}`,
    text: statementText.split(/\r?\n|\r/)[0].trim(),
  });
  for (const imported of model.imports) {
    if (imported.binding.context !== "import-time") continue;
    const base = importedModule(imported, file);
    if (base === undefined) continue;
    const targets = imported.importedName === undefined ? [base] : [base, `${base}.${imported.importedName}`];
    sites.push(siteAt(imported.alias.startIndex, imported.statement.text, targets));
  }
  for (const star of model.starImports) {
    if (!runsAtImportTime(star)) continue;
    const base = importedModule(star, file);
    if (base !== undefined) sites.push(siteAt(star.statement.startIndex, star.statement.text, [base]));
  }
  return sites.sort((a, b) => offsetOf(a) - offsetOf(b));
}

function runsAtImportTime(star: StarImport): boolean {
  return star.guard?.kind !== "type-checking";
}

function offsetOf(site: ImportSite): number {
  return Number(site.key.slice(site.key.lastIndexOf("#") + 1));
}

/**
 * Whether running the site loads `module` itself: `import a.b.c` loads `a`, `a.b` and `a.b.c`,
 * each shown by `-X importtime` as a child of the importing module.
 */
export function siteLoads(site: ImportSite, module: string): boolean {
  return site.targets.some((target) => target === module || target.startsWith(`${module}.`));
}
