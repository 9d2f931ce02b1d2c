import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";

/** Python source text as pylazy reads and writes it: decoded, with what is needed to encode it back. */
export interface PythonSource {
  text: string;
  /** The file started with a UTF-8 byte order mark (not part of `text`). */
  bom: boolean;
  /**
   * The encoding the bytes were decoded with: `utf-8`, `latin-1`, or the codec a PEP 263 cookie
   * names, as CPython's `encodings` package calls it (`cp1252`, `koi8_r`).
   */
  encoding: string;
}

export class SourceDecodeError extends Error {}

/** A text holds a character its file's encoding has none for (fix then does not write the file). */
export class SourceEncodeError extends Error {}

// PEP 263: a coding cookie on line 1 or 2, which must be a comment line.
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

export function declaredEncoding(bytes: Uint8Array): string | undefined {
  let lineStart = 0;
  for (let line = 0; line < 2 && lineStart < bytes.length; line++) {
    let end = bytes.indexOf(0x0a, lineStart);
    if (end === -1) end = bytes.length;
    const text = Buffer.from(bytes.subarray(lineStart, end)).toString("latin1");
    const match = CODING_COOKIE.exec(text);
    if (match) return match[1].toLowerCase();
    // The cookie may sit on line 2 only if line 1 is a comment or blank (a shebang, usually).
    if (!/^[ \t\f]*(#.*)?\r?$/.test(text)) return undefined;
    lineStart = end + 1;
  }
  return undefined;
}

/**
 * The codec a cookie names, as CPython finds it: its tokenizer takes `utf-8` and `latin-1` (and
 * their spellings with `_` and a suffix) as they are; any other name goes to `codecs.lookup`,
 * which normalizes it (lower case, each run of other characters than letters, digits and dots an
 * underscore) and looks it up in the alias table of the `encodings` package. `utf-8`, `latin-1`,
 * the name of a codec of data/python-codecs.json, or undefined for one pylazy does not read.
 */
export function sourceCodec(cookie: string): string | undefined {
  const spelled = tokenizerSpelling(cookie);
  if (spelled !== undefined) return spelled;
  const keys = lookupKeys(cookie);
  const { aliases, tables } = pythonCodecs();
  const codec = aliases[keys[0]] ?? aliases[keys[1]] ?? keys[0];
  if (codec === "utf_8" || codec === "utf_8_sig") return "utf-8";
  if (codec === "latin_1") return "latin-1";
  return Object.hasOwn(tables, codec) ? codec : undefined;
}

/** Why a file whose cookie names a codec without a table here cannot be read. */
function refuseCodec(cookie: string): never {
  if (!pythonKnows(cookie)) throw new SourceDecodeError(`unknown source encoding \`${cookie}\` (Python has no codec of that name either)`);
  throw new SourceDecodeError(`unsupported source encoding \`${cookie}\` (pylazy reads UTF-8 and those of Python's encodings that keep ASCII and give one character for each byte)`);
}

/** Whether `codecs.lookup` finds the codec a cookie names (one that sourceCodec gave no table for). */
function pythonKnows(cookie: string): boolean {
  const { others } = pythonCodecs();
  return lookupKeys(cookie).some((key) => others.includes(key));
}

/**
 * The names `encodings`' search function looks a cookie up by: as `normalize_encoding` leaves it,
 * in lower case, then with its dots made underscores.
 */
function lookupKeys(cookie: string): [string, string] {
  const normal = cookie
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return [normal, normal.replaceAll(".", "_")];
}

/** `utf-8` or `latin-1` for the names CPython's tokenizer takes as these without a lookup. */
function tokenizerSpelling(cookie: string): "utf-8" | "latin-1" | undefined {
  const spelled = cookie.toLowerCase().replaceAll("_", "-");
  if (spelled === "utf-8" || spelled.startsWith("utf-8-")) return "utf-8";
  if (/^(?:latin-1|iso-8859-1|iso-latin-1)(?:$|-)/.test(spelled)) return "latin-1";
  return undefined;
}

/** What scripts/python-codecs.py wrote: the codecs' names and the upper halves of their tables. */
interface PythonCodecs {
  python: string;
  aliases: Record<string, string>;
  /** The other names of codecs Python has, normalized: those pylazy does not read. */
  others: string[];
  tables: Record<string, string>;
}

let codecs: PythonCodecs | undefined;

/** Read when a file first names an encoding other than UTF-8 and Latin-1 (most never do). */
function pythonCodecs(): PythonCodecs {
  // Three folders below the package's root, as every module of dist/src is (the bundle too).
  codecs ??= JSON.parse(readFileSync(new URL("../../../data/python-codecs.json", import.meta.url), "utf8")) as PythonCodecs;
  return codecs;
}

// CPython's mark, in a codec's table, for a byte the codec has no character for.
const UNDEFINED = 0xfffe;

/** Decodes a Python file the way CPython would, or explains why it cannot be read. */
export function decodePythonSource(bytes: Uint8Array): PythonSource {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const cookie = declaredEncoding(body);
  const encoding = cookie === undefined ? "utf-8" : (sourceCodec(cookie) ?? refuseCodec(cookie));
  // As CPython: with a byte order mark, the cookie must say `utf-8` itself (`utf8` will not do).
  if (bom && cookie !== undefined && tokenizerSpelling(cookie) !== "utf-8") throw new SourceDecodeError(`encoding problem: a UTF-8 BOM with a \`coding: ${cookie}\` cookie`);
  if (body.includes(0)) throw new SourceDecodeError("source contains a NUL byte");
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (encoding === "latin-1") return { text: buffer.toString("latin1"), bom, encoding };
  if (encoding !== "utf-8") return { text: decodeSingleByte(buffer, encoding), bom, encoding };
  if (!isUtf8(buffer)) throw new SourceDecodeError(`invalid UTF-8 at byte ${firstInvalidUtf8Offset(body) + (bom ? 3 : 0)}`);
  // What a strict TextDecoder gave, at a fraction of its cost; it also dropped a second byte order mark.
  const text = buffer.toString("utf8");
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bom, encoding };
}

function decodeSingleByte(bytes: Buffer, codec: string): string {
  const upper = pythonCodecs().tables[codec];
  // UTF-16LE, which node decodes at once (every character of the tables is one unit).
  const units = Buffer.alloc(2 * bytes.length);
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    const unit = byte < 0x80 ? byte : upper.charCodeAt(byte - 0x80);
    if (unit === UNDEFINED) throw new SourceDecodeError(`invalid ${codec} at byte ${index} (0x${byte.toString(16)}, which ${codec} has no character for)`);
    units[2 * index] = unit & 0xff;
    units[2 * index + 1] = unit >> 8;
  }
  return units.toString("utf16le");
}

