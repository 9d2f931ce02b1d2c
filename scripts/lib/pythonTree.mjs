// Trees of Python files for the safety scripts: find, copy, fingerprint, and compile them.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The interpreter the scripts check with: `$PYTHON`, else `python3` on PATH. */
export const python = process.env.PYTHON ?? "python3";

/** Runs a short Python program with `python`; returns its stdout, or throws with its stderr. */
export function runPython(code, input = "", interpreter = python) {
  const run = spawnSync(interpreter, ["-c", code], { input, encoding: "utf8", maxBuffer: 1 << 30 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${interpreter} failed: ${run.stderr.trim().split("\n").pop()}`);
  return run.stdout;
}

/** Every file under `root` (relative paths, sorted), skipping folders `skipFolder(relativePath)` names. */
export function listFiles(root, { skipFolder = () => false, only = () => true } = {}) {
  const found = [];
  const walk = (relative) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skipFolder(child)) walk(child);
      } else if (only(child)) {
        found.push(child);
      }
    }
  };
  walk("");
  return found.sort();
}

export function copyFiles(fromRoot, toRoot, relativePaths) {
  for (const relative of relativePaths) {
    const target = path.join(toRoot, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(fromRoot, relative), target);
  }
}

/** A fingerprint of each file's bytes, to see which files a run changed. */
export function fingerprints(root, relativePaths) {
  return new Map(relativePaths.map((relative) => [relative, createHash("sha256").update(readFileSync(path.join(root, relative))).digest("hex")]));
}

const COMPILE_EACH = `
import json, sys, warnings
warnings.simplefilter("ignore")
verdicts = {}
for name in sys.stdin.read().split("\\0"):
    if not name:
        continue
    try:
        with open(name, "rb") as source:
            compile(source.read(), name, "exec", dont_inherit=True)
        verdicts[name] = None
    except (SyntaxError, ValueError, UnicodeError, LookupError, RecursionError, MemoryError) as error:
        verdicts[name] = "%s: %s" % (type(error).__name__, error)
json.dump(verdicts, sys.stdout)
`;

/**
 * Compiles each file (bytes, so encoding cookies count as they do for CPython) in one interpreter
 * process, writing no bytecode. Returns, per absolute path, the error, or null when it compiles.
 */
export function compileEach(files, interpreter = python) {
  if (files.length === 0) return new Map();
  return new Map(Object.entries(JSON.parse(runPython(COMPILE_EACH, files.join("\0"), interpreter))));
}
