import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { cliPath, makeProject, repoRoot, runCli } from "./helpers/cli.js";

const HEAVY = "import numpy as np\n\ndef f():\n    return np.zeros(3)\n";

function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?/);
}

test("lint reports a heavy import used only in functions, ruff-style, and exits 1", () => {
  const root = makeProject({ "app.py": HEAVY });
  const result = runCli(["lint", "."], root);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^app\.py:1:1: LZ001 \[\*\] `numpy` \(~\d+ ms, estimated\) is imported at module level but only used inside functions$/m);
  assert.match(result.stdout, /Found 1 error\./);
  assert.match(result.stdout, /\[\*\] 1 fixable with `pylazy fix`/);
});

test("--version and -V print package.json's version; the code caches the build wrote are accepted", () => {
  const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
  for (const flag of ["--version", "-V"]) {
    const result = runCli([flag], repoRoot);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, `${version}\n`);
  }
  const cache = path.join(repoRoot, "dist/src/bundle/main.cjs.cache");
  const before = readFileSync(cache);
  // A run that compiles from an accepted cache leaves it as it was.
  assert.equal(runCli(["rules"], repoRoot).status, 0);
  assert.ok(readFileSync(cache).equals(before));
  // On node 20 a lint of a folder sets a V8 flag first (bin/pylazy.js, tuneCompiler) and compiles
  // from a cache of its own: neither cache is written again, by it or by the lint of a file.
  if (process.versions.v8.startsWith("11.")) {
    const tuned = path.join(repoRoot, "dist/src/bundle/main.cjs.tuned.cache");
    const tunedBefore = readFileSync(tuned);
    const root = makeProject({ "app.py": "import os\n" });
    assert.equal(runCli(["lint", "."], root).status, 0);
    assert.equal(runCli(["lint", "app.py"], root).status, 0);
    assert.ok(readFileSync(tuned).equals(tunedBefore));
    assert.ok(readFileSync(cache).equals(before));
  }
});

/** A project of enough files for a lint of it to run on worker threads (run.ts, WORKER_THRESHOLD). */
function manyFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let index = 0; index < 70; index++) files[`module${index}.py`] = `import asyncio\nimport email\n\n\nclass Message(email.message.Message):\n    def send(self):\n        return asyncio.run(self.as_string())\n`;
  return files;
}

/** The lint workers' code caches in a bundle folder (bin/codeCache.js), by name. */
function workerCaches(bundle: string): Map<string, Buffer> {
  return new Map(readdirSync(bundle).filter((name) => /^lintWorker\.cjs\.\d+\.cache$/.test(name)).map((name) => [name, readFileSync(path.join(bundle, name))]));
}

test("the lint workers run from the code cache the build wrote, and leave it as it was", () => {
  const bundle = path.join(repoRoot, "dist/src/bundle");
  const before = workerCaches(bundle);
  // One for the V8 flags of a folder's lint (others only after runs with other flags since the build).
  assert.ok(before.size >= 1, "the build writes the workers' code cache for a lint of a folder");
  const result = runCli(["lint", ".", "--no-cache"], makeProject(manyFiles()), { PYLAZY_JOBS: "2" });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stdout, /Found 70 errors\./);
  assert.deepEqual(workerCaches(bundle), before);
});

test("lint workers without a code cache write one when they are done, and the run waits for them", () => {
  // A copy of the CLI without the workers' cache (node_modules linked), so that the build's stays.
  const install = mkdtempSync(path.join(os.tmpdir(), "pylazy-install-"));
  cpSync(path.join(repoRoot, "bin"), path.join(install, "bin"), { recursive: true });
  cpSync(path.join(repoRoot, "package.json"), path.join(install, "package.json"));
  const bundle = path.join(install, "dist/src/bundle");
  mkdirSync(bundle, { recursive: true });
  for (const name of readdirSync(path.join(repoRoot, "dist/src/bundle"))) {
    if (!name.startsWith("lintWorker.cjs.")) cpSync(path.join(repoRoot, "dist/src/bundle", name), path.join(bundle, name));
  }
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(install, "node_modules"));
  const project = makeProject(manyFiles());
  const lint = (): void => {
    const result = runCli(["lint", ".", "--no-cache"], project, { PYLAZY_JOBS: "2" }, path.join(install, "bin", "pylazy.js"));
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /Found 70 errors\./);
  };
  lint();
  const written = workerCaches(bundle);
  assert.equal(written.size, 1);
  assert.deepEqual(readdirSync(bundle).filter((name) => name.endsWith(".tmp")), []);
  // Accepted by the next run, which leaves it as it was.
  lint();
  assert.deepEqual(workerCaches(bundle), written);
});

