import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "./helpers/cli.js";

// The fixed Python runs, with python3 (or each interpreter in $PYLAZY_TEST_PYTHONS, separated like PATH).
const RUNTIME = fileURLToPath(new URL("../../test/fixtures/runtime/", import.meta.url));
const STRATEGIES = ["function", "lazyloader", "lazymodule"] as const;
const PYTHONS = (process.env.PYLAZY_TEST_PYTHONS ?? "python3").split(path.delimiter).filter(Boolean).map(interpreterPath);

/** Cases a strategy leaves as they were, with the reason the fix summary must give. */
const REFUSED: Partial<Record<(typeof STRATEGIES)[number], Record<string, string>>> = {
  function: {
    lambda_at_module_level: "`heavy_a` is used in a lambda at module level on line 3, outside any function: no function body can hold the import",
    lambda_in_class_body: "`heavy_a` is used in a lambda in the body of class `Doubler` on line 5, outside any function: no function body can hold the import",
  },
};

/** What a case's check.py prints. */
interface CaseRun {
  deferred: string[];
  loaded_at_import: string[];
  results: Record<string, unknown>;
  loaded_after_calls: string[];
}

const cases = fs
  .readdirSync(RUNTIME, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
  .map((entry) => entry.name)
  .sort();

/** The interpreter itself rather than a launcher such as a pyenv shim, which is slow to start. */
function interpreterPath(command: string): string {
  const probe = spawnSync(command, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" });
  assert.equal(probe.status, 0, `cannot run ${command}: ${probe.error ?? probe.stderr}`);
  return probe.stdout.trim();
}

function copyOf(folder: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-runtime-"));
  fs.cpSync(folder, copy, { recursive: true });
  return copy;
}

function python(interpreter: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(interpreter, args, { cwd, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  assert.equal(run.error, undefined, `cannot run ${interpreter}`);
  return run;
}

function runCase(interpreter: string, root: string, name: string): CaseRun {
  const run = python(interpreter, [path.join(name, "check.py")], root);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").pop()!) as CaseRun;
}

// The unfixed cases run once, from a copy (no bytecode cache written into the source tree).
const original = copyOf(RUNTIME);
const originalRuns = new Map<string, CaseRun>();
function runOriginal(interpreter: string, name: string): CaseRun {
  const key = `${interpreter}\0${name}`;
  if (!originalRuns.has(key)) originalRuns.set(key, runCase(interpreter, original, name));
  return originalRuns.get(key)!;
}
after(() => fs.rmSync(original, { recursive: true, force: true }));

for (const strategy of STRATEGIES) {
  test(`fix --strategy ${strategy}: the fixed runtime cases import nothing heavy, then behave as before`, async (t) => {
    const fixed = copyOf(RUNTIME);
    const modules = cases.map((name) => `${name}/case_module.py`);
    const fix = runCli(["fix", ...modules, "--strategy", strategy, "--profile", "costs.log"], fixed);
    assert.equal(fix.status, 0, fix.stdout + fix.stderr);

    for (const name of cases) {
      const refusal = REFUSED[strategy]?.[name];
      await t.test(name, () => {
        const fixedModule = path.join(fixed, name, "case_module.py");
        if (refusal) {
          assert.ok(fix.stdout.includes(`${name}/case_module.py:1:1: left \`heavy_a\` as it was: ${refusal}`), fix.stdout);
          assert.deepEqual(fs.readFileSync(fixedModule), fs.readFileSync(path.join(original, name, "case_module.py")));
          return;
        }
        for (const interpreter of PYTHONS) {
          const unfixed = runOriginal(interpreter, name);
          const fixedRun = runCase(interpreter, fixed, name);
          for (const module of unfixed.deferred) {
            assert.ok(unfixed.loaded_at_import.includes(module), `${module} is not even loaded before the fix`);
            assert.ok(!fixedRun.loaded_at_import.includes(module), `${interpreter}: ${module} is still loaded at import: ${JSON.stringify(fixedRun)}`);
            assert.ok(fixedRun.loaded_after_calls.includes(module), `${interpreter}: ${module} never loaded: ${JSON.stringify(fixedRun)}`);
          }
          assert.deepEqual(fixedRun.results, unfixed.results);
          const compiled = python(interpreter, ["-m", "py_compile", fixedModule], fixed);
          assert.equal(compiled.status, 0, compiled.stderr);
        }
      });
    }

    await t.test("a second fix changes nothing", () => {
      const again = runCli(["fix", ...modules, "--strategy", strategy, "--profile", "costs.log", "--diff"], fixed);
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.equal(again.stdout, "");
    });
    await t.test("lint then finds nothing left to fix", () => {
      const lint = runCli(["lint", ...modules, "--profile", "costs.log", "--format", "json"], fixed);
      const fixable = (JSON.parse(lint.stdout) as { code: string; filename: string; fix: unknown }[]).filter((d) => d.code === "LZ001" && d.fix);
      assert.deepEqual(fixable, []);
    });
    fs.rmSync(fixed, { recursive: true, force: true });
  });
}

// A module that takes 0.2 s to import and defines VALUE only at the end: a thread that saw it
// half-run would get an AttributeError.
const SLOW_MODULE = `import time

import importlog

importlog.LOADED.append(__name__)
time.sleep(0.2)
VALUE = 42
`;

const THREADS = `import json
import threading

import app
import importlog

barrier = threading.Barrier(8)
values, errors = [], []


def touch():
    barrier.wait()
    try:
        values.append(app.value())
    except Exception as error:
        errors.append(repr(error))


threads = [threading.Thread(target=touch) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"values": values, "errors": errors, "loaded": importlog.LOADED}))
`;

for (const strategy of ["lazyloader", "lazymodule"] as const) {
  test(`fix --strategy ${strategy}: 8 threads touching the module at once see it whole, and its body runs once`, () => {
    const root = copyOf(path.join(RUNTIME, "_heavy"));
    fs.writeFileSync(path.join(root, "slow_heavy.py"), SLOW_MODULE);
    fs.writeFileSync(path.join(root, "app.py"), "import slow_heavy\n\n\ndef value():\n    return slow_heavy.VALUE\n");
    fs.writeFileSync(path.join(root, "threads.py"), THREADS);
    fs.writeFileSync(path.join(root, "costs.log"), "import time: self [us] | cumulative | imported package\nimport time:    200000 |     200000 | slow_heavy\n");
    const fix = runCli(["fix", "app.py", "--strategy", strategy, "--profile", "costs.log"], root);
    assert.equal(fix.status, 0, fix.stdout + fix.stderr);
    assert.match(fs.readFileSync(path.join(root, "app.py"), "utf8"), /^slow_heavy = _(pylazy_import|PylazyModule)\("slow_heavy"\)$/m);
    for (const interpreter of PYTHONS) {
      const run = python(interpreter, ["threads.py"], root);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { values: Array(8).fill(42), errors: [], loaded: ["slow_heavy"] });
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
}
