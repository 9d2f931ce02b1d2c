import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "./helpers/cli.js";

interface CorpusReport {
  files: number;
  strategies: {
    strategy: string;
    filesChanged: number;
    importsMoved: number;
    failures: { filename: string; kind: string; reason: string }[];
  }[];
}

test("fix rewrites a fixed subset of the standard library with every strategy: each rewrite parses, compiles and is idempotent", { timeout: 15 * 60_000 }, () => {
  const run = spawnSync(process.execPath, [path.join(repoRoot, "scripts", "corpus.mjs"), "--quick", "--json"], { cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 28 });
  assert.ok(run.stdout.trim().startsWith("{"), `corpus.mjs printed no report (exit ${run.status}):\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as CorpusReport;
  assert.deepEqual(
    report.strategies.map(({ strategy }) => strategy),
    ["function", "lazyloader", "lazymodule"],
  );
  for (const { strategy, filesChanged, importsMoved, failures } of report.strategies) {
    const listed = failures.map((f) => `${f.filename}: ${f.kind}: ${f.reason}`).join("\n");
    assert.deepEqual(failures, [], `strategy ${strategy} broke files:\n${listed}`);
    // A fix that does nothing would pass the checks above trivially.
    assert.ok(filesChanged > 0 && importsMoved > 0, `strategy ${strategy} changed nothing`);
  }
  assert.equal(run.status, 0, run.stderr);
});
