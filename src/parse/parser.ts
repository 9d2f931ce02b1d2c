import { createRequire } from "node:module";
import type Parser from "tree-sitter";

import { maskLazyKeywords, rememberLazyStatements } from "./pep810.js";

export type { Tree, SyntaxNode, Point, Edit } from "tree-sitter";

const require = createRequire(import.meta.url);
let parser: Parser | undefined;

/** The shared tree-sitter parser, loaded on first use so that `--version` never pays for it. */
export function pythonParser(): Parser {
  if (parser === undefined) {
    const ParserClass = require("tree-sitter") as typeof Parser;
    const python = require("tree-sitter-python") as Parser.Language;
    withoutNodeCache((ParserClass as unknown as { Tree: { prototype: object } }).Tree.prototype);
    parser = new ParserClass();
    parser.setLanguage(python);
    // One tree of a sample for both checks (node objects are made anew on every access).
    const sample = parser.parse(SAMPLE);
    withNodeFieldsInJs(ParserClass, sample);
    withLighterNodeTransfer(ParserClass, sample);
  }
  return parser;
}

/**
 * node-tree-sitter registers every node object it hands out with its tree: a weak reference and a
 * finalizer per node, so that the same node comes back as the same object and so that `Tree.edit`
 * can move the nodes still alive. pylazy needs neither (nodes are compared by position, never by
 * identity, and no node is used after an edit of its tree), and the registration cost half of the
 * time of the analysis's walks over a tree, most of it in the garbage collector.
 */
function withoutNodeCache(treePrototype: object): void {
  const prototype = treePrototype as { _cacheNode?: unknown; _cacheNodes?: unknown };
  if (typeof prototype._cacheNode !== "function" || typeof prototype._cacheNodes !== "function") return;
  prototype._cacheNode = () => undefined;
  prototype._cacheNodes = () => undefined;
}

/**
 * Two node accessors that node-tree-sitter answers with a call into native code, answered here
 * from what JS already holds; the model's walks read them for nearly every node.
 * - `type`: node-tree-sitter makes a class per named node type and means it to carry the type's
 *   name, but its assignment to the prototype goes to an inherited getter without a setter and is
 *   lost, so every `type` made a new string in C++. Here the first node of each such class asks
 *   native code once and leaves the answer on the class (a class is one node type).
 * - `startIndex`: a node object holds tree-sitter's `context`, whose first number is the start in
 *   bytes of UTF-16, so half of it is what native code returns. Checked on a sample before use,
 *   and left alone when the two differ (another version of node-tree-sitter).
 */
function withNodeFieldsInJs(ParserClass: typeof Parser, sample: Parser.Tree): void {
  const base = (ParserClass as unknown as { SyntaxNode?: { prototype: object } }).SyntaxNode?.prototype;
  const nativeType = base && Object.getOwnPropertyDescriptor(base, "type")?.get;
  const nativeStart = base && Object.getOwnPropertyDescriptor(base, "startIndex")?.get;
  if (!base || !nativeType || !nativeStart) return;
  Object.defineProperty(base, "type", {
    configurable: true,
    get(this: object): string {
      const type = nativeType.call(this) as string;
      const prototype = Object.getPrototypeOf(this) as object;
      if (prototype !== base) Object.defineProperty(prototype, "type", { value: type });
      return type;
    },
  });
  const start = function (this: Record<number, number>): number {
    return this[2] >>> 1;
  };
  const nodes = allNodes(sample.rootNode);
  if (nodes.every((node) => start.call(node as unknown as Record<number, number>) === nativeStart.call(node))) {
    Object.defineProperty(base, "startIndex", { configurable: true, get: start });
  }
}

/** What node-tree-sitter's native binding holds for its JS side (see withLighterNodeTransfer). */
interface NativeBinding {
  Tree: unknown;
  nodeTransferArray: Uint32Array;
  NodeMethods: Record<string, ((tree: unknown, argument?: unknown) => unknown) | undefined>;
}

/** A node object as node-tree-sitter makes it: its tree, and tree-sitter's node as six numbers. */
type NodeObject = Record<number, number> & { tree: { language: { nodeSubclasses: NodeClass[] } } };
type NodeClass = new (tree: unknown) => NodeObject;

