import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "./helpers/cli.js";

// Each runtime case's expected output per strategy sits beside it: <case>/expected.<strategy>.py.
// Regenerate after a deliberate change with PYLAZY_UPDATE_GOLDEN=1, then read every diff.
const RUNTIME = fileURLToPath(new URL("../../test/fixtures/runtime/", import.meta.url));
const STRATEGIES = ["function", "lazyloader", "lazymodule"] as const;
const UPDATE = process.env.PYLAZY_UPDATE_GOLDEN === "1";

const cases = fs
  .readdirSync(RUNTIME, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
  .map((entry) => entry.name)
  .sort();

for (const strategy of STRATEGIES) {
  test(`fix --strategy ${strategy} rewrites every runtime case into its expected.${strategy}.py`, async (t) => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-golden-"));
    fs.cpSync(RUNTIME, copy, { recursive: true });
    const result = runCli(["fix", ...cases.map((name) => `${name}/case_module.py`), "--strategy", strategy, "--profile", "costs.log"], copy);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    for (const name of cases) {
      await t.test(name, () => {
        const fixed = fs.readFileSync(path.join(copy, name, "case_module.py"));
        const expectedFile = path.join(RUNTIME, name, `expected.${strategy}.py`);
        if (UPDATE) fs.writeFileSync(expectedFile, fixed);
        assert.equal(fixed.toString("latin1"), fs.readFileSync(expectedFile).toString("latin1"));
      });
    }
    fs.rmSync(copy, { recursive: true, force: true });
  });
}
