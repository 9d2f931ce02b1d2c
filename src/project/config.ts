import fs from "node:fs";
import { UserError } from "../errors.js";
import path from "node:path";
import { parse, TomlError } from "smol-toml";
import { STRATEGY_NAMES } from "../transforms/strategy.js";
import type { Project, Settings } from "./types.js";
import { OUTPUT_FORMATS } from "../report/formats.js";

/** A config file that cannot be read, parsed or validated. */
export class ConfigError extends UserError {
  /** Absolute path of the config file at fault. */
  readonly file?: string;

  constructor(message: string, file?: string) {
    super(message);
    this.name = "ConfigError";
    this.file = file;
  }
}

/** Modules imported for what importing them does; deferring them would change the program. */
const DEFAULT_KEEP_EAGER = [
  // A compiler directive, not an import: it must stay the first statement.
  "__future__",
  // Monkey-patching has to run before other modules bind what it replaces.
  "gevent.monkey",
  "eventlet",
  // Importing setuptools patches distutils.
  "setuptools",
  // Importing these installs line editing and tab completion for input() and the REPL.
  "readline",
  "rlcompleter",
  // Interpreter startup hooks, imported only for what they run.
  "site",
  "sitecustomize",
  "usercustomize",
  // Imported up front on purpose, so a worker thread never makes the codec's first import.
  "encodings.idna",
];

const DEFAULT_SETTINGS: Settings = {
  thresholdMs: 10,
  select: [],
  ignore: [],
  exclude: [],
  keepEager: DEFAULT_KEEP_EAGER,
  targetVersion: "py39",
  respectGitignore: true,
};

/** py38 .. py315. */
const TARGET_VERSIONS = Array.from({ length: 8 }, (_, index) => `py3${8 + index}`);


type ValueKind = "number" | "string" | "boolean" | "string list";

interface KeySpec {
  kind: ValueKind;
  oneOf?: readonly string[];
}

/** The keys of `[tool.pylazy]`: the long options in kebab-case, plus keep-eager. */
const CONFIG_KEYS = {
  threshold: { kind: "number" },
  select: { kind: "string list" },
  ignore: { kind: "string list" },
  exclude: { kind: "string list" },
  "extend-exclude": { kind: "string list" },
  "keep-eager": { kind: "string list" },
  "extend-keep-eager": { kind: "string list" },
  profile: { kind: "string" },
  "target-version": { kind: "string", oneOf: TARGET_VERSIONS },
  "respect-gitignore": { kind: "boolean" },
  strategy: { kind: "string", oneOf: STRATEGY_NAMES },
  format: { kind: "string", oneOf: OUTPUT_FORMATS },
  measure: { kind: "boolean" },
  python: { kind: "string" },
} satisfies Record<string, KeySpec>;

type ConfigKey = keyof typeof CONFIG_KEYS;

/** The settings a config file sets, validated. */
interface FileSettings {
  threshold?: number;
  select?: string[];
  ignore?: string[];
  exclude?: string[];
  "extend-exclude"?: string[];
  "keep-eager"?: string[];
  "extend-keep-eager"?: string[];
  profile?: string;
  "target-version"?: string;
  "respect-gitignore"?: boolean;
  strategy?: string;
  format?: string;
  measure?: boolean;
  python?: string;
}

/** Where settings are read from, and how to name it in an error. */
interface ConfigSource {
  file: string;
  shownAs: string;
  /** `tool.pylazy.` in a pyproject.toml, nothing in a standalone pylazy.toml. */
  keyPrefix: string;
}

/**
 * The nearest folder at or above the paths (at or above their common ancestor, if several)
 * that holds a pyproject.toml or a .git. Without one (DESIGN.md §5 names none), the tree around
 * the paths' code that another module could import it from: the cwd when the paths are inside
 * it (`pylazy lint src/` in such a project: its tests count), else the folder the paths' top
 * package is imported from (markerlessRoot).
 */