test("lint exits 0 and says so when nothing is found", () => {
  const root = makeProject({ "app.py": "import os\n\ndef f():\n    return os.sep\n" });
  const result = runCli(["check"], root);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /All checks passed!/);
});

test("JSON output carries ruff's fields plus module and cost", () => {
  const root = makeProject({ "app.py": HEAVY });
  const result = runCli(["lint", "app.py", "--format", "json"], root);
  const [diagnostic] = JSON.parse(result.stdout) as Record<string, unknown>[];
  assert.equal(diagnostic.code, "LZ001");
  assert.equal(diagnostic.name, "heavy-module-level-import");
  assert.equal(diagnostic.filename, "app.py");
  assert.deepEqual(diagnostic.location, { row: 1, column: 1 });
  assert.deepEqual(diagnostic.end_location, { row: 1, column: 19 });
  assert.equal(diagnostic.module, "numpy");
  assert.equal(diagnostic.cost_source, "estimate");
  assert.equal(typeof diagnostic.cost_ms, "number");
  const fix = diagnostic.fix as { applicability: string; edits: unknown[] };
  assert.equal(fix.applicability, "safe");
  assert.ok(fix.edits.length >= 2);
});

test("a syntax error is a diagnostic with its position; the other files are still linted", () => {
  const root = makeProject({ "bad.py": "import pandas\n\ndef f(:\n    pass\n", "good.py": HEAVY, "other.py": "def f(:\n    pass\n" });
  const result = runCli(["lint", "."], root);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^bad\.py:3:\d+: SyntaxError: /m);
  assert.match(result.stdout, /^good\.py:1:1: LZ001/m);
  // A file that imports nothing heavy is not parsed (the pre-scan): its syntax error is Python's to report.
  assert.doesNotMatch(result.stdout, /other\.py/);
  assertNoStackTrace(result.stderr);
});

test("invalid UTF-8 and NUL bytes are reported by file name, the run goes on, exit 2", () => {
  const root = makeProject({
    "latin.py": Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]),
    "nul.py": Buffer.from("x = 1\u0000\n"),
    "good.py": HEAVY,
  });
  const result = runCli(["lint", "."], root);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /latin\.py: cannot decode: invalid UTF-8 at byte 5/);
  assert.match(result.stderr, /nul\.py: cannot decode: source contains a NUL byte/);
  assert.match(result.stdout, /^good\.py:1:1: LZ001/m);
  assert.match(result.stdout, /^Found 1 error; 2 paths could not be linted\.$/m);
  assertNoStackTrace(result.stderr);
});

/** A module with `count` heavy imports used only in a function: as many LZ001 lines, some 120 bytes each. */
function manyFindings(count: number): string {
  const names = Array.from({ length: count }, (_, index) => `np${index}`);
  return `${names.map((name) => `import numpy as ${name}`).join("\n")}\n\ndef f():\n    return [${names.join(", ")}]\n`;
}

test("a report larger than a pipe holds comes out whole before the errors, when stdout and stderr share a slow reader", () => {
  const root = makeProject({ "big.py": manyFindings(1000), "latin.py": Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]) });
  // The reader starts late: the pipe (64 KB) fills and node queues the rest of the report.
  const script = `"$0" "$1" lint . 2>&1 | { sleep 0.5; cat; }`;
  const result = spawnSync("sh", ["-c", script, process.execPath, cliPath], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const lines = result.stdout.split("\n").filter((line) => line !== "");
  assert.ok(result.stdout.length > 100_000, `${result.stdout.length} bytes`);
  const findings = lines.filter((line) => /^big\.py:\d+:1: LZ001 \[\*\] `numpy` .* only used inside functions$/.test(line));
  assert.equal(findings.length, 1000, "every finding on a line of its own");
  assert.match(lines.at(-1)!, /^pylazy: error: latin\.py: cannot decode: invalid UTF-8 at byte 5; skipped$/, "the error after the whole report");
  assert.ok(lines.slice(0, -1).some((line) => /^Found 1000 errors; 1 path could not be linted\.$/.test(line)), "the report's summary");
  rmSync(root, { recursive: true, force: true });
});

test("fix --diff: the diffs (stdout) come out whole before the summary (stderr) when both share a slow reader", () => {
  const root = makeProject({ "big.py": manyFindings(2500), "latin.py": Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]) });
  const apart = runCli(["fix", ".", "--diff"], root);
  assert.ok(apart.stdout.length > 100_000, `${apart.stdout.length} bytes of diff`);
  const script = `"$0" "$1" fix . --diff 2>&1 | { sleep 0.5; cat; }`;
  const together = spawnSync("sh", ["-c", script, process.execPath, cliPath], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  assert.equal(together.stdout, apart.stdout + apart.stderr);
  rmSync(root, { recursive: true, force: true });
});

