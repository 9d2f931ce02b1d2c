import { spawn } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { ProfileError } from "./errors.js";
import type { PythonIdentity } from "./types.js";

/** A Python interpreter that ran, and what pylazy needs to know about it. */
export interface Interpreter extends PythonIdentity {
  /** `sys.dont_write_bytecode`: every start compiles the modules that have no `.pyc` yet. */
  dontWriteBytecode: boolean;
  /** The folders whose `.pth` files `site` runs at every start. */
  sitePackages: string[];
  /** `sys.stdlib_module_names` (3.10+); empty before. */
  stdlibModules: string[];
}

export interface ProcessResult {
  /** Exit status, or null when a signal ended the process. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawning the process to its exit. */
  wallMs: number;
  /** It ran out of `timeoutMs` and was killed. */
  timedOut: boolean;
}

export interface RunProcessOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Ends the process (SIGKILL) after this long. */
  timeoutMs?: number;
}

/** Runs a command to completion, capturing its output; stdin is empty so a prompt cannot hang it. */
export function runProcess(argv: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs,
      killSignal: "SIGKILL",
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error: NodeJS.ErrnoException) => reject(new ProfileError(`cannot run \`${argv[0]}\`: ${describeSpawnError(error)}`)));
    child.on("close", (status, signal) => {
      const wallMs = performance.now() - started;
      resolve({
        status,
        signal,
        timedOut: signal === "SIGKILL" && options.timeoutMs !== undefined && wallMs >= options.timeoutMs,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        wallMs,
      });
    });
  });
}

function describeSpawnError(error: NodeJS.ErrnoException): string {
  if (error.code === "ENOENT") return "no such file or command";
  if (error.code === "EACCES") return "permission denied (is it executable?)";
  return error.message;
}

// Kept to what Python 3.7 has (`-X importtime` came with 3.7), and to a single line of JSON.
const DESCRIBE_INTERPRETER = [
  "import json, site, sys",
  'folders = list(getattr(site, "getsitepackages", list)())',
  "folders += [site.getusersitepackages()] if site.ENABLE_USER_SITE else []",
  'print(json.dumps({"executable": sys.executable, "version": sys.version.split()[0], "dont_write_bytecode": sys.dont_write_bytecode,',
  '  "site_packages": folders, "stdlib": sorted(getattr(sys, "stdlib_module_names", []))}))',
].join("\n");

/**
 * The interpreter `--python` names, else the active virtualenv's, else `python3` (then `python`)
 * from PATH. Fails with a ProfileError when none runs or it is older than 3.7.
 */
export async function findInterpreter(requested: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Interpreter> {
  if (requested !== undefined) return describeInterpreter(requested, cwd, env);
  const candidates = defaultInterpreters(env);
  for (const candidate of candidates) {
    try {
      return await describeInterpreter(candidate, cwd, env);
    } catch (error) {
      if (!(error instanceof ProfileError) || !error.message.includes("no such file or command")) throw error;
    }
  }
  throw new ProfileError(`no Python found: tried ${candidates.map((candidate) => `\`${candidate}\``).join(", ")}; pass --python PATH or activate a virtualenv`);
}

function defaultInterpreters(env: NodeJS.ProcessEnv): string[] {
  const windows = process.platform === "win32";
  const fromPath = windows ? ["python", "py"] : ["python3", "python"];
  const venv = env.VIRTUAL_ENV;
  if (!venv) return fromPath;
  return [windows ? path.join(venv, "Scripts", "python.exe") : path.join(venv, "bin", "python"), ...fromPath];
}

async function describeInterpreter(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Interpreter> {
  const result = await runProcess([command, "-c", DESCRIBE_INTERPRETER], { cwd, env });
  if (result.status !== 0) throw new ProfileError(`\`${command}\` is not a working Python: ${lastLine(result.stderr) ?? describeExit(result)}`);
  let described: { executable: string; version: string; dont_write_bytecode: boolean; site_packages: string[]; stdlib: string[] };
  try {
    described = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "");
  } catch {
    throw new ProfileError(`\`${command}\` is not a working Python: it printed ${JSON.stringify(result.stdout.slice(0, 80))}`);
  }
  const [major, minor] = described.version.split(".").map(Number);
  if (major < 3 || (major === 3 && minor < 7)) {
    throw new ProfileError(`\`${command}\` is Python ${described.version}; -X importtime needs Python 3.7 or later`);
  }
  return {
    // An embedding application may leave sys.executable empty.
    executable: described.executable || command,
    version: described.version,
    dontWriteBytecode: described.dont_write_bytecode,
    sitePackages: described.site_packages,
    stdlibModules: described.stdlib,
  };
}

/**
 * The last line a failing Python printed: the exception of its traceback. The lines of
 * `-X importtime` and of `-v` (`# cleanup ...`, `import 'x' # ...`) around it are not it.
 */
export function lastLine(stderr: string): string | undefined {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.includes("import time:") && !/^(# |import '|Python \d|Type "help")/.test(line));
  return lines.at(-1);
}

export function describeExit(result: Pick<ProcessResult, "status" | "signal" | "timedOut">): string {
  if (result.timedOut) return "it did not exit in time";
  return result.signal ? `killed by ${result.signal}` : `exit status ${result.status}`;
}