export function findProjectRoot(paths: string[], cwd: string): { root: string; pyproject?: string } {
  const start = commonAncestor(startingFolders(paths, cwd));
  const root = findAncestorWith(start, ["pyproject.toml", ".git"]);
  if (root === undefined) return { root: markerlessRoot(start, path.resolve(cwd)) };
  const pyproject = path.join(root, "pyproject.toml");
  return isFile(pyproject) ? { root, pyproject } : { root };
}

/**
 * The root of a project with no pyproject.toml or .git above `start`: the cwd when it holds the
 * folder `start`'s top package is imported from (the first folder at or above `start` without
 * an `__init__.py`), else that folder. The cwd alone made a project of an unrelated tree when
 * the paths were elsewhere (`pylazy fix /work/pkg/a.py` run from the home folder did not see
 * `/work/pkg/b.py` import a name from `a`, and moved it).
 */
function markerlessRoot(start: string, cwd: string): string {
  let importedFrom = start;
  while (isFile(path.join(importedFrom, "__init__.py")) && path.dirname(importedFrom) !== importedFrom) importedFrom = path.dirname(importedFrom);
  return isWithin(cwd, importedFrom) ? cwd : importedFrom;
}

/**
 * The project around `paths` and its settings: defaults, then `[tool.pylazy]` of the nearest
 * pyproject.toml (or the `configFile` given), then the command line's `overrides`.
 */
export function loadProject(options: {
  paths: string[];
  cwd: string;
  configFile?: string;
  overrides: Partial<Settings>;
}): Project {
  const { root, pyproject } = findProjectRoot(options.paths, options.cwd);
  const configFile = options.configFile === undefined ? pyproject : path.resolve(options.cwd, options.configFile);
  const fileSettings = configFile === undefined ? {} : readConfigFile(configFile, options.cwd);
  const settings = resolveSettings(fileSettings, options.overrides, options.cwd);
  return configFile === undefined ? { root, settings } : { root, configFile, settings };
}

/** The nearest folder at or above `start` that holds one of `names`. */
export function findAncestorWith(start: string, names: string[]): string | undefined {
  for (let folder = start; ; folder = path.dirname(folder)) {
    if (names.some((name) => fs.existsSync(path.join(folder, name)))) return folder;
    if (path.dirname(folder) === folder) return undefined;
  }
}

/** Whether `target` is `folder` or lies below it. */
export function isWithin(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative === "" || (relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** "permission denied (EACCES)" from Node's "EACCES: permission denied, scandir '/x'". */
export function fsErrorReason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const description = message.match(/^\w+: ([^,]+)/)?.[1];
  return code !== undefined && description !== undefined ? `${description} (${code})` : message;
}

function startingFolders(paths: string[], cwd: string): string[] {
  const given = paths.length > 0 ? paths : ["."];
  return given.map((each) => {
    const absolute = path.resolve(cwd, each);
    return isDirectory(absolute) ? absolute : path.dirname(absolute);
  });
}

function commonAncestor(folders: string[]): string {
  return folders.reduce((common, folder) => {
    let ancestor = common;
    while (!isWithin(ancestor, folder) && path.dirname(ancestor) !== ancestor) ancestor = path.dirname(ancestor);
    return ancestor;
  });
}

function readConfigFile(file: string, cwd: string): FileSettings {
  const standalone = path.basename(file) !== "pyproject.toml";
  const source = { file, shownAs: shownPath(file, cwd), keyPrefix: standalone ? "" : "tool.pylazy." };
  const document = parseToml(readConfigText(source), source);
  const settings = validateSettings(standalone ? document : pylazyTable(document, source), source);
  if (settings.profile === undefined) return settings;
  // A path in a config file is relative to that file, wherever pylazy runs from.
  return { ...settings, profile: path.resolve(path.dirname(file), settings.profile) };
}

function readConfigText(source: ConfigSource): string {
  try {
    return fs.readFileSync(source.file, "utf8");
  } catch (error) {
    throw configError(source, `cannot read config file: ${fsErrorReason(error)}`);
  }
}

function parseToml(text: string, source: ConfigSource): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    throw new ConfigError(`${source.shownAs}:${error.line}:${error.column}: invalid TOML: ${reason}`, source.file);
  }
}

