import { isAttributeObject } from "../analysis/attributes.js";
import { callShapes, runnerCallers, runnerDefinedBy, runnerOf } from "../analysis/importTimeCalls.js";
import { ALWAYS_RELEVANT, firstAtOrAfter, wordPositions } from "../analysis/model.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import type { FileAnalysis } from "../engine/lintSource.js";
import { skipsFile } from "../engine/noqa.js";
import { LineIndex } from "../parse/lines.js";
import { parsePython } from "../parse/parser.js";
import { isWordChar } from "../parse/skeleton.js";
import type { SyntaxNode } from "../parse/parser.js";

/** A diagnostic of the last whole analysis, with its positions as offsets into the text. */
interface PlacedDiagnostic {
  diagnostic: Diagnostic;
  start: number;
  end: number;
  use?: number;
}

/**
 * The diagnostics of a document carried through edits that cannot change them, so that a keystroke
 * costs a parse of the one top-level statement it is in instead of an analysis of the file.
 *
 * The argument: the analysis (lintSource) reads the module through a semantic model focused on a few
 * words (the names its heavy imports bind, and model.ts's ALWAYS_RELEVANT). In every block, the
 * module's included, the model visits only the statements that contain one of them, each as a whole
 * but for its own blocks, and skips every other statement. Take an edit inside a top-level statement
 * S that starts a line. When
 * - S, as edited, still parses on its own without errors, starting and ending a line, so that the
 *   whole module parses into the same statements before and after it, and
 * - what the model reads of S is the same text: S's statements that contain a focus word, each
 *   with its blocks reduced to their own statements that contain one (see `projection`), up to
 *   numbers (the model reads none) and names it does not know by spelling (`freelyNamed`),
 * then the model answers every question about the focus words as before, up to offsets inside S.
 * When, besides, no diagnostic lies inside S, the diagnostics are the old ones with every offset
 * after S moved by the edit's length. Messages quote a line only for an import-time use, which is
 * checked. Anything else (the words `lazy`, `noqa`, `__future__`, a `skip-file` comment, an edit
 * across statements, a syntax error) is left to the whole analysis; test/lspIncremental.test.ts
 * compares both over random edits of real files.
 */
export class CarriedDiagnostics {
  private constructor(
    /** The text these offsets are in. */
    private text: string,
    /** Start of each top-level statement (comments included), ascending. */
    private starts: number[],
    private readonly placed: PlacedDiagnostic[],
    private readonly words: readonly string[],
    /** A superset of the names the import statements of the text spell, and of its module's components (see freelyNamed). */
    private readonly importWords: Set<string>,
    /** For each focus word, how many of its module-level references run later, in a function body (see renamedUse). */
    private readonly deferredUses: Map<string, number>,
    /** The module-level functions those references are in (a superset, once edits are carried). */
    private readonly runners: Set<string>,
  ) {}

