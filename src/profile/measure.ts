import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { importedModule, isKeptEager } from "../analysis/heavyImports.js";
import { moduleNameForFile } from "../analysis/modulePath.js";
import { buildSemanticModel } from "../analysis/model.js";
import { parsePython } from "../parse/parser.js";
import { decodePythonSource } from "../parse/source.js";
import { discoverPythonFiles } from "../project/files.js";
import type { Project } from "../project/types.js";
import { writeTextAtomically } from "../engine/write.js";
import { describePython, loadCostTable } from "./costs.js";
import { parseImportTimeLog, programImports, summarizeImportTime } from "./importtime.js";
import { describeExit, findInterpreter, lastLine, runProcess } from "./python.js";
import { isModuleName } from "./runner.js";
import type { Interpreter } from "./python.js";
import type { CostTable, ImportTimeNode, ModuleCost, ModuleTiming } from "./types.js";

export interface MeasureOptions {
  project: Project;
  /** The paths being linted: their module-level imports are the candidates. */
  paths: string[];
  cwd: string;
  /** `--python`; default as for `pylazy profile`. */
  python?: string;
  warn: (message: string) => void;
}

/** One module measured in fresh interpreters, as cached in `.pylazy/measure/<interpreter>/<module>.json`. */
interface Measurement {
  module: string;
  /** Names of `from module import name` tried as submodules in the same runs. */
  probed: string[];
  /** Median timings of everything the import loaded (the module, its probed submodules, what they import). */
  modules: Map<string, ModuleTiming>;
  /** What `import module` alone loads, itself included: for savings, what a deferral could take out. */
  loads: string[];
  /** The files of what it loaded, with their mtimes: an edited or reinstalled module is measured again. */
  files: Record<string, number | null>;
}

/** Warm-up plus three: enough for a median that one slow run cannot move. */
const RUNS = 3;
/** A module whose import takes longer than this is reported as not measurable rather than waited for. */
const TIMEOUT_MS = 60_000;

/**
 * Costs for `--measure`: every module the linted files import at module level, imported on its own
 * in a fresh interpreter (`python -X importtime -c "import M"`), cached per interpreter and module.
 * A profile (`--profile`, or `.pylazy/profile.json` of the same interpreter) still wins for the
 * modules it measured: it saw them in the program's own startup.
 */
export async function measuredCostTable(options: MeasureOptions): Promise<CostTable> {
  const { project } = options;
  const interpreter = await findInterpreter(options.python, project.root);
  const base = loadCostTable({ profilePath: project.settings.profile, projectRoot: project.root, python: interpreter, warn: options.warn });
  const candidates = await importedModules(options);
  for (const module of candidates.keys()) {
    const known = base.lookup(module);
    if ((known?.source === "profile" && known.fallbackFrom === undefined) || isKeptEager(module, project.settings.keepEager)) candidates.delete(module);
  }
  const cache = new MeasureCache(project.root, interpreter);
  const failures: string[] = [];
  const measurements = await inParallel([...candidates], async ([module, names]) => {
    const cached = cache.read(module);
    if (cached && names.every((name) => cached.probed.includes(name))) return cached;
    const probed = [...new Set([...(cached?.probed ?? []), ...names])].sort();
    const measured = await measureModule(interpreter, module, probed, project.root);
    if (typeof measured === "string") {
      failures.push(`\`${module}\` (${measured})`);
      return undefined;
    }
    cache.write(measured);
    return measured;
  });
  if (failures.length > 0) {
    options.warn(`--measure could not import ${failures.length === 1 ? "1 module" : `${failures.length} modules`} with ${describePython(interpreter)}, so ${failures.length === 1 ? "its cost stays" : "their costs stay"} estimated: ${failures.sort().join(", ")}`);
  }
  return overlayMeasurements(base, measurements.filter((measured) => measured !== undefined), interpreter);
}

/** Module-level imports of the linted files, each module with the names imported from it. */
async function importedModules(options: MeasureOptions): Promise<Map<string, string[]>> {
  const { files } = await discoverPythonFiles(options.project, options.paths, options.cwd);
  const modules = new Map<string, Set<string>>();
  const add = (module: string | undefined, name?: string): void => {
    if (module === undefined || module === "__future__") return;
    let names = modules.get(module);
    if (names === undefined) modules.set(module, (names = new Set()));
    if (name !== undefined && MODULE_PART.test(name)) names.add(name);
  };
  for (const file of files) {
    let text: string;
    try {
      text = decodePythonSource(readFileSync(file)).text;
    } catch {
      continue; // the lint run reports it
    }
    const model = buildSemanticModel(text, parsePython(text));
    const fileModule = moduleNameForFile(file);
    for (const imported of model.imports) {
      if (imported.scope === model.moduleScope && !imported.guard) add(importedModule(imported, fileModule), imported.importedName);
    }
    for (const star of model.starImports) if (star.scope === model.moduleScope) add(importedModule(star, fileModule));
  }
  return new Map([...modules].map(([module, names]) => [module, [...names].sort()]));
}

const MODULE_PART = /^[A-Za-z_]\w*$/;

/**
 * Imports `module` in fresh interpreters; `from module import name` may load a submodule, so each
 * such name the package does not define by itself is imported as one. The program prints what the
 * import itself loaded, one `pylazy-loaded<TAB>name<TAB>file` a line. Returns why it failed, if it did.
 */
