import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ALWAYS_RELEVANT, wordPositions } from "../src/analysis/model.js";
import { moduleNameForFile } from "../src/analysis/modulePath.js";
import type { Diagnostic } from "../src/engine/diagnostic.js";
import { lintSource } from "../src/engine/lintSource.js";
import type { FileAnalysis, LintOptions } from "../src/engine/lintSource.js";
import { releaseNativeMemory } from "../src/engine/release.js";
import { CarriedDiagnostics } from "../src/lsp/incremental.js";
import { decodePythonSource } from "../src/parse/source.js";
import { builtinEstimates } from "../src/profile/estimates.js";
import { rules } from "../src/rules/index.js";
import { sampleFiles } from "./helpers/corpusSample.js";

// The language server carries the last lint's diagnostics through an edit inside a top-level
// statement when it can show they cannot change (incremental.ts). Here every carried result is compared
// with a whole lint of the edited text, over random edits of real files: lint fixtures, every 40th
// stdlib file (PYLAZY_INCREMENTAL_FULL=1: every 4th, with more edits each) and a bench-like module.
const FULL = process.env.PYLAZY_INCREMENTAL_FULL === "1";
const EVERY = FULL ? 4 : 40;
const EDITS_PER_FILE = FULL ? 40 : 12;

const costs = builtinEstimates();
const optionsFor = (thresholdMs: number): LintOptions => ({ costs, thresholdMs, keepEager: [], rules, strategy: "function", targetVersion: "py311", skipFixes: true });

/** What the editor shows of a diagnostic. */
function shown(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => JSON.stringify([d.code, d.name, d.message, d.location, d.endLocation, d.importTimeUse ?? null, d.module ?? null, d.costMs ?? null, d.costSource ?? null]));
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RESPELLED = ["y", "_z", "f1", "f2", "f3", "1", "2.5", "0x1f", "getattr", "typing", "modules", "append", "__name__", "__all__", "sys", "globals", "linalg", "TYPE_CHECKING", "if", "None"];

const TYPED = [" ", "x", "\n", "\n    ", "(", ")", "[", "'", '"', '"""', ":", "#", "\\", "\t", ".", ",", "=", "0", "1", "_", "import os\n    ", "global np\n    ", "del ", "lazy", "# noqa", "@"];

/** A random edit of `text`: one to a few characters typed or deleted, or a word the analysis follows typed. */
function randomEdit(text: string, next: () => number, analysis: FileAnalysis, respellOnly = false): { start: number; end: number; inserted: string } {
  const start = Math.floor(next() * (text.length + 1));
  const choice = respellOnly ? 0.65 : next();
  if (choice < 0.25) return { start, end: Math.min(text.length, start + 1 + Math.floor(next() * 3)), inserted: "" };
  if (choice < 0.4) {
    const words = [...(analysis.focusWords ?? []), ...ALWAYS_RELEVANT];
    return { start, end: start, inserted: words[Math.floor(next() * words.length)] };
  }
  if (choice < 0.45) {
    // An attribute respelled: as another free name, or as a name an import of the file spells
    // (a submodule the safety checks may follow).
    const attribute = /\.[ \t]*([A-Za-z_]\w*)/g;
    attribute.lastIndex = start;
    const found = attribute.exec(text);
    const spelled = [...text.matchAll(/^[ \t]*(?:from|import)[ \t][^\n]*/gm)].flatMap((line) => line[0].match(/[A-Za-z_]\w*/g) ?? []);
    const names = ["zz", "add2", "linalg", "path", ...spelled];
    if (found) {
      const at = found.index + found[0].length - found[1].length;
      return { start: at, end: at + found[1].length, inserted: names[Math.floor(next() * names.length)] };
    }
  }
  if (choice < 0.5) {
    // A whole word (a name or a number) respelled: names the model knows by spelling, and others.
    const word = /\w+/g;
    word.lastIndex = start;
    const found = word.exec(text);
    const respelled = [...RESPELLED, ...(analysis.focusWords ?? [])];
    if (found) return { start: found.index, end: found.index + found[0].length, inserted: respelled[Math.floor(next() * respelled.length)] };
  }
  if (choice < 0.6) return { start, end: Math.min(text.length, start + 1), inserted: "y" };
  if (choice < 0.7) {
    // A name the analysis follows respelled where it is (`np` to `nps`, `n`, `xnp`), or one
    // respelled so back: a letter typed into it or taken out of it.
    const words = analysis.focusWords ?? [];
    const positions = wordPositions(text, [...words, ...words.map((word) => `${word}s`)]);
    const at = positions.find((position) => position >= start) ?? positions[0];
    if (at !== undefined) {
      const length = /^\w+/.exec(text.slice(at))![0].length;
      const offset = at + Math.floor(next() * (length + 1));
      if (next() < 0.3 && offset < at + length) return { start: offset, end: offset + 1, inserted: "" };
      return { start: offset, end: offset, inserted: next() < 0.5 ? "s" : "x" };
    }
  }
  return { start, end: start, inserted: TYPED[Math.floor(next() * TYPED.length)] };
}

