import { readFileSync } from "node:fs";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { LineIndex } from "../parse/lines.js";
import { saysLazy } from "../parse/pep810.js";
import { isAsciiWordChar } from "../parse/skeleton.js";
import { decodePythonSource } from "../parse/source.js";
import { BLANK, CONTINUATION, continuationStart, hasContinuation, joinContinuations, lastNonBlank, REST_OF_LINE } from "./importPatterns.js";
import { moduleNameForFile, resolveRelativeModule } from "./modulePath.js";

/** Where another module of the project reaches a name of this module. */
export interface ExternalReference {
  file: string;
  /** 1-based line. */
  line: number;
  /** `from pkg.util import np`, `pkg.util.np`, `mock.patch("pkg.util.np.load")`… */
  how: string;
}

/** Who answers "does another module of the project reach `module.name`?" (a ProjectIndex). */
export interface ExternalReferences {
  externalReference(module: string, name: string, fromFile: string): ExternalReference | undefined;
}

/** What one file can reach of other modules, read once from its text (readFacts); offsets are those of `text`. */
interface FileFacts {
  /** The file's text, which the offsets are in (a backslash continuation is a space to the patterns, read in place). */
  text: string;
  /** `module\0name` of each `from module import name`, with the offset of its statement. */
  fromImports: Map<string, number>;
  /** Names bound to a module (or a package above it) and the module each stands for. */
  standIns: { name: string; module: string }[];
  /** For each such name, the attribute chains read after it (`b.c` for `a.b.c`), each with the offset of its first reading. */
  chains: Map<string, Map<string, number>>;
  /** String literals that look like dotted paths (`mock.patch("pkg.util.np.load")`), with their offsets. */
  dottedStrings: { value: string; offset: number }[];
}

/**
 * Answers "does any other module of the project reach `module.name`?" over every Python file of
 * the project (tests included). On the first question (or over time, see prepare) every file is read once, what it reaches is
 * read from its text with patterns (readFacts) and kept as the `module\0name` keys it answers;
 * each question is then a lookup. Building it all at once costs less than reading files question
 * by question did: on a large project most files were read by the end anyway, since a module's
 * last component is often a common word (`test`, `util`). The index keeps only which files reach
 * each key; where and how is read again from the one file that answers (few questions find one).
 */
export class ProjectIndex implements ExternalReferences {
  private readonly answers = new Map<string, ExternalReference | null>();

  private files?: readonly string[];
  /** The files that reach each `module\0name` (indexes in the project's list), in the project's order. */
  private reaches?: Map<string, number[]>;
  /** The index as built so far: the keys of the files before `next`. */
  private partial?: { next: number; reaches: Map<string, number[]> };
  private preparing?: Promise<void>;

  /** `projectFiles` may be a function: the list is then made on the first question, if one comes. */
  constructor(
    private readonly projectFiles: readonly string[] | (() => readonly string[]),
    private readonly root: string,
  ) {}

  private get projectFileList(): readonly string[] {
    this.files ??= typeof this.projectFiles === "function" ? this.projectFiles() : this.projectFiles;
    return this.files;
  }

  /** Whether the index is built: a question is then a lookup. */
  get built(): boolean {
    return this.reaches !== undefined;
  }

  externalReference(module: string, name: string, fromFile: string): ExternalReference | undefined {
    if (module === "") return undefined;
    const key = `${module}\u0000${name}`;
    if (!this.answers.has(key)) this.answers.set(key, this.search(key, path.resolve(fromFile)) ?? null);
    return this.answers.get(key) ?? undefined;
  }

  /**
   * Builds the index a slice at a time, letting other work (lint workers' messages) run between
   * slices; a question asked meanwhile finishes it at once.
   */
  prepare(): Promise<void> {
    if (!this.preparing) {
      this.preparing = (async () => {
        while (this.reaches === undefined) {
          this.buildUntil(performance.now() + PREPARE_SLICE_MS);
          await nextTurn();
        }
      })();
      // Started and left to run (`void index.prepare()`): a failure reaches whoever awaits it, or the next question.
      this.preparing.catch(() => undefined);
    }
    return this.preparing;
  }

  private search(key: string, fromFile: string): ExternalReference | undefined {
    while (this.reaches === undefined) this.buildUntil(Infinity);
    for (const index of this.reaches.get(key) ?? []) {
      const file = this.projectFileList[index];
      if (path.resolve(file) === fromFile) continue;
      // Read again: the same text gives the same facts (a file changed since gives its reach now, if any).
      const text = readText(file);
      const reach = text === undefined ? undefined : reachesOf(readFacts(text, moduleNameForFile(file)), true).get(key);
      if (reach) return { line: reach.line, how: reach.how, file: path.relative(this.root, file) };
    }
    return undefined;
  }

