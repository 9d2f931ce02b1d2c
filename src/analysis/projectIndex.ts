import { readFileSync } from "node:fs";
import path from "node:path";
import { LineIndex } from "../parse/lines.js";
import { decodePythonSource } from "../parse/source.js";
import { moduleNameForFile, resolveRelativeModule } from "./modulePath.js";

/** Where another module of the project reaches a name of this module. */
export interface ExternalReference {
  file: string;
  /** 1-based line. */
  line: number;
  /** `from pkg.util import np`, `pkg.util.np`, `mock.patch("pkg.util.np.load")`… */
  how: string;
}

/** Who answers "does another module of the project reach `module.name`?" (a ProjectIndex, or a channel to one). */
export interface ExternalReferences {
  externalReference(module: string, name: string, fromFile: string): ExternalReference | undefined;
}

/** What one file can reach of other modules, read once from its syntax; small enough to keep. */
interface FileFacts {
  /** `module\0name` of each `from module import name`, with its line. */
  fromImports: Map<string, number>;
  /** Names bound to a module (or a package above it) and the module each stands for. */
  standIns: { name: string; module: string }[];
  /** For each such name, the attribute chains read after it (`b.c` for `a.b.c`), with their lines. */
  chains: Map<string, { chain: string; line: number }[]>;
  /** String literals that look like dotted paths (`mock.patch("pkg.util.np.load")`), with their lines. */
  dottedStrings: { value: string; line: number }[];
}

/**
 * Answers "does any other module of the project reach `module.name`?" over every Python file of
 * the project (tests included). Files are read once, as bytes; a file is decoded and read for
 * facts only if its text mentions both the name and the module's last component: every way of
 * reaching `pkg.util.np` spells both. What a file reaches is read from its text with patterns, once.
 */
export class ProjectIndex implements ExternalReferences {
  private readonly facts = new Map<string, FileFacts | null>();
  private readonly answers = new Map<string, ExternalReference | null>();

  private files?: readonly string[];

  /** `projectFiles` may be a function: the list is then made on the first question, if one comes. */
  constructor(
    private readonly projectFiles: readonly string[] | (() => readonly string[]),
    private readonly root: string,
  ) {}

  private get projectFileList(): readonly string[] {
    this.files ??= typeof this.projectFiles === "function" ? this.projectFiles() : this.projectFiles;
    return this.files;
  }

  externalReference(module: string, name: string, fromFile: string): ExternalReference | undefined {
    if (module === "") return undefined;
    const key = `${module}\u0000${name}`;
    if (!this.answers.has(key)) this.answers.set(key, this.search(module, name, path.resolve(fromFile)) ?? null);
    return this.answers.get(key) ?? undefined;
  }

  private search(module: string, name: string, fromFile: string): ExternalReference | undefined {
    // The module's last component is usually the rarer word: list its files, then look for the
    // name in those alone.
    const wanted = new Needle(name);
    for (const index of this.filesMentioning(module.split(".").pop()!)) {
      const file = this.projectFileList[index];
      if (!this.holds(index, wanted) || path.resolve(file) === fromFile) continue;
      const facts = this.factsOf(index);
      const found = facts && reachIn(facts, module, name);
      if (found) return { ...found, file: path.relative(this.root, file) };
    }
    return undefined;
  }

  /** The project's files as bytes with a filter of their words, read on the first question; null for a file that cannot be read. */
  private contents?: ({ bytes: Buffer; words: WordFilter } | null)[];
  /** For each word asked about, the indices (in the project's file list) of the files that spell it. */
  private readonly mentioning = new Map<string, number[]>();

  /**
   * The project's files whose text holds `word` as a whole word (ASCII word boundaries, so a
   * neighbouring non-ASCII letter never hides a match). Each file's filter rules most files out
   * at once; the rest are searched in their bytes, so most files are never decoded.
   */
  private filesMentioning(word: string): readonly number[] {
    let found = this.mentioning.get(word);
    if (found === undefined) {
      this.contents ??= this.projectFileList.map(readWithFilter);
      const needle = new Needle(word);
      found = [];
      for (let index = 0; index < this.contents.length; index++) if (this.holds(index, needle)) found.push(index);
      this.mentioning.set(word, found);
    }
    return found;
  }

  // Runs for every file of the project for each new word asked (millions of times at `--threshold 0`
  // on the stdlib): no closures, no arrays.
  private holds(index: number, needle: Needle): boolean {
    const content = this.contents?.[index];
    if (!content || (needle.hash !== undefined && !content.words.mayHold(needle.hash))) return false;
    for (const bytes of needle.bytes) if (holdsWord(content.bytes, bytes)) return true;
    return false;
  }