  /** What the fast path needs from a whole analysis; undefined when the analysis cannot be carried. */
  static from(analysis: FileAnalysis): CarriedDiagnostics | undefined {
    if (analysis.skipped || analysis.fromSkeleton || analysis.focusWords === undefined) return undefined;
    // tree-sitter ends a line at `\n` only: a lone `\r` is a space to it, a line break to Python and to the checks below.
    if (LONE_CR.test(analysis.source)) return undefined;
    const starts: number[] = [];
    const cursor = analysis.tree.walk();
    if (cursor.gotoFirstChild()) {
      do if (cursor.nodeIsNamed) starts.push(cursor.startIndex);
      while (cursor.gotoNextSibling());
    }
    const { lines } = analysis;
    const offsetOf = (position: { row: number; column: number }): number => lines.lineStart(position.row - 1) + position.column - 1;
    const placed = analysis.diagnostics.map((diagnostic) => ({
      diagnostic,
      start: offsetOf(diagnostic.location),
      end: offsetOf(diagnostic.endLocation),
      use: diagnostic.importTimeUse && offsetOf(diagnostic.importTimeUse),
    }));
    const importWords = new Set(analysis.file.module.split("."));
    addImportWords(analysis.source, importWords);
    const model = analysis.model;
    // The references that run later, as usesOf sorts them (without looking for calls at import time, which the diagnostics already tell).
    const deferred = new Map(model ? analysis.focusWords.map((word) => [word, model.moduleReferences(word).filter((ref) => ref.context === "deferred")]) : []);
    const deferredUses = new Map([...deferred].map(([word, uses]) => [word, uses.length]));
    // The module-level functions that hold such uses, and those that call them: a call of one at
    // import time makes the uses count then (importTimeCalls.ts), so an edit of a statement that
    // calls one is not carried.
    const held = new Set(model ? [...deferred.values()].flat().flatMap((use) => runnerOf(use.scope, model)?.name ?? []) : []);
    const runners = model && held.size > 0 ? runnerCallers(model, held) : held;
    return new CarriedDiagnostics(analysis.source, starts, placed, [...new Set([...analysis.focusWords, ...ALWAYS_RELEVANT])], importWords, deferredUses, runners);
  }

  /**
   * Carries the diagnostics through one edit of the text they were made for: `oldEnd - start`
   * characters at `start` replaced by `inserted`. False when that cannot be shown safe; this object
   * is then stale and the document needs a whole analysis.
   */
  apply(start: number, oldEnd: number, inserted: string): boolean {
    // The last statement that starts at or before the edit (offsets are whole numbers).
    const last = firstAtOrAfter(this.starts, start + 1) - 1;
    if (last < 0) return this.refuse("before the first statement");
    // Statements that share a line (`x = 1  # note`, `a = 1; b = 2`) go together, from the one that starts it.
    let index = last;
    while (index > 0 && !startsLine(this.text, this.starts[index])) index--;
    const statementStart = this.starts[index];
    const nextStart = last + 1 < this.starts.length ? this.starts[last + 1] : this.text.length;
    if (oldEnd > nextStart) return this.refuse("across statements");
    if (!startsLine(this.text, statementStart)) return this.refuse("the statement does not start a line");
    if (this.placed.some(({ start: from, end, use }) => (from < nextStart && end > statementStart) || (use !== undefined && use >= statementStart && use < nextStart))) {
      return this.refuse("a diagnostic in the statement");
    }
    // The text had no lone `\r`: only the edit can make one, around it.
    const around = this.text.slice(Math.max(0, start - 1), start) + inserted + this.text.slice(oldEnd, oldEnd + 1);
    if (LONE_CR.test(around)) return this.refuse("a lone carriage return");
    const before = this.text.slice(statementStart, nextStart);
    const after = before.slice(0, start - statementStart) + inserted + before.slice(oldEnd - statementStart);
    if (nextStart < this.text.length && !/[\n\r]$/.test(after)) return this.refuse("the next statement no longer starts a line");
    // `lazy` turns on lazy-construct checks over the whole text; a noqa comment may hide a finding;
    // `from __future__` imports count only at the top.
    if (UNCARRIED_WORDS.test(before) || UNCARRIED_WORDS.test(after) || skipsFile(after)) return this.refuse("lazy, noqa, __future__ or skip-file");
    if (this.text.lastIndexOf("__future__") >= statementStart) return this.refuse("before a __future__ import");
    // A call of a function that reads a followed name, added or taken away, may make that name
    // needed at import time or no longer (importTimeCalls.ts).
    if (this.runners.size > 0 && [before, after].some((text) => callShapes(text).some(({ name }) => this.runners.has(name)))) return this.refuse("a call of a module-level function that reads a followed name");
    // So may such a function (or class) renamed, or another renamed to its name (the model reads no `def`'s name).
    const defined = [definedNames(before), definedNames(after)];
    if (defined[0].join() !== defined[1].join() && defined.flat().some((name) => this.runners.has(name))) return this.refuse("a module-level function that reads a followed name renamed");
    // The rest of the text is unchanged: with the edited statement's, the set covers the new text.
    addImportWords(after, this.importWords);
    const old = projection(before, this.words, this.importWords);
    const edited = old && projection(after, this.words, this.importWords);
    if (!old || !edited) return this.refuse("not whole statements without errors");
    const respelled = !sameReads(old.read, edited.read);
    if (respelled) {
      const renamed = this.renamedUse(before, after, start - statementStart, oldEnd - statementStart, inserted);
      if (typeof renamed === "string") return this.refuse(renamed);
      for (const [word, change] of renamed) this.deferredUses.set(word, this.deferredUses.get(word)! + change);
    }
    this.respelled = respelled;
    const delta = inserted.length - (oldEnd - start);
    if (lineBreaks(after) !== lineBreaks(before) && this.placed.some(({ use }) => use !== undefined && use >= nextStart)) return this.refuse("a message's line moves");
    this.text = this.text.slice(0, start) + inserted + this.text.slice(oldEnd);
    const moved = (offset: number): number => (offset >= nextStart ? offset + delta : offset);
    this.starts = [...this.starts.slice(0, index), ...edited.starts.map((at) => statementStart + at), ...this.starts.slice(last + 1).map(moved)];
    for (const placed of this.placed) {
      placed.start = moved(placed.start);
      placed.end = moved(placed.end);
      if (placed.use !== undefined) placed.use = moved(placed.use);
    }
    return true;
  }

