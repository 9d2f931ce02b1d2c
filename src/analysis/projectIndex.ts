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
 * the project (tests included). A file is read once, and parsed once, only if its text mentions
 * both the name and the module's last component: every way of reaching `pkg.util.np` spells both.
 * What a file reaches is read from its text with patterns, once.
 */
export class ProjectIndex {
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
    const withName = this.filesMentioning(name);
    const withModule = new Set(this.filesMentioning(module.split(".").pop()!));
    for (const index of withName) {
      const file = this.projectFileList[index];
      if (!withModule.has(index) || path.resolve(file) === fromFile) continue;
      const facts = this.factsOf(file);
      const found = facts && reachIn(facts, module, name);
      if (found) return { ...found, file: path.relative(this.root, file) };
    }
    return undefined;
  }

  /** For each word, the indices (in the project's file list) of the files that spell it, ascending. */
  private wordIndex?: Map<string, number[]>;

  /**
   * The project's files whose text holds `word` as a whole word; the index is built on first use.
   * Texts are not kept: the few files a question concerns are read again.
   */
  private filesMentioning(word: string): readonly number[] {
    if (!this.wordIndex) {
      const index = (this.wordIndex = new Map());
      this.projectFileList.forEach((file, fileIndex) => {
        for (const token of textOf(file)?.match(/[A-Za-z_]\w*/g) ?? []) {
          const files = index.get(token);
          // A long match is a slice that keeps its whole file alive: the index keeps a copy.
          if (files === undefined) index.set(token.length < 13 ? token : Buffer.from(token, "latin1").toString("latin1"), [fileIndex]);
          else if (files[files.length - 1] !== fileIndex) files.push(fileIndex);
        }
      });
    }
    return this.wordIndex.get(word) ?? [];
  }

  private factsOf(file: string): FileFacts | undefined {
    if (!this.facts.has(file)) {
      const text = textOf(file);
      this.facts.set(file, text === undefined ? null : readFacts(text, moduleNameForFile(file)));
    }
    return this.facts.get(file) ?? undefined;
  }
}

/** A project file's text; an unreadable file cannot reach anything (lint reports it on its own). */
function textOf(file: string): string | undefined {
  try {
    return decodePythonSource(readFileSync(file)).text;
  } catch {
    return undefined;
  }
}

// `from .pkg.util import (np, pd as p)`, `import pkg.util as u, os`: at a line start or after `;`.
const FROM_IMPORT = /(?:^|;)[ \t]*(?:lazy[ \t]+)?from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)/gm;
const PLAIN_IMPORT = /(?:^|;)[ \t]*(?:lazy[ \t]+)?import[ \t]+([^\n#;]*)/gm;
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
  for (const match of text.matchAll(FROM_IMPORT)) {
    const dots = /^\.*/.exec(match[1])![0].length;
    const base = resolveRelativeModule(match[1].slice(dots), dots, current);
    if (base === undefined) continue;
    for (const { name, bound } of importedNames(match[2].replace(/[()]/g, " "))) {
      facts.fromImports.set(`${base}\u0000${name}`, lineOf(match.index));
      facts.standIns.push({ name: bound, module: `${base}.${name}` });
    }
  }
  for (const match of text.matchAll(PLAIN_IMPORT)) {
    for (const { name, bound, aliased } of importedNames(match[1])) {
      // `import pkg.util` binds `pkg`; `import pkg.util as u` binds `u` to `pkg.util`.
      const top = name.split(".")[0];
      facts.standIns.push({ name: aliased ? bound : top, module: aliased ? name : top });
    }
  }
  for (const match of text.matchAll(LAZY_PROXY)) facts.standIns.push({ name: match[1], module: match[2] });
  for (const name of new Set(facts.standIns.map((standIn) => standIn.name))) {
    const chains: { chain: string; line: number }[] = [];
    for (const match of text.matchAll(new RegExp(`(?<![\\w.])${escapeRegExp(name)}((?:[ \\t]*\\.[ \\t]*[A-Za-z_]\\w*)+)`, "g"))) {
      chains.push({ chain: match[1].replace(/[ \t]/g, "").slice(1), line: lineOf(match.index) });
    }
    if (chains.length > 0) facts.chains.set(name, chains);
  }
  for (const match of text.matchAll(DOTTED_STRING)) facts.dottedStrings.push({ value: match[1], line: lineOf(match.index) });
  return facts;
}

/** `a.b as c, d` → the imported names and the names they bind. */
function importedNames(list: string): { name: string; bound: string; aliased: boolean }[] {
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
