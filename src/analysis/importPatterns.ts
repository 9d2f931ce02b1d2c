/**
 * Import statements as patterns see them, at any depth and also after `if x:` or `;`:
 * `import a.b as c, d` and `from .a import (b as c, d)`. The skeleton path (lintSource.ts) reads
 * them before parsing, to know which names a file's imports bind.
 *
 * `importMatches` gives exactly the matches `text.matchAll` gives for these global patterns, but
 * tries each pattern only where it can match: every match starts at a line start, `;` or `:`,
 * followed by spaces and its keyword, so only the place before each occurrence of the keyword
 * (found with indexOf) is tried. Run everywhere, the patterns cost more than the rest of the pre-parse
 * work on a large tree; test/importPatterns.test.ts compares both ways on the standard library.
 */
export const PLAIN_IMPORT_ANYWHERE = /(?:^|[;:])[ \t]*import[ \t]+([^\n#;]*)/gm;
export const FROM_IMPORT_ANYWHERE = /(?:^|[;:])[ \t]*from[ \t]+([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)/gm;

const PATTERNS = {
  import: { sticky: new RegExp(PLAIN_IMPORT_ANYWHERE.source, "my"), keyword: "import" },
  from: { sticky: new RegExp(FROM_IMPORT_ANYWHERE.source, "my"), keyword: "from" },
} as const;

// The same where a backslash continuation (`\` and a line ending) stands for the space that
// `text.replace(CONTINUATION, " ")` would leave: in the place of `[ \t]`, and of a character of `[^\n#;]`.
export const BLANK = String.raw`(?:[ \t]|\\\r?\n)`;
export const REST_OF_LINE = String.raw`(?:\\\r?\n|[^\n#;])*`;
const CONTINUED = {
  import: new RegExp(String.raw`(?:^|[;:])${BLANK}*import${BLANK}+(${REST_OF_LINE})`, "my"),
  from: new RegExp(String.raw`(?:^|[;:])${BLANK}*from${BLANK}+([\w.]*)${BLANK}+import${BLANK}*(\([^)]*\)|${REST_OF_LINE})`, "my"),
} as const;

/** A backslash continuation, as the analysis joins lines. */
export const CONTINUATION = /\\\r?\n/g;

/**
 * The matches of PLAIN_IMPORT_ANYWHERE (`import`) or FROM_IMPORT_ANYWHERE (`from`) in `text`, in
 * order. With `continued`, those of `text.replace(CONTINUATION, " ")` instead, found in `text`
 * itself (a copy of a large module was memory the process touched anew, docs/speed.md): each
 * match's texts are as that text has them, its index and length are in `text`.
 */
export function* importMatches(text: string, kind: keyof typeof PATTERNS, continued = false): Generator<RegExpExecArray> {
  const { keyword } = PATTERNS[kind];
  const sticky = continued ? CONTINUED[kind] : PATTERNS[kind].sticky;
  let end = 0;
  let tried = -1;
  for (let at = text.indexOf(keyword); at !== -1; at = text.indexOf(keyword, at + 1)) {
    const before = lastNonBlank(text, at - 1, continued);
    let start: number;
    if (before < 0 || LINE_TERMINATORS.has(text.charCodeAt(before))) start = before + 1;
    else if (text.charCodeAt(before) === SEMICOLON || text.charCodeAt(before) === COLON) start = before;
    else continue;
    // Inside the last match (which matchAll would have stepped over), or tried already.
    if (start < end || start <= tried) continue;
    tried = start;
    sticky.lastIndex = start;
    const match = sticky.exec(text);
    if (!match) continue;
    end = start + match[0].length;
    yield continued ? joinContinuations(match) : match;
  }
}

/** Whether a text has a backslash continuation (a backslash in a string is common, a continuation not). */
export function hasContinuation(text: string): boolean {
  return text.includes("\\\n") || text.includes("\\\r");
}

/**
 * The offset of the last character at or before `offset` that is not a space or a tab, nor, with
 * `continued`, part of a backslash continuation; -1 when there is none.
 */
export function lastNonBlank(text: string, offset: number, continued: boolean): number {
  let at = offset;
  for (;;) {
    while (at >= 0 && (text.charCodeAt(at) === SPACE || text.charCodeAt(at) === TAB)) at--;
    const backslash = continued ? continuationStart(text, at) : -1;
    if (backslash < 0) return at;
    at = backslash - 1;
  }
}

/** The offset of the `\\` of the backslash continuation whose `\n` is at `offset` (after `\\` or `\\\r`), or -1 when none ends there. */
export function continuationStart(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== LF) return -1;
  if (text.charCodeAt(offset - 1) === BACKSLASH) return offset - 1;
  return text.charCodeAt(offset - 1) === CR && text.charCodeAt(offset - 2) === BACKSLASH ? offset - 2 : -1;
}

/** A match's texts with each backslash continuation a space, as on the text with its lines joined (index and length stay the text's own). */
export function joinContinuations(match: RegExpExecArray): RegExpExecArray {
  for (let group = 0; group < match.length; group++) if (match[group]?.includes("\\")) match[group] = match[group].replace(CONTINUATION, " ");
  return match;
}

const LF = 10;
const CR = 13;
const BACKSLASH = 92;
const SPACE = 32;
const TAB = 9;
const SEMICOLON = 59;
const COLON = 58;
// Where `^` matches with the `m` flag: after any of ECMAScript's line terminators.
const LINE_TERMINATORS = new Set([10, 13, 0x2028, 0x2029]);