interface Tally {
  edits: number;
  carried: number;
  /** Of those carried, the names respelled (incremental.ts, renamedUse). */
  respelled: number;
  /** Why edits were not carried, for the failure message. */
  refusals: Map<string, number>;
}

/** Applies random edits in a row, checking every carried result against a whole lint. */
function checkEdits(name: string, source: string, module: { module: string; isPackage: boolean; path?: string }, options: LintOptions, seed: number, tally: Tally, respellOnly = false): void {
  const next = random(seed);
  let text = source;
  let analysis = lintSource(name, text, module, options);
  let carried = CarriedDiagnostics.from(analysis);
  for (let i = 0; i < EDITS_PER_FILE; i++) {
    const edit = randomEdit(text, next, analysis, respellOnly);
    const before = text;
    text = text.slice(0, edit.start) + edit.inserted + text.slice(edit.end);
    const kept = carried?.apply(edit.start, edit.end, edit.inserted) === true;
    const whole = lintSource(name, text, module, options);
    const broken = whole.skipped === "syntax-error";
    // The share carried counts edits that leave the file parseable: random ones often do not.
    if (!broken) {
      tally.edits++;
      const why = kept ? (carried!.respelled ? "carried, a name respelled" : "carried") : (carried?.refusal ?? "no base");
      tally.refusals.set(why, (tally.refusals.get(why) ?? 0) + 1);
    }
    if (kept) {
      tally.carried++;
      if (carried!.respelled) tally.respelled++;
      assert.ok(carried!.isFor(text), `${name}: carried text differs after edit ${i} (seed ${seed})`);
      assert.deepEqual(shown(carried!.diagnostics()), shown(whole.diagnostics), `${name}: edit ${i} (seed ${seed}) ${JSON.stringify(edit)}`);
    } else if (broken && analysis.skipped !== "syntax-error") {
      // Undo an edit that broke the file, as its author would, so that later edits test something.
      text = before;
      analysis = lintSource(name, text, module, options);
      carried = CarriedDiagnostics.from(analysis);
    } else {
      analysis = whole;
      carried = CarriedDiagnostics.from(whole);
    }
  }
}

function bigModule(): string {
  const lines = ["import numpy as np", "import json", ""];
  for (let i = 0; lines.length < 600; i++) {
    lines.push(`def f${i}(x):`, i % 4 === 0 ? `    return np.add(x, ${i})` : `    y = x * ${i}\n    return json.dumps(y)`, "");
    if (i % 25 === 0) lines.push(`class C${i}:`, `    size = ${i}`, "    def method(self):", "        return np.zeros(self.size)", "");
    if (i % 60 === 0) lines.push(`TABLE_${i} = np.arange(${i})`, "");
  }
  return `${lines.join("\n")}\n`;
}

