import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { STRATEGY_FIXTURES, VARIANTS, caseInput, fixCases, strategyCases, strategyFixturesCopy } from "./helpers/strategyFixtures.js";

// Each case's expected output per variant sits beside it: <case>/expected.<variant>.py; a case
// without one comes out unchanged. Regenerate with PYLAZY_UPDATE_GOLDEN=1, then read every diff.
const UPDATE = process.env.PYLAZY_UPDATE_GOLDEN === "1";

for (const v of VARIANTS) {
  test(`fix ${v.args.join(" ")} rewrites each strategy case into its expected.${v.name}.py, or leaves it as it was`, async (t) => {
    const root = strategyFixturesCopy();
    const result = fixCases(root, v);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    for (const name of strategyCases) {
      await t.test(name, () => {
        const input = fs.readFileSync(path.join(STRATEGY_FIXTURES, name, caseInput(name)));
        const fixed = fs.readFileSync(path.join(root, name, caseInput(name)));
        const expectedFile = path.join(STRATEGY_FIXTURES, name, `expected.${v.name}.py`);
        if (UPDATE) {
          if (fixed.equals(input)) fs.rmSync(expectedFile, { force: true });
          else fs.writeFileSync(expectedFile, fixed);
        }
        const expected = fs.existsSync(expectedFile) ? fs.readFileSync(expectedFile) : input;
        assert.equal(fixed.toString("latin1"), expected.toString("latin1"));
      });
    }
    await t.test("a second fix changes nothing", () => {
      const again = fixCases(root, v, ["--diff"]);
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.equal(again.stdout, "");
    });
    fs.rmSync(root, { recursive: true, force: true });
  });
}

test("every expected file belongs to a variant and differs from its case's input", () => {
  for (const name of strategyCases) {
    const input = fs.readFileSync(path.join(STRATEGY_FIXTURES, name, caseInput(name)));
    for (const file of fs.readdirSync(path.join(STRATEGY_FIXTURES, name)).filter((f) => f.startsWith("expected."))) {
      assert.ok(VARIANTS.some((v) => file === `expected.${v.name}.py`), `${name}/${file} names no variant`);
      assert.ok(!fs.readFileSync(path.join(STRATEGY_FIXTURES, name, file)).equals(input), `${name}/${file} is the input: delete it`);
    }
  }
});
