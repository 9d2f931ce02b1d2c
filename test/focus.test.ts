import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { lintSource } from "../src/engine/lintSource.js";
import type { LintOptions } from "../src/engine/lintSource.js";
import { moduleNameForFile } from "../src/analysis/modulePath.js";
import { builtinEstimates } from "../src/profile/estimates.js";
import { formatJson } from "../src/report/json.js";
import { rules } from "../src/rules/index.js";
import { sampleFiles } from "./helpers/corpusSample.js";

// Every 25th file of the standard library; PYLAZY_FOCUS_FULL=1 compares every file (a few minutes).
const EVERY = process.env.PYLAZY_FOCUS_FULL === "1" ? 1 : 25;

for (const thresholdMs of [0, 10]) {
  test(`the focused model gives exactly the diagnostics of the full model (threshold ${thresholdMs} ms)`, () => {
    const base: LintOptions = { costs: builtinEstimates(), thresholdMs, keepEager: [], rules, strategy: "function", targetVersion: "py39" };
    let compared = 0;
    for (const file of sampleFiles(EVERY)) {
      let source: string;
      try {
        source = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      const fileModule = { ...moduleNameForFile(file), path: file };
      const focused = lintSource(file, source, fileModule, base).diagnostics;
      const full = lintSource(file, source, fileModule, { ...base, fullModel: true }).diagnostics;
      assert.equal(formatJson(focused), formatJson(full), file);
      compared += focused.length;
    }
    assert.ok(compared > 0, "the sample produced diagnostics to compare");
  });
}
