import assert from "node:assert/strict";
import { test } from "node:test";
import { lintSource } from "../src/engine/lintSource.js";
import type { LintOptions } from "../src/engine/lintSource.js";
import { costTableFromSummary } from "../src/profile/costs.js";
import type { ModuleTiming } from "../src/profile/types.js";
import { rules } from "../src/rules/index.js";

const timings = new Map<string, ModuleTiming>([["xml.dom.minidom", { selfUs: 15000, cumulativeUs: 30000, samples: 1 }]]);
const options: LintOptions = { costs: costTableFromSummary(timings, "test profile"), thresholdMs: 3, keepEager: [], rules, strategy: "function", targetVersion: "py311" };
const file = { module: "pkg.mod", isPackage: false, path: "pkg/mod.py" };

// The safety checks look at the tree only for uses of the package that the text shows may go on
// to the submodule (safety.ts, mayReadAttribute): what Python allows between a name and its
// attribute must not hide one.
for (const [name, use] of [
  ["a comment and a line break inside brackets", "(xml  # the package\n            .dom.minidom.Node)"],
  ["a backslash continuation and blanks around the dot", "xml \\\n        . dom.minidom.Node"],
  ["no gap", "xml.dom.minidom.Node"],
]) {
  test(`a submodule reached through its package is seen past ${name}`, () => {
    const source = `from xml.dom.minidom import parseString\nimport xml\n\n\ndef parse(text):\n    return parseString(text)\n\n\ndef node():\n    return ${use}\n`;
    const [diagnostic] = lintSource(file.path, source, file, options).diagnostics;
    assert.equal(diagnostic?.code, "LZ001");
    assert.match(diagnostic.fixRefusal ?? "", /reached through `xml`/);
  });
}

test("a use of the package that reads another attribute does not block the fix", () => {
  const source = "from xml.dom.minidom import parseString\nimport xml\n\n\ndef parse(text):\n    return parseString(text)\n\n\ndef sax():\n    return xml.sax  # not .dom\n";
  const [diagnostic] = lintSource(file.path, source, file, options).diagnostics;
  assert.equal(diagnostic?.code, "LZ001");
  assert.equal(diagnostic.fixRefusal, undefined);
  assert.ok(diagnostic.fix);
});