test("fix --diff is a patch git applies, also for a file named by its absolute path from another folder", () => {
  const root = makeProject({ "app.py": HEAVY, "copy.py": HEAVY });
  const fixed = runCli(["fix", "copy.py"], root);
  assert.equal(fixed.status, 0, fixed.stderr);
  const expected = readFileSync(path.join(root, "copy.py"), "utf8");
  assert.notEqual(expected, HEAVY);
  // Named from inside the project: `a/app.py`, applied there.
  const relative = runCli(["fix", "app.py", "--diff"], root);
  assert.match(relative.stdout, /^--- a\/app\.py\n\+\+\+ b\/app\.py$/m);
  const applied = spawnSync("git", ["apply", "-"], { cwd: root, input: relative.stdout, encoding: "utf8" });
  assert.equal(applied.status, 0, applied.stderr);
  assert.equal(readFileSync(path.join(root, "app.py"), "utf8"), expected);
  // Named by its absolute path from elsewhere: `a/tmp/…/app.py`, applied from the root folder.
  writeFileSync(path.join(root, "app.py"), HEAVY);
  const file = path.join(root, "app.py");
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), "pylazy-cwd-"));
  const absolute = runCli(["fix", file, "--diff"], elsewhere);
  assert.ok(absolute.stdout.includes(`\n--- a${file}\n+++ b${file}\n`), absolute.stdout);
  const appliedAbsolute = spawnSync("git", ["apply", "-"], { cwd: path.parse(file).root, input: absolute.stdout, encoding: "utf8" });
  assert.equal(appliedAbsolute.status, 0, appliedAbsolute.stderr);
  assert.equal(readFileSync(file, "utf8"), expected);
  rmSync(root, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

test("a reader of the report that goes away (`| head`) ends the output quietly, with the exit code of the lint", () => {
  const root = makeProject({ "big.py": manyFindings(1000) });
  const script = `"$0" "$1" lint . | head -n 2; exit "\${PIPESTATUS[0]}"`;
  const result = spawnSync("bash", ["-c", script, process.execPath, cliPath], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  assert.equal(result.stdout.split("\n").filter((line) => line !== "").length, 2);
  assert.equal(result.stderr, "");
  assert.equal(result.status, 1);
  rmSync(root, { recursive: true, force: true });
});

test("a mistyped folder alone is not \"All checks passed!\": the summary says it was not linted, exit 2", () => {
  const root = makeProject({ "good.py": "import os\n" });
  const result = runCli(["lint", "srcc"], root);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /srcc: path does not exist/);
  assert.doesNotMatch(result.stdout, /All checks passed/);
  assert.equal(result.stdout, "Found 0 errors; 1 path could not be linted.\n");
});

test("a PEP 263 Latin-1 cookie is honoured", () => {
  const latin1 = Buffer.concat([Buffer.from("# -*- coding: latin-1 -*-\nS = '"), Buffer.from([0xe9]), Buffer.from("'\n" + HEAVY)]);
  const root = makeProject({ "cookie.py": latin1 });
  const result = runCli(["lint", "."], root);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^cookie\.py:3:1: LZ001/m);
});

test("a path that does not exist is named, exit 2", () => {
  const root = makeProject({ "good.py": HEAVY });
  const result = runCli(["lint", "missing.py", "good.py"], root);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /missing\.py/);
  assert.match(result.stdout, /^good\.py:1:1: LZ001/m);
  assert.match(result.stdout, /^Found 1 error; 1 path could not be linted\.$/m);
  assertNoStackTrace(result.stderr);
});

test("`-` is no standard input here: with no file of that name, the error says to name the file", () => {
  const root = makeProject({ "app.py": HEAVY });
  const result = spawnSync(process.execPath, [cliPath, "lint", "-"], { cwd: root, input: HEAVY, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /^pylazy: error: .*-: path does not exist \(pylazy does not read source from standard input: name the file\)$/m);
  assertNoStackTrace(result.stderr);
  rmSync(root, { recursive: true, force: true });
});

test("a malformed profile is named with the reason, exit 2", () => {
  const root = makeProject({ "good.py": HEAVY, "bad.json": "{ not json" });
  const result = runCli(["lint", ".", "--profile", "bad.json"], root);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /bad\.json/);
  assertNoStackTrace(result.stderr);
});

test("a measured profile replaces the estimate and the message says the measured cost", () => {
  const log = [
    "import time: self [us] | cumulative | imported package",
    "import time:      4000 |     250000 | numpy",
  ].join("\n");
  const root = makeProject({ "good.py": HEAVY, "it.log": log });
  const result = runCli(["lint", ".", "--profile", "it.log"], root);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /`numpy` \(250 ms\) is imported at module level/);
});