test("diagnostics carried through random edits of a bench-like module equal a whole lint's", () => {
  const tally = { edits: 0, carried: 0, respelled: 0, refusals: new Map<string, number>() };
  for (let seed = 1; seed <= 8; seed++) checkEdits("big.py", bigModule(), { module: "big", isPackage: false }, optionsFor(10), seed, tally);
  assert.ok(tally.carried >= tally.edits / 2, `only ${tally.carried} of ${tally.edits} edits were carried: ${JSON.stringify([...tally.refusals])}`);
});

test("diagnostics carried through random edits of a bench-like module that calls some of its functions at import time equal a whole lint's", () => {
  const tally = { edits: 0, carried: 0, respelled: 0, refusals: new Map<string, number>() };
  // f1 reads json (LZ002 through the call); f2 and f4 are called only where it does not count;
  // f3 and f8 are called by other functions, which a class body and a lambda call.
  const chains = "def g_json():\n    return f3(1)\n\n\ndef g_np():\n    return f8(2)\n\n\nclass Holder:\n    value = g_json()\n\n\nLATER2 = lambda: g_np()\n";
  const source = `${bigModule()}VALUE = f1(2)\nLATER = lambda: f2(1)\n\nif __name__ == "__main__":\n    f4(3)\n\n${chains}`;
  // At threshold 0 json is followed too.
  const base = lintSource("big.py", source, { module: "big", isPackage: false }, optionsFor(0));
  assert.ok(base.diagnostics.some((d) => d.code === "LZ002" && d.message.includes("`f1()` on line")));
  for (let seed = 1; seed <= 8; seed++) checkEdits("big.py", source, { module: "big", isPackage: false }, optionsFor(0), seed, tally);
  for (let seed = 1; seed <= 4; seed++) checkEdits("big.py", source, { module: "big", isPackage: false }, optionsFor(0), seed, tally, true);
  assert.ok(tally.carried >= tally.edits / 3, `only ${tally.carried} of ${tally.edits} edits were carried: ${JSON.stringify([...tally.refusals])}`);
});

test("diagnostics carried through random respellings of the followed name in a bench-like module equal a whole lint's", () => {
  const tally = { edits: 0, carried: 0, respelled: 0, refusals: new Map<string, number>() };
  for (let seed = 1; seed <= 8; seed++) checkEdits("big.py", bigModule(), { module: "big", isPackage: false }, optionsFor(10), seed, tally, true);
  // Its functions read `np` 21 times: most respellings there are carried, each checked against a whole lint.
  assert.ok(tally.respelled >= tally.edits / 3, `only ${tally.respelled} of ${tally.edits} respellings were carried: ${JSON.stringify([...tally.refusals])}`);
  console.log(`# ${tally.respelled} of ${tally.edits} respellings that left the file parseable were carried: ${JSON.stringify([...tally.refusals])}`);
});

test("diagnostics carried through random edits of real files equal a whole lint's, at two thresholds", async () => {
  const tally = { edits: 0, carried: 0, respelled: 0, refusals: new Map<string, number>() };
  let seed = 100;
  for (const file of sampleFiles(EVERY)) {
    let source: string;
    try {
      source = decodePythonSource(readFileSync(file)).text;
    } catch {
      continue;
    }
    const module = { ...moduleNameForFile(file), path: file };
    for (const thresholdMs of [10, 0]) checkEdits(file, source, module, optionsFor(thresholdMs), seed++, tally);
    // Trees are freed by finalizers, which a synchronous loop over hundreds of files never lets run.
    await releaseNativeMemory();
  }
  // Random places: many edits land in a statement the analysis reads, or one with a diagnostic.
  assert.ok(tally.carried >= tally.edits / 4, `only ${tally.carried} of ${tally.edits} edits were carried: ${JSON.stringify([...tally.refusals])}`);
  console.log(`# ${tally.carried} of ${tally.edits} random edits that left the file parseable were carried: ${JSON.stringify([...tally.refusals])}`);
});

