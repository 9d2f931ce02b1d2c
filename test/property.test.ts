import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { parsePython } from "../src/parse/parser.js";
import { decodePythonSource } from "../src/parse/source.js";
import { makeProject, repoRoot, runCli } from "./helpers/cli.js";

// Random damage to the fixtures never makes lint or fix crash, and fix never writes a file that does
// not parse. Each example is a project of FILES_PER_RUN damaged files, checked by one lint and one fix.
const SEED = Number(process.env.PYLAZY_PROPERTY_SEED ?? 20250522);
const RUNS = 8;
const FILES_PER_RUN = 20;

const fixturesDir = path.join(repoRoot, "test", "fixtures");
const fixtures = [...pythonFilesUnder(path.join(fixturesDir, "lint")), ...pythonFilesUnder(path.join(fixturesDir, "runtime"))].map((file) => ({
  name: path.relative(fixturesDir, file),
  bytes: readFileSync(file),
}));
// Fixtures that fix rewrites when undamaged: picked more often, so that fix has writing to do.
const fixable = fixtures.map((fixture, index) => ({ fixture, index })).filter(({ fixture }) => isFixable(fixture.name)).map(({ index }) => index);

type Mutation =
  | { kind: "delete" | "duplicate"; at: number; length: number }
  | { kind: "insert"; at: number; bytes: number[] }
  | { kind: "deleteLine" | "duplicateLine"; line: number }
  | { kind: "swapLines"; line: number; other: number }
  | { kind: "insertLine"; line: number; text: string }
  | { kind: "nest"; at: number; depth: number; opener: string }
  | { kind: "truncate"; at: number }
  | { kind: "lineEndings"; ending: "\r\n" | "\r" }
  | { kind: "bom" };

// Bytes that trouble decoders and tokenizers: NUL, CR, tab, form feed, lone UTF-8 lead and
// continuation bytes, a BOM, quotes, backslashes, brackets, colons, comment signs.
const NASTY_BYTES = [0x00, 0x0d, 0x0a, 0x09, 0x0c, 0x0b, 0xff, 0xfe, 0xc3, 0xe2, 0x80, 0xbf, 0xef, 0xbb, 0x5c, 0x22, 0x27, 0x23, 0x3a, 0x28, 0x29, 0x5b, 0x7b, 0x20];

const PYTHON_LINES = [
  "import numpy as np",
  "import os, numpy",
  "from numpy import *",
  "from . import sibling",
  "def f():",
  "    return np.zeros(3)",
  "class C(np.ndarray):",
  "global np",
  "del np",
  "np = None",
  "__all__ = ['np']",
  "if TYPE_CHECKING:",
  "try:",
  "except ImportError:",
  "lazy import json",
  "__lazy_modules__ = ['json']",
  "# -*- coding: latin-1 -*-",
  "# -*- coding: koi8-r -*-",
  "# pylazy: skip-file",
  "import json  # noqa: LZ001",
  "\tpass",
  "\f",
  '"""',
  "'''",
  "async def g():",
  "@np.vectorize",
  "x = (",
  "lambda: np",
  "match np:",
  "    case np.x:",
  "print(globals())",
  "type T[X: np.ndarray] = X",
  "",
  "# a comment",
  "\t# a comment after a tab",
  "    ",
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("delete" as const, "duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.array(fc.oneof(fc.constantFrom(...NASTY_BYTES), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constantFrom("deleteLine" as const, "duplicateLine" as const), line: fc.nat() }),
  fc.record({ kind: fc.constant("swapLines" as const), line: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant("insertLine" as const), line: fc.nat(), text: fc.oneof(fc.constantFrom(...PYTHON_LINES), fc.string({ maxLength: 30 })) }),
  fc.record({ kind: fc.constant("nest" as const), at: fc.nat(), depth: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 500, max: 3000 })), opener: fc.constantFrom("(", "[", "{", "if x:\n", "def f():\n", "-") }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("lineEndings" as const), ending: fc.constantFrom("\r\n" as const, "\r" as const) }),
  fc.record({ kind: fc.constant("bom" as const) }),
);

const damagedFile = fc.record({
  fixture: fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...fixable) }, { weight: 1, arbitrary: fc.nat({ max: fixtures.length - 1 }) }),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
});

const example = fc.record({
  files: fc.array(damagedFile, { minLength: FILES_PER_RUN, maxLength: FILES_PER_RUN }),
  strategy: fc.constantFrom("function", "lazyloader", "lazymodule"),
  verify: fc.boolean(),
});

