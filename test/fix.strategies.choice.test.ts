import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { findHeavyImports } from "../src/analysis/heavyImports.js";
import { buildSemanticModel } from "../src/analysis/model.js";
import { LineIndex } from "../src/parse/lines.js";
import { builtinEstimates } from "../src/profile/estimates.js";
import { typeCheckingStrategy } from "../src/transforms/typeChecking.js";
import { makeProject, runCli } from "./helpers/cli.js";
import { UNVERIFIED } from "./helpers/strategyFixtures.js";

const COSTS = ["heavy_a", "heavy_b", "heavy_b.sub", "heavy_c"].map((m) => `import time:     50000 |      50000 | ${m}`);
const COSTS_LOG = ["import time: self [us] | cumulative | imported package", ...COSTS].join("\n") + "\n";
const TYPING_ONLY = 'import heavy_c\n\n\ndef describe(thing: "heavy_c.Thing") -> str:\n    return thing.describe()\n';
const REEXPORT = 'import heavy_a\n\n__all__ = ["heavy_a"]\n';

interface JsonDiagnostic {
  code: string;
  filename: string;
  fix: { strategy: string; message: string } | null;
  fix_refused: string | null;
  message: string;
}

function lintJson(root: string, args: string[] = []): JsonDiagnostic[] {
  const result = runCli(["lint", ".", "--profile", "costs.log", "--format", "json", ...args], root);
  return JSON.parse(result.stdout) as JsonDiagnostic[];
}

function project(files: Record<string, string>, strategy?: string): string {
  return makeProject({ ...files, "costs.log": COSTS_LOG }, `[tool.pylazy]\n${strategy ? `strategy = "${strategy}"\n` : ""}`);
}

test("under the default strategy, LZ003 and LZ006 have no fix, and say which strategies fix them", () => {
  const root = project({ "app.py": TYPING_ONLY, "pkg/__init__.py": REEXPORT });
  const byCode = new Map(lintJson(root).map((d) => [d.code, d]));
  assert.equal(byCode.get("LZ003")?.fix, null);
  assert.equal(byCode.get("LZ003")?.fix_refused, "the `function` strategy does not fix an import used only in annotations (LZ003): `pep810`, `lazy-modules`, `type-checking` and `auto` do");
  assert.equal(byCode.get("LZ006")?.fix, null);
  assert.equal(byCode.get("LZ006")?.fix_refused, "the `function` strategy does not fix a re-export in a package `__init__.py` (LZ006): `pep810`, `lazy-modules`, `getattr` and `auto` do");
});

for (const strategy of ["auto", "type-checking", "getattr"]) {
  test(`with strategy = "${strategy}" in the config, lint offers the fix of LZ003 or LZ006 it makes`, () => {
    const root = project({ "app.py": TYPING_ONLY, "pkg/__init__.py": REEXPORT }, strategy);
    const byCode = new Map(lintJson(root).map((d) => [d.code, d]));
    const typingOnly = byCode.get("LZ003")!;
    const reexport = byCode.get("LZ006")!;
    assert.equal(typingOnly.fix?.strategy, strategy === "getattr" ? undefined : "type-checking");
    assert.equal(reexport.fix?.strategy, strategy === "type-checking" ? undefined : "getattr");
    if (strategy === "auto") {
      assert.equal(typingOnly.fix?.message, "Move `import heavy_c` under `if TYPE_CHECKING:` (auto: only annotations use the name)");
      assert.equal(reexport.fix?.message, "Import `heavy_a` on first access, through the package's `__getattr__` (PEP 562) (auto: a package `__init__.py` re-exports the name)");
    }
  });
}

test("auto says what it chose and why, per import and target version", () => {
  const app = "import heavy_a\nimport heavy_b.sub\nfrom heavy_c import Thing\n\n\ndef run():\n    return heavy_a.VALUE, heavy_b.sub.triple(1), Thing\n";
  const root = project({ "app.py": app }, "auto");
  const messages = (args: string[]): string[] => lintJson(root, args).map((d) => d.fix?.message ?? `refused: ${d.fix_refused}`);
  assert.deepEqual(messages([]), [
    "Replace `import heavy_a` with a LazyLoader module (auto: `import heavy_a` binds a module, which LazyLoader runs on first attribute access)",
    "Move `import heavy_b.sub` into `run` (auto: `heavy_b.sub` is a submodule, which LazyLoader cannot load lazily)",
    "Move `from heavy_c import Thing` into `run` (auto: `from … import name` binds an object, not a module)",
  ]);
  assert.deepEqual(messages(["--target-version", "py315"]), [
    "Import `heavy_a` lazily: `lazy import heavy_a` (PEP 810) (auto: the target py315 has `lazy import`)",
    "Import `heavy_b.sub` lazily: `lazy import heavy_b.sub` (PEP 810) (auto: the target py315 has `lazy import`)",
    "Import `heavy_c` lazily: `lazy from heavy_c import Thing` (PEP 810) (auto: the target py315 has `lazy import`)",
  ]);
});

