import { UserError } from "../errors.js";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { FileModule } from "../analysis/heavyImports.js";
import { moduleNameForFile } from "../analysis/modulePath.js";
import { ProjectIndex } from "../analysis/projectIndex.js";
import { decodePythonSource, SourceDecodeError } from "../parse/source.js";
import type { PythonSource } from "../parse/source.js";
import { loadCostTable } from "../profile/costs.js";
import type { StartupSavings } from "../profile/startupSavings.js";
import type { CostTable } from "../profile/types.js";
import { loadProject } from "../project/config.js";
import { discoverPythonFiles } from "../project/files.js";
import type { PathProblem } from "../project/files.js";
import type { Project, Settings } from "../project/types.js";
import { selectRules } from "../rules/index.js";
import { STRATEGY_NAMES } from "../transforms/strategy.js";
import type { StrategyName } from "../transforms/strategy.js";
import { lintSource } from "./lintSource.js";
import type { FileAnalysis, LintOptions } from "./lintSource.js";

export interface RunOptions {
  paths: string[];
  cwd: string;
  configFile?: string;
  overrides: RunOverrides;
  /** Where warnings go (modules `--measure` could not import, a profile of another interpreter); default stderr. */
  warn?: (message: string) => void;
}

/** The command line's settings (`--measure` and `--python` among them). */
export type RunOverrides = Partial<Settings>;

/** A file as read from disk: what `fix` needs to write it back safely. */
export interface ReadFile {
  path: string;
  bytes: Buffer;
  mode: number;
  source: Omit<PythonSource, "text">;
  analysis: FileAnalysis;
}

export interface RunResult {
  project: Project;
  costs: CostTable;
  strategy: StrategyName;
  files: ReadFile[];
  /** Paths that could not be found, read or decoded, each with the reason. */
  problems: PathProblem[];
  /** With a profile of the program's startup: what deferring the findings' imports saves. */
  savings?: StartupSavings;
}

export class UsageError extends UserError {}

/** Finds the project's files and lints each; a file that cannot be read is a problem, not a crash. */
export async function runLint(options: RunOptions): Promise<RunResult> {
  const paths = options.paths.length > 0 ? options.paths : ["."];
  const project = loadProject({ paths, cwd: options.cwd, configFile: options.configFile, overrides: options.overrides });
  const warn = options.warn ?? ((message: string) => process.stderr.write(`pylazy: warning: ${message}\n`));
  // Loaded only for --measure, which runs Python.
  const costs = project.settings.measure
    ? await (await import("../profile/measure.js")).measuredCostTable({ project, paths, cwd: options.cwd, python: project.settings.python, warn })
    : loadCostTable({ profilePath: project.settings.profile, projectRoot: project.root });
  const strategy = strategyFrom(project.settings.strategy);
  const lintOptions: LintOptions = {
    costs,
    thresholdMs: project.settings.thresholdMs,
    keepEager: project.settings.keepEager,
    rules: selectRules(project.settings.select, project.settings.ignore),
    strategy,
    targetVersion: project.settings.targetVersion,
  };
  const discovered = await discoverPythonFiles(project, paths, options.cwd);
  // References from anywhere in the project count, even when only some paths are linted (§5).
  const everyFile = paths.length === 1 && path.resolve(options.cwd, paths[0]) === project.root ? discovered : await discoverPythonFiles(project, [project.root], options.cwd);
  lintOptions.project = new ProjectIndex(everyFile.files, project.root);
  const problems = [...discovered.problems];
  const files: ReadFile[] = [];
  for (const file of discovered.files) {
    const shown = displayPath(file, options.cwd);
    let bytes: Buffer;
    let mode: number;
    try {
      bytes = readFileSync(file);
      mode = statSync(file).mode;
    } catch (error) {
      problems.push({ path: shown, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      continue;
    }
    let decoded: PythonSource;
    try {
      decoded = decodePythonSource(bytes);
    } catch (error) {
      if (!(error instanceof SourceDecodeError)) throw error;
      problems.push({ path: shown, message: `cannot decode: ${error.message}; skipped` });
      continue;
    }
    let analysis: FileAnalysis;
    try {
      analysis = lintSource(shown, decoded.text, fileModuleOf(file), lintOptions);
    } catch (error) {
      // Only code nested thousands of levels deep gets here; CPython cannot compile it either.
      if (!(error instanceof RangeError)) throw error;
      problems.push({ path: shown, message: "too deeply nested for pylazy to analyse; skipped" });
      continue;
    }
    files.push({ path: file, bytes, mode, source: { bom: decoded.bom, encoding: decoded.encoding }, analysis });
  }
  // Loaded only with a profile of the entry; it parses the rest of the project.
  const savings = costs.startup
    ? await (await import("../profile/startupSavings.js")).annotateStartupSavings(files, project, options.cwd, costs.startup, costs.closures)
    : undefined;
  return { project, costs, strategy, files, problems, savings };
}

export function fileModuleOf(file: string): FileModule {
  return { ...moduleNameForFile(file), path: file };
}

export function strategyFrom(name: string | undefined): StrategyName {
  if (name === undefined) return "function";
  if ((STRATEGY_NAMES as readonly string[]).includes(name)) return name as StrategyName;
  throw new UsageError(`unknown strategy \`${name}\` (expected one of: ${STRATEGY_NAMES.join(", ")})`);
}

export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
