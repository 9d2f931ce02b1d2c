import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { caseInput, fixCases, strategyCases, strategyFixturesCopy, variant } from "./helpers/strategyFixtures.js";

// The fixed strategy cases run, with python3 (or each interpreter in $PYLAZY_TEST_PYTHONS, separated like PATH).
const PYTHONS = (process.env.PYLAZY_TEST_PYTHONS ?? "python3").split(path.delimiter).filter(Boolean);

/** What a case's check.py prints; the package case adds what one attribute access loads. */
interface CaseRun {
  deferred: string[];
  loaded_at_import: string[];
  loaded_after_frame?: string[];
  results: Record<string, unknown>;
  loaded_after_calls: string[];
}

const TYPING_ONLY: Record<string, string[]> = {
  typing_only_with_future_annotations: ["heavy_c"],
  typing_only_with_import_typing: ["heavy_c"],
  extends_type_checking_block: ["heavy_c"],
  crlf_docstring_and_future_import: ["heavy_c"],
  typing_only_keeps_comments: ["heavy_c"],
};

/**
 * The modules each strategy keeps out of a case's import, given the case's `deferred` list and the
 * interpreter's minor version: `lazy-modules` changes nothing before Python 3.15.
 */
const KEPT_OUT: Record<string, (name: string, deferred: string[], minor: number) => string[]> = {
  "lazy-modules": (_, deferred, minor) => (minor >= 15 ? deferred : []),
  "type-checking": (name) => TYPING_ONLY[name] ?? [],
  getattr: (name, deferred) => (name === "package_reexports" ? deferred : []),
  auto: (_, deferred) => deferred,
};

function minorVersion(interpreter: string): number {
  const probe = spawnSync(interpreter, ["-c", "import sys; print(sys.version_info[1])"], { encoding: "utf8" });
  assert.equal(probe.status, 0, `cannot run ${interpreter}: ${probe.error ?? probe.stderr}`);
  return Number(probe.stdout.trim());
}

function runCase(interpreter: string, root: string, name: string): CaseRun {
  const run = spawnSync(interpreter, [path.join(name, "check.py")], { cwd: root, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").pop()!) as CaseRun;
}

// The unfixed cases run once per interpreter, from a copy.
const original = strategyFixturesCopy();
const originalRuns = new Map<string, CaseRun>();
function runOriginal(interpreter: string, name: string): CaseRun {
  const key = `${interpreter}\0${name}`;
  if (!originalRuns.has(key)) originalRuns.set(key, runCase(interpreter, original, name));
  return originalRuns.get(key)!;
}
after(() => fs.rmSync(original, { recursive: true, force: true }));

for (const strategy of Object.keys(KEPT_OUT)) {
  test(`fix --strategy ${strategy}: the fixed strategy cases behave as before, and import only what the strategy leaves eager`, async (t) => {
    const fixed = strategyFixturesCopy();
    const fix = fixCases(fixed, variant(strategy));
    assert.equal(fix.status, 0, fix.stdout + fix.stderr);
    for (const name of strategyCases) {
      await t.test(name, () => {
        for (const interpreter of PYTHONS) {
          const before = runOriginal(interpreter, name);
          const fixedRun = runCase(interpreter, fixed, name);
          assert.deepEqual(fixedRun.results, before.results);
          const keptOut = KEPT_OUT[strategy](name, before.deferred, minorVersion(interpreter));
          assert.deepEqual(
            fixedRun.loaded_at_import,
            before.loaded_at_import.filter((module) => !keptOut.includes(module)),
            `${interpreter}: loaded at import`,
          );
          for (const module of keptOut) assert.ok(before.loaded_at_import.includes(module), `${module} is not even loaded before the fix`);
          const compiled = spawnSync(interpreter, ["-m", "py_compile", path.join(fixed, name, caseInput(name))], { encoding: "utf8" });
          assert.equal(compiled.status, 0, compiled.stderr);
        }
      });
    }
    fs.rmSync(fixed, { recursive: true, force: true });
  });
}

for (const strategy of ["getattr", "auto"]) {
  test(`fix --strategy ${strategy}: \`import casepkg\` loads no re-export, \`casepkg.Frame\` loads only its own`, () => {
    const fixed = strategyFixturesCopy();
    assert.equal(fixCases(fixed, variant(strategy)).status, 0);
    for (const interpreter of PYTHONS) {
      const run = runCase(interpreter, fixed, "package_reexports");
      assert.deepEqual(run.loaded_at_import, []);
      assert.deepEqual(run.loaded_after_frame, ["heavy_c"]);
      assert.deepEqual(run.loaded_after_calls, run.deferred);
      const results = run.results as { __all__: string[]; star: string[]; dir: string[] };
      assert.deepEqual(results.__all__, ["Frame", "plotting", "heavy_a", "small", "make"], "__all__ unchanged");
      assert.deepEqual(results.star, ["Frame", "heavy_a", "make", "plotting", "small"], "from casepkg import * sees every name of __all__");
      assert.deepEqual(results.dir, ["Frame", "frames", "plotting", "heavy_a", "small", "make", "util"], "dir(casepkg) lists the lazy names");
    }
    fs.rmSync(fixed, { recursive: true, force: true });
  });
}