/** The accessors withLighterNodeTransfer answers: getters, then methods of one argument. */
const LIGHTER_GETTERS = ["endIndex", "parent", "namedChildren", "children"];
const LIGHTER_METHODS = ["childForFieldName", "childrenForFieldName", "firstNamedChildForIndex", "namedChild", "child"];

/**
 * node-tree-sitter hands a node over from native code as six numbers in a shared array, from
 * which its JS side makes the node object. On the way it makes a BigInt of the node's id, to look
 * the node up in a cache that withoutNodeCache leaves empty, and for a list of nodes a Map and an
 * array more; and it checks on every call that the node belongs to a tree. The model's walks ask
 * for the children or the end of nearly every node they visit. Here the accessors they use copy
 * the six numbers and nothing else, through the same native methods. Checked on a sample against
 * a TreeCursor (accessorsAgreeWithCursor) once in place, and put back as they were when the
 * binding is not where it was or an answer differs (another version of node-tree-sitter).
 */
function withLighterNodeTransfer(ParserClass: typeof Parser, sample: Parser.Tree): void {
  const BaseNode = (ParserClass as unknown as { SyntaxNode?: NodeClass }).SyntaxNode;
  // The native addon node-tree-sitter loaded (its file's name depends on how it was built): the one whose Tree is its Tree.
  const TreeClass = (ParserClass as unknown as { Tree?: unknown }).Tree;
  const loaded = Object.values(require.cache).find((entry) => entry?.filename.endsWith(".node") && (entry.exports as { Tree?: unknown } | undefined)?.Tree === TreeClass);
  const binding = loaded?.exports as NativeBinding | undefined;
  if (!BaseNode || TreeClass === undefined || !binding?.NodeMethods || !(binding.nodeTransferArray instanceof Uint32Array)) return;
  const native = (name: string): ((tree: unknown, argument?: unknown) => unknown) | undefined => binding.NodeMethods[name];
  if (![...LIGHTER_GETTERS, ...LIGHTER_METHODS].every((name) => typeof native(name) === "function")) return;
  const put = (node: NodeObject): void => {
    // Read each time: the binding replaces the array when a longer list needs more room.
    const transfer = binding.nodeTransferArray;
    for (let index = 0; index < 6; index++) transfer[index] = node[index];
  };
  // The native side answers a number (the node's type) for a node it put in the array, null for none.
  const take = (value: unknown, tree: NodeObject["tree"], offset: number): unknown => {
    if (typeof value !== "number") return value;
    const node = new (value === ERROR_TYPE_ID ? BaseNode : tree.language.nodeSubclasses[value])(tree);
    const transfer = binding.nodeTransferArray;
    for (let index = 0; index < 6; index++) node[index] = transfer[offset + index];
    return node;
  };
  const one = (call: (tree: unknown, argument?: unknown) => unknown) =>
    function (this: NodeObject, argument?: unknown): unknown {
      put(this);
      return take(call(this.tree, argument), this.tree, 0);
    };
  const many = (call: (tree: unknown, argument?: unknown) => unknown) =>
    function (this: NodeObject, argument?: unknown): unknown {
      put(this);
      const values = call(this.tree, argument) as unknown[];
      for (let index = 0, offset = 0; index < values.length; index++) {
        if (typeof values[index] !== "number") continue;
        values[index] = take(values[index], this.tree, offset);
        offset += 6;
      }
      return values;
    };
  const endIndex = native("endIndex")!;
  const lighter: PropertyDescriptorMap = {
    endIndex: {
      configurable: true,
      get(this: NodeObject): unknown {
        put(this);
        return endIndex(this.tree);
      },
    },
    parent: { configurable: true, get: one(native("parent")!) },
    namedChildren: { configurable: true, get: many(native("namedChildren")!) },
    children: { configurable: true, get: many(native("children")!) },
  };
  for (const name of LIGHTER_METHODS) lighter[name] = { configurable: true, writable: true, value: (name === "childrenForFieldName" ? many : one)(native(name)!) };
  const library: PropertyDescriptorMap = {};
  for (const name of Object.keys(lighter)) {
    const descriptor = Object.getOwnPropertyDescriptor(BaseNode.prototype, name);
    if (!descriptor) return;
    library[name] = descriptor;
  }
  Object.defineProperties(BaseNode.prototype, lighter);
  if (agreesOnSample(sample)) lighterTransfer = true;
  else Object.defineProperties(BaseNode.prototype, library);
}

