import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "../engine/diagnostic.js";
import { displayPath } from "../engine/run.js";
import type { ImportAttribution } from "./attribution.js";
import type { FirstPartyModule, ImportSite } from "./importSites.js";
import { median, programImports } from "./importtime.js";
import type { Interpreter } from "./python.js";
import type { StartupRuns } from "./runner.js";
import type { StartupGraph } from "./savings.js";
import { formatMs } from "./startupSavings.js";
import type { StartupSavings } from "./startupSavings.js";
import type { ImportTimeNode, ModuleTiming, PythonIdentity } from "./types.js";

/** Where a program's startup time goes, as `pylazy profile` reports it. Times in milliseconds. */
export interface StartupBreakdown {
  /** What was profiled: `import app`, or the command line. */
  entry: string;
  python: PythonIdentity;
  runs: number;
  phases: {
    /** `python -S -c pass`: the interpreter with nothing to import. */
    interpreterStartMs: number;
    /** The `site` module, `.pth` files included. */
    siteMs: number;
    /** Everything the program imported. */
    importsMs: number;
    /** The rest of the wall time: running the program, shutting down. */
    restMs: number;
    totalMs: number;
  };
  /** `.pth` files whose `import` lines run at every start. */
  pthFiles: { file: string; imports: string[]; ms: number }[];
  compiled: {
    /** Source files compiled during the warm-up: no `.pyc`, or a stale one. */
    files: string[];
    /** Bytecode is never written (PYTHONDONTWRITEBYTECODE or -B), so every start compiles them again. */
    everyStart: boolean;
    /** What would precompile them. */
    command?: string;
  };
  heavy: HeavyImportRow[];
  deferrals: {
    imports: { where: string; module: string; code: string; savingMs: number }[];
    /** What deferring all of them together saves; shared dependencies count once. */
    savedMs: number;
    importsAfterMs: number;
  };
}

export interface HeavyImportRow {
  module: string;
  cumulativeMs: number;
  selfMs: number;
  /** The project's statement that first loaded it, and the module outside the project it came through. */
  firstImportedBy?: { where: string; text: string; through?: string };
  /** Set when no statement of the project explains it: the module that loaded it. */
  loadedBy?: string;
  /** Other statements of the project whose imports load it too. */
  alsoImportedBy: { where: string; text: string }[];
}

export interface BreakdownInput {
  runs: StartupRuns;
  interpreter: Interpreter;
  entry: string;
  /** The profiled modules themselves (`-m`), or the module run as `__main__`: not "heavy imports". */
  entryModules: readonly string[];
  modules: ReadonlyMap<string, ModuleTiming>;
  tree: readonly ImportTimeNode[];
  firstParty: ReadonlyMap<string, FirstPartyModule>;
  attribution: ImportAttribution;
  graph: StartupGraph;
  /** The project's findings after linting it with this profile; the fixable ones are the suggestions. */
  diagnostics: readonly Diagnostic[];
  savings: StartupSavings;
  thresholdMs: number;
  top: number;
  cwd: string;
}

export function buildBreakdown(input: BreakdownInput): StartupBreakdown {
  const program = programPart(input.tree, input.runs.coreModules);
  const importsMs = sum(program.map((node) => node.cumulativeUs)) / 1000;
  const interpreterStartMs = median(input.runs.bareStartMs);
  const siteMs = (input.modules.get("site")?.cumulativeUs ?? 0) / 1000;
  const totalMs = median(input.runs.wallMs);
  const suggested = input.diagnostics
    .filter((diagnostic) => diagnostic.fix !== null && diagnostic.savingMs !== undefined)
    .sort((a, b) => b.savingMs! - a.savingMs!);
  const savedMs = input.savings.savedBy(suggested).savedUs / 1000;
  return {
    entry: input.entry,
    python: { executable: input.interpreter.executable, version: input.interpreter.version },
    runs: input.runs.trees.length,
    phases: { interpreterStartMs, siteMs, importsMs, restMs: Math.max(0, totalMs - interpreterStartMs - siteMs - importsMs), totalMs },
    pthFiles: pthFilesRunningCode(input.interpreter.sitePackages, input.tree),
    compiled: compiledSummary(input.runs.compiledFiles, input.interpreter, input.cwd),
    heavy: heavyImports(program, input),
    deferrals: {
      imports: suggested.map((diagnostic) => ({
        where: `${diagnostic.filename}:${diagnostic.location.row}`,
        module: diagnostic.module ?? "",
        code: diagnostic.code ?? "",
        savingMs: diagnostic.savingMs ?? 0,
      })),
      savedMs,
      importsAfterMs: Math.max(0, importsMs - savedMs),
    },
  };
}

