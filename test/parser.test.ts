import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { accessorsAgreeWithCursor, parsePython, usesLighterNodeTransfer } from "../src/parse/parser.js";
import { decodePythonSource } from "../src/parse/source.js";
import { sampleFiles } from "./helpers/corpusSample.js";

// parser.ts answers some node accessors in JS (withLighterNodeTransfer), checked at load on a small
// sample against a TreeCursor, which it leaves to node-tree-sitter's native code. Here the same
// check over every node of real files.

test("the node accessors answered in JS are in use", () => {
  assert.equal(usesLighterNodeTransfer(), true);
});

test("the node accessors answered in JS give what a TreeCursor finds, over every node of real files", () => {
  let checked = 0;
  for (const file of sampleFiles(100)) {
    let text: string;
    try {
      text = decodePythonSource(readFileSync(file)).text;
    } catch {
      continue;
    }
    assert.ok(accessorsAgreeWithCursor(parsePython(text)), file);
    checked++;
  }
  assert.ok(checked > 10, `${checked} files checked`);
});
