/**
 * The skeleton of a module: its text with the body of every `def` blanked out, but for the bodies
 * the caller keeps (those that mention a name it cares about), and in those, and in class bodies
 * if asked, every statement but those it keeps (see keptBlock).
 *
 * Nothing in a function body runs while the module is being imported (a nested `def` or `class`
 * there runs when the function does), so the skeleton keeps every import-time use of every name,
 * in the same place, and every use in a kept body. It keeps every offset: the body's first
 * character becomes `0`, an expression statement at the body's indentation, so that the `def`
 * stays a `def`, and every other character of the body a space, line endings included (keeping
 * them took a pass over each body, line by line). Its parse skips the bodies (parser.ts) and
 * takes the rows and columns of the text around them from the module's text. Parsing the
 * skeleton costs a fraction of parsing the module when most of its text is in function bodies,
 * as in a test module.
 *
 * The scan is a Python tokenizer reduced to what finds bodies: strings (all prefixes, triple
 * quotes, escapes), comments, brackets, backslash continuations and indentation. Where it could be
 * wrong it gives up and returns undefined (the caller then parses the whole text): a tab whose
 * width changes the comparison, an f-string that nests its own quote (Python 3.12), an
 * unterminated string.
 */
export interface Skeleton {
  text: string;
  /** The blanked ranges, [start, end) in the text's offsets, in order. */
  bodies: { start: number; end: number }[];
  /** How many characters were blanked. */
  blanked: number;
}

interface LogicalLine {
  /** Offset of the first character of the line's first token. */
  start: number;
  /** Indentation width with tabs to multiples of 8, and with tabs as 1 (Python compares both). */
  indent: number;
  indentAlt: number;
  /** Offset just past the line's last token (before a comment and the line ending). */
  end: number;
  /** Offset of the line ending that ends the logical line (or the text's length). */
  newline: number;
  /** The line is `def …:` or `async def …:` with its body on the following lines. */
  blockDef: boolean;
}

/** A module's logical lines, as functionSkeleton reads them (undefined where the scan gives up). */
export type ModuleLines = readonly LogicalLine[] | undefined;

export function moduleLines(source: string): ModuleLines {
  try {
    return scan(source);
  } catch (error) {
    if (error instanceof Inconsistent) return undefined;
    throw error;
  }
}

/**
 * `keep(start, end)`: whether the text in [start, end) stays, asked of each function body, and in
 * a body that stays, of each of its statements (a statement that does not stay is blanked as a
 * body is, see keptBlock). `lines`: the source's moduleLines, when they are at hand already (a
 * caller that makes two skeletons scans once). `classBodies`: also ask it of each statement of a
 * class body outside any function (code that runs at import time, unlike a function body's).
 * `functionBodies: false`: blank every function body without asking (a skeleton of the code
 * that runs at import time, with classBodies).
 */
export function functionSkeleton(
  source: string,
  keep: (start: number, end: number) => boolean = () => false,
  lines: ModuleLines = moduleLines(source),
  { classBodies = false, functionBodies = true }: { classBodies?: boolean; functionBodies?: boolean } = {},
): Skeleton | undefined {
  if (lines === undefined) return undefined;
  try {
    return new Blanker(source, lines, keep, classBodies, functionBodies).skeleton();
  } catch (error) {
    if (error instanceof Inconsistent) return undefined;
    throw error;
  }
}

/** The body of a `def`, from its first token to the end of its last line's last token. */
export interface DefinitionBody {
  start: number;
  end: number;
  /**
   * The name a call of which runs the body: the function's own for a `def` outside any function
   * or class (inside `if`, `try`… too), the class's for a constructor (`constructors`) directly in
   * such a class (runnerOf in importTimeCalls.ts says the same of the model); undefined for others.
   */
  runner?: string;
  /** The index of the body of the `def` this one is in, or -1. */
  parent: number;
  /**
   * A `def` with its body on its own line (`def f(): return x`): the span is the whole line, and
   * holds nothing for bodyAt (a skeleton never blanks such a body).
   */
  inline?: boolean;
}

/**
 * The body of every `def` of a module, in the order of the text, as its lines show them;
 * undefined where the lines leave a block or a name unclear.
 */