async function measureModule(interpreter: Interpreter, module: string, probed: string[], cwd: string): Promise<Measurement | string> {
  if (!isModuleName(module)) return "not a module name";
  const script = [
    "import sys",
    "_before = set(sys.modules)",
    `import ${module} as _measured`,
    "_loaded = sorted(set(sys.modules) - _before)",
    `for _name in ${JSON.stringify(probed)}:`,
    `    if hasattr(_measured, "__path__") and not hasattr(_measured, _name):`,
    `        try: __import__("${module}." + _name)`,
    "        except ImportError: pass",
    'for _name in _loaded: print("pylazy-loaded\\t" + _name + "\\t" + (getattr(sys.modules.get(_name), "__file__", None) or ""))',
  ].join("\n");
  const argv = [interpreter.executable, "-X", "importtime", "-c", script];
  const runs: ImportTimeNode[][] = [];
  let loaded: string[][] = [];
  for (let run = 0; run <= RUNS; run++) {
    const result = await runProcess(argv, { cwd, timeoutMs: TIMEOUT_MS });
    if (result.timedOut) return `took longer than ${TIMEOUT_MS / 1000} s`;
    if (result.status !== 0) return lastLine(result.stderr) ?? describeExit(result);
    // The first run warms the file cache and writes the .pyc files; it is not counted.
    if (run > 0) runs.push(programImports(parseImportTimeLog(result.stderr)));
    loaded = result.stdout
      .split(/\r?\n/)
      .filter((line) => line.startsWith("pylazy-loaded\t"))
      .map((line) => line.split("\t").slice(1));
  }
  const files: Record<string, number | null> = {};
  for (const [, file] of loaded) if (file) files[file] = mtimeOf(file);
  return { module, probed, modules: summarizeImportTime(runs.flat()), loads: loaded.map(([name]) => name), files };
}

/**
 * A measured cost for every module some measurement saw: a module's own measurement first, else
 * what it cost where another module's import loaded it.
 */
function overlayMeasurements(base: CostTable, measurements: readonly Measurement[], interpreter: Interpreter): CostTable {
  const measured = new Map<string, ModuleTiming>();
  for (const { module, modules } of measurements) {
    const own = modules.get(module);
    if (own) measured.set(module, own);
  }
  for (const { modules } of measurements) for (const [module, timing] of modules) if (!measured.has(module)) measured.set(module, timing);
  const closures = new Map<string, string[]>();
  for (const { module, loads } of measurements) closures.set(module, loads);
  return {
    description: `${base.description}, and modules measured with ${describePython(interpreter)}`,
    startup: base.startup,
    closures,
    lookup(module): ModuleCost | undefined {
      const known = base.lookup(module);
      if (known?.source === "profile" && known.fallbackFrom === undefined) return known;
      const timing = measured.get(module);
      if (timing === undefined) return known;
      return { module, cumulativeUs: timing.cumulativeUs, selfUs: timing.selfUs, source: "profile" };
    },
    modules: () => new Set([...base.modules(), ...measured.keys()]),
  };
}

/** Runs `work` over `items`, a few at a time: fresh interpreters are CPU-bound. */
async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]);
  };
  // Half the cores: timings taken while every core is busy would come out slow.
  const workers = Math.max(1, Math.min(items.length, Math.floor(os.availableParallelism() / 2)));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * `.pylazy/measure/<interpreter>/<module>.json`. The folder is named for the interpreter's path and
 * version, so another interpreter never reads this one's numbers. Like `.pytest_cache`, the cache
 * ignores itself for git: its numbers belong to one machine.
 */
class MeasureCache {
  private readonly top: string;
  private readonly folder: string;

  constructor(root: string, private readonly interpreter: Interpreter) {
    const digest = createHash("sha256").update(`${interpreter.executable}\0${interpreter.version}`).digest("hex").slice(0, 12);
    this.top = path.join(root, ".pylazy", "measure");
    this.folder = path.join(this.top, `python-${interpreter.version}-${digest}`);
  }

  read(module: string): Measurement | undefined {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(this.fileOf(module), "utf8")) as CacheEntry;
    } catch {
      return undefined;
    }
    const otherPython = entry.python?.executable !== this.interpreter.executable || entry.python.version !== this.interpreter.version;
    if (otherPython || entry.module !== module || typeof entry.files !== "object" || entry.files === null) return undefined;
    if (Object.entries(entry.files).some(([file, mtime]) => mtimeOf(file) !== mtime)) return undefined;
    const modules = new Map(
      Object.entries(entry.modules).map(([name, timing]) => [name, { selfUs: timing.self_us, cumulativeUs: timing.cumulative_us, samples: timing.samples }]),
    );
    return { module, probed: entry.probed, modules, loads: entry.loads, files: entry.files };
  }

  write(measurement: Measurement): void {
    const entry: CacheEntry = {
      python: { executable: this.interpreter.executable, version: this.interpreter.version },
      module: measurement.module,
      probed: measurement.probed,
      modules: Object.fromEntries(
        [...measurement.modules].map(([name, timing]) => [name, { self_us: timing.selfUs, cumulative_us: timing.cumulativeUs, samples: timing.samples }]),
      ),
      loads: measurement.loads,
      files: measurement.files,
    };
    try {
      writeTextAtomically(this.fileOf(measurement.module), `${JSON.stringify(entry)}\n`);
      const gitignore = path.join(this.top, ".gitignore");
      if (!existsSync(gitignore)) writeTextAtomically(gitignore, "# Created by pylazy: measurements of this machine's interpreters.\n*\n");
    } catch {
      // A read-only checkout still gets measured costs, only not cached ones.
    }
  }

  private fileOf(module: string): string {
    return path.join(this.folder, `${module}.json`);
  }
}

interface CacheEntry {
  python: { executable: string; version: string };
  module: string;
  probed: string[];
  modules: Record<string, { self_us: number; cumulative_us: number; samples: number }>;
  loads: string[];
  files: Record<string, number | null>;
}
