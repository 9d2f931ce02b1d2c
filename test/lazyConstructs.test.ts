import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { mayHoldLazyConstruct } from "../src/analysis/lazyConstructs.js";
import { PreScan } from "../src/analysis/prescan.js";
import { lintSource } from "../src/engine/lintSource.js";
import { saysLazy } from "../src/parse/pep810.js";
import type { LintOptions } from "../src/engine/lintSource.js";
import { builtinEstimates } from "../src/profile/estimates.js";
import { rules } from "../src/rules/index.js";

// Files are parsed for their lazy constructs only when their text may hold one (mayHoldLazyConstruct,
// used by the pre-scan), and lint then decides them from a skeleton like any other file: both must
// give what the whole text gives. LZ004 shows the construct was found: each case uses its name at
// import time.
const options: LintOptions = { costs: builtinEstimates(), thresholdMs: 10, keepEager: [], rules, strategy: "function", targetVersion: "py311" };
const file = { module: "pkg.mod", isPackage: false, path: "pkg/mod.py" };

const CONSTRUCTS: { name: string; head: string }[] = [
  { name: "a lazy import", head: "lazy import numpy as np\n" },
  { name: "a lazy from-import", head: "lazy from numpy import linalg as np\n" },
  { name: "__lazy_modules__", head: '__lazy_modules__ = {"numpy"}\nimport numpy as np\n' },
  { name: "a proxy", head: 'np = lazy_import("numpy")\n' },
  { name: "a proxy through an attribute, spaced", head: 'import util\nnp = util.LazyModule ("numpy")\n' },
  { name: "a proxy whose arguments follow a continuation", head: 'np = make_lazy \\\n    ("numpy")\n' },
  { name: "a proxy whose arguments span lines", head: 'np = lazy_import(  # deferred\n    "numpy",\n)\n' },
];

/** Enough function bodies (some of them using `np`) for the skeleton to be worth parsing. */
function withBodies(head: string): string {
  const bodies = Array.from({ length: 12 }, (_, i) => `def f${i}(x):\n    y = x + ${i}\n    z = [y] * 3\n    return ${i % 3 === 0 ? "np.sum(z)" : "sum(z)"}\n`);
  return `${head}\nimport asyncio\n\n${bodies.join("\n")}\nclass Grid:\n    ZERO = np.zeros(1)\n`;
}

for (const { name, head } of CONSTRUCTS) {
  test(`a file with ${name} is kept by the pre-scan and linted the same through its skeleton`, () => {
    const source = withBodies(head);
    assert.ok(mayHoldLazyConstruct(source));
    assert.ok(new PreScan(options.costs, options.thresholdMs).mayHaveFindings(source, file));
    const whole = lintSource(file.path, source, file, options);
    assert.ok(
      whole.diagnostics.some((diagnostic) => diagnostic.code === "LZ004"),
      JSON.stringify(whole.diagnostics.map((d) => d.code)),
    );
    const fast = lintSource(file.path, source, file, { ...options, skeleton: true });
    assert.deepEqual(fast.diagnostics, whole.diagnostics);
  });
}

test("a text that says lazy only where no construct can be is not one", () => {
  for (const source of ['doc = "be lazy, not eager"\n', "# lazy import numpy\n", "lazy = 1\nlazy.import_ = 2\n", "RTLD_LAZY\n"]) {
    assert.equal(mayHoldLazyConstruct(source), false, source);
  }
});

test("a proxy is made by a factory with a name: a call of what a call returns is not one", () => {
  const source = 'np = make_lazy()("numpy")\nZERO = np.zeros(1)\n';
  const linted = lintSource(file.path, source, file, options);
  assert.deepEqual(
    linted.diagnostics.map((diagnostic) => diagnostic.code),
    [],
  );
});

test("saysLazy tells what /lazy/i tells, on random texts of the letters that matter and others", () => {
  const letters = fc.constantFrom("l", "L", "a", "A", "z", "Z", "y", "Y", "ſ", "K", "\u0130", " ", "_", "\n");
  fc.assert(
    fc.property(fc.array(letters, { maxLength: 40 }).map((parts) => parts.join("")), (text) => saysLazy(text) === /lazy/i.test(text)),
    { numRuns: 5000 },
  );
  for (const text of ["lazy", "LAZY", "lAzY", "xlazy", "lazyx", "laz y", "lzy", "azy", "", "l", "_PylazyModule("]) assert.equal(saysLazy(text), /lazy/i.test(text), text);
});
