import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { test } from "node:test";
import { accessorsAgreeWithCursor, parsePython, pythonParser, usesLighterNodeTransfer } from "../src/parse/parser.js";
import type { Tree } from "../src/parse/parser.js";
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

/** Every node of a tree, in order, as type and offsets (a TreeCursor walk). */
function nodesOf(tree: Tree): string[] {
  const nodes: string[] = [];
  const cursor = tree.walk();
  for (;;) {
    nodes.push(`${cursor.nodeType} ${cursor.startIndex} ${cursor.endIndex} ${cursor.startPosition.row}:${cursor.startPosition.column}`);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return nodes;
  }
}

// parsePython hands a long text to tree-sitter in chunks (bufferSizeFor): the same tree as one read
// of the whole text, also where a chunk ends inside a character that takes two UTF-16 units.
test("a text longer than one read gives the tree that one read of it gives", () => {
  const line = (index: number): string => `def f${index}(x='é😀'):\n    return x  # ${"😀".repeat(index % 7)}\n`;
  let synthetic = "";
  for (let index = 0; synthetic.length < 140_000; index++) synthetic += line(index);
  assert.ok(synthetic.length > 4 * 32 * 1024);
  const texts = [synthetic];
  for (let shift = 0; shift < 4; shift++) texts.push("#".repeat(shift) + "\n" + synthetic);
  const largest = sampleFiles(400)
    .map((file) => ({ file, size: statSync(file).size }))
    .sort((a, b) => b.size - a.size)
    .slice(0, 3);
  for (const { file } of largest) texts.push(decodePythonSource(readFileSync(file)).text);
  for (const text of texts.filter((text) => text.length > 32 * 1024)) {
    const whole = pythonParser().parse(text, undefined, { bufferSize: text.length + 1 });
    assert.deepEqual(nodesOf(parsePython(text)), nodesOf(whole));
  }
});