test(`lint and fix survive random damage to the fixtures (seed ${SEED}, ${RUNS * FILES_PER_RUN} files)`, { timeout: 5 * 60_000 }, () => {
  let rewritten = 0;
  const details = fc.check(
    fc.property(example, ({ files, strategy, verify }) => {
      const inputs = new Map(files.map((file, index) => [fileName(index), damage(fixtures[file.fixture].bytes, file.mutations)]));
      const project = makeProject(Object.fromEntries(inputs));
      const context = `seed ${SEED}, strategy ${strategy}${verify ? "" : ", --no-verify"}, project kept in ${project}`;

      const lint = runCli(["lint", ".", "--threshold", "0"], project);
      assertNoCrash("lint", lint, context);
      const fix = runCli(["fix", ".", "--strategy", strategy, "--threshold", "0", ...(verify ? [] : ["--no-verify"])], project);
      assertNoCrash("fix", fix, context);

      for (const [name, input] of inputs) {
        const output = readFileSync(path.join(project, name));
        if (output.equals(input)) continue;
        rewritten++;
        const origin = describe(files[Number(/\d+/.exec(name)?.[0])]);
        assert.equal(parseError(output), undefined, `fix wrote ${name} (${origin}) that does not parse (${context})`);
      }
      const strays = filesUnder(project).filter((file) => !inputs.has(file) && file !== "pyproject.toml" && !file.startsWith(".pylazy/"));
      assert.deepEqual(strays, [], `fix left files behind (${context})`);
      rmSync(project, { recursive: true, force: true });
    }),
    // No shrinking: every step would be two more CLI runs; the message names the damaged files.
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  if (details.failed) {
    const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    assert.fail(`${why}\n(fast-check seed ${SEED}, run ${details.numRuns}; set PYLAZY_PROPERTY_SEED to try other damage)`);
  }
  // Damage that left fix nothing to rewrite would make the check above vacuous.
  assert.ok(rewritten >= RUNS, `fix rewrote only ${rewritten} of ${RUNS * FILES_PER_RUN} damaged files`);
  console.log(`fix rewrote ${rewritten} of ${RUNS * FILES_PER_RUN} damaged files`);
});

function assertNoCrash(command: string, run: { status: number | null; stderr: string }, context: string): void {
  assert.ok(run.status === 0 || run.status === 1 || run.status === 2, `${command} exited with ${run.status} (${context}):\n${run.stderr}`);
  const trace = run.stderr.split("\n").find((line) => /^ {4}at /.test(line) || /internal error/i.test(line));
  assert.equal(trace, undefined, `${command} printed a stack trace (${context}):\n${run.stderr}`);
}

/** Every fifth file is a package `__init__.py`, where imports are re-exports. */
function fileName(index: number): string {
  const padded = String(index).padStart(2, "0");
  return index % 5 === 0 ? `pkg${padded}/__init__.py` : `m${padded}.py`;
}

function damage(original: Buffer, mutations: Mutation[]): Buffer {
  let bytes: Buffer = Buffer.from(original);
  for (const m of mutations) bytes = apply(bytes, m);
  return bytes;
}

function apply(bytes: Buffer, m: Mutation): Buffer {
  const at = (n: number): number => (bytes.length === 0 ? 0 : n % (bytes.length + 1));
  switch (m.kind) {
    case "delete":
      return Buffer.concat([bytes.subarray(0, at(m.at)), bytes.subarray(at(m.at) + m.length)]);
    case "duplicate": {
      const start = at(m.at);
      return Buffer.concat([bytes.subarray(0, start + m.length), bytes.subarray(start)]);
    }
    case "insert":
      return Buffer.concat([bytes.subarray(0, at(m.at)), Buffer.from(m.bytes), bytes.subarray(at(m.at))]);
    case "nest": {
      const start = at(m.at);
      const opening = m.opener.endsWith(":\n") ? nestedBlocks(m.opener, m.depth) : m.opener.repeat(m.depth);
      return Buffer.concat([bytes.subarray(0, start), Buffer.from(opening), bytes.subarray(start)]);
    }
    case "truncate":
      return bytes.subarray(0, at(m.at));
    case "lineEndings":
      return Buffer.from(bytes.toString("latin1").replace(/\r?\n/g, m.ending), "latin1");
    case "bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    default:
      return applyToLines(bytes, m);
  }
}

/** Line edits keep each line's own ending (LF, CRLF, CR or none), so mixed endings survive them. */
function applyToLines(bytes: Buffer, m: Extract<Mutation, { line: number }>): Buffer {
  const lines = splitLines(bytes);
  const index = lines.length === 0 ? 0 : m.line % lines.length;
  switch (m.kind) {
    case "deleteLine":
      lines.splice(index, 1);
      break;
    case "duplicateLine":
      if (lines.length > 0) lines.splice(index, 0, lines[index]);
      break;
    case "swapLines": {
      const other = lines.length === 0 ? 0 : m.other % lines.length;
      [lines[index], lines[other]] = [lines[other], lines[index]];
      break;
    }
    case "insertLine":
      lines.splice(index, 0, Buffer.from(`${m.text}\n`));
      break;
  }
  return Buffer.concat(lines.filter((line) => line !== undefined));
}

function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) {
      lines.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start));
  return lines;
}

function nestedBlocks(opener: string, depth: number): string {
  let text = "";
  for (let level = 0; level < depth; level++) text += `${" ".repeat(level)}${opener}`;
  return `${text}${" ".repeat(depth)}pass\n`;
}

/** Where tree-sitter finds an error in a written file (decoded as pylazy decodes it), if anywhere. */
function parseError(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = decodePythonSource(bytes).text;
  } catch (error) {
    return `cannot be decoded: ${(error as Error).message}`;
  }
  return parsePython(text).rootNode.hasError ? "tree-sitter reports a syntax error" : undefined;
}

/** A lint fixture with an LZ001 finding, or a runtime case's module. */
function isFixable(name: string): boolean {
  if (name.startsWith("runtime")) return path.basename(name) === "case_module.py";
  const expected = path.join(fixturesDir, name.replace(/\.py$/, ".expected"));
  return existsSync(expected) && readFileSync(expected, "utf8").includes("LZ001");
}

function describe(file: { fixture: number; mutations: Mutation[] }): string {
  return `${fixtures[file.fixture].name} after ${JSON.stringify(file.mutations)}`;
}

function pythonFilesUnder(folder: string): string[] {
  return filesUnder(folder)
    .filter((file) => file.endsWith(".py"))
    .map((file) => path.join(folder, file));
}

/** Every file under `folder`, relative to it, sorted. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}
