import type { CostTable, ModuleCost } from "../profile/types.js";
import { usesThroughCalls } from "./importTimeCalls.js";
import type { CalledUse } from "./importTimeCalls.js";
import type { ImportedName, SemanticModel, StarImport } from "./model.js";
import { resolveRelativeModule } from "./modulePath.js";
import type { Binding, Reference } from "./scope.js";

/** Where the file sits in its project, which relative imports and re-export checks need. */
export interface FileModule {
  /** Dotted module name of the file (`pkg.util`), empty if unknown. */
  module: string;
  /** The file is a package's `__init__.py`. */
  isPackage: boolean;
  /** Absolute path, when the source is a file (the language server may lint unsaved text). */
  path?: string;
}

/** The uses of an imported name, grouped by when they run. */
export interface Uses {
  importTime: Reference[];
  deferred: Reference[];
  typing: Reference[];
  /**
   * Those of `deferred` in a module-level function (or constructor) that the module's import-time
   * code calls, directly or through others (importTimeCalls.ts), which run at import time all the same. Looked for only when no use is
   * in `importTime` (the rules read them only then): empty otherwise.
   */
  calledAtImportTime: CalledUse[];
}

/** A module-level import of a module whose measured or estimated cost reaches the threshold. */
export interface HeavyImport {
  imported: ImportedName;
  /** Absolute module name whose cost applies (`pkg.sub` for `from pkg import sub` when it is a module). */
  module: string;
  cost: ModuleCost;
  uses: Uses;
  /** Other module-level bindings of the same name (assignments, `del`, definitions, other imports). */
  otherBindings: Binding[];
}

export interface HeavyStarImport {
  star: StarImport;
  module: string;
  cost: ModuleCost;
}

export interface HeavyImportOptions {
  costs: CostTable;
  thresholdMs: number;
  /** Modules never to report or defer (and their submodules). */
  keepEager: readonly string[];
  file: FileModule;
  /**
   * The modules a literal `__lazy_modules__` makes lazy, when the target version honours it
   * (Python 3.15+): their imports are already lazy, and LZ004 watches them instead.
   */
  lazyModules?: ReadonlySet<string>;
}

/** Absolute name of the module an import loads, or undefined when a relative import cannot be resolved. */
export function importedModule(imported: Pick<ImportedName, "module" | "level">, file: FileModule): string | undefined {
  return resolveRelativeModule(imported.module, imported.level, file);
}

/**
 * The unconditional module-level imports of heavy modules, with their uses sorted by execution
 * context. Imports under `if`, `try`, `with`, loops or `TYPE_CHECKING` are conditional and left out.
 */
export function findHeavyImports(model: SemanticModel, options: HeavyImportOptions): HeavyImport[] {
  const heavy: HeavyImport[] = [];
  for (const imported of model.imports) {
    // Already lazy (PEP 810): LZ004 watches those instead.
    if (imported.scope !== model.moduleScope || imported.guard || imported.lazy) continue;
    const base = importedModule(imported, options.file);
    if (base === undefined || base === "__future__") continue;
    if (options.lazyModules?.has(imported.kind === "import" ? imported.module : base)) continue;
    const resolved = heavyCostOf(base, imported.importedName, options);
    if (!resolved) continue;
    heavy.push({
      imported,
      module: resolved.module,
      cost: resolved.cost,
      uses: usesOf(model, imported.boundName),
      otherBindings: model.moduleBindings(imported.boundName).filter((binding) => binding !== imported.binding),
    });
  }
  return heavy;
}

/** Whether an import of `base` (of `importedName` from it, for a from-import) is a candidate by its cost: heavy, and not kept eager. */
export function importsHeavyModule(base: string, importedName: string | undefined, options: Pick<HeavyImportOptions, "costs" | "thresholdMs" | "keepEager">): boolean {
  return heavyCostOf(base, importedName, options) !== undefined;
}

/** The module whose cost applies to an import and that cost, when it is heavy and not kept eager. */
function heavyCostOf(base: string, importedName: string | undefined, options: Pick<HeavyImportOptions, "costs" | "thresholdMs" | "keepEager">): { module: string; cost: ModuleCost } | undefined {
  const resolved = costOfImport(base, importedName, options.costs, options.thresholdMs);
  return resolved && isHeavy(resolved.cost, options.thresholdMs) && !isKeptEager(resolved.module, options.keepEager) ? resolved : undefined;
}

export function findHeavyStarImports(model: SemanticModel, options: HeavyImportOptions): HeavyStarImport[] {
  const heavy: HeavyStarImport[] = [];
  for (const star of model.starImports) {
    if (star.scope !== model.moduleScope) continue;
    const module = importedModule(star, options.file);
    if (module === undefined) continue;
    const cost = options.costs.lookup(module);
    if (cost && isHeavy(cost, options.thresholdMs) && !isKeptEager(module, options.keepEager)) heavy.push({ star, module, cost });
  }
  return heavy;
}

export function usesOf(model: SemanticModel, name: string): Uses {
  const uses: Uses = { importTime: [], deferred: [], typing: [], calledAtImportTime: [] };
  for (const ref of model.moduleReferences(name)) {
    if (ref.context === "import-time") uses.importTime.push(ref);
    else if (ref.context === "deferred") uses.deferred.push(ref);
    else uses.typing.push(ref);
  }
  if (uses.importTime.length === 0 && uses.deferred.length > 0) uses.calledAtImportTime = usesThroughCalls(model, uses.deferred);
  return uses;
}

/** Whether a name is needed while its module is imported: used at import time, or in a function called then. */
export function neededAtImportTime(uses: Uses): boolean {
  return uses.importTime.length > 0 || uses.calledAtImportTime.length > 0;
}

/**
 * `from pkg import sub` costs what `pkg.sub` costs when the profile or table knows `pkg.sub` as a
 * module of its own; otherwise what `pkg` costs.
 */
function costOfImport(
  base: string,
  importedName: string | undefined,
  costs: CostTable,
  thresholdMs: number,
): { module: string; cost: ModuleCost } | undefined {
  if (importedName !== undefined) {
    const submodule = `${base}.${importedName}`;
    const cost = costs.lookup(submodule);
    if (cost && cost.fallbackFrom === undefined) return { module: submodule, cost };
  }
  const cost = costs.lookup(base);
  if (cost) return { module: base, cost };
  // With a threshold of 0 every import is a candidate, even one nobody has measured.
  if (thresholdMs <= 0) return { module: base, cost: { module: base, cumulativeUs: 0, selfUs: 0, source: "estimate" } };
  return undefined;
}

function isHeavy(cost: ModuleCost, thresholdMs: number): boolean {
  return cost.cumulativeUs >= thresholdMs * 1000;
}

export function isKeptEager(module: string, keepEager: readonly string[]): boolean {
  return keepEager.some((kept) => module === kept || module.startsWith(`${kept}.`));
}