  /**
   * When the edit, at `start` to `oldEnd` of the statement's text `before` (`after` once made),
   * respells one name read in a function body, `np.add` becoming `nps.add`: the changes this
   * makes to the focus words' counts of deferred references, or why it cannot be carried.
   *
   * The argument: such a name is a reference that runs later, in a function, to the module's
   * binding of that spelling, when
   * - it is the object of an attribute (`np.add`), which reads it; the attribute names no
   *   submodule (no name of importWords) and is none the model reads by spelling; the chain is
   *   not assigned to or deleted;
   * - between it and the body of the `def` it is in, there is no annotation, decorator,
   *   parameter, class or pattern (each evaluated at another time, or binding names), and the
   *   statement spells no `TYPE_CHECKING`;
   * - in the statement, before and after, every other place that spells the old or the new name
   *   is such an object, or an attribute's name: nothing in it binds either, so both resolve
   *   to the module's binding.
   * The model then reads the statement as before (compared with `projection`, that name masked)
   * but for one deferred reference taken from the old spelling's and given to the new one's. The
   * rules read a name's deferred references only as "whether there are any" and "whether each is
   * in a `def`" (LZ001, LZ003; the safety checks read none that such a reference changes): so
   * when a focus word among them has at least one deferred reference before and after, the
   * diagnostics are the same. A spelling that is not a focus word is one the model does not read.
   */
  private renamedUse(before: string, after: string, start: number, oldEnd: number, inserted: string): Map<string, number> | string {
    if (!/^\w*$/.test(inserted)) return "a statement the analysis reads changed";
    let nameStart = start;
    while (nameStart > 0 && isWordChar(before.charCodeAt(nameStart - 1))) nameStart--;
    let oldNameEnd = oldEnd;
    while (oldNameEnd < before.length && isWordChar(before.charCodeAt(oldNameEnd))) oldNameEnd++;
    if (before.slice(start, oldEnd).match(/\W/)) return "a statement the analysis reads changed";
    const newNameEnd = oldNameEnd + inserted.length - (oldEnd - start);
    const respelled = [before.slice(nameStart, oldNameEnd), after.slice(nameStart, newNameEnd)];
    const changes = new Map<string, number>();
    for (const [index, word] of respelled.entries()) {
      if (!this.words.includes(word)) {
        if (READ_BY_NAME.has(word) || /^__.*__$/.test(word)) return "a name the analysis reads by spelling";
        continue;
      }
      const count = this.deferredUses.get(word);
      if (count === undefined) return "a name the analysis follows that is no import's";
      const change = index === 0 ? -1 : 1;
      if (count + change < 1 || count < 1) return "the first or last deferred use of a name";
      changes.set(word, change);
    }
    if (changes.size === 0) return "a statement the analysis reads changed";
    const old = projection(before, this.words, this.importWords, nameStart);
    const edited = old && projection(after, this.words, this.importWords, nameStart);
    if (!old || !edited || !sameReads(old.read, edited.read)) return "a statement the analysis reads changed";
    // The module-level functions the name is read in: each holds a use of a followed word now.
    const runners: string[] = [];
    const spelledElsewhere = (name: string): boolean => {
      runners.push(name);
      return wordPositions(this.text, [name]).length > 1;
    };
    for (const [text, root, end] of [[before, old.root, oldNameEnd], [after, edited.root, newNameEnd]] as const) {
      if (text.includes("TYPE_CHECKING")) return "TYPE_CHECKING";
      const why = deferredRead(root, nameStart, end, this.importWords, spelledElsewhere);
      if (why) return why;
      for (const word of changes.keys()) {
        for (const at of wordPositions(text, [word])) {
          const node = root.namedDescendantForIndex(at, at + word.length);
          if (node.type !== "identifier" || node.startIndex !== at || node.endIndex !== at + word.length) continue;
          if (!isAttributeObject(node) && !isAttributeName(node)) return "a name bound or read another way in the statement";
        }
      }
    }
    for (const name of runners) this.runners.add(name);
    return changes;
  }

