import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { CONTINUATION, FROM_IMPORT_ANYWHERE, PLAIN_IMPORT_ANYWHERE, importMatches } from "../src/analysis/importPatterns.js";
import { sampleFiles } from "./helpers/corpusSample.js";

// importMatches must give exactly what matchAll gives over the whole text (the skeleton path
// decides which function bodies to keep from these matches).
function viaMatchAll(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => JSON.stringify([match.index, ...match]));
}

function viaImportMatches(text: string, kind: "import" | "from"): string[] {
  return [...importMatches(text, kind)].map((match) => JSON.stringify([match.index, ...match]));
}

function assertSame(text: string, label: string): void {
  assert.deepEqual(viaImportMatches(text, "import"), viaMatchAll(text, PLAIN_IMPORT_ANYWHERE), `${label}: plain imports`);
  assert.deepEqual(viaImportMatches(text, "from"), viaMatchAll(text, FROM_IMPORT_ANYWHERE), `${label}: from imports`);
}

test("import patterns found from the keyword's occurrences match the patterns run everywhere, on awkward text", () => {
  const cases = [
    "",
    "import os",
    "  import os, sys as s  # note\nfrom . import (a,\n b as c)\n",
    "if x: import a; import b;import c\n",
    "x = 1;  from pkg.sub import name as other; import y\n",
    "import a: import b\n",
    "reimport x\nimportlib.import_module('x')\nfrom_ = 1\nimport\nimport \n",
    "\r\nimport a\rimport b\u2028import c\u2029from d import e\r\n",
    "s = 'import a'; t = \"from b import c\" # import d\n",
    "from  x  import  y  ;from z import (w)\n\tfrom\tq\timport\tr\n",
    ";import a\n:import b\n; ; import c\n",
    "from a import b import c\nimport import x\nfrom from import import\n",
  ];
  cases.forEach((text, index) => assertSame(text, `case ${index}`));
});

test("import patterns found from the keyword's occurrences match the patterns run everywhere, on the standard library", () => {
  let files = 0;
  for (const file of sampleFiles(5)) {
    assertSame(readFileSync(file, "latin1"), file);
    files++;
  }
  assert.ok(files > 100, `only ${files} files checked`);
});

// With `continued`, importMatches reads a text with backslash continuations in place: the same
// matches, with the same captured texts, as the patterns give on the text with its lines joined.
function assertSameContinued(text: string, label: string): void {
  const joined = text.replace(CONTINUATION, " ");
  for (const [kind, pattern] of [["import", PLAIN_IMPORT_ANYWHERE], ["from", FROM_IMPORT_ANYWHERE]] as const) {
    const inPlace = [...importMatches(text, kind, true)].map((match) => JSON.stringify([...match]));
    const viaJoined = [...joined.matchAll(pattern)].map((match) => JSON.stringify([...match]));
    assert.deepEqual(inPlace, viaJoined, `${label}: ${kind}`);
  }
}

test("import patterns read with continuations in place match the patterns on the joined text, on awkward text", () => {
  const cases = [
    "import a, \\\n    b\n",
    "from x \\\n  import (a, \\\n b)\nfrom y import c, \\\r\n d\r\n",
    "x = 1 + \\\nimport y\n",
    "\\\nimport a\n;\\\nimport b\n:  \\\r\n\timport c\n",
    "s = 'a \\\\\nimport b'\nimport c\\\\\nimport d \\\rimport e\n",
    "from \\\n\\\n x \\\n import \\\n y # \\\nimport z\n",
    "import a; \\\nfrom b import c\nif x: \\\n import d\n",
    "import\\\nx\nfrom.\\\nimport y\n",
  ];
  cases.forEach((text, index) => assertSameContinued(text, `case ${index}`));
});

test("import patterns read with continuations in place match the patterns on the joined text, on the standard library", () => {
  let files = 0;
  for (const file of sampleFiles(2)) {
    const text = readFileSync(file, "latin1");
    if (!text.includes("\\\n") && !text.includes("\\\r")) continue;
    assertSameContinued(text, file);
    files++;
  }
  assert.ok(files > 20, `only ${files} files checked`);
});