test("an edit that changes what the analysis reads of a body, or breaks the statement, is not carried; numbers, other names and attributes that name no submodule are not read", () => {
  const source = "import numpy as np\n\n\ndef f(x):\n    y = x + 1\n    return np.add(y, 1)\n\n\nTABLE = 1\n";
  const options = optionsFor(10);
  const analysis = lintSource("m.py", source, { module: "m", isPackage: false }, options);
  assert.equal(analysis.diagnostics.length, 1);
  const at = (needle: string): number => source.indexOf(needle);
  // `y = x + 1` becomes `y = x + 12`: nothing the analysis reads changed.
  const carried = CarriedDiagnostics.from(analysis)!;
  assert.ok(carried.apply(at("1\n    return"), at("1\n    return"), "2"));
  // The line that uses `np` changes what it reads of `np`: the whole lint decides.
  assert.ok(!CarriedDiagnostics.from(analysis)!.apply(at("np.add") + 2, at("np.add") + 2, "x"));
  // An unclosed bracket swallows what follows.
  assert.ok(!CarriedDiagnostics.from(analysis)!.apply(at("x + 1"), at("x + 1"), "("));
  // A dedented line ends the function early.
  assert.ok(!CarriedDiagnostics.from(analysis)!.apply(at("\n    return"), at("\n    return"), "\nz = 0"));
  // A parameter that becomes the heavy name shadows it.
  assert.ok(!CarriedDiagnostics.from(analysis)!.apply(at("(x)") + 1, at("(x)") + 2, "np"));
  // An attribute that no import of the file spells names no submodule the analysis follows: a
  // letter typed into `add` is carried, and so is `linalg` here.
  assert.ok(CarriedDiagnostics.from(analysis)!.apply(at("np.add") + 3, at("np.add") + 3, "x"));
  assert.ok(CarriedDiagnostics.from(analysis)!.apply(at("add"), at("add") + 3, "linalg"));
  // Another attribute of the module may reach another submodule when an import, in any scope, or
  // the file's own module spells it: then the whole lint decides.
  const importing = `${source}\n\ndef g():\n    import numpy.linalg\n    return 0\n`;
  const withImport = lintSource("m.py", importing, { module: "m", isPackage: false }, options);
  const atIn = (needle: string): number => importing.indexOf(needle);
  assert.ok(!CarriedDiagnostics.from(withImport)!.apply(atIn("add"), atIn("add") + 3, "linalg"));
  assert.ok(CarriedDiagnostics.from(withImport)!.apply(atIn("add"), atIn("add") + 3, "zeros"));
  // A parenthesized from-import spells its names on the lines up to the closing parenthesis.
  const parenthesized = `${source}\n\ndef g():\n    from numpy import (\n        fft,\n        linalg,\n    )\n    return 0\n`;
  const withParens = lintSource("m.py", parenthesized, { module: "m", isPackage: false }, options);
  const atParens = (needle: string): number => parenthesized.indexOf(needle);
  assert.ok(!CarriedDiagnostics.from(withParens)!.apply(atParens("add"), atParens("add") + 3, "linalg"));
  assert.ok(CarriedDiagnostics.from(withParens)!.apply(atParens("add"), atParens("add") + 3, "zeros"));
  const inPackage = lintSource("linalg/m.py", source, { module: "linalg.m", isPackage: false }, options);
  assert.ok(!CarriedDiagnostics.from(inPackage)!.apply(at("add"), at("add") + 3, "linalg"));
  // An import typed into a body is read itself (the word `import`): the whole lint decides.
  assert.ok(!CarriedDiagnostics.from(analysis)!.apply(at("    y = x + 1"), at("    y = x + 1"), "    import numpy.fft\n"));
  // But the analysis reads no number, and no name but its own words: a parameter renamed, a
  // number typed on the line that uses `np`.
  assert.ok(CarriedDiagnostics.from(analysis)!.apply(at("(x)") + 1, at("(x)") + 1, "z"));
  const typed = CarriedDiagnostics.from(analysis)!;
  assert.ok(typed.apply(at("1)\n"), at("1)\n"), "2"));
  assert.ok(typed.apply(at("(y, 1") + 1, at("(y, 1") + 2, "z"));
  assert.ok(typed.isFor(source.replace("np.add(y, 1)", "np.add(z, 21)")));

  // After a comment line, an indented line belongs to the def before the comment, however the comment parses alone.
  const commented = "import numpy as np\n\n\ndef f(x):\n    return np.add(x, 1)\n# note\nTABLE = 1\n";
  const base = CarriedDiagnostics.from(lintSource("m.py", commented, { module: "m", isPackage: false }, options))!;
  const table = commented.indexOf("TABLE");
  assert.ok(!base.apply(table, table, "    y = 2\n"));
  assert.equal(base.refusal, "not whole statements without errors");
});

