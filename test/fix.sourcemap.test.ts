import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { SourceMapConsumer } from "source-map";
import type { RawSourceMap } from "source-map";
import { makeProject, runCli } from "./helpers/cli.js";

const COSTS = "import time: self [us] | cumulative | imported package\nimport time:     50000 |      50000 | heavy_a\n";

const APP = `"""Tools."""
import os
import heavy_a


def first(x):
    """Doc."""
    return heavy_a.double(x)


def second():
    # A comment.
    return os.sep, heavy_a.VALUE
`;
const IMPORT_LINE = 3;

/** Fixes app.py with --source-map and reads the fixed text, the map and the original back. */
async function fixWithMap(strategy: string, check: (fixed: string[], map: SourceMapConsumer, raw: RawSourceMap) => void): Promise<void> {
  const root = makeProject({ "app.py": APP, "unchanged.py": "import os\n", "costs.log": COSTS });
  const result = runCli(["fix", ".", "--strategy", strategy, "--profile", "costs.log", "--source-map", "maps"], root);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.deepEqual(fs.readdirSync(path.join(root, "maps")), ["app.py.map"], "one map per changed file");
  const raw = JSON.parse(fs.readFileSync(path.join(root, "maps", "app.py.map"), "utf8")) as RawSourceMap;
  const fixed = fs.readFileSync(path.join(root, "app.py"), "utf8").split("\n");
  await SourceMapConsumer.with(raw, null, (map) => check(fixed, map, raw));
  fs.rmSync(root, { recursive: true, force: true });
}

/** 1-based line numbers of the fixed text matching `pattern`. */
function linesMatching(fixed: string[], pattern: RegExp): number[] {
  return fixed.flatMap((text, index) => (pattern.test(text) ? [index + 1] : []));
}

for (const strategy of ["function", "lazyloader", "lazymodule"]) {
  test(`${strategy}: the source map holds the original text and maps kept lines to where they were`, async () => {
    await fixWithMap(strategy, (fixed, map, raw) => {
      assert.equal(raw.version, 3);
      assert.deepEqual(raw.sourcesContent, [APP]);
      const original = APP.split("\n");
      for (const [index, text] of fixed.entries()) {
        const was = original.indexOf(text);
        if (text.trim() === "" || was === -1 || original.lastIndexOf(text) !== was || /import heavy_a/.test(text)) continue;
        const position = map.originalPositionFor({ line: index + 1, column: text.length - text.trimStart().length });
        assert.equal(position.source, raw.sources[0]);
        assert.equal(position.line, was + 1, `fixed line ${index + 1} ${JSON.stringify(text)}`);
      }
    });
  });
}

test("function: the import inserted in each function maps back to the original import line", async () => {
  await fixWithMap("function", (fixed, map) => {
    const inserted = linesMatching(fixed, /^ {4}import heavy_a$/);
    assert.equal(inserted.length, 2);
    for (const line of inserted) {
      const position = map.originalPositionFor({ line, column: 4 });
      assert.deepEqual({ line: position.line, column: position.column }, { line: IMPORT_LINE, column: 0 }, `fixed line ${line}`);
      // The whole inserted statement belongs to that line, not to the code after it.
      assert.equal(map.originalPositionFor({ line, column: "    import heavy_a".length - 1 }).line, IMPORT_LINE);
    }
  });
});

for (const [strategy, binding] of [
  ["lazyloader", /^heavy_a = _pylazy_import\("heavy_a"\)$/],
  ["lazymodule", /^heavy_a = _PylazyModule\("heavy_a"\)$/],
] as const) {
  test(`${strategy}: the binding that replaces the import maps back to the original import line`, async () => {
    await fixWithMap(strategy, (fixed, map) => {
      const [line] = linesMatching(fixed, binding);
      assert.ok(line, fixed.join("\n"));
      assert.equal(map.originalPositionFor({ line, column: 0 }).line, IMPORT_LINE);
    });
  });
}