  private factsOf(index: number): FileFacts | undefined {
    const file = this.projectFileList[index];
    if (!this.facts.has(file)) {
      const text = textOf(this.contents?.[index]?.bytes);
      // A copy: the facts' strings are slices of the text, and V8 keeps a whole string alive for
      // any slice of it, so the facts would otherwise hold every text read (tens of MB on a large tree).
      this.facts.set(file, text === undefined ? null : structuredClone(readFacts(text, moduleNameForFile(file))));
    }
    return this.facts.get(file) ?? undefined;
  }
}

/** A word to look for: its bytes in UTF-8 and Latin-1 (the encodings pylazy reads), and its filter hash when it is ASCII. */
class Needle {
  readonly bytes: Buffer[];
  readonly hash?: number;

  constructor(word: string) {
    this.bytes = [...new Set([Buffer.from(word, "utf8"), Buffer.from(word, "latin1")].map((buffer) => buffer.toString("latin1")))].map((text) => Buffer.from(text, "latin1"));
    if (/^\w+$/.test(word)) this.hash = wordHash(this.bytes[0], 0, this.bytes[0].length);
  }
}

function readWithFilter(file: string): { bytes: Buffer; words: WordFilter } | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  return { bytes, words: WordFilter.of(bytes) };
}

/**
 * A Bloom filter of the ASCII words of a text (runs of letters, digits and underscores): "no"
 * is certain, "maybe" is checked in the text. About a bit per byte of text (most words repeat), two probes.
 */
class WordFilter {
  private constructor(private readonly bits: Uint32Array) {}

  static of(bytes: Buffer): WordFilter {
    const size = Math.max(64, 1 << Math.ceil(Math.log2(Math.max(1, bytes.length))));
    const filter = new WordFilter(new Uint32Array(size >>> 5));
    let start = -1;
    for (let at = 0; at <= bytes.length; at++) {
      if (at < bytes.length && WORD_BYTE[bytes[at]] === 1) {
        if (start < 0) start = at;
      } else if (start >= 0) {
        filter.add(wordHash(bytes, start, at));
        start = -1;
      }
    }
    return filter;
  }

  // The two bits a word's hash sets: its low half and its halves swapped, within the filter's size.

  private add(hash: number): void {
    const mask = this.bits.length * 32 - 1;
    const first = hash & mask;
    const second = ((hash >>> 16) | (hash << 16)) & mask;
    this.bits[first >>> 5] |= 1 << (first & 31);
    this.bits[second >>> 5] |= 1 << (second & 31);
  }

  mayHold(hash: number): boolean {
    const mask = this.bits.length * 32 - 1;
    const first = hash & mask;
    const second = ((hash >>> 16) | (hash << 16)) & mask;
    return (this.bits[first >>> 5] & (1 << (first & 31))) !== 0 && (this.bits[second >>> 5] & (1 << (second & 31))) !== 0;
  }
}

/** FNV-1a over bytes [start, end). */
function wordHash(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let at = start; at < end; at++) hash = Math.imul(hash ^ bytes[at], 0x01000193);
  return hash >>> 0;
}

/** `needle` occurs in `bytes` with no ASCII letter, digit or underscore right before or after it. */
function holdsWord(bytes: Buffer, needle: Buffer): boolean {
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
    if (!isAsciiWordByte(bytes[at - 1]) && !isAsciiWordByte(bytes[at + needle.length])) return true;
  }
  return false;
}