test("a name the analysis follows, respelled where a function body reads an attribute of it, is carried while another such use is left, and not otherwise", () => {
  const options = optionsFor(10);
  const module = { module: "m", isPackage: false };
  const source = [
    "import numpy as np",
    "",
    "",
    "def f(x):",
    "    return np.add(x, 1)",
    "",
    "",
    "def g(x):",
    "    return np.zeros(x)",
    "",
    "",
    "class C:",
    "    def method(self):",
    "        return np.ones(3)",
    "",
  ].join("\n");
  const analysis = lintSource("m.py", source, module, options);
  assert.equal(analysis.diagnostics.length, 1);
  const at = (needle: string): number => source.indexOf(needle);
  const check = (carried: CarriedDiagnostics, text: string): void => {
    assert.ok(carried.isFor(text));
    assert.deepEqual(shown(carried.diagnostics()), shown(lintSource("m.py", text, module, options).diagnostics));
  };
  // `np.add` to `nps.add`, then `np.zeros` to `npx.zeros`: one use of three is left, in a method.
  const carried = CarriedDiagnostics.from(analysis)!;
  assert.ok(carried.apply(at("np.add") + 2, at("np.add") + 2, "s"), carried.refusal);
  let text = source.replace("np.add", "nps.add");
  check(carried, text);
  assert.ok(carried.apply(text.indexOf("np.zeros") + 1, text.indexOf("np.zeros") + 2, "px"), carried.refusal);
  text = text.replace("np.zeros", "npx.zeros");
  check(carried, text);
  // The last one left: the whole lint decides (without a use, the import is no LZ001).
  const last = text.indexOf("np.ones");
  assert.ok(!carried.apply(last + 2, last + 2, "s"));
  assert.equal(carried.refusal, "the first or last deferred use of a name");
  // Respelled back, a use comes back: carried.
  const back = CarriedDiagnostics.from(lintSource("m.py", text, module, options))!;
  assert.ok(back.apply(text.indexOf("nps.add") + 2, text.indexOf("nps.add") + 3, ""), back.refusal);
  check(back, text.replace("nps.add", "np.add"));

  // Not where the name is bound, read another way, or read at another time.
  const refused = (extra: string, needle: string, why?: string): void => {
    const edited = `${source}\n\n${extra}\n`;
    const base = CarriedDiagnostics.from(lintSource("m.py", edited, module, options))!;
    const place = edited.lastIndexOf(needle);
    assert.ok(!base.apply(place + 2, place + 2, "s"), `${extra} was carried`);
    if (why) assert.equal(base.refusal, why);
  };
  refused("def h(np):\n    return np.add(1, 2)", "np.add", "a name bound or read another way in the statement");
  refused("def h():\n    global np\n    return np.add(1, 2)", "np.add", "a name bound or read another way in the statement");
  refused("def h():\n    return len(np.__all__) + f(np)", "np.__all__");
  refused("def h():\n    np.add = None", "np.add", "assigned to");
  refused("def h():\n    del np.add", "np.add", "deleted");
  // An annotation of a parameter, a decorator, a module-level statement: read at import time.
  refused("def h(x: np.ndarray):\n    return x", "np.ndarray");
  refused("@np.vectorize\ndef h(x):\n    return x", "np.vectorize");
  refused("TABLE = np.arange(3)", "np.arange");
  refused("def h():\n    x: np.ndarray = None\n    return x", "np.ndarray", "inside type");
  refused("def h():\n    if TYPE_CHECKING:\n        return np.add\n    return 0", "np.add");
  refused("def h():\n    class D:\n        size = np.add(1, 2)\n    return D", "np.add", "inside class_definition");
  // An attribute an import of the file spells may name a submodule the safety checks follow.
  refused("def h():\n    import numpy.linalg\n    return np.linalg.norm(1)", "np.linalg", "an attribute that may name a submodule");
});

