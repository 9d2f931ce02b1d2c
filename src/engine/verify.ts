import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../../src/engine/python/verify_rewrites.py", import.meta.url));

export interface RewriteToVerify {
  path: string;
  original: string;
  fixed: string;
}

/**
 * The interpreter to check rewrites with: `$PYLAZY_PYTHON`, the active virtualenv's, or `python3`
 * on PATH; undefined when there is none.
 */
export function findPython(): string | undefined {
  const candidates = [process.env.PYLAZY_PYTHON, process.env.VIRTUAL_ENV && path.join(process.env.VIRTUAL_ENV, "bin", "python"), "python3"];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ["-c", "import sys; print(sys.version_info[:2] >= (3, 8))"], { encoding: "utf8" });
    if (probe.status === 0 && probe.stdout.trim() === "True") return candidate;
  }
  return undefined;
}

/**
 * Compiles every rewritten file and compares its syntax tree with the original's, in one Python
 * process for the whole batch. Returns, per path, why the rewrite was rejected (null when accepted).
 */
export function verifyRewrites(python: string, rewrites: readonly RewriteToVerify[]): Map<string, string | null> {
  const verdicts = new Map<string, string | null>();
  if (rewrites.length === 0) return verdicts;
  if (!existsSync(SCRIPT)) throw new Error(`pylazy is installed without ${SCRIPT}`);
  const run = spawnSync(python, [SCRIPT], { input: JSON.stringify(rewrites), encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) {
    const last = run.stderr.trim().split("\n").pop() ?? `exit code ${run.status}`;
    for (const rewrite of rewrites) verdicts.set(rewrite.path, `could not be verified with ${python}: ${last}`);
    return verdicts;
  }
  for (const result of JSON.parse(run.stdout) as { path: string; ok: boolean; reason: string | null }[]) {
    verdicts.set(result.path, result.ok ? null : result.reason);
  }
  return verdicts;
}
