// Running the built pylazy CLI from a script, and judging what it did, as a user would see it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const cliPath = path.join(repoRoot, "bin", "pylazy.js");

/** Imports a module of the build (dist/src/...), or stops with the command that makes it. */
export async function importBuilt(relative) {
  const file = path.join(repoRoot, "dist", "src", relative);
  if (!existsSync(file)) {
    console.error(`${file} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
  return import(pathToFileURL(file).href);
}

/** Runs `pylazy ARGS` in `cwd`; resolves with its exit code, output and wall time. */
export function runPylazy(args, cwd, env = {}) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  if (run.error) throw run.error;
  return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr, ms: performance.now() - started };
}

/** `runPylazy`, without blocking: several runs can share the machine's cores. */
export function runPylazyAsync(args, cwd, env = {}) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
    const stdout = [];
    const stderr = [];
    child.stdout.on("data", (chunk) => stdout.push(chunk));
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status, signal) => {
      resolve({ status, signal, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8"), ms: performance.now() - started });
    });
  });
}

/** Runs `task` over `items`, at most `jobs` at a time; the results keep the items' order. */
export async function mapConcurrently(items, jobs, task) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}

/** Why a run counts as a crash (an exit code outside 0–2, a stack trace, an internal error), or undefined. */
export function crashSign({ status, signal, stderr }) {
  if (signal) return `killed by ${signal}`;
  if (![0, 1, 2].includes(status)) return `exit code ${status}`;
  const traceLine = stderr.split("\n").find((line) => /^\s+at /.test(line) || /internal error/i.test(line));
  return traceLine === undefined ? undefined : `stack trace on stderr: ${traceLine.trim()}`;
}

/** The `pylazy: error: FILE: MESSAGE` lines: files pylazy reported and skipped. */
export function reportedProblems(stderr) {
  const problems = [];
  for (const line of stderr.split("\n")) {
    const match = /^pylazy: error: (.*?\.py): (.*)$/.exec(line);
    if (match) problems.push({ filename: match[1], message: match[2] });
  }
  return problems;
}

/**
 * Where tree-sitter finds a syntax error in `bytes` decoded as pylazy decodes Python files, or
 * undefined when the file parses cleanly.
 */
export async function treeSitterError(bytes) {
  const { decodePythonSource } = await importBuilt("parse/source.js");
  const { parsePython } = await importBuilt("parse/parser.js");
  let text;
  try {
    text = decodePythonSource(bytes).text;
  } catch (error) {
    return `cannot be decoded: ${error.message}`;
  }
  const tree = parsePython(text);
  if (!tree.rootNode.hasError) return undefined;
  const cursor = tree.walk();
  for (;;) {
    const node = cursor.currentNode;
    if (node.type === "ERROR" || node.isMissing) {
      const what = node.isMissing ? `missing \`${node.type}\`` : `unexpected \`${node.text.slice(0, 40).split("\n")[0]}\``;
      return `tree-sitter: ${what} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
    }
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return "tree-sitter: syntax error";
    }
  }
}