test("an edit that makes a module-level function run at import time, or respells a use in one that does, is not carried", () => {
  const options = optionsFor(10);
  const module = { module: "m", isPackage: false };
  const lines = ["import numpy as np", "", "", "def make():", "    return np.add(1, 2)", "", "", "def g(x):", "    return np.zeros(x)", "", "", "TABLE = 1", ""];
  const source = lines.join("\n");
  const analysis = lintSource("m.py", source, module, options);
  assert.deepEqual(analysis.diagnostics.map((d) => d.code), ["LZ001"]);
  // `TABLE = make()`: make's use of np now runs at import time (LZ002), which the whole lint says.
  const table = source.indexOf("1\n", source.indexOf("TABLE"));
  const called = source.slice(0, table) + "make()" + source.slice(table + 1);
  assert.deepEqual(lintSource("m.py", called, module, options).diagnostics.map((d) => d.code), ["LZ002"]);
  const carried = CarriedDiagnostics.from(analysis)!;
  assert.ok(!carried.apply(table, table + 1, "make()"));
  // Typed a letter at a time, the last letter is a name the analysis follows.
  const typing = CarriedDiagnostics.from(lintSource("m.py", source.replace("TABLE = 1", "TABLE = mak()"), module, options))!;
  const mak = called.indexOf("make()", table) + 3;
  assert.ok(!typing.apply(mak, mak, "e"));
  assert.equal(typing.refusal, "a call of a module-level function that reads a followed name");
  // With make called, renaming it (np no longer needed at import time) is not carried either.
  const header = called.indexOf("def make") + 8;
  const renaming = CarriedDiagnostics.from(lintSource("m.py", called, module, options))!;
  assert.ok(!renaming.apply(header, header, "2"));
  assert.deepEqual(lintSource("m.py", called.slice(0, header) + "2" + called.slice(header), module, options).diagnostics.map((d) => d.code), ["LZ001"]);
  // With make called at import time, a use respelled in make is not carried (np might lose its
  // only import-time use); one respelled in g, which nothing calls, is, as before.
  const analysed = lintSource("m.py", called, module, options);
  const inMake = called.indexOf("np.add") + 2;
  assert.ok(!CarriedDiagnostics.from(analysed)!.apply(inMake, inMake, "s"));
  const inG = called.indexOf("np.zeros") + 2;
  const respelled = CarriedDiagnostics.from(analysed)!;
  assert.ok(respelled.apply(inG, inG, "s"));
  const edited = called.slice(0, inG) + "s" + called.slice(inG);
  assert.deepEqual(shown(respelled.diagnostics()), shown(lintSource("m.py", edited, module, options).diagnostics));
});