test("--threshold raises the bar; --select and --ignore pick rules", () => {
  const root = makeProject({ "good.py": HEAVY });
  assert.equal(runCli(["lint", ".", "--threshold", "100000"], root).status, 0);
  assert.equal(runCli(["lint", ".", "--ignore", "LZ001"], root).status, 0);
  assert.equal(runCli(["lint", ".", "--select", "LZ002"], root).status, 0);
  assert.equal(runCli(["lint", ".", "--select", "LZ"], root).status, 1);
  const bad = runCli(["lint", ".", "--threshold", "fast"], root);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--threshold/);
});

test("[tool.pylazy] in pyproject.toml configures the run; an unknown key is an error naming the file", () => {
  const configured = makeProject({ "good.py": HEAVY }, "[tool.pylazy]\nthreshold = 100000\n");
  assert.equal(runCli(["lint", "."], configured).status, 0);
  const wrong = makeProject({ "good.py": HEAVY }, "[tool.pylazy]\nthreshhold = 5\n");
  const result = runCli(["lint", "."], wrong);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /pyproject\.toml/);
  assert.match(result.stderr, /threshhold/);
});

test("with no pyproject.toml or .git, a package linted from an unrelated folder is still its own project: a reach from beside it refuses the fix", () => {
  const tree = mkdtempSync(path.join(os.tmpdir(), "pylazy-markerless-"));
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), "pylazy-cwd-"));
  mkdirSync(path.join(tree, "pkg"));
  writeFileSync(path.join(tree, "pkg", "__init__.py"), "");
  writeFileSync(path.join(tree, "pkg", "a.py"), HEAVY);
  writeFileSync(path.join(tree, "tests.py"), "from pkg.a import np\n");
  const file = path.join(tree, "pkg", "a.py");
  const lint = runCli(["lint", file, "--output-format", "json"], elsewhere);
  const [diagnostic] = JSON.parse(lint.stdout) as { code: string; fix: unknown; fix_refused: string | null }[];
  assert.equal(diagnostic.code, "LZ001");
  assert.equal(diagnostic.fix, null);
  assert.match(diagnostic.fix_refused ?? "", /another module reaches `np` here: tests\.py:1/);
  const fix = runCli(["fix", file], elsewhere);
  assert.equal(fix.status, 0, fix.stderr);
  assert.equal(readFileSync(file, "utf8"), HEAVY, "a.py is left as it was");
  assert.equal(existsSync(path.join(elsewhere, ".pylazy")), false, "nothing written to the unrelated folder");
  rmSync(tree, { recursive: true, force: true });
  rmSync(elsewhere, { recursive: true, force: true });
});

test("a type stub (.pyi) named on the command line gets no finding and is left as it is: Python never imports it", () => {
  // In a .py file, an annotation needs the module at import time (LZ002) and an unused import is no finding.
  const stub = "import numpy as np\n\ndef zeros(n: int) -> np.ndarray: ...\n";
  const root = makeProject({ "arrays.pyi": stub, "arrays_impl.py": stub });
  const asModule = runCli(["lint", "arrays_impl.py"], root);
  assert.match(asModule.stdout, /^arrays_impl\.py:1:1: LZ002 /m);
  const lint = runCli(["lint", "arrays.pyi"], root);
  assert.equal(lint.status, 0, lint.stdout);
  assert.match(lint.stdout, /All checks passed!/);
  const fix = runCli(["fix", "arrays.pyi", "--strategy", "type-checking"], root);
  assert.equal(fix.status, 0, fix.stderr);
  assert.equal(readFileSync(path.join(root, "arrays.pyi"), "utf8"), stub);
  rmSync(root, { recursive: true, force: true });
});

test(".gitignore is respected", () => {
  const root = makeProject({ "good.py": HEAVY, "build_out/gen.py": HEAVY, ".gitignore": "build_out/\n" });
  const result = runCli(["lint", "."], root);
  assert.doesNotMatch(result.stdout, /gen\.py/);
  assert.match(result.stdout, /good\.py/);
});

test("`pylazy rule` prints a rule's documentation; `pylazy rules` lists them", () => {
  const root = makeProject({});
  const rule = runCli(["rule", "LZ001"], root);
  assert.equal(rule.status, 0);
  for (const heading of ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety", "## Options"]) {
    assert.ok(rule.stdout.includes(heading), heading);
  }
  assert.equal(runCli(["rule", "LZ999"], root).status, 2);
  const list = runCli(["rules"], root);
  assert.match(list.stdout, /^LZ001 +heavy-module-level-import/m);
  assert.match(list.stdout, /^LZ002 +heavy-import-needed-at-import-time/m);
});

test("an unknown option or command is a usage error, exit 2", () => {
  const root = makeProject({});
  assert.equal(runCli(["lint", "--frobnicate"], root).status, 2);
  assert.equal(runCli(["frobnicate"], root).status, 2);
});
