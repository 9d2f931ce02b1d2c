import { existsSync } from "node:fs";
import path from "node:path";
import { moduleNameForFile } from "../analysis/modulePath.js";
import { runLint } from "../engine/run.js";
import { isWithin, loadProject } from "../project/config.js";
import type { Settings } from "../project/types.js";
import { writeTextAtomically } from "../engine/write.js";
import { attributeImports } from "./attribution.js";
import { buildBreakdown } from "./breakdown.js";
import type { StartupBreakdown } from "./breakdown.js";
import { describeEntryCommand } from "./entry.js";
import type { EntryCommand } from "./entry.js";
import { renderStartupHtml } from "./html.js";
import type { ModuleKind } from "./html.js";
import { medianTree, summarizeImportTime } from "./importtime.js";
import { serializeProfileJson } from "./profileJson.js";
import type { ProfileJson } from "./profileJson.js";
import { findInterpreter } from "./python.js";
import type { Interpreter } from "./python.js";
import { profileStartup, shellQuote } from "./runner.js";
import type { ProfileTarget } from "./runner.js";

export interface ProfileProgramOptions {
  target: ProfileTarget;
  cwd: string;
  /** `--python`: for `-m`, and for a command whose interpreter cannot be told from its first word. */
  python?: string;
  repeat: number;
  configFile?: string;
  overrides: Partial<Settings>;
  /** Where the profile JSON goes; default: the configured `profile`, else `.pylazy/profile.json`. */
  output?: string;
  html?: string;
  top: number;
}

export interface ProfileOutcome {
  breakdown: StartupBreakdown;
  profileFile: string;
  htmlFile?: string;
}

/**
 * `pylazy profile`: runs the program's startup under `-X importtime`, stores the median profile
 * where `lint` and `fix` find it, lints the project with it, and sums up where startup goes.
 */
export async function profileProgram(options: ProfileProgramOptions): Promise<ProfileOutcome> {
  const { cwd } = options;
  const project = loadProject({ paths: ["."], cwd, configFile: options.configFile, overrides: options.overrides });
  const entry = "command" in options.target ? describeEntryCommand(options.target.command, cwd) : undefined;
  const interpreter = await findInterpreter(entry?.interpreter ?? options.python, cwd);
  const target = entry?.startsWithInterpreter && "command" in options.target ? { command: [interpreter.executable, ...options.target.command.slice(1)] } : options.target;
  const runs = await profileStartup({ interpreter, target, repeat: options.repeat, cwd });

  const tree = medianTree(runs.trees);
  const modules = summarizeImportTime(runs.trees.flat());
  const main = entry?.main === undefined ? undefined : mainModuleOf(entry.main, cwd, project.root);
  const profile: ProfileJson = {
    version: 1,
    python: { executable: interpreter.executable, version: interpreter.version },
    entry: { argv: runs.argv, main },
    modules,
    imports: runs.imports,
    tree,
  };
  const profileFile = options.output ? path.resolve(cwd, options.output) : (project.settings.profile ?? path.join(project.root, ".pylazy", "profile.json"));
  writeTextAtomically(profileFile, serializeProfileJson(profile));

  // Linting the whole project with the new profile gives the suggestions and their savings.
  const lint = await runLint({ paths: [project.root], cwd, configFile: options.configFile, overrides: { ...options.overrides, profile: profileFile } });
  const savings = lint.savings!;
  const attribution = attributeImports(tree, savings.firstParty, main);
  const entryModules = "modules" in target ? target.modules : main === undefined ? [] : [main];
  const breakdown = buildBreakdown({
    runs,
    interpreter,
    entry: "modules" in options.target ? options.target.modules.map((module) => `import ${module}`).join("; ") : shellQuote(options.target.command),
    entryModules,
    modules,
    tree,
    firstParty: savings.firstParty,
    attribution,
    graph: savings.graph,
    diagnostics: lint.files.flatMap((file) => file.analysis.diagnostics),
    savings,
    thresholdMs: project.settings.thresholdMs,
    top: options.top,
    cwd,
  });
  const outcome: ProfileOutcome = { breakdown, profileFile };
  if (options.html) {
    outcome.htmlFile = path.resolve(cwd, options.html);
    const kindOf = moduleKinds(interpreter, new Set(savings.firstParty.keys()));
    writeTextAtomically(outcome.htmlFile, renderStartupHtml({ breakdown, tree, attribution, kindOf }));
  }
  return outcome;
}

/**
 * The project module that runs as `__main__`: `-m pkg` runs `pkg/__main__.py`, `-m mod` runs
 * `mod`, `python app/cli.py` runs `app.cli`. Undefined when it is not part of the project.
 */
function mainModuleOf(main: NonNullable<EntryCommand["main"]>, cwd: string, root: string): string | undefined {
  if ("file" in main) return isWithin(root, main.file) ? moduleNameForFile(main.file).module || undefined : undefined;
  const parts = main.module.split(".");
  const isPackage = [cwd, root, path.join(root, "src")].some((folder) => existsSync(path.join(folder, ...parts, "__main__.py")));
  return isPackage ? `${main.module}.__main__` : main.module;
}

/** Colours for the chart: the project's own packages, the standard library, everything else. */
function moduleKinds(interpreter: Interpreter, projectModules: ReadonlySet<string>): (module: string) => ModuleKind {
  const projectPackages = new Set([...projectModules].map((module) => module.split(".")[0]));
  const stdlib = new Set(interpreter.stdlibModules);
  return (module) => {
    const top = module.split(".")[0];
    if (projectModules.has(module) || projectPackages.has(top)) return "project";
    // Before 3.10 there is no list of the standard library; private top-level modules mostly belong to it.
    if (stdlib.has(top) || (stdlib.size === 0 && top.startsWith("_"))) return "stdlib";
    return "third-party";
  };
}
