import { readFileSync } from "node:fs";
import path from "node:path";
import { ProfileError } from "./errors.js";
import { builtinEstimates } from "./estimates.js";
import { parseImportTimeLog, summarizeImportTime } from "./importtime.js";
import { parseProfileJson } from "./profileJson.js";
import type { CostTable, ModuleTiming, PythonIdentity, StartupProfile } from "./types.js";

export interface CostTableOptions {
  /** `--profile FILE` or `profile` in the config: a raw `-X importtime` log or a profile JSON. */
  profilePath?: string;
  projectRoot: string;
  /**
   * The interpreter the run is about (`--measure`): the project's own profile, a cache, applies
   * only when it was recorded with this executable and version.
   */
  python?: PythonIdentity;
  /** Told why the project's profile was not used. */
  warn?: (message: string) => void;
}

/**
 * Where costs come from (DESIGN §3): the given profile, else the project's
 * `.pylazy/profile.json`, else the built-in estimates.
 */
export function loadCostTable(options: CostTableOptions): CostTable {
  if (options.profilePath !== undefined) return costTableFromFile(options.profilePath, readProfileText(options.profilePath));
  const projectProfile = path.join(options.projectRoot, ".pylazy", "profile.json");
  const text = readProfileTextIfPresent(projectProfile);
  if (text === undefined) return builtinEstimates();
  const table = costTableFromFile(projectProfile, text);
  const recordedWith = table.startup?.python;
  if (options.python && recordedWith && !isSamePython(options.python, recordedWith)) {
    options.warn?.(
      `${projectProfile} was recorded with ${describePython(recordedWith)}, not ${describePython(options.python)}; not using it (run \`pylazy profile\` again)`,
    );
    return builtinEstimates();
  }
  return table;
}

export function isSamePython(a: PythonIdentity, b: PythonIdentity): boolean {
  return a.executable === b.executable && a.version === b.version;
}

export function describePython(python: PythonIdentity): string {
  return `${python.executable} (Python ${python.version})`;
}

/** Reads either kind of profile, telling them apart by content rather than by file name. */
function costTableFromFile(file: string, text: string): CostTable {
  if (text.trimStart().startsWith("{")) {
    const profile = parseProfileJson(text, file);
    const startup: StartupProfile | undefined = profile.tree && {
      modules: profile.modules,
      tree: profile.tree,
      main: profile.entry?.main,
      imports: profile.imports,
      python: profile.python,
    };
    return costTableFromSummary(profile.modules, `profile ${file}`, startup);
  }
  const tree = parseImportTimeLog(text, file);
  const modules = summarizeImportTime(tree);
  // A raw log is a run of some entry: its tree serves for savings as a profile's does.
  return costTableFromSummary(modules, `profile ${file}`, { modules, tree });
}

/**
 * Measured costs for the modules a profile measured; any other module gets the built-in estimate,
 * marked as one, so an estimate never passes for a measurement.
 */
export function costTableFromSummary(summary: ReadonlyMap<string, ModuleTiming>, description: string, startup?: StartupProfile): CostTable {
  const estimates = builtinEstimates();
  return {
    description,
    startup,
    lookup(module) {
      const measured = summary.get(module);
      if (measured === undefined) return estimates.lookup(module);
      return { module, cumulativeUs: measured.cumulativeUs, selfUs: measured.selfUs, source: "profile" };
    },
    modules: () => new Set([...summary.keys(), ...estimates.modules()]),
  };
}

/** The profile's text; a profile that was asked for must exist. */
function readProfileText(file: string): string {
  const text = readProfileTextIfPresent(file);
  if (text === undefined) throw new ProfileError("cannot read the profile: no such file", file);
  return text;
}

function readProfileTextIfPresent(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw new ProfileError(`cannot read the profile: ${describeReadError(error)}`, file);
  }
  return decodeProfile(bytes);
}

/** PowerShell's `2> file` writes UTF-16 with a byte order mark; everything else here is UTF-8. */
function decodeProfile(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  return bytes.toString("utf8");
}

function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  // ENOTDIR: a file named `.pylazy` leaves no room for a profile inside it.
  return code === "ENOENT" || code === "ENOTDIR";
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return (error as Error).message;
}