test("auto passes over a strategy that a safety condition blocks: a re-exported submodule import gets a proxy", () => {
  const root = project({ "pkg/__init__.py": "", "pkg/app.py": "import heavy_b.sub\n\n\ndef run():\n    return heavy_b.sub.triple(1)\n", "tests/test_app.py": "from pkg.app import heavy_b\n" }, "auto");
  const diagnostic = lintJson(root).find((d) => d.filename === path.join("pkg", "app.py"))!;
  assert.match(diagnostic.fix!.message, /\(auto: `heavy_b\.sub` is a submodule, which LazyLoader cannot load lazily: a module proxy instead; not function: another module reaches `heavy_b` here: tests\/test_app\.py:1/);
  const result = runCli(["fix", "pkg", "--profile", "costs.log", ...UNVERIFIED], root);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(fs.readFileSync(path.join(root, "pkg/app.py"), "utf8"), /^heavy_b = _PylazyModule\("heavy_b", "heavy_b\.sub"\)$/m);
});

test("a strategy asked for a finding it does not fix leaves it and names the ones that do", () => {
  const root = project({ "app.py": "import heavy_a\n\n\ndef value():\n    return heavy_a.VALUE\n" });
  const result = runCli(["fix", "app.py", "--strategy", "type-checking", "--profile", "costs.log", ...UNVERIFIED], root);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /app\.py:1:1: left `heavy_a` as it was: the `type-checking` strategy does not fix an import used at runtime inside functions: `function`, `lazyloader`, `lazymodule`, `pep810`, `lazy-modules` and `auto` do/);
});

const PACKAGE_REFUSALS: Record<string, [string, RegExp]> = {
  "no __all__": ["import heavy_a\n", /the package has no `__all__`, so `from pkg import \*` would no longer see `heavy_a`: add an `__all__` first/],
  "a __getattr__ of its own": ['import heavy_a\n\n__all__ = ["heavy_a"]\n\n\ndef __getattr__(name):\n    raise AttributeError(name)\n', /the package defines `__getattr__` already/],
  "the name bound again": ['import heavy_a\n\n__all__ = ["heavy_a"]\n\nif False:\n    heavy_a = None\n', /`heavy_a` is bound again on line 6, which a module `__getattr__` cannot follow/],
};

for (const [why, [init, reason]] of Object.entries(PACKAGE_REFUSALS)) {
  test(`getattr leaves a package __init__.py with ${why} as it was`, () => {
    const root = project({ "pkg/__init__.py": init });
    const result = runCli(["fix", "pkg", "--strategy", "getattr", "--profile", "costs.log", ...UNVERIFIED], root);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, reason);
    assert.equal(fs.readFileSync(path.join(root, "pkg/__init__.py"), "utf8"), init);
  });
}

test("lazy-modules says a listed module changes nothing before 3.15, refuses a __lazy_modules__ set too late, and a second run leaves the file", () => {
  const app = "import heavy_a\n\n\ndef value():\n    return heavy_a.VALUE\n";
  const late = "import heavy_a\n\n__lazy_modules__ = {'json'}\n\n\ndef value():\n    return heavy_a.VALUE\n";
  const root = project({ "app.py": app, "late.py": late });
  const fix = (): string => runCli(["fix", ".", "--strategy", "lazy-modules", "--profile", "costs.log", ...UNVERIFIED], root).stdout;
  const first = fix();
  assert.match(first, /late\.py:1:1: left `heavy_a` as it was: `__lazy_modules__` is assigned on line 3, after this import: move it above the imports/);
  // Listing a module defers nothing on py39: the summary must not count it as a deferred import.
  assert.match(first, /^1 file changed; deferred 0 imports, listed 1 in `__lazy_modules__` \(lazy from Python 3\.15, unchanged before\), left 1 as it was\.$/m);
  assert.doesNotMatch(first, /Modules moved out of startup/);
  assert.equal(fs.readFileSync(path.join(root, "app.py"), "utf8"), `__lazy_modules__ = {"heavy_a"}\n\n${app}`);
  assert.match(fix(), /app\.py:3:1: left `heavy_a` as it was: `heavy_a` is already in `__lazy_modules__`, which changes nothing before Python 3\.15 \(target py39\)/);
  assert.equal(fs.readFileSync(path.join(root, "app.py"), "utf8"), `__lazy_modules__ = {"heavy_a"}\n\n${app}`);
  const stillEager = lintJson(root).filter((d) => d.filename === "app.py" && d.code === "LZ001");
  assert.equal(stillEager.length, 1, "before 3.15 the listed import is still eager, and still reported");
  const onPy315 = lintJson(root, ["--target-version", "py315"]).filter((d) => d.filename === "app.py");
  assert.deepEqual(onPy315, [], "on 3.15 the listed import is lazy already: nothing to report");
});