export function definitionBodies(source: string, lines: ModuleLines, constructors: ReadonlySet<string>): DefinitionBody[] | undefined {
  if (lines === undefined) return undefined;
  try {
    const bodies: DefinitionBody[] = [];
    // The headers of the blocks around the line: a `def` (with its body's index), a `class`
    // (with its name) or another statement; and how many of them are a `def` or a `class`.
    const open: { line: number; kind: "def" | "class" | "other"; name?: string; body?: number }[] = [];
    let scopes = 0;
    let innermost = -1;
    const close = (last: number): void => {
      const header = open.pop()!;
      if (header.kind === "other") return;
      scopes--;
      if (header.body === undefined) return;
      bodies[header.body].end = lines[last].end;
      innermost = bodies[header.body].parent;
    };
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index];
      while (open.length > 0 && !deeper(line, lines[open[open.length - 1].line])) close(index - 1);
      const first = source.charCodeAt(line.start);
      const isDef = line.blockDef || ((first === 100 || first === 97) && isDefHeader(source, line.start)); // `def`, `async def`
      let runner: string | undefined;
      if (isDef && scopes <= 1) {
        const name = definedNameAt(source, line.start, "def");
        if (name === undefined) return undefined;
        if (scopes === 0) runner = name;
        else if (constructors.has(name)) {
          let owner = open.length - 1;
          while (open[owner].kind === "other") owner--;
          runner = open[owner].name;
        }
      }
      if (isDef && !line.blockDef) {
        if (runner !== undefined) bodies.push({ start: line.start, end: line.end, runner, parent: innermost, inline: true });
      } else if (line.blockDef) {
        if (index + 1 >= lines.length || !deeper(lines[index + 1], line)) throw new Inconsistent();
        bodies.push({ start: lines[index + 1].start, end: -1, runner, parent: innermost });
        innermost = bodies.length - 1;
        open.push({ line: index, kind: "def", body: innermost });
        scopes++;
      } else if (index + 1 < lines.length && deeper(lines[index + 1], line)) {
        if (leadingWord(source, line.start) !== "class") open.push({ line: index, kind: "other" });
        else {
          const name = definedNameAt(source, line.start, "class");
          if (name === undefined) return undefined;
          open.push({ line: index, kind: "class", name });
          scopes++;
        }
      }
    }
    while (open.length > 0) close(lines.length - 1);
    return bodies;
  } catch (error) {
    if (error instanceof Inconsistent) return undefined;
    throw error;
  }
}

/** The index of the innermost of `bodies` (definitionBodies) that holds `offset`, or -1. */
export function bodyAt(bodies: readonly DefinitionBody[], offset: number): number {
  let low = 0;
  let high = bodies.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (bodies[mid].start <= offset) low = mid + 1;
    else high = mid;
  }
  let index = low - 1;
  while (index >= 0 && (bodies[index].inline || bodies[index].end <= offset)) index = bodies[index].parent;
  return index;
}

/**
 * The name a `def` (or `async def`) or `class` whose header starts at `at` binds, read from the
 * text; undefined where it is not spelled plainly (a backslash continuation before it).
 */
export function definedNameAt(source: string, at: number, kind: "def" | "class"): string | undefined {
  const pattern = kind === "class" ? CLASS_NAME : DEF_NAME;
  pattern.lastIndex = at;
  return pattern.exec(source)?.[1];
}

