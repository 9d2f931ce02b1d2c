import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const cliPath = path.join(repoRoot, "bin", "pylazy.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, without color; `env` adds to the environment; `cli`: another copy of bin/pylazy.js. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}, cli = cliPath): CliResult {
  // A run that hangs (a worker never told to stop) fails its test instead of holding CI to its limit.
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, timeout: CLI_TIMEOUT_MS });
  if (result.error && (result.error as NodeJS.ErrnoException).code === "ETIMEDOUT") throw new Error(`pylazy ${args.join(" ")} did not end within ${CLI_TIMEOUT_MS / 1000} s`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const CLI_TIMEOUT_MS = 300_000;

/** A throwaway project: a folder with a pyproject.toml and the given files (text or bytes). */
export function makeProject(files: Record<string, string | Buffer>, pyproject = "[tool.pylazy]\n"): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "pylazy-test-"));
  writeFileSync(path.join(root, "pyproject.toml"), pyproject);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}