/** The program's own top-level imports: after `site`, or, without `site`, after the interpreter's own. */
function programPart(tree: readonly ImportTimeNode[], coreModules: ReadonlySet<string>): ImportTimeNode[] {
  if (tree.some((root) => root.module === "site")) return programImports(tree);
  return tree.filter((root) => !coreModules.has(root.module));
}

function heavyImports(program: readonly ImportTimeNode[], input: BreakdownInput): HeavyImportRow[] {
  const thresholdUs = input.thresholdMs * 1000;
  const rows: HeavyImportRow[] = [];
  const seen = new Set<string>(input.entryModules);
  const visit = (node: ImportTimeNode): void => {
    if (!seen.has(node.module)) {
      seen.add(node.module);
      // A project module is heavy for what it does itself; what it imports is listed on its own.
      const heavy = input.firstParty.has(node.module) ? node.selfUs >= thresholdUs : node.cumulativeUs >= thresholdUs;
      if (heavy) rows.push(heavyRow(node, input));
    }
    node.children.forEach(visit);
  };
  program.forEach(visit);
  return rows.sort((a, b) => b.cumulativeMs - a.cumulativeMs).slice(0, input.top);
}

function heavyRow(node: ImportTimeNode, input: BreakdownInput): HeavyImportRow {
  const row: HeavyImportRow = { module: node.module, cumulativeMs: node.cumulativeUs / 1000, selfMs: node.selfUs / 1000, alsoImportedBy: [] };
  const { site, importer } = input.attribution.byNode.get(node) ?? {};
  if (site) {
    row.firstImportedBy = { where: site.where, text: site.text };
    if (importer !== undefined && !input.firstParty.has(importer)) row.firstImportedBy.through = importer;
  } else if (importer !== undefined) {
    row.loadedBy = importer;
  }
  row.alsoImportedBy = input.graph
    .sitesPulling(node.module)
    .filter((other) => other.key !== site?.key)
    .map((other: ImportSite) => ({ where: other.where, text: other.text }));
  return row;
}

/** `site` runs the lines of a `.pth` file that start with `import`; anything else there is a path. */
function pthFilesRunningCode(folders: readonly string[], tree: readonly ImportTimeNode[]): StartupBreakdown["pthFiles"] {
  const underSite = tree.find((root) => root.module === "site")?.children ?? [];
  const files: StartupBreakdown["pthFiles"] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder).filter((name) => name.endsWith(".pth")).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = path.join(folder, name);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      const imports = importsOfPthLines(text.split(/\r?\n/).filter((line) => /^import[ \t]/.test(line)));
      if (imports.length === 0) continue;
      const loaded = underSite.filter((node) => imports.some((module) => module === node.module || node.module.startsWith(`${module}.`)));
      files.push({ file, imports, ms: sum(loaded.map((node) => node.cumulativeUs)) / 1000 });
    }
  }
  return files;
}

