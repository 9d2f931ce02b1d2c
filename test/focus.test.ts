import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { lintSource } from "../src/engine/lintSource.js";
import type { LintOptions } from "../src/engine/lintSource.js";
import { moduleNameForFile } from "../src/analysis/modulePath.js";
import { builtinEstimates } from "../src/profile/estimates.js";
import { formatJson } from "../src/report/json.js";
import { rules } from "../src/rules/index.js";
import { repoRoot } from "./helpers/cli.js";

/** A fixed sample of real code: our lint fixtures and every 25th file of the machine's stdlib. */
function sampleFiles(): string[] {
  const fixtures = readdirSync(path.join(repoRoot, "test/fixtures/lint"), { recursive: true })
    .map(String)
    .filter((name) => name.endsWith(".py"))
    .map((name) => path.join(repoRoot, "test/fixtures/lint", name));
  const stdlib = execFileSync("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: "utf8" }).trim();
  const stdlibFiles = readdirSync(stdlib, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith(".py") && !name.includes("site-packages"))
    .sort()
    .filter((_, index) => index % 25 === 0)
    .map((name) => path.join(stdlib, name));
  return [...fixtures, ...stdlibFiles];
}

for (const thresholdMs of [0, 10]) {
  test(`the focused model gives exactly the diagnostics of the full model (threshold ${thresholdMs} ms)`, () => {
    const base: LintOptions = { costs: builtinEstimates(), thresholdMs, keepEager: [], rules, strategy: "function", targetVersion: "py39" };
    let compared = 0;
    for (const file of sampleFiles()) {
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