  /** Why the last `apply` returned false. */
  refusal: string | undefined;

  /** Whether the last edit carried was a name respelled (see renamedUse), for the tests' tally. */
  respelled = false;

  private refuse(why: string): false {
    this.refusal = why;
    return false;
  }

  /** Whether this is the text the diagnostics are now carried to (the editor's text must be). */
  isFor(text: string): boolean {
    return this.text === text;
  }

  /** The diagnostics, positioned in the current text (without fixes: the editor asks for those, and they are planned then). */
  diagnostics(): Diagnostic[] {
    const lines = new LineIndex(this.text);
    return this.placed.map(({ diagnostic, start, end, use }) => ({
      ...diagnostic,
      fix: null,
      location: lines.position(start),
      endLocation: lines.position(end),
      importTimeUse: use === undefined ? undefined : lines.position(use),
    }));
  }
}

const UNCARRIED_WORDS = /lazy|noqa|__future__/i;

const LONE_CR = /\r(?!\n)/;

/**
 * What the focused model reads of some top-level statements parsed on their own (`read`): the
 * text of each that contains one of `words`, with every block in it reduced to its statements that
 * contain one, and so on down. Undefined when the text has errors, or a statement that does not
 * share a line with the one before does not start its line, or the text ends in a backslash.
 */
