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

/** The matches of PLAIN_IMPORT_ANYWHERE (`import`) or FROM_IMPORT_ANYWHERE (`from`) in `text`, in order. */
export function* importMatches(text: string, kind: keyof typeof PATTERNS): Generator<RegExpExecArray> {
  const { sticky, keyword } = PATTERNS[kind];
  let end = 0;
  let tried = -1;
  for (let at = text.indexOf(keyword); at !== -1; at = text.indexOf(keyword, at + 1)) {
    let before = at - 1;
    while (before >= 0 && (text.charCodeAt(before) === SPACE || text.charCodeAt(before) === TAB)) before--;
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
    yield match;
  }
}

const SPACE = 32;
const TAB = 9;
const SEMICOLON = 59;
const COLON = 58;
// Where `^` matches with the `m` flag: after any of ECMAScript's line terminators.
const LINE_TERMINATORS = new Set([10, 13, 0x2028, 0x2029]);
