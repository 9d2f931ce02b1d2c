#!/usr/bin/env node
// Measures what `pylazy fix` does to the bundled example CLI (examples/mycli): its unittest suite
// and its startup time before and after each strategy, printed as a Markdown table for the README.
// Usage: npm run build && node scripts/example-startup.mjs   ($PYTHON picks the interpreter)
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot, runPylazy } from "./lib/pylazyCli.mjs";

const EXAMPLE = path.join(repoRoot, "examples", "mycli");
// The interpreter itself, not a launcher (a pyenv shim adds hundreds of ms to every start).
const PYTHON = spawnSync(process.env.PYTHON ?? "python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
const STRATEGIES = ["function", "lazyloader", "lazymodule"];
const RUNS = 5;
// Bytecode caches on, as a user has them: the first run of each measurement writes them.
const ENV = { ...process.env };
delete ENV.PYTHONDONTWRITEBYTECODE;

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: ENV });
  if (result.error) throw result.error;
  return result;
}

/** A fresh copy of the example in a temporary folder. */
function copyOfExample() {
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), "pylazy-example-")), "mycli");
  cpSync(EXAMPLE, copy, { recursive: true, filter: (source) => !source.includes("__pycache__") });
  return copy;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The unittest suite's outcome: "13 passed", or "13 run, FAILED (failures=2)". */
function runTests(dir) {
  const result = run(PYTHON, ["-m", "unittest", "discover", "-s", "tests", "-t", "."], dir);
  const ran = Number(/^Ran (\d+) tests?/m.exec(result.stderr)?.[1] ?? NaN);
  if (result.status === 0) return `${ran} passed`;
  const failed = /^FAILED \((.*)\)$/m.exec(result.stderr)?.[1] ?? `exit code ${result.status}`;
  return `${ran} run, FAILED (${failed})`;
}

/** Median over RUNS of `import mycli.cli`'s cumulative time (ms) as `-X importtime` reports it. */
function importTimeMs(dir) {
  const samples = [];
  for (let i = 0; i <= RUNS; i++) {
    const result = run(PYTHON, ["-X", "importtime", "-c", "import mycli.cli"], dir);
    const match = /^import time:\s*\d+\s*\|\s*(\d+)\s*\|\s*mycli\.cli\s*$/m.exec(result.stderr);
    if (result.status !== 0 || !match) throw new Error(`import mycli.cli failed in ${dir}:\n${result.stderr}`);
    if (i > 0) samples.push(Number(match[1]) / 1000); // the first run only writes the bytecode caches
  }
  return median(samples);
}

/** Median over RUNS of the wall time (ms) of `python ARGS` in `dir`. */
function wallMs(args, dir) {
  const samples = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = run(PYTHON, args, dir);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`python ${args.join(" ")} failed in ${dir}:\n${result.stderr}`);
    if (i > 0) samples.push(elapsed);
  }
  return median(samples);
}

function measure(dir) {
  return { tests: runTests(dir), importMs: importTimeMs(dir), helpMs: wallMs(["-m", "mycli", "--help"], dir) };
}

function fix(dir, strategy) {
  const result = runPylazy(["fix", ".", "--strategy", strategy, "--profile", "importtime.log"], dir);
  if (result.status !== 0) throw new Error(`pylazy fix --strategy ${strategy} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout.trim().split("\n").find((line) => /files? changed/.test(line)) ?? "";
}

if (!PYTHON) {
  console.error(`No Python found: ${process.env.PYTHON ?? "python3"}`);
  process.exit(2);
}
if (!existsSync(path.join(repoRoot, "dist", "src", "cli", "main.js"))) {
  console.error("Build pylazy first: npm run build");
  process.exit(2);
}

const original = copyOfExample();
const before = measure(original);
rmSync(path.dirname(original), { recursive: true, force: true });
const rows = [];
for (const strategy of STRATEGIES) {
  const dir = copyOfExample();
  const summary = fix(dir, strategy);
  const after = measure(dir);
  rows.push({ strategy, summary, after });
  rmSync(path.dirname(dir), { recursive: true, force: true });
}

const ms = (value) => value.toFixed(0);
const version = run(PYTHON, ["--version"], repoRoot).stdout.trim();
console.log(`examples/mycli, ${version}, median of ${RUNS} runs each\n`);
console.log("| strategy | tests before | tests after | `import mycli.cli` ms before → after | `--help` wall ms before → after |");
console.log("|---|---|---|---|---|");
for (const { strategy, after } of rows) {
  console.log(
    `| \`${strategy}\` | ${before.tests} | ${after.tests} | ${ms(before.importMs)} → ${ms(after.importMs)} | ${ms(before.helpMs)} → ${ms(after.helpMs)} |`,
  );
}
console.log(`\nFor scale: the interpreter alone (\`python -c pass\`) starts in ${ms(wallMs(["-c", "pass"], repoRoot))} ms here.\n`);
for (const { strategy, summary } of rows) console.log(`- \`${strategy}\`: ${summary}`);
