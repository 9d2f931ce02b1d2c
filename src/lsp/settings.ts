import path from "node:path";
import { ProjectIndex } from "../analysis/projectIndex.js";
import { strategyFrom } from "../engine/run.js";
import type { LintOptions } from "../engine/lintSource.js";
import { loadCostTable } from "../profile/costs.js";
import type { CostTable } from "../profile/types.js";
import { findProjectRoot, loadProject } from "../project/config.js";
import { discoverPythonFiles } from "../project/files.js";
import type { Project, Settings } from "../project/types.js";
import { selectRules } from "../rules/index.js";

/**
 * What the editor may set, in `initializationOptions.settings` or the `pylazy` section of
 * `workspace/configuration`. Like the command line, it overrides `[tool.pylazy]`.
 */
export interface ClientSettings {
  /** A pyproject.toml or pylazy.toml to read instead of the nearest pyproject.toml. */
  configFile?: string;
  profile?: string;
  threshold?: number;
  select?: string[];
  ignore?: string[];
  targetVersion?: string;
  /** The strategy of the preferred quick fix and of "fix all". */
  strategy?: string;
  /** Also offer fixes marked unsafe. */
  unsafeFixes?: boolean;
}

const SETTING_KINDS: Record<keyof ClientSettings, "string" | "number" | "boolean" | "string list"> = {
  configFile: "string",
  profile: "string",
  threshold: "number",
  select: "string list",
  ignore: "string list",
  targetVersion: "string",
  strategy: "string",
  unsafeFixes: "boolean",
};

/**
 * The settings an editor sent, keeping the ones of the right type. Unknown keys and `null`
 * (VS Code's "not set") are ignored; a value of the wrong type is ignored and reported through `warn`.
 */
export function clientSettingsFrom(value: unknown, warn: (message: string) => void): ClientSettings {
  if (typeof value !== "object" || value === null) return {};
  const settings: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(SETTING_KINDS)) {
    const given = (value as Record<string, unknown>)[key];
    if (given === undefined || given === null) continue;
    const fits =
      kind === "string list" ? Array.isArray(given) && given.every((item) => typeof item === "string") : typeof given === kind;
    if (fits) settings[key] = given;
    else warn(`ignoring the setting \`pylazy.${key}\`: expected ${kind === "string list" ? "a list of strings" : `a ${kind}`}, got ${JSON.stringify(given)}`);
  }
  return settings as ClientSettings;
}

/** Everything needed to lint the files of one project. */
export interface ProjectSettings {
  project: Project;
  costs: CostTable;
  lintOptions: LintOptions;
  unsafeFixes: boolean;
}

/**
 * Project settings by project root, resolved on first use and kept until the configuration,
 * a config file, a profile or a Python file of the project changes (other modules' imports
 * decide what is safe to defer). A project whose configuration is broken keeps its error.
 */
export class ProjectSettingsCache {
  private readonly byRoot = new Map<string, { settings: Promise<ProjectSettings | Error>; settled?: ProjectSettings | Error }>();

  constructor(
    private client: ClientSettings,
    /** Where relative paths in the client's settings start from: the first workspace folder. */
    private readonly workspaceRoot: string,
  ) {}

  /** Settings for a file (or, for an unsaved buffer, the workspace). */
  forFile(file: string | undefined): Promise<ProjectSettings | Error> {
    const { root } = file === undefined ? { root: this.workspaceRoot } : findProjectRoot([file], path.dirname(file));
    let entry = this.byRoot.get(root);
    if (entry === undefined) {
      const resolving = { settings: this.resolve(root) };
      void resolving.settings.then((settled) => Object.assign(resolving, { settled }));
      this.byRoot.set(root, (entry = resolving));
    }
    return entry.settings;
  }

  /**
   * Every file that, when it changes, changes the settings resolved so far: each project's
   * pyproject.toml and `.pylazy/profile.json`, and any config file or profile named instead.
   */
  watchedFiles(): string[] {
    const files = new Set<string>();
    for (const [root, { settled: settings }] of this.byRoot) {
      files.add(path.join(root, "pyproject.toml"));
      files.add(path.join(root, ".pylazy", "profile.json"));
      if (settings === undefined || settings instanceof Error) continue;
      if (settings.project.configFile !== undefined) files.add(settings.project.configFile);
      if (settings.project.settings.profile !== undefined) files.add(settings.project.settings.profile);
    }
    const { configFile, profile } = this.client;
    if (configFile !== undefined) files.add(path.resolve(this.workspaceRoot, configFile));
    if (profile !== undefined) files.add(path.resolve(this.workspaceRoot, profile));
    return [...files];
  }

  setClientSettings(client: ClientSettings): void {
    this.client = client;
    this.clear();
  }

  clear(): void {
    this.byRoot.clear();
  }

  private async resolve(root: string): Promise<ProjectSettings | Error> {
    try {
      const configFile = this.client.configFile === undefined ? undefined : path.resolve(this.workspaceRoot, this.client.configFile);
      const project = loadProject({ paths: [root], cwd: root, configFile, overrides: this.overrides() });
      const costs = loadCostTable({ profilePath: project.settings.profile, projectRoot: project.root });
      const lintOptions: LintOptions = {
        costs,
        thresholdMs: project.settings.thresholdMs,
        keepEager: project.settings.keepEager,
        rules: selectRules(project.settings.select, project.settings.ignore),
        strategy: strategyFrom(project.settings.strategy),
        targetVersion: project.settings.targetVersion,
      };
      // As in `pylazy lint`: references from anywhere in the project count (DESIGN.md §5).
      const everyFile = await discoverPythonFiles(project, [project.root], project.root);
      const index = new ProjectIndex(everyFile.files, project.root);
      // Built a slice at a time from now on, so that the first diagnostics that need it do not wait for all of it.
      void index.prepare();
      lintOptions.project = index;
      return { project, costs, lintOptions, unsafeFixes: this.client.unsafeFixes === true };
    } catch (error) {
      // ConfigError, ProfileError, UsageError: shown to the user, and the project is not linted until fixed.
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  private overrides(): Partial<Settings> {
    const client = this.client;
    return {
      thresholdMs: client.threshold,
      select: client.select,
      ignore: client.ignore,
      profile: client.profile === undefined ? undefined : path.resolve(this.workspaceRoot, client.profile),
      targetVersion: client.targetVersion,
      strategy: client.strategy,
    };
  }
}
