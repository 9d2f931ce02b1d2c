import assert from "node:assert/strict";
import { test } from "node:test";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import { OpenDocument } from "../src/lsp/documents.js";
import { treePoint } from "../src/parse/parser.js";
import { parsePython } from "../src/parse/parser.js";
import type { SyntaxNode, Tree } from "../src/parse/parser.js";

/** Every node with its offsets and points: two trees with the same listing are the same tree. */
function listing(tree: Tree): string[] {
  const nodes: string[] = [];
  const visit = (node: SyntaxNode): void => {
    nodes.push(`${node.type} ${node.startIndex}-${node.endIndex} ${node.startPosition.row}:${node.startPosition.column}-${node.endPosition.row}:${node.endPosition.column}`);
    node.children.forEach(visit);
  };
  visit(tree.rootNode);
  return nodes;
}

/** Opens `text`, parses it, applies `changes` as an editor would, and reparses incrementally. */
function reparseAfter(text: string, changes: TextDocumentContentChangeEvent[]) {
  const document = new OpenDocument("file:///project/module.py", 1, text);
  const oldTree = parsePython(document.text);
  document.tree = oldTree;
  document.applyChanges(changes, 2);
  const incremental = parsePython(document.text, document.tree);
  return { document, oldTree, incremental, fresh: parsePython(document.text) };
}

const FUNCTION = (i: number): string => `def handler_${i}(request):\n    return np.asarray(request.values) * ${i}\n\n`;

test("an edit in a 5,000-line file reparses to the same tree as a fresh parse, and only the edited line changes", () => {
  const text = `import numpy as np\n\n${Array.from({ length: 1666 }, (_, i) => FUNCTION(i)).join("")}`;
  assert.ok(text.split("\n").length > 5000);
  // Rename one function in the middle: `handler_800` becomes `handler_800x`.
  const line = 2 + 800 * 3;
  const character = "def handler_800".length;
  const { oldTree, incremental, fresh } = reparseAfter(text, [{ range: { start: { line, character }, end: { line, character } }, text: "x" }]);
  assert.deepEqual(listing(incremental), listing(fresh));
  const changed = oldTree.getChangedRanges(incremental);
  assert.ok(changed.every((range) => range.startPosition.row >= line - 1 && range.endPosition.row <= line + 1), JSON.stringify(changed));
});

test("edits at the end of a line (told to tree-sitter with the line break) reparse to the same tree as a fresh parse", () => {
  const text = `import numpy as np\n\n${Array.from({ length: 30 }, (_, i) => FUNCTION(i)).join("")}x = 1\r\ny = 2\rz = np`;
  const lines = text.split(/\r\n|\r|\n/);
  const at = (line: number, character: number) => ({ line, character });
  const edits: TextDocumentContentChangeEvent[] = [
    // A letter typed at the end of the first line, then one deleted there (the import's alias).
    { range: { start: at(0, 18), end: at(0, 18) }, text: "s" },
    { range: { start: at(0, 17), end: at(0, 18) }, text: "" },
    // At the end of a line inside a function, and of the line of a `def`.
    { range: { start: at(3, lines[3].length), end: at(3, lines[3].length) }, text: "0" },
    { range: { start: at(5, lines[5].length), end: at(5, lines[5].length) }, text: "  # one" },
    // Before a CRLF, before a lone CR (no line break to tree-sitter), and at the end of the text.
    { range: { start: at(92, 5), end: at(92, 5) }, text: "0" },
    { range: { start: at(93, 4), end: at(93, 5) }, text: "22" },
    { range: { start: at(94, 6), end: at(94, 6) }, text: "s" },
    // Across a line end, and a line break typed at the end of a line.
    { range: { start: at(3, lines[3].length - 2), end: at(4, 0) }, text: "1\n" },
    { range: { start: at(6, lines[6].length), end: at(6, lines[6].length) }, text: "\n    pass" },
  ];
  for (const edit of edits) {
    const { incremental, fresh } = reparseAfter(text, [edit]);
    assert.deepEqual(listing(incremental), listing(fresh), JSON.stringify(edit));
  }
  const { incremental, fresh } = reparseAfter(text, edits);
  assert.deepEqual(listing(incremental), listing(fresh));
});

test("reparsing a 5,000-line file after a keystroke is much faster than parsing it afresh", () => {
  const text = `import numpy as np\n\n${Array.from({ length: 1666 }, (_, i) => FUNCTION(i)).join("")}`;
  const line = 2 + 800 * 3;
  const character = "def handler_800".length;
  const incremental: number[] = [];
  const fresh: number[] = [];
  for (let run = 0; run < 3; run++) {
    const document = new OpenDocument("file:///project/module.py", 1, text);
    document.tree = parsePython(document.text);
    document.applyChanges([{ range: { start: { line, character }, end: { line, character } }, text: "x" }], 2);
    incremental.push(timed(() => parsePython(document.text, document.tree)));
    fresh.push(timed(() => parsePython(document.text)));
  }
  // Typically 5 to 10 times faster; a factor of 2 leaves room for a busy machine.
  assert.ok(Math.min(...incremental) * 2 < Math.min(...fresh), `incremental ${incremental.join(", ")} ms, fresh ${fresh.join(", ")} ms`);
});

function timed(action: () => unknown): number {
  const start = performance.now();
  action();
  return performance.now() - start;
}

test("points follow tree-sitter's rows (\\n only) and UTF-16 columns, through CRLF, a lone CR and astral characters", () => {
  const text = 'import numpy as np\r\n\r\ndef f():\r\n    s = "🐍🐍"\r\n    return np.zeros(1)\r\nx = 1\ry = 2\r\n';
  assert.deepEqual(treePoint(text, text.indexOf("return")), { row: 4, column: 4 });
  assert.deepEqual(treePoint(text, text.indexOf("y = 2")), { row: 5, column: 6 });

  const edits = [
    // After the emoji, on a CRLF line: LSP characters count UTF-16 code units as the tree does.
    { range: { start: { line: 3, character: 13 }, end: { line: 3, character: 13 } }, text: "🐍" },
    // On the line after a lone CR, which LSP counts as a line break and tree-sitter does not.
    { range: { start: { line: 6, character: 0 }, end: { line: 6, character: 1 } }, text: "why" },
    // A multi-line replacement.
    { range: { start: { line: 2, character: 0 }, end: { line: 4, character: 22 } }, text: "def f():\n    return np.ones(2)" },
  ];
  for (const edit of edits) {
    const { incremental, fresh } = reparseAfter(text, [edit]);
    assert.deepEqual(listing(incremental), listing(fresh), JSON.stringify(edit));
  }
  const { document, incremental, fresh } = reparseAfter(text, edits);
  assert.deepEqual(listing(incremental), listing(fresh));
  assert.match(document.text, /def f\(\):\n {4}return np\.ones\(2\)\r\nx = 1\rwhy = 2/);
});

test("a change without a range replaces the whole text and drops the old tree", () => {
  const document = new OpenDocument("file:///project/module.py", 1, "import numpy as np\n");
  document.tree = parsePython(document.text);
  document.applyChanges([{ text: "import pandas as pd\n" }], 2);
  assert.equal(document.text, "import pandas as pd\n");
  assert.equal(document.version, 2);
  assert.equal(document.tree, undefined);
});