const WORD_BYTE = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) WORD_BYTE[byte] = (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte === 95 ? 1 : 0;

function isAsciiWordByte(byte: number | undefined): boolean {
  return byte !== undefined && WORD_BYTE[byte] === 1;
}

/** A project file's text; an unreadable file cannot reach anything (lint reports it on its own). */
function textOf(bytes: Buffer | null | undefined): string | undefined {
  if (!bytes) return undefined;
  try {
    return decodePythonSource(bytes).text;
  } catch {
    return undefined;
  }
}

// `from .pkg.util import (np, pd as p)`, `import pkg.util as u, os`: tried where a line or a `;` starts.
const FROM_IMPORT = /[ \t]*(?:lazy[ \t]+)?from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)/y;
const PLAIN_IMPORT = /[ \t]*(?:lazy[ \t]+)?import[ \t]+([^\n#;]*)/y;

/**
 * The matches of an anchored import pattern at the start of a line or after a `;`, on the lines
 * that spell `import` (found with indexOf: far cheaper than trying the pattern everywhere).
 */
function* importStatements(text: string, pattern: RegExp): Generator<RegExpExecArray> {
  const tried = new Set<number>();
  for (let at = text.indexOf("import"); at !== -1; at = text.indexOf("import", at + 6)) {
    let lineStart = at;
    while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10 && text.charCodeAt(lineStart - 1) !== 13) lineStart--;
    const starts = [lineStart];
    for (let semicolon = text.indexOf(";", starts[0]); semicolon !== -1 && semicolon < at; semicolon = text.indexOf(";", semicolon + 1)) starts.push(semicolon + 1);
    for (const from of starts) {
      if (tried.has(from)) continue;
      tried.add(from);
      pattern.lastIndex = from;
      const match = pattern.exec(text);
      if (match) yield match;
    }
  }
}

// `pty = _PylazyModule("pty")`, `np = lazy_import("numpy")`: a lazy proxy stands for its module as an import does.
const LAZY_PROXY = /(?:^|;)[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*[\w.]*[Ll][Aa][Zz][Yy][\w.]*[ \t]*\([ \t]*["']([A-Za-z_][\w.]*)["']/gm;
const DOTTED_STRING = /["']([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+)["']/g;

/**
 * Read from the text, not the syntax tree: parsing every file of a large project again would cost
 * more than the whole lint. The patterns also match inside strings and comments, which can only
 * add reaches: a fix may be refused that was safe, never the other way round.
 */
function readFacts(rawText: string, current: { module: string; isPackage: boolean }): FileFacts {
  const text = rawText.replace(/\\\r?\n/g, " ");
  const lines = new LineIndex(text);
  const lineOf = (offset: number): number => lines.lineOf(offset) + 1;
  const facts: FileFacts = { fromImports: new Map(), standIns: [], chains: new Map(), dottedStrings: [] };
  for (const match of importStatements(text, FROM_IMPORT)) {
    const dots = /^\.*/.exec(match[1])![0].length;
    const base = resolveRelativeModule(match[1].slice(dots), dots, current);
    if (base === undefined) continue;
    for (const { name, bound } of importedNames(match[2].replace(/[()]/g, " "))) {
      facts.fromImports.set(`${base}\u0000${name}`, lineOf(match.index));
      facts.standIns.push({ name: bound, module: `${base}.${name}` });
    }
  }
  for (const match of importStatements(text, PLAIN_IMPORT)) {
    for (const { name, bound, aliased } of importedNames(match[1])) {
      // `import pkg.util` binds `pkg`; `import pkg.util as u` binds `u` to `pkg.util`.
      const top = name.split(".")[0];
      facts.standIns.push({ name: aliased ? bound : top, module: aliased ? name : top });
    }
  }
  if (/lazy/i.test(text)) for (const match of text.matchAll(LAZY_PROXY)) facts.standIns.push({ name: match[1], module: match[2] });
  // The attribute chains after every stand-in name, in one pass over the text.
  const names = new Set(facts.standIns.map((standIn) => standIn.name));
  const addChain = (name: string, chain: string, offset: number): void => {
    let chains = facts.chains.get(name);
    if (!chains) facts.chains.set(name, (chains = []));
    chains.push({ chain: chain.replace(/[ \t]/g, "").slice(1), line: lineOf(offset) });
  };
  if (names.size > 0) {
    const chains = new RegExp(`(?<![\\w.])(${[...names].map(escapeRegExp).join("|")})((?:[ \\t]*\\.[ \\t]*[A-Za-z_]\\w*)+)`, "g");
    for (const match of text.matchAll(chains)) addChain(match[1], match[2], match.index);
  }
  for (const match of text.matchAll(DOTTED_STRING)) facts.dottedStrings.push({ value: match[1], line: lineOf(match.index) });
  return facts;
}

/** `a.b as c, d` → the imported names and the names they bind. */
export function importedNames(list: string): { name: string; bound: string; aliased: boolean }[] {
  const names: { name: string; bound: string; aliased: boolean }[] = [];
  for (const part of list.split(",")) {
    const match = /^\s*([A-Za-z_][\w.]*)\s*(?:as\s+([A-Za-z_]\w*))?\s*$/.exec(part);
    if (match) names.push({ name: match[1].replace(/\s+/g, ""), bound: match[2] ?? match[1], aliased: match[2] !== undefined });
  }
  return names;
}

function reachIn(facts: FileFacts, module: string, name: string): Omit<ExternalReference, "file"> | undefined {
  const line = facts.fromImports.get(`${module}\u0000${name}`);
  if (line !== undefined) return { line, how: `from ${module} import ${name}` };
  for (const standIn of facts.standIns) {
    if (!(module === standIn.module || module.startsWith(`${standIn.module}.`))) continue;
    const rest = module.slice(standIn.module.length + 1);
    const wanted = rest ? `${rest}.${name}` : name;
    const hit = facts.chains.get(standIn.name)?.find(({ chain }) => chain === wanted || chain.startsWith(`${wanted}.`));
    if (hit) return { line: hit.line, how: `${standIn.name}.${wanted}` };
  }
  const dotted = `${module}.${name}`;
  const string = facts.dottedStrings.find(({ value }) => value === dotted || value.startsWith(`${dotted}.`));
  return string && { line: string.line, how: JSON.stringify(string.value) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