export function encodePythonSource(source: Omit<PythonSource, "text">, text: string): Buffer {
  const body = source.encoding === "utf-8" ? Buffer.from(text, "utf8") : source.encoding === "latin-1" ? encodeLatin1(text) : encodeSingleByte(text, source.encoding);
  return source.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

function notEncodable(unit: number, encoding: string): SourceEncodeError {
  return new SourceEncodeError(`U+${unit.toString(16).toUpperCase().padStart(4, "0")} is not a character of ${encoding}, the file's encoding`);
}

/** Latin-1, where node's own encoder would keep the low byte of a character beyond U+00FF. */
function encodeLatin1(text: string): Buffer {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit > 0xff) throw notEncodable(unit, "latin-1");
  }
  return Buffer.from(text, "latin1");
}

function encodeSingleByte(text: string, codec: string): Buffer {
  const upper = pythonCodecs().tables[codec];
  const bytes = Buffer.alloc(text.length);
  let byteOf: Map<number, number> | undefined;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) {
      bytes[index] = unit;
      continue;
    }
    byteOf ??= new Map([...upper].flatMap((character, offset) => (character.charCodeAt(0) === UNDEFINED ? [] : [[character.charCodeAt(0), 0x80 + offset]])));
    const byte = byteOf.get(unit);
    // The text came from bytes of this codec and pylazy adds only ASCII: no other character should be here.
    if (byte === undefined) throw notEncodable(unit, codec);
    bytes[index] = byte;
  }
  return bytes;
}

/**
 * Offset of the first byte that does not start or continue a well-formed UTF-8 sequence: no
 * overlong form, no surrogate, nothing above U+10FFFF (the second byte's range depends on the first).
 */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1];
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    if (length > 1 && (second < low || second > high)) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return i;
}