function agreesOnSample(sample: Parser.Tree): boolean {
  try {
    return accessorsAgreeWithCursor(sample);
  } catch {
    return false;
  }
}

let lighterTransfer = false;

/** Whether the node accessors of withLighterNodeTransfer are in use (for its tests). */
export function usesLighterNodeTransfer(): boolean {
  pythonParser();
  return lighterTransfer;
}

const ERROR_TYPE_ID = 0xffff;

/**
 * Whether the node accessors answer, on every node of a tree, what a TreeCursor finds there (a
 * cursor is node-tree-sitter's native code throughout): each node's type and offsets, its parent,
 * its children and named children (as lists, by index and by offset) and the children of each of
 * its fields. withLighterNodeTransfer's check; its test asks it of real files.
 */
export function accessorsAgreeWithCursor(tree: Parser.Tree): boolean {
  const cursor = tree.walk();
  const same = (a: Parser.SyntaxNode | null | undefined, b: Parser.SyntaxNode | null | undefined): boolean =>
    a === b || (!!a && !!b && a.type === b.type && a.startIndex === b.startIndex && a.endIndex === b.endIndex);
  const agrees = (node: Parser.SyntaxNode, parent: Parser.SyntaxNode | null): boolean => {
    if (node.type !== cursor.nodeType || node.startIndex !== cursor.startIndex || node.endIndex !== cursor.endIndex || !same(node.parent, parent)) return false;
    const children = node.children;
    const named: Parser.SyntaxNode[] = [];
    const fields = new Map<string, Parser.SyntaxNode[]>();
    let count = 0;
    if (cursor.gotoFirstChild()) {
      do {
        const child = children[count];
        if (!child || !same(node.child(count), child)) return false;
        if (cursor.nodeIsNamed) named.push(child);
        const field = cursor.currentFieldName;
        if (field) fields.set(field, [...(fields.get(field) ?? []), child]);
        if (!agrees(child, node)) return false;
        count++;
      } while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }
    if (count !== children.length || node.childForFieldName("no_such_field") !== null) return false;
    const namedChildren = node.namedChildren;
    if (namedChildren.length !== named.length || !named.every((child, index) => same(namedChildren[index], child) && same(node.namedChild(index), child))) return false;
    if (!named.every((child) => same(node.firstNamedChildForIndex(child.startIndex), named.find((other) => other.endIndex > child.startIndex)))) return false;
    for (const [field, nodes] of fields) {
      const listed = node.childrenForFieldName(field);
      if (!same(node.childForFieldName(field), nodes[0]) || listed.length !== nodes.length || !nodes.every((child, index) => same(listed[index], child))) return false;
    }
    return true;
  };
  return agrees(tree.rootNode, null);
}

/** Every node of a tree, in order. */
function allNodes(root: Parser.SyntaxNode): Parser.SyntaxNode[] {
  const nodes = [root];
  for (let index = 0; index < nodes.length; index++) nodes.push(...nodes[index].children);
  return nodes;
}

// Non-ASCII text, a second line and nesting, so that bytes, rows and columns all differ.
const SAMPLE = "import numpy as np\nclass C:\n    def f(self, é='ü'):\n        return np.add(1, 2)  # é\n";

/**
 * node-tree-sitter copies the input into a buffer of `bufferSize` UTF-16 units (one of them for a
 * terminator), which it allocates and zeroes for every parse, and reads the text a buffer at a
 * time. A fixed 1 MB (2 MB of memory per parse, most of it never read) cost 5 to 8% of a cold lint
 * of the stdlib, a thousand small parses: a short text takes one buffer of its own length. A long
 * one is read 32 K units at a time, the size node-tree-sitter takes by default: a buffer of the
 * whole text (the largest skeletons are 0.6 MB of memory) was memory the process touched anew at
 * each large parse, some 5% of a cold lint's page faults (docs/speed.md), and
 * test/parser.test.ts checks that the trees are the same.
 */
function bufferSizeFor(text: string): number {
  return Math.min(text.length + 1, READ_UNITS);
}

const READ_UNITS = 32 * 1024;