test("a function that comes to read a followed name through a carried respelling is watched for calls after it", () => {
  const options = optionsFor(10);
  const module = { module: "m", isPackage: false };
  const source = ["import numpy as np", "", "", "def make():", "    return n.add(1, 2)", "", "", "def g(x):", "    return np.zeros(x)", "", "", "TABLE = 1", ""].join("\n");
  const carried = CarriedDiagnostics.from(lintSource("m.py", source, module, options))!;
  // `n.add` becomes `np.add`: make now reads np, and nothing calls make yet, so it is carried.
  const at = source.indexOf("n.add") + 1;
  assert.ok(carried.apply(at, at, "p"));
  let text = source.slice(0, at) + "p" + source.slice(at);
  assert.deepEqual(shown(carried.diagnostics()), shown(lintSource("m.py", text, module, options).diagnostics));
  // Then `TABLE = make()`: np is needed at import time (LZ002), which only the whole lint can say.
  const one = text.indexOf("1\n", text.indexOf("TABLE"));
  assert.ok(!carried.apply(one, one + 1, "make()"));
  text = text.slice(0, one) + "make()" + text.slice(one + 1);
  assert.deepEqual(lintSource("m.py", text, module, options).diagnostics.map((d) => d.code), ["LZ002"]);
});

test("a use respelled in the constructor of a class the module instantiates is not carried, nor the class renamed", () => {
  const options = optionsFor(10);
  const module = { module: "m", isPackage: false };
  const source = ["import numpy as np", "", "", "class App:", "    def __init__(self):", "        self.table = np.add(1, 2)", "", "    def later(self):", "        return np.zeros(3)", "", "", "APP = App()", ""].join("\n");
  const analysis = lintSource("m.py", source, module, options);
  assert.deepEqual(analysis.diagnostics.map((d) => d.code), ["LZ002"]);
  assert.match(analysis.diagnostics[0].message, /`App\.__init__\(\)` on line 6, run by `App\(\)` at import time on line 12/);
  const inInit = source.indexOf("np.add") + 2;
  assert.ok(!CarriedDiagnostics.from(analysis)!.apply(inInit, inInit, "s"));
  // A use in another method is carried, as before.
  const inLater = source.indexOf("np.zeros") + 2;
  assert.ok(CarriedDiagnostics.from(analysis)!.apply(inLater, inLater, "s"));
  const renamed = source.indexOf("class App") + 9;
  assert.ok(!CarriedDiagnostics.from(analysis)!.apply(renamed, renamed, "2"));
});


test("an edit that calls, at import time or from a class body, a function that reaches a followed name through another is not carried", () => {
  const options = optionsFor(10);
  const module = { module: "m", isPackage: false };
  const source = ["import numpy as np", "", "", "def helper():", "    return np.add(1, 2)", "", "", "def make():", "    return helper()", "", "", "class K:", "    size = 1", "", "", "TABLE = 1", ""].join("\n");
  const analysis = lintSource("m.py", source, module, options);
  assert.deepEqual(analysis.diagnostics.map((d) => d.code), ["LZ001"]);
  for (const place of ["TABLE = 1", "    size = 1"]) {
    const at = source.indexOf("1", source.indexOf(place));
    const called = source.slice(0, at) + "make()" + source.slice(at + 1);
    assert.deepEqual(lintSource("m.py", called, module, options).diagnostics.map((d) => d.code), ["LZ002"], place);
    const carried = CarriedDiagnostics.from(analysis)!;
    assert.ok(!carried.apply(at, at + 1, "make()"), place);
    assert.equal(carried.refusal, "a call of a module-level function that reads a followed name");
  }
  // With make called, its call of helper taken away (np no longer needed at import time) is not carried either.
  const called = source.replace("TABLE = 1", "TABLE = make()");
  const inMake = called.indexOf("helper()", called.indexOf("def make"));
  assert.ok(!CarriedDiagnostics.from(lintSource("m.py", called, module, options))!.apply(inMake, inMake + 6, "list"));
  assert.deepEqual(lintSource("m.py", called.slice(0, inMake) + "list" + called.slice(inMake + 6), module, options).diagnostics.map((d) => d.code), ["LZ001"]);
});
