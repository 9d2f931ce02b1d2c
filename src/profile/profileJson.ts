import { ProfileError } from "./errors.js";
import type { ImportTimeNode, ModuleTiming, PythonIdentity } from "./types.js";

/** A profile JSON (version 1, DESIGN §3) in memory; on disk its fields are snake_case. */
export interface ProfileJson {
  version: 1;
  python: PythonIdentity;
  /** What `pylazy profile` ran, so that savings know which imports the entry makes itself. */
  entry?: ProfiledEntry;
  modules: Map<string, ModuleTiming>;
  /** Module → what its body imported at startup, already loaded modules included. */
  imports?: Map<string, string[]>;
  /** The import trees of one run, kept for tools that show where a cost comes from. */
  tree?: ImportTimeNode[];
}

export interface ProfiledEntry {
  /** The command line that was profiled, interpreter first. */
  argv: string[];
  /** The project module that ran as `__main__`, if any. */
  main?: string;
}

type JsonObject = Record<string, unknown>;

/** Reads a profile JSON, checking every field; a bad one is named in the ProfileError. */
export function parseProfileJson(text: string, file: string): ProfileJson {
  const root = parseJsonText(text, file);
  const field = new FieldReader(file);
  const top = field.object(root, "the profile");
  const version = field.number(top, "version", "version");
  if (version !== 1) throw new ProfileError(`unsupported profile version ${version}; this pylazy reads version 1`, file);
  const python = field.object(top.python, "python");
  const profile: ProfileJson = {
    version: 1,
    python: {
      executable: field.string(python, "executable", "python.executable"),
      version: field.string(python, "version", "python.version"),
    },
    modules: readModules(field, field.object(top.modules, "modules")),
  };
  if (top.entry !== undefined) profile.entry = readEntry(field, field.object(top.entry, "entry"));
  if (top.imports !== undefined) profile.imports = readImports(field, field.object(top.imports, "imports"));
  if (top.tree !== undefined) profile.tree = readTree(field, top.tree, "tree");
  return profile;
}

function parseJsonText(text: string, file: string): unknown {
  try {
    // A BOM is legal in a file but not in JSON.parse.
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new ProfileError(`invalid JSON: ${(error as Error).message}`, file);
  }
}

function readModules(field: FieldReader, modules: JsonObject): Map<string, ModuleTiming> {
  const timings = new Map<string, ModuleTiming>();
  for (const [name, value] of Object.entries(modules)) {
    const path = `modules[${JSON.stringify(name)}]`;
    const entry = field.object(value, path);
    timings.set(name, {
      selfUs: field.duration(entry, "self_us", `${path}.self_us`),
      cumulativeUs: field.duration(entry, "cumulative_us", `${path}.cumulative_us`),
      samples: field.sampleCount(entry, "samples", `${path}.samples`),
    });
  }
  return timings;
}

function readEntry(field: FieldReader, entry: JsonObject): ProfiledEntry {
  if (!Array.isArray(entry.argv) || !entry.argv.every((arg) => typeof arg === "string")) {
    throw field.error("entry.argv", "an array of strings", entry.argv);
  }
  const read: ProfiledEntry = { argv: entry.argv as string[] };
  if (entry.main !== undefined) read.main = field.string(entry, "main", "entry.main");
  return read;
}

function readImports(field: FieldReader, imports: JsonObject): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [importer, targets] of Object.entries(imports)) {
    if (!Array.isArray(targets) || !targets.every((target) => typeof target === "string")) {
      throw field.error(`imports[${JSON.stringify(importer)}]`, "an array of module names", targets);
    }
    graph.set(importer, targets as string[]);
  }
  return graph;
}

function readTree(field: FieldReader, value: unknown, path: string): ImportTimeNode[] {
  if (!Array.isArray(value)) throw field.error(path, "an array", value);
  return value.map((item, index) => {
    const nodePath = `${path}[${index}]`;
    const node = field.object(item, nodePath);
    return {
      module: field.string(node, "module", `${nodePath}.module`),
      selfUs: field.duration(node, "self_us", `${nodePath}.self_us`),
      cumulativeUs: field.duration(node, "cumulative_us", `${nodePath}.cumulative_us`),
      children: readTree(field, node.children, `${nodePath}.children`),
    };
  });
}

/** Typed reads of JSON fields, each failing with the field's path and what was found there. */
class FieldReader {
  constructor(private readonly file: string) {}

  object(value: unknown, path: string): JsonObject {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw this.error(path, "an object", value);
    return value as JsonObject;
  }

  string(parent: JsonObject, key: string, path: string): string {
    const value = parent[key];
    if (typeof value !== "string") throw this.error(path, "a string", value);
    return value;
  }

  number(parent: JsonObject, key: string, path: string): number {
    const value = parent[key];
    if (typeof value !== "number" || !Number.isFinite(value)) throw this.error(path, "a number", value);
    return value;
  }

  duration(parent: JsonObject, key: string, path: string): number {
    const value = this.number(parent, key, path);
    if (value < 0) throw this.error(path, "a number of microseconds, at least 0", value);
    return value;
  }

  sampleCount(parent: JsonObject, key: string, path: string): number {
    const value = this.number(parent, key, path);
    if (!Number.isInteger(value) || value < 1) throw this.error(path, "a whole number of runs, at least 1", value);
    return value;
  }

  error(path: string, expected: string, found: unknown): ProfileError {
    const shown = found === undefined ? "nothing" : abbreviate(JSON.stringify(found));
    return new ProfileError(`${path} must be ${expected}, found ${shown}`, this.file);
  }
}

/** A whole `modules` object in an error message would bury the reason. */
function abbreviate(json: string): string {
  return json.length <= 40 ? json : `${json.slice(0, 37)}...`;
}

/** Writes a profile JSON with a fixed key order and modules sorted by name, so profiles diff well. */
export function serializeProfileJson(profile: ProfileJson): string {
  const modules: Record<string, unknown> = {};
  for (const [name, timing] of [...profile.modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    modules[name] = { self_us: timing.selfUs, cumulative_us: timing.cumulativeUs, samples: timing.samples };
  }
  const document: Record<string, unknown> = {
    version: profile.version,
    python: { executable: profile.python.executable, version: profile.python.version },
  };
  // JSON.stringify leaves out a `main` that is undefined.
  if (profile.entry) document.entry = { argv: profile.entry.argv, main: profile.entry.main };
  document.modules = modules;
  if (profile.imports) document.imports = Object.fromEntries(profile.imports);
  if (profile.tree) document.tree = profile.tree.map(treeNodeForDisk);
  return `${JSON.stringify(document, null, 2)}\n`;
}

function treeNodeForDisk(node: ImportTimeNode): unknown {
  return {
    module: node.module,
    self_us: node.selfUs,
    cumulative_us: node.cumulativeUs,
    children: node.children.map(treeNodeForDisk),
  };
}