/**
 * Parses Python source, PEP 810 `lazy import` included (see pep810.ts). `skip`: ranges of the
 * text, [start, end) in ascending order, that the parser passes over as if they were not there;
 * offsets stay those of the whole text. A skeleton (skeleton.ts) skips its blanked bodies: the
 * spaces it put there cost the parser about a third of its time, and compacting the text instead
 * would move every offset. `lineText`: a text that agrees with this one outside the skipped
 * ranges, as far as this one goes (the module's own, for a skeleton or the start of one), whose
 * line endings give the rows and columns of the text around them (a skeleton's blanked bodies
 * have none); what the skipped ranges hold is never read.
 */
export function parsePython(source: string, oldTree?: Parser.Tree, skip: readonly { start: number; end: number }[] = [], lineText = source): Parser.Tree {
  const { text, statementStarts } = maskLazyKeywords(source);
  const includedRanges = skip.some(({ start, end }) => end > start) ? rangesBetween(text.length, lineText, skip) : undefined;
  const read = includedRanges ? includedRanges.reduce((sum, range) => sum + range.endIndex - range.startIndex, 0) : text.length;
  parsed += read;
  let tree = pythonParser().parse(text, oldTree, { bufferSize: bufferSizeFor(text), includedRanges });
  const real = statementStarts.filter((offset) => startsImportStatement(tree, offset));
  if (real.length < statementStarts.length) {
    // A "lazy import" line inside a string: parse again with only the real keywords blanked.
    const keep = new Set(real);
    const restored = restoreKeywords(source, text, statementStarts.filter((offset) => !keep.has(offset)));
    parsed += read;
    tree = pythonParser().parse(restored, undefined, { bufferSize: bufferSizeFor(text), includedRanges });
  }
  rememberLazyStatements(tree, real);
  return tree;
}

/**
 * Characters that parsePython has read in this thread so far, the ranges it was told to skip not
 * counted: the native memory of the trees it made, while they live, is about proportional to it
 * (see release.ts), where the length of the texts is not (a skeleton's tree has no nodes for
 * its blanked bodies, a prefix's none for the rest of the module).
 */
export function charactersParsed(): number {
  return parsed;
}

let parsed = 0;

/** The ranges of a text of `length` around the skipped ones, as tree-sitter takes them (with their points in `lineText`). */
function rangesBetween(length: number, lineText: string, skip: readonly { start: number; end: number }[]): Parser.Range[] {
  const spans: [number, number][] = [];
  let at = 0;
  for (const { start, end } of skip) {
    if (end <= start) continue;
    if (start > at) spans.push([at, start]);
    at = end;
  }
  if (at < length || spans.length === 0) spans.push([at, length]);
  const points = treePoints(lineText, spans.flat());
  return spans.map(([startIndex, endIndex], index) => ({ startIndex, endIndex, startPosition: points[2 * index], endPosition: points[2 * index + 1] }));
}

function startsImportStatement(tree: Parser.Tree, offset: number): boolean {
  const node = tree.rootNode.descendantForIndex(offset);
  const statement = node.parent;
  return statement !== null && statement.startIndex === offset && (statement.type === "import_statement" || statement.type === "import_from_statement");
}

/** Puts the original text back at the given statement starts (the four characters before the gap). */
function restoreKeywords(source: string, masked: string, statementStarts: number[]): string {
  let text = masked;
  for (const offset of statementStarts) {
    const keyword = source.lastIndexOf("lazy", offset);
    text = text.slice(0, keyword) + "lazy" + text.slice(keyword + 4);
  }
  return text;
}

/**
 * tree-sitter's point of each offset, ascending: rows end at `\n` only (a lone `\r` does not start
 * a row for tree-sitter, unlike for LSP), columns count UTF-16 code units as the node binding does.
 */
export function treePoints(text: string, ascendingOffsets: readonly number[]): Parser.Point[] {
  const points: Parser.Point[] = [];
  let row = 0;
  let lineStart = 0;
  let newline = text.indexOf("\n");
  for (const offset of ascendingOffsets) {
    while (newline !== -1 && newline < offset) {
      row++;
      lineStart = newline + 1;
      newline = text.indexOf("\n", lineStart);
    }
    points.push({ row, column: offset - lineStart });
  }
  return points;
}

/** tree-sitter's point of one offset. */
export function treePoint(text: string, offset: number): Parser.Point {
  return treePoints(text, [offset])[0];
}