function projection(text: string, words: readonly string[], importWords: ReadonlySet<string>, masked?: number): { starts: number[]; read: string[]; root: SyntaxNode } | undefined {
  if (/\\[ \t\f]*(?:\r\n|\r|\n)?$/.test(text)) return undefined;
  const root = parsePython(text).rootNode;
  if (root.hasError) return undefined;
  const statements = root.namedChildren;
  // Each line's first statement must start it: an indented one would join the statement before.
  let previousEnd = -1;
  for (const statement of statements) {
    // A comment is no statement to Python, wherever it starts.
    if (statement.type === "comment") continue;
    const sharesLine = previousEnd >= 0 && !/[\n\r]/.test(text.slice(previousEnd, statement.startIndex));
    if (!sharesLine && !startsLine(text, statement.startIndex)) return undefined;
    previousEnd = statement.endIndex;
  }
  const positions = wordPositions(text, words);
  // A masked name (see renamedUse) counts as a word wherever it is, and reads as a mark of its own.
  if (masked !== undefined) positions.splice(firstAtOrAfter(positions, masked), 0, masked);
  const holdsWord = (node: SyntaxNode): boolean => {
    const index = firstAtOrAfter(positions, node.startIndex);
    return index < positions.length && positions[index] < node.endIndex;
  };
  const render = (node: SyntaxNode, exact: boolean): string => {
    if (node.type === "block") return `{${node.namedChildren.filter(holdsWord).map((child) => render(child, exact)).join("\u0000")}}`;
    const written = text.slice(node.startIndex, node.endIndex);
    if (node.childCount === 0) return exact ? written : leaf(node, written);
    const inner = exact || EXACT_STATEMENTS.has(node.type);
    let rendered = "";
    let at = node.startIndex;
    for (const child of node.children) {
      rendered += text.slice(at, child.startIndex) + render(child, inner);
      at = child.endIndex;
    }
    return rendered + text.slice(at, node.endIndex);
  };
  // Numbers are never read; a name is read only when it is a focus word or one the model knows by
  // name (see `freelyNamed`): others are compared by place, not spelling.
  const leaf = (node: SyntaxNode, written: string): string => {
    if (node.type === "integer" || node.type === "float") return "0";
    if (node.type === "identifier" && node.startIndex === masked) return "\u0002";
    if (node.type === "identifier" && freelyNamed(text, node.startIndex, written, words, importWords)) return "\u0001";
    return written;
  };
  return { starts: statements.map((statement) => statement.startIndex), read: statements.filter(holdsWord).map((statement) => render(statement, false)), root };
}

function sameReads(old: readonly string[], edited: readonly string[]): boolean {
  return old.length === edited.length && old.every((part, i) => part === edited[i]);
}

/**
 * Why the name from `start` to `end` in `root` is not a reference that runs later, read as the
 * object of an attribute in a function body (see renamedUse); undefined when it is.
 */
function deferredRead(root: SyntaxNode, start: number, end: number, importWords: ReadonlySet<string>, spelledElsewhere: (name: string) => boolean): string | undefined {
  const name = root.namedDescendantForIndex(start, end);
  if (name.type !== "identifier" || name.startIndex !== start || name.endIndex !== end || !isAttributeObject(name)) return "not the object of an attribute";
  const attribute = name.parent!;
  const attributeName = attribute.childForFieldName("attribute")?.text;
  if (attributeName === undefined || importWords.has(attributeName) || READ_BY_NAME.has(attributeName) || /^__.*__$/.test(attributeName)) return "an attribute that may name a submodule";
  // The chain it starts (`np.a.b`, `np.a(x).b`), then what holds the chain.
  let top: SyntaxNode = attribute;
  for (let parent = top.parent; parent && CHAIN_LINKS.has(parent.type) && parent.firstNamedChild?.startIndex === top.startIndex; parent = top.parent) top = parent;
  for (let child = top, parent = top.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === "block" && parent.parent?.type === "function_definition") {
      // A function defined at module level, or the constructor of a class defined there, may be
      // called at import time (importTimeCalls.ts): its uses then count as import-time ones, which
      // a respelling would add or take away.
      const runner = runnerDefinedBy(parent.parent);
      if (runner !== undefined && spelledElsewhere(runner)) return "in a module-level function the module may call at import time";
      return undefined;
    }
    if (UNDEFERRED.has(parent.type)) return `inside ${parent.type}`;
    const left = parent.childForFieldName("left");
    if (STORES.has(parent.type) && left && left.startIndex <= child.startIndex && child.endIndex <= left.endIndex) return "assigned to";
    if (parent.type === "delete_statement") return "deleted";
  }
  return "not in a function body";
}

/** The names a text's `def`s and `class`es bind, in order. */
function definedNames(text: string): string[] {
  return [...text.matchAll(DEFINED_NAME)].map((match) => match[1]);
}

const DEFINED_NAME = /(?<![\w.])(?:def|class)[ \t]+([A-Za-z_]\w*)/g;

