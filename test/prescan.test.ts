import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { moduleNameForFile } from "../src/analysis/modulePath.js";
import { PreScan } from "../src/analysis/prescan.js";
import { lintImportTime, lintSource } from "../src/engine/lintSource.js";
import type { LintOptions } from "../src/engine/lintSource.js";
import { decodePythonSource } from "../src/parse/source.js";
import { costTableFromSummary } from "../src/profile/costs.js";
import { builtinEstimates } from "../src/profile/estimates.js";
import type { CostTable, ModuleTiming } from "../src/profile/types.js";
import { rules } from "../src/rules/index.js";
import { sampleFiles } from "./helpers/corpusSample.js";

// The pre-scan must be exact: a file it lets go unparsed is one where the full analysis finds
// nothing (syntax errors aside, which pylazy reports only in files it analyses). Every 6th file of
// the standard library here; PYLAZY_PRESCAN_FULL=1 checks all of it (about two minutes).
const EVERY = process.env.PYLAZY_PRESCAN_FULL === "1" ? 1 : 6;

const base = (costs: CostTable, thresholdMs: number): LintOptions => ({ costs, thresholdMs, keepEager: [], rules, strategy: "function", targetVersion: "py311" });

/** A profile where stdlib modules cost something, so that other names than the built-in table's count. */
function measuredTable(): CostTable {
  const timings = new Map<string, ModuleTiming>();
  for (const [module, ms] of [["json", 12], ["csv", 4], ["xml.dom.minidom", 30], ["email", 2], ["asyncio", 5], ["test.support", 40]] as const) {
    timings.set(module, { selfUs: ms * 500, cumulativeUs: ms * 1000, samples: 1 });
  }
  return costTableFromSummary(timings, "test profile");
}

const files = sampleFiles(EVERY).map((file) => {
  try {
    return { file, source: decodePythonSource(readFileSync(file)).text, module: { ...moduleNameForFile(file), path: file } };
  } catch {
    return undefined;
  }
}).filter((entry) => entry !== undefined);

const CASES: { name: string; options: LintOptions }[] = [
  { name: "built-in estimates, default threshold", options: base(builtinEstimates(), 10) },
  { name: "built-in estimates, threshold 0", options: base(builtinEstimates(), 0) },
  { name: "built-in estimates, threshold 100 ms", options: base(builtinEstimates(), 100) },
  { name: "a profile, threshold 3 ms", options: base(measuredTable(), 3) },
];

for (const { name, options } of CASES) {
  test(`the pre-scan never skips a file with a finding (${name})`, () => {
    const preScan = new PreScan(options.costs, options.thresholdMs);
    let skipped = 0;
    let findings = 0;
    for (const { file, source, module } of files) {
      const found = lintSource(file, source, module, options).diagnostics.filter((diagnostic) => diagnostic.code !== null);
      findings += found.length;
      if (preScan.mayHaveFindings(source, module)) continue;
      skipped++;
      assert.deepEqual(found.map((d) => `${d.code} ${d.location.row}: ${d.message}`), [], `${file} was skipped but has findings`);
    }
    assert.ok(findings > 0, "the sample has findings to lose");
    if (options.thresholdMs > 0) assert.ok(skipped > files.length / 4, `the pre-scan skips a good share of the files (${skipped} of ${files.length})`);
  });

  test(`a file whose bare skeleton the pre-scan rules out has no finding, and the others are linted as the whole text is (${name})`, () => {
    const preScan = new PreScan(options.costs, options.thresholdMs);
    let ruledOut = 0;
    for (const { file, source, module } of files) {
      if (!preScan.mayHaveFindings(source, module)) continue;
      const whole = lintSource(file, source, module, options);
      if (whole.skipped === "syntax-error") continue;
      const fast = lintImportTime(file, source, module, { ...options, skeleton: true }, preScan);
      if (fast === undefined) ruledOut++;
      assert.deepEqual(fast?.diagnostics ?? [], whole.diagnostics, file);
    }
    if (options.thresholdMs === 10) assert.ok(ruledOut > 0, "the skeleton rules out some of the files the pre-scan keeps");
  });
}

test("the pre-scan sees every way an import can spell a heavy module", () => {
  const preScan = new PreScan(builtinEstimates(), 10);
  const app = { module: "app", isPackage: false };
  const spelled = [
    "import numpy\n",
    "import os, numpy as np\n",
    "import os as o,\\\n    numpy\n",
    "import \\\n  numpy\n",
    "from numpy import linalg\n",
    "from  numpy.linalg import norm\n",
    "import numpy . linalg\n",
    "x = 1; import pandas\n",
    "from .numpy import thing\n", // outside a package this is the top-level module `numpy`
    "def f():\n    import torch\n", // not a module-level import, but the text cannot tell cheaply
  ];
  for (const source of spelled) assert.ok(preScan.mayHaveFindings(source, app), source);
  // A relative import inside a heavy package reaches the package itself.
  assert.ok(preScan.mayHaveFindings("from . import tasks\n", { module: "asyncio.runners", isPackage: false }));
  assert.ok(preScan.mayHaveFindings("from ..events import x\n", { module: "asyncio.sub.mod", isPackage: false }));
  // Lazy constructs are checked whatever the cost.
  assert.ok(preScan.mayHaveFindings("__lazy_modules__ = ['json']\nimport json\n", app));

  const notSpelled = [
    "import numpyish\n",
    "import os\nnumpy = 1\n",
    "# see http://example.com\nimport os\n",
    "print('numpy')\n",
    "from . import tasks\n",
  ];
  for (const source of notSpelled) assert.ok(!preScan.mayHaveFindings(source, app), source);
  for (const source of notSpelled) {
    const found = lintSource("app.py", source, app, base(builtinEstimates(), 10)).diagnostics;
    assert.deepEqual(found, [], source);
  }
});

test("heavy imports only in functions leave nothing to parse; in a class body or beside a lazy construct they are analysed", () => {
  const preScan = new PreScan(builtinEstimates(), 10);
  const options = { ...base(builtinEstimates(), 10), skeleton: true };
  const app = { module: "app", isPackage: false, path: "app.py" };
  const inFunctions = "import os\n\ndef f():\n    import unittest.mock\n    return unittest.mock.Mock()\n\nasync def g():\n    from asyncio import sleep\n    await sleep(0)\n";
  assert.ok(preScan.mayHaveFindings(inFunctions, app));
  assert.equal(lintImportTime("app.py", inFunctions, app, options, preScan), undefined);
  assert.deepEqual(lintSource("app.py", inFunctions, app, options).diagnostics, []);
  const analysed = [
    "class C:\n    import unittest\n    x = unittest.TestCase\n",
    "import unittest\n\ndef f():\n    return unittest.main()\n",
    "np = lazy_import('numpy')\n\ndef f():\n    import unittest\n",
  ];
  for (const source of analysed) {
    const fast = lintImportTime("app.py", source, app, options, preScan);
    assert.ok(fast !== undefined, source);
    assert.deepEqual(fast.diagnostics, lintSource("app.py", source, app, options).diagnostics, source);
  }
});

test("with a threshold of 0 every file with an import is analysed", () => {
  const preScan = new PreScan(builtinEstimates(), 0);
  const app = { module: "app", isPackage: false };
  assert.ok(preScan.mayHaveFindings("import os\n", app));
  assert.ok(!preScan.mayHaveFindings("x = 1\n", app));
  assert.ok(!preScan.mayHaveFindings("def f():\n    return 1\n", app));
});
