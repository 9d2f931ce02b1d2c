import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import type * as RuffWasm from "@astral-sh/ruff-wasm-nodejs";
import { buildSemanticModel } from "../src/analysis/model.js";
import { makeProject, repoRoot, runCli } from "./helpers/cli.js";
import { STRATEGY_FIXTURES, UNVERIFIED, caseInput, fixCases, strategyCases, strategyFixturesCopy, variant } from "./helpers/strategyFixtures.js";

// Ruff's own parser, compiled to WebAssembly: an independent judge of PEP 810 syntax, since no
// Python 3.15 runs on these machines.
const require = createRequire(import.meta.url);
const { Workspace, PositionEncoding } = require("@astral-sh/ruff-wasm-nodejs") as typeof RuffWasm;
const ruff = new Workspace({ "target-version": "py315" }, PositionEncoding.Utf16);

const RUNTIME = path.join(repoRoot, "test/fixtures/runtime");
const runtimeCases = fs
  .readdirSync(RUNTIME, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
  .map((entry) => entry.name)
  .sort();
const PY315 = ["--target-version", "py315"];

function syntaxErrors(text: string): string[] {
  return (ruff.check(text) as RuffWasm.Diagnostic[]).filter((d) => d.code === "invalid-syntax").map((d) => `${d.start_location.row}: ${d.message}`);
}

/** Where Ruff sees a lazy import's names start (UTF-16 offsets; its AST counts UTF-8 bytes). */
function ruffLazyNames(text: string): number[] {
  const bytes = Buffer.from(text);
  const starts: number[] = [];
  for (const statement of ruff.parse(text).matchAll(/StmtImport(?:From)? \{([\s\S]*?)is_lazy: (true|false),/g)) {
    if (statement[2] !== "true") continue;
    for (const alias of statement[1].matchAll(/Alias \{\s*range: (\d+)\.\./g)) starts.push(bytes.subarray(0, Number(alias[1])).toString().length);
  }
  return starts.sort((a, b) => a - b);
}

/** Where pylazy's tree-sitter side sees a lazy import's names start (ImportedName.lazy). */
function pylazyLazyNames(text: string): number[] {
  return buildSemanticModel(text)
    .imports.filter((imported) => imported.lazy)
    .map((imported) => imported.alias.startIndex)
    .sort((a, b) => a - b);
}

/** The strategy cases and the runtime cases fixed with pep810 (or auto on py315): the files it wrote, as text. */
function pep810Outputs(variantName: "pep810" | "auto-py315"): Map<string, string> {
  const written = new Map<string, string>();
  const strategies = strategyFixturesCopy();
  assert.equal(fixCases(strategies, variant(variantName)).status, 0);
  for (const name of strategyCases) {
    const output = fs.readFileSync(path.join(strategies, name, caseInput(name)), "latin1");
    if (output !== fs.readFileSync(path.join(STRATEGY_FIXTURES, name, caseInput(name)), "latin1")) written.set(`strategies/${name}`, output);
  }
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-pep810-"));
  fs.cpSync(RUNTIME, runtime, { recursive: true });
  const fix = runCli(["fix", ...runtimeCases.map((name) => `${name}/case_module.py`), ...variant(variantName).args, "--profile", "costs.log", ...UNVERIFIED], runtime);
  assert.equal(fix.status, 0, fix.stdout + fix.stderr);
  for (const name of runtimeCases) {
    const output = fs.readFileSync(path.join(runtime, name, "case_module.py"), "latin1");
    if (output !== fs.readFileSync(path.join(RUNTIME, name, "case_module.py"), "latin1")) written.set(`runtime/${name}`, output);
  }
  fs.rmSync(strategies, { recursive: true, force: true });
  fs.rmSync(runtime, { recursive: true, force: true });
  return written;
}

test("Ruff's parser is a real judge: it rejects `lazy` where PEP 810 does not allow it", () => {
  assert.deepEqual(syntaxErrors("lazy import json\nlazy from os import path\n"), []);
  for (const misplaced of ["def f():\n    lazy import json\n", "try:\n    lazy import json\nexcept ImportError:\n    pass\n", "lazy from json import *\n"]) {
    assert.notDeepEqual(syntaxErrors(misplaced), [], misplaced);
  }
});

for (const variantName of ["pep810", "auto-py315"] as const) {
  test(`fix ${variant(variantName).args.join(" ")}: Ruff finds no syntax error in any file written, and sees the lazy imports pylazy sees`, async (t) => {
    const written = pep810Outputs(variantName);
    assert.equal(written.size, strategyCases.length + runtimeCases.length, "every case has an import to make lazy");
    for (const [name, text] of written) {
      await t.test(name, () => {
        assert.deepEqual(syntaxErrors(text), []);
        const lazy = ruffLazyNames(text);
        assert.ok(lazy.length > 0, "the fix made an import lazy");
        assert.deepEqual(pylazyLazyNames(text), lazy);
      });
    }
  });
}

test("after a pep810 fix, lint finds no fixable LZ001 and a second fix changes nothing", () => {
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-pep810-"));
  fs.cpSync(RUNTIME, runtime, { recursive: true });
  const modules = runtimeCases.map((name) => `${name}/case_module.py`);
  const args = ["--profile", "costs.log", ...PY315];
  assert.equal(runCli(["fix", ...modules, "--strategy", "pep810", ...args, ...UNVERIFIED], runtime).status, 0);
  const lint = runCli(["lint", ...modules, ...args, "--format", "json"], runtime);
  const fixable = (JSON.parse(lint.stdout) as { code: string; fix: unknown }[]).filter((d) => d.code === "LZ001" && d.fix);
  assert.deepEqual(fixable, []);
  const again = runCli(["fix", ...modules, "--strategy", "pep810", ...args, ...UNVERIFIED, "--diff"], runtime);
  assert.equal(again.status, 0, again.stdout + again.stderr);
  assert.equal(again.stdout, "");
  fs.rmSync(runtime, { recursive: true, force: true });
});

const COSTS = "import time: self [us] | cumulative | imported package\nimport time:     50000 |      50000 | heavy_a\n";
const APP = "import heavy_a\n\n\ndef value():\n    return heavy_a.VALUE\n";

test("pep810 below py315 leaves the import as it was and says why", () => {
  const root = makeProject({ "app.py": APP, "costs.log": COSTS });
  const result = runCli(["fix", "app.py", "--strategy", "pep810", "--profile", "costs.log", "--target-version", "py314", ...UNVERIFIED], root);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /app\.py:1:1: left `heavy_a` as it was: `lazy import` needs Python 3\.15 \(PEP 810\) and the target is py314: use `--target-version py315`, or `--strategy lazy-modules`/);
  assert.equal(fs.readFileSync(path.join(root, "app.py"), "utf8"), APP);
});

test("pep810 does not write `lazy` after other code on a line", () => {
  const source = "X = 1; import heavy_a\n\n\ndef value():\n    return heavy_a.VALUE\n";
  const root = makeProject({ "app.py": source, "costs.log": COSTS });
  const result = runCli(["fix", "app.py", "--strategy", "pep810", "--profile", "costs.log", ...PY315, ...UNVERIFIED], root);
  assert.match(result.stdout, /left `heavy_a` as it was: the import follows other code on line 1: put it on a line of its own for `lazy` to start/);
  assert.equal(fs.readFileSync(path.join(root, "app.py"), "utf8"), source);
});

test("pep810 keeps a statement's other names eager and comments in place: `import os, heavy_a  # note`", () => {
  const root = makeProject({ "app.py": `import os, heavy_a  # note\n${APP.slice("import heavy_a\n".length)}`, "costs.log": COSTS });
  assert.equal(runCli(["fix", "app.py", "--strategy", "pep810", "--profile", "costs.log", ...PY315, ...UNVERIFIED], root).status, 0);
  const fixed = fs.readFileSync(path.join(root, "app.py"), "utf8");
  assert.equal(fixed.split("\n").slice(0, 2).join("\n"), "import os\nlazy import heavy_a  # note");
  assert.deepEqual(syntaxErrors(fixed), []);
});