  private buildUntil(deadline: number): void {
    const files = this.projectFileList;
    const partial = (this.partial ??= { next: 0, reaches: new Map() });
    while (partial.next < files.length && performance.now() < deadline) {
      const index = partial.next++;
      const text = readText(files[index]);
      if (text === undefined) continue;
      // A copy: keys are made of slices of the text, and V8 keeps a whole string alive for any
      // slice of it, so the index would otherwise hold every text (tens of MB on a large tree).
      for (const key of structuredClone([...reachesOf(readFacts(text, moduleNameForFile(files[index])), false).keys()])) {
        let list = partial.reaches.get(key);
        if (!list) partial.reaches.set(key, (list = []));
        list.push(index);
      }
    }
    if (partial.next >= files.length) {
      this.reaches = partial.reaches;
      this.partial = undefined;
    }
  }
}

/** How long prepare() builds before it lets other work run. */
const PREPARE_SLICE_MS = 8;

/** A project file's text; a file that cannot be read or decoded reaches nothing (lint reports it on its own). */
function readText(file: string): string | undefined {
  try {
    return decodePythonSource(readFileSync(file)).text;
  } catch {
    return undefined;
  }
}

// `from .pkg.util import (np, pd as p)`, `import pkg.util as u, os`: tried where a line or a `;` starts.
const FROM_IMPORT = /[ \t]*(?:lazy[ \t]+)?from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)/y;
const PLAIN_IMPORT = /[ \t]*(?:lazy[ \t]+)?import[ \t]+([^\n#;]*)/y;
// The same where a backslash continuation (`\` and a line ending) stands for a space (BLANK).
const FROM_IMPORT_CONTINUED = new RegExp(
  String.raw`${BLANK}*(?:lazy${BLANK}+)?from${BLANK}+(\.*[\w.]*)${BLANK}+import${BLANK}*(\([^)]*\)|${REST_OF_LINE})`,
  "y",
);
const PLAIN_IMPORT_CONTINUED = new RegExp(String.raw`${BLANK}*(?:lazy${BLANK}+)?import${BLANK}+(${REST_OF_LINE})`, "y");

/**
 * The matches of the anchored import patterns at the start of a line or after a `;`, on the lines
 * that spell `import` (found with indexOf: far cheaper than trying the patterns everywhere), each
 * pattern's in text order. With `continued` (the text has a backslash continuation), a line
 * starts where the lines it continues start, and a continuation is a space to the patterns.
 */
function importStatements(text: string, continued: boolean): { from: RegExpExecArray[]; plain: RegExpExecArray[] } {
  const found = { from: [] as RegExpExecArray[], plain: [] as RegExpExecArray[] };
  const fromImport = continued ? FROM_IMPORT_CONTINUED : FROM_IMPORT;
  const plainImport = continued ? PLAIN_IMPORT_CONTINUED : PLAIN_IMPORT;
  let lastTried = -1;
  for (let at = text.indexOf("import"); at !== -1; at = text.indexOf("import", at + 6)) {
    let lineStart = at;
    for (;;) {
      while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10 && text.charCodeAt(lineStart - 1) !== 13) lineStart--;
      const backslash = continued ? continuationStart(text, lineStart - 1) : -1;
      if (backslash < 0) break;
      lineStart = backslash;
    }
    // Each start once: those of a line with two `import`s were tried for the first (they only grow).
    const tryAt = (from: number): void => {
      if (from <= lastTried) return;
      lastTried = from;
      fromImport.lastIndex = from;
      const fromMatch = fromImport.exec(text);
      if (fromMatch) found.from.push(continued ? joinContinuations(fromMatch) : fromMatch);
      plainImport.lastIndex = from;
      const plainMatch = plainImport.exec(text);
      if (plainMatch) found.plain.push(continued ? joinContinuations(plainMatch) : plainMatch);
    };
    tryAt(lineStart);
    // Not indexOf: in a file without a `;` it would read on to the end for every `import`.
    for (let offset = lineStart; offset < at; offset++) if (text.charCodeAt(offset) === 59) tryAt(offset + 1);
  }
  return found;
}

// `pty = _PylazyModule("pty")`, `np = lazy_import("numpy")`: a lazy proxy stands for its module as an import does.
const LAZY_PROXY = /(?:^|;)[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*[\w.]*[Ll][Aa][Zz][Yy][\w.]*[ \t]*\([ \t]*["']([A-Za-z_][\w.]*)["']/gm;
// A string literal that looks like a dotted path, tried at each quote before the word before a dot.
const DOTTED_STRING = /["']([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+)["']/y;

/**
 * Read from the text, not the syntax tree: parsing every file of a large project again would cost
 * more than the whole lint. The patterns also match inside strings and comments, which can only
 * add reaches: a fix may be refused that was safe, never the other way round. A backslash
 * continuation is read as a space, in place: a copy of the text with the lines joined was, for a
 * large module, memory the process touched anew (docs/speed.md), and its offsets gave lines
 * that were not the file's.
 */
function readFacts(text: string, current: { module: string; isPackage: boolean }): FileFacts {
  const continued = hasContinuation(text);
  const facts: FileFacts = { text, fromImports: new Map(), standIns: [], chains: new Map(), dottedStrings: [] };
  const statements = importStatements(text, continued);
  for (const match of statements.from) {
    const dots = /^\.*/.exec(match[1])![0].length;
    const base = resolveRelativeModule(match[1].slice(dots), dots, current);
    if (base === undefined) continue;
    for (const { name, bound } of importedNames(match[2].replace(/[()]/g, " "))) {
      facts.fromImports.set(`${base}\u0000${name}`, match.index);
      facts.standIns.push({ name: bound, module: `${base}.${name}` });
    }
  }
  for (const match of statements.plain) {
    for (const { name, bound, aliased } of importedNames(match[1])) {
      // `import pkg.util` binds `pkg`; `import pkg.util as u` binds `u` to `pkg.util`.
      const top = name.split(".")[0];
      facts.standIns.push({ name: aliased ? bound : top, module: aliased ? name : top });
    }
  }
  // Few files have one: the lines joined in a copy then.
  if (saysLazy(text)) for (const match of (continued ? text.replace(CONTINUATION, " ") : text).matchAll(LAZY_PROXY)) facts.standIns.push({ name: match[1], module: match[2] });
  // The attribute chains after every stand-in name (the first line of each distinct chain).
  const { chains, dottedStrings } = readDots(text, new Set(facts.standIns.map((standIn) => standIn.name)), continued);
  facts.dottedStrings = dottedStrings;
  for (const { name, chain, offset } of chains) {
    let chains = facts.chains.get(name);
    if (!chains) facts.chains.set(name, (chains = new Map()));
    const compact = (chain.includes(" ") || chain.includes("\t") || chain.includes("\\") ? chain.replace(CHAIN_BLANKS, "") : chain).slice(1);
    if (!chains.has(compact)) chains.set(compact, offset);
  }
  return facts;
}

const CHAIN_BLANKS = /[ \t]|\\\r?\n/g;

/** `a.b as c, d` → the imported names and the names they bind. */
export function importedNames(list: string): { name: string; bound: string; aliased: boolean }[] {
  const names: { name: string; bound: string; aliased: boolean }[] = [];
  for (const part of list.split(",")) {
    const match = /^\s*([A-Za-z_][\w.]*)\s*(?:as\s+([A-Za-z_]\w*))?\s*$/.exec(part);
    if (match) names.push({ name: match[1].replace(/\s+/g, ""), bound: match[2] ?? match[1], aliased: match[2] !== undefined });
  }
  return names;
}

/**
 * Every `module\0name` a file's facts reach, each with the first reach in the order a question
 * would take them: a `from module import name`; then through a stand-in name, in order, and its
 * chains, in order (the stand-in `u` for `pkg.util` with the chain `np.zeros` reaches
 * `pkg.util\0np` and `pkg.util.np\0zeros`); then a dotted string, in order, at each of its dots.
 * With `told`, also the line and the words of each first reach; without, only the keys (what the
 * index keeps).
 */
function reachesOf(facts: FileFacts, told: boolean): Map<string, { line: number; how: string } | undefined> {
  const reaches = new Map<string, { line: number; how: string } | undefined>();
  const lines = told ? new LineIndex(facts.text) : undefined;
  const add = (module: string, name: string, offset: number, how: () => string): void => {
    const key = `${module}\u0000${name}`;
    if (module !== "" && !reaches.has(key)) reaches.set(key, lines && { line: lines.lineOf(offset) + 1, how: how() });
  };
  for (const [key, offset] of facts.fromImports) {
    const [module, name] = key.split("\u0000");
    add(module, name, offset, () => `from ${module} import ${name}`);
  }
  for (const standIn of facts.standIns) {
    for (const [chain, offset] of facts.chains.get(standIn.name) ?? []) {
      // `a.b.c` after `u` (for `pkg.util`): `pkg.util\0a`, `pkg.util.a\0b`, `pkg.util.a.b\0c`.
      let module = standIn.module;
      let dot = -1;
      for (;;) {
        const next = chain.indexOf(".", dot + 1);
        const name = next === -1 ? chain.slice(dot + 1) : chain.slice(dot + 1, next);
        const end = next === -1 ? chain.length : next;
        add(module, name, offset, () => `${standIn.name}.${chain.slice(0, end)}`);
        if (next === -1) break;
        module = `${module}.${name}`;
        dot = next;
      }
    }
  }
  for (const { value, offset } of facts.dottedStrings) {
    const parts = value.split(".");
    for (let at = 1; at < parts.length; at++) add(parts.slice(0, at).join("."), parts[at], offset, () => JSON.stringify(value));
  }
  return reaches;
}

const CHAIN = /(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)+/y;
const CHAIN_CONTINUED = new RegExp(String.raw`(?:${BLANK}*\.${BLANK}*[A-Za-z_]\w*)+`, "y");

/**
 * What a text has at its dots, in text order:
 * - each place where one of `names` is followed by an attribute chain (`np.linalg.norm`,
 *   `np . zeros`): the name must not follow a word character or a dot, and where two would
 *   overlap the first one's chain wins (as one regular expression scanning left to right would
 *   have it);
 * - each string literal that looks like a dotted path (`"pkg.util.np"`), as DOTTED_STRING with
 *   the global flag would find them: such a match starts at a quote before the word before its
 *   first dot, and matches do not overlap.
 * Found from each dot back to the word before it (the names are ASCII identifiers: importedNames
 * and LAZY_PROXY match no other), whose hash, taken on the way back, is looked up before the word
 * is sliced out: most dots follow `self` or another name that is no stand-in. A pattern of the
 * file's own names would have to be compiled for every file, which cost more than the search;
 * a pass of its own for the dotted strings cost a fifth of the index's build.
 */
function readDots(text: string, names: ReadonlySet<string>, continued: boolean): { chains: { name: string; chain: string; offset: number }[]; dottedStrings: { value: string; offset: number }[] } {
  const chainPattern = continued ? CHAIN_CONTINUED : CHAIN;
  const found: { name: string; chain: string; offset: number }[] = [];
  const dottedStrings: { value: string; offset: number }[] = [];
  let dottedEnd = 0;
  const hashes = new Set<number>();
  for (const name of names) {
    let hash = 0;
    for (let at = name.length - 1; at >= 0; at--) hash = backwardHash(hash, name.charCodeAt(at));
    hashes.add(hash);
  }
  for (let dot = text.indexOf("."); dot !== -1; dot = text.indexOf(".", dot + 1)) {
    // Back over blanks, and a backslash continuation (`\`, a line ending) too.
    const end = lastNonBlank(text, dot - 1, continued) + 1;
    let start = end;
    let hash = 0;
    for (let code = text.charCodeAt(start - 1); start > 0 && isAsciiWordChar(code); code = text.charCodeAt(--start - 1)) hash = backwardHash(hash, code);
    if (end === dot && start < end && start > dottedEnd && isQuote(text.charCodeAt(start - 1))) {
      DOTTED_STRING.lastIndex = start - 1;
      const dotted = DOTTED_STRING.exec(text);
      if (dotted) {
        dottedStrings.push({ value: dotted[1], offset: start - 1 });
        dottedEnd = DOTTED_STRING.lastIndex;
      }
    }
    if (start === end || !hashes.has(hash) || (start > 0 && text.charCodeAt(start - 1) === 46)) continue;
    const name = text.slice(start, end);
    if (!names.has(name)) continue;
    chainPattern.lastIndex = end;
    const chain = chainPattern.exec(text);
    if (!chain) continue;
    found.push({ name, chain: chain[0], offset: start });
    dot = end + chain[0].length - 1;
  }
  return { chains: found, dottedStrings };
}

function isQuote(code: number): boolean {
  return code === 34 || code === 39;
}

/** One step of a word's hash, from its last character to its first. */
function backwardHash(hash: number, code: number): number {
  return (Math.imul(hash, 31) + code) | 0;
}