/** `[tool.pylazy]`, or nothing when the pyproject.toml has no such table. */
function pylazyTable(document: Record<string, unknown>, source: ConfigSource): Record<string, unknown> {
  const tool = document.tool;
  if (!isTable(tool) || tool.pylazy === undefined) return {};
  if (!isTable(tool.pylazy)) throw configError(source, "`tool.pylazy` must be a table");
  return tool.pylazy;
}

function validateSettings(table: Record<string, unknown>, source: ConfigSource): FileSettings {
  for (const [key, value] of Object.entries(table)) {
    if (!isConfigKey(key)) {
      const validKeys = Object.keys(CONFIG_KEYS).join(", ");
      throw configError(source, `unknown key \`${source.keyPrefix}${key}\` (valid keys: ${validKeys})`);
    }
    checkValue(key, value, source);
  }
  return table as FileSettings;
}

function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

function checkValue(key: ConfigKey, value: unknown, source: ConfigSource): void {
  const spec: KeySpec = CONFIG_KEYS[key];
  const name = `\`${source.keyPrefix}${key}\``;
  if (!hasKind(value, spec.kind)) {
    throw configError(source, `${name} must be ${describeKind(spec.kind)}, got ${JSON.stringify(value)}`);
  }
  if (spec.oneOf !== undefined && !spec.oneOf.includes(value as string)) {
    throw configError(source, `${name} must be one of ${spec.oneOf.join(", ")}, got ${JSON.stringify(value)}`);
  }
  if (spec.kind === "number" && (value as number) < 0) {
    throw configError(source, `${name} must not be negative, got ${JSON.stringify(value)}`);
  }
}

function hasKind(value: unknown, kind: ValueKind): boolean {
  switch (kind) {
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "string list":
      return Array.isArray(value) && value.every((item) => typeof item === "string");
  }
}

function describeKind(kind: ValueKind): string {
  return kind === "boolean" ? "true or false" : kind === "string list" ? "a list of strings" : `a ${kind}`;
}

/**
 * Defaults, then the config file, then the command line. As in ruff, `exclude` and
 * `keep-eager` replace what came before while the `extend-` keys of the file always add.
 */
function resolveSettings(file: FileSettings, overrides: Partial<Settings>, cwd: string): Settings {
  const fromFile: Partial<Settings> = {
    thresholdMs: file.threshold,
    select: file.select,
    ignore: file.ignore,
    exclude: file.exclude,
    keepEager: file["keep-eager"],
    profile: file.profile,
    targetVersion: file["target-version"],
    respectGitignore: file["respect-gitignore"],
    strategy: file.strategy,
    format: file.format,
    measure: file.measure,
    // A path to an interpreter (`.venv/bin/python`) is relative to the config file; a command name is not.
    python: file.python !== undefined && file.python.includes("/") ? path.resolve(cwd, file.python) : file.python,
  };
  const merged: Settings = { ...DEFAULT_SETTINGS, ...definedOnly(fromFile), ...definedOnly(overrides) };
  return {
    ...merged,
    exclude: [...merged.exclude, ...(file["extend-exclude"] ?? [])],
    keepEager: [...merged.keepEager, ...(file["extend-keep-eager"] ?? [])],
    profile: merged.profile === undefined ? undefined : path.resolve(cwd, merged.profile),
  };
}

/** An unset option arrives as an `undefined` property, which must not hide the layer below. */
function definedOnly(settings: Partial<Settings>): Partial<Settings> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

function configError(source: ConfigSource, message: string): ConfigError {
  return new ConfigError(`${source.shownAs}: ${message}`, source.file);
}

/** Relative to the cwd when below it, as a user would type it. */
function shownPath(file: string, cwd: string): string {
  return isWithin(cwd, file) ? path.relative(cwd, file) : file;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isFile(target: string): boolean {
  return statOrUndefined(target)?.isFile() ?? false;
}

function isDirectory(target: string): boolean {
  return statOrUndefined(target)?.isDirectory() ?? false;
}

/** A path that cannot be stat'ed is neither file nor folder here; discovery reports why. */
function statOrUndefined(target: string): fs.Stats | undefined {
  try {
    return fs.statSync(target);
  } catch {
    return undefined;
  }
}