function importsOfPthLines(lines: readonly string[]): string[] {
  const modules = new Set<string>();
  for (const line of lines) {
    for (const match of line.matchAll(/\bimport\s+([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)/g)) {
      for (const module of match[1].split(",")) modules.add(module.trim());
    }
    for (const match of line.matchAll(/__import__\(\s*['"]([\w.]+)['"]/g)) modules.add(match[1]);
  }
  return [...modules];
}

function compiledSummary(files: readonly string[], interpreter: Interpreter, cwd: string): StartupBreakdown["compiled"] {
  const shown = files.map((file) => displayPath(file, cwd));
  if (files.length === 0) return { files: shown, everyStart: interpreter.dontWriteBytecode };
  const targets = new Set<string>();
  for (const file of files) {
    const relative = path.relative(cwd, file);
    if (!relative.startsWith("..") && !path.isAbsolute(relative)) targets.add(relative.split(path.sep)[0]);
    else targets.add(interpreter.sitePackages.find((folder) => file.startsWith(folder + path.sep)) ?? path.dirname(file));
  }
  return { files: shown, everyStart: interpreter.dontWriteBytecode, command: `python -m compileall -q ${[...targets].sort().join(" ")}` };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

// ---- text --------------------------------------------------------------------------------------

/** The text `pylazy profile` prints, ending with what it wrote. */
export function formatProfileText(breakdown: StartupBreakdown, written: { profileFile: string; htmlFile?: string }, cwd: string): string {
  const notes = [`Wrote ${displayPath(written.profileFile, cwd)}; \`pylazy lint\` and \`pylazy fix\` use it from now on.`];
  if (written.htmlFile) notes.push(`Wrote ${displayPath(written.htmlFile, cwd)}.`);
  return formatBreakdownText(breakdown, notes);
}

function formatBreakdownText(breakdown: StartupBreakdown, notes: readonly string[]): string {
  const { phases } = breakdown;
  const lines: string[] = [];
  lines.push(`Startup of \`${breakdown.entry}\`, Python ${breakdown.python.version} (${breakdown.python.executable}), ${breakdown.runs === 1 ? "1 run" : `median of ${breakdown.runs} runs`} after a warm-up:`);
  const phaseRows: [string, number][] = [
    ["interpreter start (python -S -c pass)", phases.interpreterStartMs],
    [`site${breakdown.pthFiles.length > 0 ? ` (${plural(breakdown.pthFiles.length, ".pth file")} running code)` : ""}`, phases.siteMs],
    ["imports of the program", phases.importsMs],
    ["the rest (running, exiting)", phases.restMs],
    ["total (wall clock)", phases.totalMs],
  ];
  for (const [label, ms] of phaseRows) lines.push(`  ${label.padEnd(44)}${showMs(ms).padStart(10)}`);
  for (const pth of breakdown.pthFiles) lines.push(`    ${pth.file}: imports ${pth.imports.join(", ")} (${showMs(pth.ms)})`);

  if (breakdown.compiled.files.length > 0) {
    const { compiled } = breakdown;
    lines.push("");
    const listed = compiled.files.slice(0, 5).join(", ") + (compiled.files.length > 5 ? `, and ${compiled.files.length - 5} more` : "");
    lines.push(`${plural(compiled.files.length, "module")} had no up-to-date .pyc and were compiled from source: ${listed}.`);
    lines.push(
      compiled.everyStart
        ? `Bytecode is never written here (PYTHONDONTWRITEBYTECODE or -B), so every start compiles them again; precompile with \`${compiled.command}\`.`
        : `Later starts reuse the .pyc written then; to precompile, for example in a Docker image, run \`${compiled.command}\`.`,
    );
  }

  lines.push("");
  if (breakdown.heavy.length === 0) lines.push("No import of the program is heavy.");
  else lines.push("Heavy imports (cumulative, self)  first imported by");
  for (const row of breakdown.heavy) {
    const first = row.firstImportedBy
      ? `${row.firstImportedBy.where}  ${row.firstImportedBy.text}${row.firstImportedBy.through ? `  (through ${row.firstImportedBy.through})` : ""}`
      : row.loadedBy
        ? `${row.loadedBy} (no import statement names it)`
        : "top level (no module's import statement loaded it)";
    lines.push(`  ${row.module.padEnd(20)} ${showMs(row.cumulativeMs).padStart(9)} ${showMs(row.selfMs).padStart(9)}  ${first}`);
    for (const other of row.alsoImportedBy.slice(0, 3)) lines.push(`  ${"".padEnd(42)}also ${other.where}  ${other.text}`);
    if (row.alsoImportedBy.length > 3) lines.push(`  ${"".padEnd(42)}and ${row.alsoImportedBy.length - 3} more`);
  }

  const { deferrals } = breakdown;
  lines.push("");
  if (deferrals.imports.length === 0) {
    lines.push("`pylazy lint` suggests no deferral that would shorten this startup.");
  } else {
    lines.push(`Deferring the ${plural(deferrals.imports.length, "import")} \`pylazy fix\` can defer:`);
    for (const deferral of deferrals.imports) {
      lines.push(`  ${deferral.where.padEnd(30)} ${deferral.code} ${deferral.module.padEnd(20)} saves ${showMs(deferral.savingMs).padStart(9)} alone`);
    }
    lines.push(`together saves ${showMs(deferrals.savedMs)}: the program's imports would take ${showMs(deferrals.importsAfterMs)} instead of ${showMs(phases.importsMs)}.`);
  }
  if (notes.length > 0) lines.push("", ...notes);
  return `${lines.join("\n")}\n`;
}

function showMs(ms: number): string {
  return formatMs(ms * 1000);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