test("on 3.15 the fix summary counts lazy-modules rewrites as deferred imports", () => {
  const root = project({ "app.py": "import heavy_a\n\n\ndef value():\n    return heavy_a.VALUE\n" });
  const result = runCli(["fix", ".", "--strategy", "lazy-modules", "--target-version", "py315", "--profile", "costs.log", "--format", "json", ...UNVERIFIED], root);
  const summary = JSON.parse(result.stdout) as { imports_deferred: number; imports_listed_for_python315: number };
  assert.equal(summary.imports_deferred, 1);
  assert.equal(summary.imports_listed_for_python315, 0);
  assert.deepEqual(lintJson(root, ["--target-version", "py315"]).filter((d) => d.code === "LZ001"), [], "lint after the fix is clean on 3.15");
});

/**
 * The type-checking strategy asked directly about an import that evaluated annotations use (LZ003
 * never asks about one: such a use makes the import LZ002).
 */
function typeCheckingPlan(source: string, targetVersion: string): ReturnType<typeof typeCheckingStrategy.defer> {
  const model = buildSemanticModel(source);
  const file = { module: "app", isPackage: false };
  const [heavy] = findHeavyImports(model, { costs: builtinEstimates(), thresholdMs: 0, keepEager: [], file });
  return typeCheckingStrategy.defer({ heavy, model, lines: new LineIndex(source), file, kind: "type-checking", targetVersion, blockers: [] });
}

test("type-checking quotes an annotation that an older target evaluates, when it is a plain name, and refuses otherwise", () => {
  const simple = "import heavy_c\n\n\ndef describe(thing: heavy_c.Thing) -> str:\n    return thing.describe()\n";
  const quoted = typeCheckingPlan(simple, "py39");
  assert.ok(!("refused" in quoted));
  assert.equal(quoted.message, "Move `import heavy_c` under `if TYPE_CHECKING:` and quote 1 annotation");
  assert.deepEqual(quoted.edits.map((edit) => [simple.slice(edit.start, edit.end), edit.content]), [["heavy_c.Thing", '"heavy_c.Thing"']]);
  const onPy314 = typeCheckingPlan(simple, "py314");
  assert.ok(!("refused" in onPy314));
  assert.deepEqual(onPy314.edits, [], "Python 3.14 does not evaluate annotations (PEP 649)");
  const union = typeCheckingPlan("import heavy_c\n\n\ndef describe(thing: heavy_c.Thing | None) -> str:\n    return ''\n", "py39");
  assert.deepEqual(union, { refused: "`heavy_c` is needed at runtime on line 4, where no quotes can make it typing-only" });
});

test("function says where a use outside any def stands when it refuses: a lambda, a type alias or a type parameter, at module level or in a class body", () => {
  const root = project({
    "alias.py": "import heavy_a\n\ntype Value = heavy_a.Value\n",
    "bound.py": "import heavy_b\n\n\nclass Box[T: heavy_b.Thing]:\n    pass\n",
    "method.py": "import heavy_c\n\n\nclass Holder:\n    make = staticmethod(lambda: heavy_c.Thing())\n",
  });
  const diagnostics = lintJson(root, ["--target-version", "py312"]);
  // LZ001 says the uses run after the import without calling them function bodies.
  for (const diagnostic of diagnostics) assert.match(diagnostic.message, /is imported at module level but only used in code that runs after the import \(functions, lambdas, `type` aliases\)$/);
  const refusals = diagnostics.map((d) => `${d.filename}: ${d.fix_refused}`);
  const outside = "outside any function: no function body can hold the import";
  assert.deepEqual(refusals, [
    `alias.py: \`heavy_a\` is used in a type alias or type parameter (evaluated when first used) at module level on line 3, ${outside}`,
    `bound.py: \`heavy_b\` is used in a type alias or type parameter (evaluated when first used) at module level on line 4, ${outside}`,
    `method.py: \`heavy_c\` is used in a lambda in the body of class \`Holder\` on line 5, ${outside}`,
  ]);
});