/** What a chain of reads goes on through: `np.a` in `np.a.b`, `np.a(x)`, `np.a[0]`. */
const CHAIN_LINKS = new Set(["attribute", "call", "subscript"]);

/** Statements with a target on their left. */
const STORES = new Set(["assignment", "augmented_assignment", "for_statement", "for_in_clause"]);

/** What runs at another time than the body around it, binds names, or is read as a type. */
const UNDEFERRED = new Set([
  "decorator",
  "parameters",
  "lambda_parameters",
  "default_parameter",
  "typed_parameter",
  "typed_default_parameter",
  "type",
  "class_definition",
  "type_alias_statement",
  "global_statement",
  "nonlocal_statement",
  "import_statement",
  "import_from_statement",
  "named_expression",
  "with_item",
  "case_clause",
  "match_statement",
  "pattern_list",
  "tuple_pattern",
  "list_pattern",
  "as_pattern",
  "except_clause",
]);

function isAttributeName(node: SyntaxNode): boolean {
  const parent = node.parent;
  return parent?.type === "attribute" && parent.childForFieldName("attribute")?.startIndex === node.startIndex;
}

/** Statements whose names are compared as written: an import's names say what it imports. */
const EXACT_STATEMENTS = new Set(["import_statement", "import_from_statement", "future_import_statement"]);

/** Names the model reads by their spelling besides the focus words and ALWAYS_RELEVANT (model.ts). */
const READ_BY_NAME = new Set(["getattr", "typing", "append", "extend", "modules", "importlib", "import_module"]);

/**
 * Whether the model reads an identifier only as "some name": it is no focus word, no name the model
 * knows by spelling, and no dunder. An attribute (`np.linalg`) is read by its spelling only where
 * it may name a submodule: the safety checks read an attribute chain only to compare it with the
 * path from a package to a submodule that an import loads (safety.ts, reachThrough), whose names
 * are spelled in that import or, for a relative one, in the file's own module. So an ASCII
 * attribute that is none of `importWords` is freely named too.
 */
function freelyNamed(text: string, start: number, name: string, words: readonly string[], importWords: ReadonlySet<string>): boolean {
  if (words.includes(name) || READ_BY_NAME.has(name) || /^__.*__$/.test(name)) return false;
  let before = start - 1;
  while (before >= 0 && /[ \t\f\\\r\n]/.test(text[before])) before--;
  return text[before] !== "." || (/^[A-Za-z_]\w*$/.test(name) && !importWords.has(name));
}

/**
 * Adds every name spelled on a line (backslash continuations joined, and on to the closing
 * parenthesis when the line opens one after `import`) that spells `import` to `words`: the
 * components of every module named by an import statement, in any scope, among them.
 */
function addImportWords(text: string, words: Set<string>): void {
  const joined = text.includes("\\") ? text.replace(/\\(?:\r\n|\r|\n)/g, " ") : text;
  const lineEnd = /[\r\n]/g;
  for (let at = joined.indexOf("import"); at !== -1; at = joined.indexOf("import", at)) {
    let start = at;
    while (start > 0 && joined[start - 1] !== "\n" && joined[start - 1] !== "\r") start--;
    lineEnd.lastIndex = at;
    let end = lineEnd.exec(joined)?.index ?? joined.length;
    // `from a import (\n  b,\n)`: the names run on to the closing parenthesis.
    const open = joined.indexOf("(", at);
    if (open !== -1 && open < end && !joined.slice(open, end).includes(")")) {
      const close = joined.indexOf(")", open);
      end = close === -1 ? joined.length : close;
    }
    for (const word of joined.slice(start, end).match(/[A-Za-z_]\w*/g) ?? []) words.add(word);
    at = end;
  }
}

function startsLine(text: string, offset: number): boolean {
  return offset === 0 || text[offset - 1] === "\n" || text[offset - 1] === "\r";
}

function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
