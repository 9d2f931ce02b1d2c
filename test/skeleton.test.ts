import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { firstAtOrAfter, wordPositions } from "../src/analysis/model.js";
import { moduleNameForFile } from "../src/analysis/modulePath.js";
import { PreScan } from "../src/analysis/prescan.js";
import { lintSource } from "../src/engine/lintSource.js";
import { charactersParsed, parsePython } from "../src/parse/parser.js";
import type { SyntaxNode, Tree } from "../src/parse/parser.js";
import type { LintOptions } from "../src/engine/lintSource.js";
import { functionSkeleton } from "../src/parse/skeleton.js";
import type { Skeleton } from "../src/parse/skeleton.js";
import { decodePythonSource } from "../src/parse/source.js";
import { costTableFromSummary } from "../src/profile/costs.js";
import { builtinEstimates } from "../src/profile/estimates.js";
import type { CostTable, ModuleTiming } from "../src/profile/types.js";
import { rules } from "../src/rules/index.js";
import { sampleFiles } from "./helpers/corpusSample.js";

// `lint` decides most files from a skeleton with function bodies blanked (skeleton.ts,
// lintSource.ts). Two things must hold, checked here over every 6th file of the standard library
// (PYLAZY_SKELETON_FULL=1: every file, a few minutes):
// 1. the skeleton is the module with its function bodies replaced by `0`, as Python itself parses
//    both (every other node in the same place);
// 2. linting through skeletons gives exactly the diagnostics (fixes included) of linting the whole
//    text, for files that parse (pylazy reports syntax errors only where it has to look).
const EVERY = process.env.PYLAZY_SKELETON_FULL === "1" ? 1 : 6;

const files = sampleFiles(EVERY).flatMap((file) => {
  try {
    return [{ file, source: decodePythonSource(readFileSync(file)).text, module: { ...moduleNameForFile(file), path: file } }];
  } catch {
    return [];
  }
});

// What both Python oracles below use: where a statement starts, the `0` that stands for what a
// skeleton blanked, and an AST dump with positions (but where statements end, which moves with
// the bodies they hold).
const ORACLE_HELPERS = String.raw`
import ast, json, re, sys

def start(node, lines):
    # A decorated statement starts at its first @, which the AST does not record: it is the
    # last character before the decorator's expression that is not a space.
    at = [(node.lineno, node.col_offset)]
    for decorator in getattr(node, "decorator_list", []):
        at.append((decorator.lineno, len(lines[decorator.lineno - 1][:decorator.col_offset].rstrip()) - 1))
    return min(at)

def zero(line, column):
    value = ast.Constant(0)
    expr = ast.Expr(value)
    for part in (value, expr):
        part.lineno, part.col_offset, part.end_lineno, part.end_col_offset = line, column, line, column + 1
    return expr

def dump(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.stmt, ast.excepthandler)):
            node.end_lineno = node.end_col_offset = None
    return ast.dump(tree, include_attributes=True)
`;

// Python's view: the original's AST with each function body replaced by `0` at the place of its
// first statement must equal the skeleton's AST, positions included.
const ORACLE = ORACLE_HELPERS + String.raw`
def blank_bodies(tree, lines):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            line, column = start(node.body[0], lines)
            # A body on the line of its header (def f(): pass) stays.
            if lines[line - 1][:column].strip():
                continue
            node.body = [zero(line, column)]
    return tree

checked = 0
failures = []
for original, skeleton in json.load(sys.stdin):
    text = open(original, encoding="utf-8").read()
    try:
        expected = ast.parse(text)
    except (SyntaxError, ValueError):
        continue
    lines = [line.encode("utf-8") for line in re.split(r"\r\n|\r|\n", text)]
    actual = dump(ast.parse(open(skeleton, encoding="utf-8").read()))
    if dump(blank_bodies(expected, lines)) != actual:
        failures.append(original)
    checked += 1
print(json.dumps({"checked": checked, "failures": failures}))
`;

/**
 * The skeleton's text with the line endings of its blanked bodies put back: the text whose rows
 * the skeleton's parse reports (parser.ts takes the points around the skipped bodies from the
 * module's text), for Python to parse.
 */
