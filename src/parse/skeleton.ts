/**
 * The skeleton of a module: its text with the body of every `def` blanked out, but for the bodies
 * the caller keeps (those that mention a name it cares about).
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
 * `keep(start, end)`: whether the body in [start, end) stays as it is. `lines`: the source's
 * moduleLines, when they are at hand already (a caller that makes two skeletons scans once).
 */
export function functionSkeleton(source: string, keep: (start: number, end: number) => boolean = () => false, lines: ModuleLines = moduleLines(source)): Skeleton | undefined {
  if (lines === undefined) return undefined;
  try {
    return blankBodies(source, lines, keep);
  } catch (error) {
    if (error instanceof Inconsistent) return undefined;
    throw error;
  }
}

function blankBodies(source: string, lines: readonly LogicalLine[], keep: (start: number, end: number) => boolean): Skeleton | undefined {
  const bodies: { start: number; end: number }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const header = lines[index];
    if (!header.blockDef) continue;
    const first = lines[index + 1];
    if (first === undefined || !deeper(first, header)) return undefined;
    let last = index + 1;
    while (last + 1 < lines.length && deeper(lines[last + 1], header)) last++;
    // From the body's first token to the end of its last line's last token; a kept body is
    // scanned on, so that the functions nested in it can be blanked on their own.
    if (!keep(first.start, lines[last].end)) {
      bodies.push({ start: first.start, end: lines[last].end });
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
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
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