// The name after `def` or `class`, spelled as it may be (a backslash continuation there gives up).
const DEF_NAME = /(?:async[ \t\f]+)?def[ \t\f]+([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)/y;
const CLASS_NAME = /class[ \t\f]+([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)/y;

class Blanker {
  /** The blanked ranges, in order. */
  private readonly bodies: { start: number; end: number }[] = [];

  constructor(
    private readonly source: string,
    private readonly lines: readonly LogicalLine[],
    private readonly keep: (start: number, end: number) => boolean,
    private readonly classBodies: boolean,
    private readonly functionBodies: boolean,
  ) {}

  skeleton(): Skeleton {
    const { lines, bodies, source } = this;
    for (let index = 0; index < lines.length; index++) {
      if (lines[index].blockDef) index = this.functionBody(index);
      else if (this.classBodies && leadingWord(source, lines[index].start) === "class" && index + 1 < lines.length && deeper(lines[index + 1], lines[index])) {
        const last = this.blockEnd(index);
        this.keptBlock(index + 1, last, "class");
        index = last;
      }
    }
    if (bodies.length === 0) return { text: source, bodies, blanked: 0 };
    const parts: string[] = [];
    let at = 0;
    let blanked = 0;
    for (const { start, end } of bodies) {
      parts.push(source.slice(at, start), "0", spaces(end - start - 1));
      blanked += end - start - 1;
      at = end;
    }
    parts.push(source.slice(at));
    return { text: parts.join(""), bodies, blanked };
  }

  /**
   * The body of the `def` on line `header`: blanked from its first token to the end of its last
   * line's last token, or, when it stays, blanked statement by statement. The index of its last line.
   */
  private functionBody(header: number): number {
    const last = this.blockEnd(header);
    if (this.functionBodies && this.keep(this.lines[header + 1].start, this.lines[last].end)) this.keptBlock(header + 1, last, "function");
    else this.blank(header + 1, last);
    return last;
  }

  /** The last line of the block whose header is on line `header` (the lines below it that are indented deeper). */
  private blockEnd(header: number): number {
    const { lines } = this;
    if (header + 1 >= lines.length || !deeper(lines[header + 1], lines[header])) throw new Inconsistent();
    let last = header + 1;
    while (last + 1 < lines.length && deeper(lines[last + 1], lines[header])) last++;
    return last;
  }

  /**
   * A block that stays, lines `from` to `to`: each of its statements that `keep` does not keep is
   * blanked (runs of them as one), so that `0` stands where the run starts, at the block's
   * indentation. Some stay whatever `keep` says, for the block to keep its shape: in a function
   * body or a clause's block, a definition's header and decorators (its body is judged on its own:
   * where a fix puts an import in a block depends on whether a definition follows, importBlock.ts);
   * a function's docstring and its `global` and `nonlocal` declarations (a function-level import
   * goes after them); and the headers of a compound statement that stays (each of its blocks is
   * judged on its own). In a class body, where no fix puts anything, a definition that `keep` does
   * not keep, decorators, header and body together, is blanked as any other statement is: it can
   * neither bind nor read a name it does not mention (its own name is one it mentions). A
   * compound statement of another kind (`match`, whose block holds only `case` clauses) stays or
   * goes whole.
   */
  private keptBlock(from: number, to: number, block: BlockKind): void {
    const { lines, source } = this;
    let runStart = -1;
    const endRun = (last: number): void => {
      if (runStart >= 0) this.blank(runStart, last);
      runStart = -1;
    };
    let index = from;
    while (index <= to) {
      const line = lines[index];
      const last = this.statementEnd(index, to);
      const word = leadingWord(source, line.start);
      const isDefinition = word === "@" || word === "class" || isDefHeader(source, line.start);
      if (isDefinition && block !== "class") {
        endRun(index - 1);
        this.definition(index, last);
      } else if ((block === "function" && index === from && startsString(source, line.start)) || word === "global" || word === "nonlocal") {
        endRun(index - 1);
      } else if (!this.keep(line.start, lines[last].end)) {
        if (runStart < 0) runStart = index;
      } else if (isDefinition) {
        endRun(index - 1);
        this.definition(index, last);
      } else {
        endRun(index - 1);
        if (last > index && COMPOUND.has(word)) this.clauses(index, last);
      }
      index = last + 1;
    }
    endRun(to);
  }

  /** A statement that starts on line `index`: its last line, past its clauses (`else:`…) and, from a decorator, the definition. */
  private statementEnd(index: number, to: number): number {
    const { lines, source } = this;
    let last = index;
    for (;;) {
      let next = last + 1;
      while (next <= to && deeper(lines[next], lines[index])) next++;
      if (next > to || deeper(lines[index], lines[next])) return next - 1;
      const word = leadingWord(source, lines[last].start);
      if (word === "@" || CLAUSES.has(leadingWord(source, lines[next].start))) last = next;
      else return next - 1;
    }
  }

  /** Decorators, then a `def` or a `class` (lines `from` to `to`): headers stay, bodies are judged on their own. */
  private definition(from: number, to: number): void {
    let header = from;
    while (header < to && leadingWord(this.source, this.lines[header].start) === "@") header++;
    if (header === to) return; // a one-line definition, or one this scan does not know
    if (this.lines[header].blockDef) this.functionBody(header);
    else if (leadingWord(this.source, this.lines[header].start) === "class") this.keptBlock(header + 1, to, "class");
  }

  /** A compound statement that stays (lines `from` to `to`): each clause's header stays, each block is judged on its own. */
  private clauses(from: number, to: number): void {
    let header = from;
    while (header <= to) {
      const last = header + 1 <= to && deeper(this.lines[header + 1], this.lines[header]) ? this.blockEnd(header) : header;
      if (last > header) this.keptBlock(header + 1, Math.min(last, to), "clause");
      header = last + 1;
    }
  }

  /** Blanks lines `from` to `to`, from the first one's first token to the last one's last. */
  private blank(from: number, to: number): void {
    this.bodies.push({ start: this.lines[from].start, end: this.lines[to].end });
  }
}

/** Where a block that stays is (keptBlock): a function's body, a class's body, or a block of a compound statement in one of them. */
type BlockKind = "function" | "class" | "clause";

/** Statements with blocks of statements, which keptBlock blanks statement by statement. */
const COMPOUND = new Set(["if", "for", "while", "try", "with", "async"]);
/** Words that start a clause of the statement above: its `else:`, `except …:`. */
const CLAUSES = new Set(["elif", "else", "except", "finally"]);

function isDefHeader(source: string, at: number): boolean {
  DEF_HEADER.lastIndex = at;
  return DEF_HEADER.test(source);
}

/** The word at `at` (letters, digits, `_`), or `@` for a decorator. */
function leadingWord(source: string, at: number): string {
  if (source.charCodeAt(at) === 64) return "@";
  WORD.lastIndex = at;
  return WORD.test(source) ? source.slice(at, WORD.lastIndex) : "";
}

const WORD = /[A-Za-z_0-9\u0080-\uffff]+/y;

/** Whether a string literal starts at `at` (with or without a prefix). */
function startsString(source: string, at: number): boolean {
  STRING_START.lastIndex = at;
  return STRING_START.test(source);
}

const STRING_START = /[rRbBuUfF]{0,2}['"]/y;

/** A line is in the body when it is indented deeper by both of Python's measures (when they disagree: give up). */
function deeper(line: LogicalLine, header: LogicalLine): boolean {
  const byTabs = line.indent > header.indent;
  if (byTabs !== line.indentAlt > header.indentAlt) throw new Inconsistent();
  return byTabs;
}

class Inconsistent extends Error {}

const SPACES = " ".repeat(4096);

function spaces(count: number): string {
  return count <= SPACES.length ? SPACES.slice(0, count) : " ".repeat(count);
}

const SPACE = 32;
const TAB = 9;
const FORM_FEED = 12;
const LF = 10;
const CR = 13;
const HASH = 35;
const BACKSLASH = 92;

/** The module's logical lines; throws Inconsistent where the scan cannot be sure of them. */
function scan(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  const length = source.length;
  let i = 0;
  while (i < length) {
    // Start of a physical line that may begin a logical line: measure its indentation.
    let indent = 0;
    let indentAlt = 0;
    while (i < length) {
      const c = source.charCodeAt(i);
      if (c === SPACE) {
        indent++;
        indentAlt++;
      } else if (c === TAB) {
        indent = (Math.floor(indent / 8) + 1) * 8;
        indentAlt++;
      } else if (c === FORM_FEED) {
        indent = indentAlt = 0;
      } else break;
      i++;
    }
    if (i >= length) break;
    const c = source.charCodeAt(i);
    if (c === HASH) {
      i = lineEnd(source, i);
      i = afterNewline(source, i);
      continue;
    }
    if (c === LF || c === CR) {
      i = afterNewline(source, i);
      continue;
    }
    if (c === BACKSLASH && isNewlineAt(source, i + 1)) {
      // A backslash continuation on an otherwise blank line: Python joins it to the next line.
      throw new Inconsistent();
    }
    const line = readLogicalLine(source, i, indent, indentAlt);
    lines.push(line);
    i = afterNewline(source, line.newline);
  }
  return lines;
}

function isNewlineAt(source: string, i: number): boolean {
  const c = source.charCodeAt(i);
  return c === LF || c === CR;
}

function lineEnd(source: string, i: number): number {
  COMMENT.lastIndex = i;
  COMMENT.test(source);
  return COMMENT.lastIndex;
}

function afterNewline(source: string, i: number): number {
  if (source.charCodeAt(i) === CR && source.charCodeAt(i + 1) === LF) return i + 2;
  return i + 1;
}

const DEF_HEADER = /(?:async[ \t\f]+)?def[ \t\f\\]/y;

// A run of characters that need no attention inside a logical line: anything but a line end, a
// comment, a backslash, a quote or a bracket (read with one sticky pattern, far faster than a
// character at a time in JS).
const PLAIN_RUN = /[^\n\r#\\'"()[\]{}]+/y;
const COMMENT = /[^\n\r]*/y;

/** Reads one logical line from its first token: through brackets, strings and continuations. */
function readLogicalLine(source: string, start: number, indent: number, indentAlt: number): LogicalLine {
  const first = source.charCodeAt(start);
  DEF_HEADER.lastIndex = start;
  const isDef = (first === 100 || first === 97) && DEF_HEADER.test(source); // `def`, `async def`
  let depth = 0;
  let end = start;
  let lastSignificant = -1;
  let i = start;
  const length = source.length;
  while (i < length) {
    PLAIN_RUN.lastIndex = i;
    if (PLAIN_RUN.test(source)) {
      const runEnd = PLAIN_RUN.lastIndex;
      let last = runEnd - 1;
      while (last >= i && isBlank(source.charCodeAt(last))) last--;
      if (last >= i) {
        lastSignificant = last;
        end = last + 1;
      }
      i = runEnd;
      if (i >= length) break;
    }
    const c = source.charCodeAt(i);
    if (c === LF || c === CR) {
      if (depth === 0) break;
      i++;
    } else if (c === HASH) {
      i = lineEnd(source, i);
    } else if (c === BACKSLASH) {
      if (!isNewlineAt(source, i + 1)) throw new Inconsistent();
      i = afterNewline(source, i + 1);
    } else if (c === 39 || c === 34) {
      const stringEnd = stringFrom(source, i);
      lastSignificant = stringEnd - 1;
      end = i = stringEnd;
    } else {
      if (c === 40 || c === 91 || c === 123) depth++;
      else depth = Math.max(0, depth - 1);
      lastSignificant = i;
      end = ++i;
    }
  }
  const blockDef = isDef && lastSignificant >= 0 && source.charCodeAt(lastSignificant) === 58; // ':'
  return { start, indent, indentAlt, end, newline: i, blockDef };
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === FORM_FEED;
}

/** A character of a Python name as the scans here read one: ASCII letters, digits and `_`, and anything above U+007F. */
export function isWordChar(c: number): boolean {
  return isAsciiWordChar(c) || c > 127;
}

/** An ASCII letter, digit or `_`. */
export function isAsciiWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * The offset just past the string literal whose (first) quote is at `quote`. Its prefix is the
 * word before the quote when that word is one or two prefix letters making a valid prefix
 * (`rb`, `f`, `Rb`…); any other word there is a name, and the string has no prefix.
 */
function stringFrom(source: string, quote: number): number {
  let wordStart = quote;
  while (wordStart > 0 && isWordChar(source.charCodeAt(wordStart - 1))) wordStart--;
  const word = quote - wordStart <= 2 ? source.slice(wordStart, quote).toLowerCase() : "";
  const isF = VALID_PREFIXES.has(word) && word.includes("f");
  const q = source.charCodeAt(quote);
  const triple = source.charCodeAt(quote + 1) === q && source.charCodeAt(quote + 2) === q;
  const ordinary = ORDINARY[q === 39 ? 0 : 1][triple ? 1 : 0][isF ? 1 : 0];
  let j = quote + (triple ? 3 : 1);
  let braces = 0;
  for (;;) {
    // Checked before the pattern too: a backslash at the very end steps past the text, where a
    // sticky pattern fails and puts lastIndex back to 0.
    if (j >= source.length) throw new Inconsistent();
    ordinary.lastIndex = j;
    ordinary.test(source);
    j = ordinary.lastIndex;
    if (j >= source.length) throw new Inconsistent();
    const d = source.charCodeAt(j);
    if (d === BACKSLASH) {
      j += source.charCodeAt(j + 1) === CR && source.charCodeAt(j + 2) === LF ? 3 : 2;
    } else if (d === LF || d === CR) {
      throw new Inconsistent(); // only a single-quoted string stops here
    } else if (d === 123) {
      if (source.charCodeAt(j + 1) === 123 && braces === 0) j++;
      else braces++;
      j++;
    } else if (d === 125) {
      if (braces > 0) braces--;
      j++;
    } else if (!triple || (source.charCodeAt(j + 1) === q && source.charCodeAt(j + 2) === q)) {
      // Python 3.12 lets an f-string's replacement field hold its own quote: not for this scan.
      if (braces > 0) throw new Inconsistent();
      return j + (triple ? 3 : 1);
    } else {
      j++;
    }
  }
}

const VALID_PREFIXES = new Set(["r", "b", "u", "f", "rb", "br", "rf", "fr"]);

/**
 * What a string's body may hold without a look: [quote ' or "][single or triple][f-string or not].
 * Each stops at its own quote and a backslash; a single-quoted one also at a line end, an
 * f-string also at a brace.
 */
const ORDINARY = ["'", '"'].map((quote) =>
  [false, true].map((triple) => [false, true].map((isF) => new RegExp(`[^${quote}\\\\${triple ? "" : "\\n\\r"}${isF ? "{}" : ""}]*`, "y"))),
);