function withLineEndings(source: string, skeleton: Skeleton): string {
  let text = skeleton.text;
  for (const { start, end } of skeleton.bodies) text = text.slice(0, start + 1) + source.slice(start + 1, end).replace(/[^\r\n]/g, " ") + text.slice(end);
  return text;
}

/** The skeleton is the source with each of its bodies, and nothing else, replaced by `0` and spaces. */
function assertBlankedAsSaid(source: string, skeleton: Skeleton): void {
  let expected = "";
  let at = 0;
  for (const { start, end } of skeleton.bodies) {
    assert.ok(start >= at && end > start);
    expected += source.slice(at, start) + "0" + " ".repeat(end - start - 1);
    at = end;
  }
  assert.equal(skeleton.text, expected + source.slice(at));
  assert.equal(skeleton.blanked, skeleton.bodies.reduce((sum, { start, end }) => sum + end - start - 1, 0));
}

test("a skeleton is the module with its function bodies replaced by `0`, as Python parses both", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pylazy-skeleton-"));
  try {
    const pairs: [string, string][] = [];
    let blanked = 0;
    for (const [index, { source }] of files.entries()) {
      const skeleton = functionSkeleton(source);
      if (skeleton === undefined) continue;
      assertBlankedAsSaid(source, skeleton);
      blanked += skeleton.blanked;
      const original = path.join(dir, `${index}.py`);
      const stripped = path.join(dir, `${index}.skeleton.py`);
      writeFileSync(original, source);
      writeFileSync(stripped, withLineEndings(source, skeleton));
      pairs.push([original, stripped]);
    }
    assert.ok(pairs.length > files.length * 0.9, `most files have a skeleton (${pairs.length} of ${files.length})`);
    assert.ok(blanked > 0);
    const result = JSON.parse(execFileSync("python3", ["-c", ORACLE], { input: JSON.stringify(pairs), encoding: "utf8", maxBuffer: 1 << 26 })) as { checked: number; failures: string[] };
    assert.deepEqual(result.failures, []);
    assert.ok(result.checked > pairs.length * 0.9, `Python checked most pairs (${result.checked} of ${pairs.length})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Python's view of a skeleton that keeps the bodies mentioning some words: each such body, and
// each class body outside a function, keeps the statements that mention one (a compound one keeps
// its clauses' headers, and each block is judged on its own), a function's docstring, `global` and
// `nonlocal`, and the headers of definitions but in a class body, where a definition that mentions
// none goes whole; every run of other statements becomes `0` where it starts; a `match` statement
// stays or goes whole.
const KEPT_ORACLE = ORACLE_HELPERS + String.raw`

def check(text, skeleton, words):
    lines = [line.encode("utf-8") for line in re.split(r"\r\n|\r|\n", text)]
    pattern = re.compile(rb"(?<!\w)(?:" + b"|".join(re.escape(word.encode()) for word in words) + rb")(?!\w)")

    def segment(first, last):
        (line, column), end = start(first, lines), (last.end_lineno, last.end_col_offset)
        if line == end[0]:
            return lines[line - 1][column:end[1]]
        return b"\n".join([lines[line - 1][column:]] + lines[line:end[0] - 1] + [lines[end[0] - 1][:end[1]]])

    def inline(owner, body):
        line, column = start(body[0], lines)
        return bool(lines[line - 1][:column].strip())

    def function(node):
        if inline(node, node.body):
            return
        if pattern.search(segment(node.body[0], node.body[-1])):
            node.body = block(node.body, "function")
        else:
            node.body = [zero(*start(node.body[0], lines))]

    def clause_block(owner, body):
        return body if inline(owner, body) else block(body, "clause")

    def clauses(node):
        if isinstance(node, ast.If):
            node.body = clause_block(node, node.body)
            if node.orelse:
                line, column = start(node.orelse[0], lines)
                if isinstance(node.orelse[0], ast.If) and lines[line - 1][column:].startswith(b"elif"):
                    clauses(node.orelse[0])
                else:
                    node.orelse = clause_block(node, node.orelse)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While, ast.Try, getattr(ast, "TryStar", ast.Try), ast.With, ast.AsyncWith)):
            node.body = clause_block(node, node.body)
            for handler in getattr(node, "handlers", []):
                handler.body = clause_block(handler, handler.body)
            if getattr(node, "orelse", None):
                node.orelse = clause_block(node, node.orelse)
            if getattr(node, "finalbody", None):
                node.finalbody = clause_block(node, node.finalbody)

    def block(statements, kind):
        kept, run = [], False
        for index, statement in enumerate(statements):
            line, column = start(statement, lines)
            definition = isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            if (definition and kind != "class") or (kind == "function" and index == 0 and re.match(rb"[rRbBuUfF]{0,2}['\"]", lines[line - 1][column:])) or isinstance(statement, (ast.Global, ast.Nonlocal)):
                pass
            elif not pattern.search(segment(statement, statement)):
                if not run:
                    kept.append(zero(line, column))
                run = True
                continue
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function(statement)
            elif isinstance(statement, ast.ClassDef):
                if not inline(statement, statement.body):
                    statement.body = block(statement.body, "class")
            elif statement.end_lineno > line:
                clauses(statement)
            kept.append(statement)
            run = False
        return kept

    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.__dict__["seen"] = False
    # Functions and classes that are not inside a function: every other one is reached through its
    # outer body. A class body's statements are judged as a kept function body's are.
    def outer(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function(child)
            elif isinstance(child, ast.ClassDef) and not inline(child, child.body):
                child.body = block(child.body, "class")
            else:
                outer(child)
    outer(tree)
    return dump(tree) == dump(ast.parse(skeleton))

checked, failures = 0, []
for original, skeleton, words in json.load(sys.stdin):
    text = open(original, encoding="utf-8").read()
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        continue
    if not check(text, open(skeleton, encoding="utf-8").read(), words):
        failures.append(original)
    checked += 1
print(json.dumps({"checked": checked, "failures": failures}))
`;

/**
 * A skeleton that keeps the bodies, and in them and in class bodies the statements, that mention
 * one of the words (as lint's does); with `functionBodies: false`, no function body.
 */
function mentioning(source: string, words: readonly string[], functionBodies = true): Skeleton | undefined {
  const positions = wordPositions(source, words);
  const keep = (start: number, end: number): boolean => {
    const index = firstAtOrAfter(positions, start);
    return index < positions.length && positions[index] < end;
  };
  return functionSkeleton(source, keep, undefined, { classBodies: true, functionBodies });
}

function runKeptOracle(cases: { source: string; words: readonly string[] }[]): { checked: number; failures: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pylazy-skeleton-"));
  try {
    const triples: [string, string, readonly string[]][] = [];
    for (const [index, { source, words }] of cases.entries()) {
      const skeleton = mentioning(source, words);
      if (skeleton === undefined) continue;
      assertBlankedAsSaid(source, skeleton);
      const original = path.join(dir, `${index}.py`);
      const stripped = path.join(dir, `${index}.skeleton.py`);
      writeFileSync(original, source);
      writeFileSync(stripped, withLineEndings(source, skeleton));
      triples.push([original, stripped, words]);
    }
    return JSON.parse(execFileSync("python3", ["-c", KEPT_ORACLE], { input: JSON.stringify(triples), encoding: "utf8", maxBuffer: 1 << 26 })) as { checked: number; failures: string[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a skeleton that keeps the bodies mentioning some words keeps in them and in class bodies the statements that do, as Python parses both", () => {
  const words = ["os", "mock", "support", "re", "__all__", "globals", "exec", "warnings", "__name__"];
  const result = runKeptOracle(files.map(({ source }) => ({ source, words })));
  assert.deepEqual(result.failures, []);
  assert.ok(result.checked > files.length * 0.9, `Python checked most files (${result.checked} of ${files.length})`);
});

test("a kept body keeps its docstring, declarations, definitions' headers and the clauses of what it keeps; a class body keeps only the definitions that mention a word", () => {
  const source = [
    "import os",
    "def f(path):",
    '    """Docstring."""',
    "    global cache",
    "    a = 1",
    "    b = 2",
    "    if a:",
    "        c = 3",
    "        d = os.sep",
    "    elif b:",
    "        e = 4",
    "    else:",
    "        pass",
    "    try:",
    "        x = 1",
    "    except OSError:",
    "        y = os.error",
    "    finally:",
    "        z = 3",
    "    @decorator",
    "    def inner():",
    "        return os",
    "    class Inner:",
    "        one = 1",
    "        two = os.name",
    "    match path:",
    "        case 1:",
    "            os.x",
    "        case _:",
    "            pass",
    "    with open(path) as handle:",
    "        data = handle.read()",
    "    for item in os.listdir():",
    "        print(item)",
    "    return a",
    "def g():",
    "    return 1",
    "class C:",
    "    '''A class docstring.'''",
    "    size = 1",
    "    sep = os.sep",
    "    if size:",
    "        def h(self):",
    "            pass",
    "    def m(self):",
    "        return os",
    "    @property",
    "    def n(self):",
    "        return 1",
    "    class Nested:",
    "        x = 1",
    "    def o(self, sep=os.sep):",
    "        return 1",
    "",
  ].join("\n");
  const skeleton = mentioning(source, ["os"])!;
  assert.ok(skeleton);
  const kept = withLineEndings(source, skeleton)
    .split("\n")
    .map((line) => line.trimEnd());
  assert.deepEqual(kept, [
    "import os",
    "def f(path):",
    '    """Docstring."""',
    "    global cache",
    "    0",
    "",
    "    if a:",
    "        0",
    "        d = os.sep",
    "    elif b:",
    "        0",
    "    else:",
    "        0",
    "    try:",
    "        0",
    "    except OSError:",
    "        y = os.error",
    "    finally:",
    "        0",
    "    @decorator",
    "    def inner():",
    "        return os",
    "    class Inner:",
    "        0",
    "        two = os.name",
    "    match path:",
    "        case 1:",
    "            os.x",
    "        case _:",
    "            pass",
    "    0",
    "",
    "    for item in os.listdir():",
    "        0",
    "    0",
    "def g():",
    "    0",
    "class C:",
    "    0",
    "",
    "    sep = os.sep",
    "    0",
    "",
    "",
    "    def m(self):",
    "        return os",
    "    0",
    "",
    "",
    "",
    "",
    "    def o(self, sep=os.sep):",
    "        0",
    "",
  ]);
  assert.deepEqual(runKeptOracle([{ source, words: ["os"] }]), { checked: 1, failures: [] });
});

test("a skeleton of the import-time code blanks every function body, and keeps in class bodies what mentions a word", () => {
  const source = [
    "import os",
    "class C:",
    "    size = 1",
    "    sep = os.sep",
    "    def m(self):",
    "        return os",
    "    @staticmethod",
    "    def n():",
    "        return 1",
    "def f():",
    "    return os",
    "",
  ].join("\n");
  const skeleton = mentioning(source, ["os"], false)!;
  assert.ok(skeleton);
  assertBlankedAsSaid(source, skeleton);
  const kept = withLineEndings(source, skeleton)
    .split("\n")
    .map((line) => line.trimEnd());
  // `m` mentions the word in its body: its header stays, its body goes as every body does.
  assert.deepEqual(kept, ["import os", "class C:", "    0", "    sep = os.sep", "    def m(self):", "        0", "    0", "", "", "def f():", "    0", ""]);
});

test("the skeleton scan reads strings, comments, brackets, continuations and nesting as Python does", () => {
  const source = [
    "import numpy as np",
    "@np.vectorize",
    "def f(x=np.zeros(1), *, y: 'np.ndarray' = (",
    "        1)) -> int:  # a comment",
    "    '''a docstring",
    "def not_a_def():",
    "    '''",
    "    s = \"# not a comment\"; t = r'\\'' + b'x' + f'{x!r:>{width}}'",
    "    return [np.add(x,",
    "  1)] + \\",
    "  [2]",
    "",
    "    # a comment at the body's depth",
    "class C(np.Base):",
    "    attr = np.float64",
    "    async def m(self):",
    "        def inner():",
    "            return np",
    "        return inner",
    "    def one_liner(self): return np",
    "x = lambda: np",
    "",
  ].join("\n");
  const skeleton = functionSkeleton(source)!;
  assert.ok(skeleton);
  assertBlankedAsSaid(source, skeleton);
  const lines = withLineEndings(source, skeleton).split("\n");
  assert.deepEqual(lines.slice(0, 4), source.split("\n").slice(0, 4), "decorators, defaults and annotations stay");
  assert.equal(lines[4], "    0" + " ".repeat(source.split("\n")[4].length - 5));
  for (const line of lines.slice(5, 12)) assert.equal(line.trim(), "", "the rest of the body is blank");
  assert.equal(lines[12], source.split("\n")[12], "a comment after the body's last line stays");
  assert.deepEqual(lines.slice(13, 16), source.split("\n").slice(13, 16), "a class body stays, its method headers too");
  assert.equal(lines[16].trim(), "0");
  assert.equal(lines[17].trim() + lines[18].trim(), "", "a nested function goes with its outer body");
  assert.deepEqual(lines.slice(19), source.split("\n").slice(19), "a one-line def and a lambda stay");
});

test("the skeleton scan finds a string's prefix from its quote, and reads each kind of string to its end", () => {
  // Lines whose strings the scan must end where Python does; a miss would swallow or cut a def.
  const source = String.raw`def a(x=")#(", y='''it's (''', z=Rb'\\'):
    return fr'{x}' + rf"{{y}}" + BR'(' + U'#' + f'{x:{y}}' + f"{d['k']}" + b'''[''' + u"""a "b" \""""
def b():
    s = f'''{x}
    (''' + 'é' + r"\""
    return s
class C:
    def m(self, k=f"{1}{{"):
        return k
    n = 1
`;
  const skeleton = functionSkeleton(source)!;
  assert.ok(skeleton);
  assert.equal(skeleton.bodies.length, 3);
  const dir = mkdtempSync(path.join(os.tmpdir(), "pylazy-skeleton-"));
  try {
    writeFileSync(path.join(dir, "original.py"), source);
    writeFileSync(path.join(dir, "skeleton.py"), withLineEndings(source, skeleton));
    const pairs = [[path.join(dir, "original.py"), path.join(dir, "skeleton.py")]];
    const result = JSON.parse(execFileSync("python3", ["-c", ORACLE], { input: JSON.stringify(pairs), encoding: "utf8" })) as { checked: number; failures: string[] };
    assert.deepEqual(result, { checked: 1, failures: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the skeleton scan gives up where it could be wrong", () => {
  // Python 3.12 lets an f-string's replacement field hold the f-string's own quote.
  assert.equal(functionSkeleton('def f():\n    return f"{x["a"]}"\n'), undefined);
  // A tab whose width decides whether a line is in the body.
  assert.equal(functionSkeleton("if x:\n        def f():\n\t    pass\n"), undefined);
  // An unterminated string, also one whose last character is a backslash.
  assert.equal(functionSkeleton("def f():\n    return 'abc\n"), undefined);
  for (const quote of ["'", '"""', "f'"]) assert.equal(functionSkeleton(`def f():\n    return ${quote}abc\\`), undefined, quote);
  assert.equal(functionSkeleton("def f():\n    return 'abc\\\r"), undefined);
  // A kept body is judged statement by statement, and a body nested in it on its own.
  const kept = functionSkeleton("def f():\n    x = 1\n    def g():\n        return 2\n    return g\n", (start, end) => end - start > 40 || end - start === 5)!;
  assert.equal(kept.text, "def f():\n    x = 1\n    def g():\n        0       \n    0       \n");
});

test("a blanked body's line endings become spaces, and its parse has the rows of the text around it (\\n, \\r\\n and a lone \\r alike)", () => {
  const source = "def f():\r\n    a = 1\r\n\n    b = 2\r    c = 3\n" + "    d = 4\n".repeat(3) + "x = 1\r\n\ndef g(\n  y):  # g\n    return y\r\nz = 2\n";
  const skeleton = functionSkeleton(source)!;
  assertBlankedAsSaid(source, skeleton);
  assert.equal(skeleton.bodies.length, 2);
  assert.ok(!/[\r\n]/.test(skeleton.text.slice(skeleton.bodies[0].start, skeleton.bodies[0].end)));
  const skip = skeleton.bodies.map(({ start, end }) => ({ start: start + 1, end }));
  const nodes = (tree: Tree): string[] => {
    const found: string[] = [];
    const walk = (node: SyntaxNode): void => {
      found.push(`${node.type} ${node.startIndex}-${node.endIndex} ${node.startPosition.row}:${node.startPosition.column}-${node.endPosition.row}:${node.endPosition.column}`);
      for (const child of node.children) walk(child);
    };
    walk(tree.rootNode);
    return found;
  };
  const parsed = nodes(parsePython(skeleton.text, undefined, skip, source));
  assert.deepEqual(parsed, nodes(parsePython(withLineEndings(source, skeleton), undefined, skip)), "the same tree as with the body's line endings in place");
  // tree-sitter starts a row at \n only.
  assert.ok(parsed.includes("assignment 72-77 7:0-7:5"), "x = 1 on its own row");
  assert.ok(parsed.includes("assignment 112-117 12:0-12:5"), "z = 2 on its own row");
});

test("charactersParsed counts what a parse reads: a skeleton's blanked bodies are not read (the lint's releases of native memory go by it)", () => {
  const source = "def f():\n" + "    a = 1\n".repeat(50) + "x = 1\n";
  const skeleton = functionSkeleton(source)!;
  const skip = skeleton.bodies.map(({ start, end }) => ({ start: start + 1, end }));
  const skipped = skip.reduce((sum, { start, end }) => sum + end - start, 0);
  assert.ok(skipped > source.length / 2);
  let before = charactersParsed();
  parsePython(source);
  assert.equal(charactersParsed() - before, source.length);
  before = charactersParsed();
  parsePython(skeleton.text, undefined, skip, source);
  assert.equal(charactersParsed() - before, skeleton.text.length - skipped);
});

const base = (costs: CostTable, thresholdMs: number, strategy: LintOptions["strategy"] = "function"): LintOptions => ({ costs, thresholdMs, keepEager: [], rules, strategy, targetVersion: "py311" });

function measuredTable(): CostTable {
  const timings = new Map<string, ModuleTiming>();
  for (const [module, ms] of [["json", 12], ["csv", 4], ["xml.dom.minidom", 30], ["email", 2], ["asyncio", 5], ["test.support", 40], ["os", 3], ["re", 3]] as const) {
    timings.set(module, { selfUs: ms * 500, cumulativeUs: ms * 1000, samples: 1 });
  }
  return costTableFromSummary(timings, "test profile");
}

const CASES: { name: string; options: LintOptions }[] = [
  { name: "built-in estimates, default threshold", options: base(builtinEstimates(), 10) },
  { name: "built-in estimates, threshold 0, lazyloader", options: base(builtinEstimates(), 0, "lazyloader") },
  { name: "a profile, threshold 3 ms", options: base(measuredTable(), 3) },
  { name: "a profile, threshold 3 ms, auto, py314", options: { ...base(measuredTable(), 3, "auto"), targetVersion: "py314" } },
];

for (const { name, options } of CASES) {
  test(`linting through skeletons gives the diagnostics of the whole text (${name})`, () => {
    const preScan = new PreScan(options.costs, options.thresholdMs);
    let decided = 0;
    let findings = 0;
    for (const { file, source, module } of files) {
      if (!preScan.mayHaveFindings(source, module)) continue;
      const whole = lintSource(file, source, module, options);
      if (whole.skipped === "syntax-error") continue;
      const fast = lintSource(file, source, module, { ...options, skeleton: true });
      if (fast.fromSkeleton) decided++;
      findings += whole.diagnostics.length;
      assert.deepEqual(fast.diagnostics, whole.diagnostics, file);
    }
    assert.ok(findings > 0, "the sample has findings to lose");
    assert.ok(decided > 20, `skeletons decide a good share of the files (${decided})`);
  });
}

// When every heavy import is used at import time, lint parses only the start of the bare skeleton:
// up to the first top-level statement after the last import and a use of each imported name, with
// the body of a class whose header holds that use left out (lintSource.ts, analysePrefix). The
// cases below must give what the whole text gives; `prefix` says whether the tree stops early.
const methods = Array.from({ length: 30 }, (_, i) => `    def test_${i}(self):\n        self.assertEqual(${i}, ${i})\n`).join("\n");
const PREFIX_CASES: { name: string; source: string; prefix: boolean }[] = [
  { name: "a test module: the class body is left out", source: `import os\nimport unittest\n\nclass T(unittest.TestCase):\n${methods}\nclass U(unittest.TestCase):\n${methods}\nif __name__ == "__main__":\n    unittest.main()\n`, prefix: true },
  { name: "a use in a decorator", source: `import unittest\n\n@unittest.skipIf(False, "no")\nclass T(object):\n${methods}\nX = 1\n`, prefix: true },
  { name: "a use in a module-level statement, then more classes", source: `import asyncio\n\nLOOP = asyncio.new_event_loop\n\nclass T:\n${methods}\nclass U:\n${methods}`, prefix: true },
  { name: "an import after the first use: parsed on", source: `import unittest\n\nclass T(unittest.TestCase):\n${methods}\nimport asyncio\n\ndef later():\n    return asyncio.run\n`, prefix: false },
  { name: "a class body that binds the name", source: `import unittest\n\nclass T(unittest.TestCase):\n    unittest = None\n${methods}\nZ = unittest.main\n`, prefix: true },
  { name: "a use only in a function: no prefix decides", source: `import unittest\n\nclass T:\n${methods}\ndef run():\n    return unittest.main()\n`, prefix: false },
  { name: "a first mention in a comment", source: `import unittest\n# unittest is heavy\nclass T(unittest.TestCase):\n${methods}\nclass U:\n${methods}`, prefix: true },
  { name: "an else clause after the use", source: `import unittest\nif unittest.TestCase:\n    A = 1\nelse:\n    A = 2\nclass T:\n${methods}\nclass U:\n${methods}`, prefix: true },
];

for (const { name, source, prefix } of PREFIX_CASES) {
  test(`a prefix of the skeleton gives the diagnostics of the whole text (${name})`, () => {
    const file = { module: "pkg.test_mod", isPackage: false, path: "pkg/test_mod.py" };
    const options = base(builtinEstimates(), 10);
    const whole = lintSource(file.path, source, file, options);
    assert.ok(whole.diagnostics.length > 0);
    const fast = lintSource(file.path, source, file, { ...options, skeleton: true });
    assert.deepEqual(fast.diagnostics, whole.diagnostics);
    assert.equal(fast.fromSkeleton === true && fast.tree.rootNode.endIndex < source.trimEnd().length, prefix);
  });
}

test("a syntax error after the prefix goes unseen, as one in a blanked body does", () => {
  const file = { module: "pkg.test_mod", isPackage: false, path: "pkg/test_mod.py" };
  const source = `import unittest\n\nclass T(unittest.TestCase):\n${methods}\nclass U:\n${methods}\nx = (\n`;
  const options = base(builtinEstimates(), 10);
  assert.equal(lintSource(file.path, source, file, options).skipped, "syntax-error");
  const fast = lintSource(file.path, source, file, { ...options, skeleton: true });
  assert.deepEqual(
    fast.diagnostics.map((diagnostic) => diagnostic.code),
    ["LZ002"],
  );
});

// A skeleton that keeps bodies keeps those that mention a name bound by an `import` of a related
// module (it may reach a heavy submodule through its package) or by a from-import of a heavy one;
// a from-import of a module that is not heavy keeps nothing (lintSource.ts, lintSkeleton).
const fillers = Array.from({ length: 30 }, (_, i) => `def filler_${i}(x):\n    y = x * ${i}\n    return [y, y + 1, y + 2]\n`).join("\n");
const KEPT_CASES: { name: string; source: string }[] = [
  { name: "a function's own import of the package reaches the heavy submodule", source: `import xml.dom.minidom as md\n\ndef parse(text):\n    import xml\n    return xml.dom.minidom.parseString(text)\n\ndef other():\n    return md.Node\n\n${fillers}` },
  { name: "a function's from-import of a module that is not heavy", source: `import json\nfrom email import message_from_string\n\ndef load(text):\n    from email import utils\n    return json.loads(text), utils.parseaddr(text)\n\n${fillers}` },
  { name: "a function's from-import rebinds the heavy name", source: `import json\n\ndef load(text):\n    from pickle import loads as json\n    return json(text)\n\ndef dump(x):\n    return json.dumps(x)\n\n${fillers}` },
  // Calls at import time are followed through functions that mention no heavy name (importTimeCalls.ts):
  // the statements that call them stay (lintSource.ts, runnerWords).
  { name: "a one-line function that reads the name, called by one the module calls", source: `import json\n\ndef helper(): return json.dumps(1)\n\ndef make():\n    x = 1\n    return helper()\n\n${fillers}\nTABLE = make()\n` },
  { name: "three deep, through a constructor", source: `import json\n\ndef helper():\n    return json.dumps(1)\n\nclass App:\n    def __init__(self):\n        self.x = [helper()]\n\ndef make():\n    y = 2\n    return App()\n\n${fillers}\nAPP = make()\n` },
  { name: "a method's decorator in a class body", source: `import json\n\ndef register(f):\n    json.dumps(1)\n    return f\n\nclass P:\n    size = 1\n    @register\n    def run(self):\n        return 1\n\n${fillers}` },
  { name: "a method's and a nested function's calls do not count", source: `import json\n\ndef make():\n    return json.dumps(1)\n\nclass A:\n    def m(self):\n        return make()\n\ndef outer():\n    def inner():\n        return make()\n    return inner\n\n${fillers}\nX = A()\nY = outer()\n` },
  { name: "a function named like a word the safety checks read", source: `import json\n\ndef vars_():\n    return json.dumps(1)\n\ndef eval():\n    return vars_()\n\ndef make():\n    return eval()\n\n${fillers}\nZ = make()\n` },
];

for (const { name, source } of KEPT_CASES) {
  test(`a skeleton that keeps bodies gives the diagnostics of the whole text (${name})`, () => {
    const file = { module: "pkg.mod", isPackage: false, path: "pkg/mod.py" };
    const options = base(measuredTable(), 3);
    const whole = lintSource(file.path, source, file, options);
    assert.ok(whole.diagnostics.length > 0);
    const fast = lintSource(file.path, source, file, { ...options, skeleton: true });
    assert.equal(fast.fromSkeleton, true);
    assert.deepEqual(fast.diagnostics, whole.diagnostics);
  });
}

// Which skeleton lint tries first is a guess from the text (lintSource.ts, looksLikeCode): a heavy
// name that the module's import-time code spells only in a comment, after a quote or in a doctest
// is no sign of a use there, and the skeleton of the import-time code alone is not parsed in vain.
test("a heavy name in the import-time code's comments and strings alone does not make lint parse the import-time skeleton first", () => {
  const file = { module: "pkg.docs", isPackage: false, path: "pkg/docs.py" };
  const constants = Array.from({ length: 100 }, (_, i) => `CONSTANT_${i} = ${i}`).join("\n");
  const source = `import doctest\n# doctest is heavy\n"""\n>>> doctest.testmod()\n... doctest.ELLIPSIS\n"""\nURL = "doctest.example"\n${constants}\n\ndef run():\n    return doctest.testmod()\n\n${fillers}`;
  const options = base(builtinEstimates(), 10);
  const whole = lintSource(file.path, source, file, options);
  assert.deepEqual(
    whole.diagnostics.map((diagnostic) => diagnostic.code),
    ["LZ001"],
  );
  const before = charactersParsed();
  const fast = lintSource(file.path, source, file, { ...options, skeleton: true });
  const parsed = charactersParsed() - before;
  assert.deepEqual(fast.diagnostics, whole.diagnostics);
  assert.equal(fast.fromSkeleton, true);
  // One skeleton parsed, with the fillers' bodies blanked: less than the whole text (two would be more).
  assert.ok(parsed < source.length, `${parsed} characters parsed of ${source.length}`);
});
