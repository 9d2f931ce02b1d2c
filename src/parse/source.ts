import { isUtf8 } from "node:buffer";

/** Python source text as pylazy reads and writes it: decoded, with what is needed to encode it back. */
export interface PythonSource {
  text: string;
  /** The file started with a UTF-8 byte order mark (not part of `text`). */
  bom: boolean;
  /** The encoding the bytes were decoded with: `utf-8` or a PEP 263 cookie's encoding. */
  encoding: string;
}

export class SourceDecodeError extends Error {}

// PEP 263: a coding cookie on line 1 or 2, which must be a comment line.
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

const UTF8_NAMES = new Set(["utf-8", "utf8", "utf_8", "u8", "utf", "cp65001"]);
// Single-byte encodings we can both decode and encode back exactly, so `fix` may rewrite them.
const LATIN1_NAMES = new Set(["latin-1", "latin1", "latin_1", "iso-8859-1", "iso8859-1", "iso_8859_1", "l1"]);

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

/** Decodes a Python file the way CPython would, or explains why it cannot be read. */
export function decodePythonSource(bytes: Uint8Array): PythonSource {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const cookie = declaredEncoding(body);
  let encoding = "utf-8";
  if (cookie !== undefined && !UTF8_NAMES.has(cookie) && !cookie.startsWith("utf-8-")) {
    if (bom) throw new SourceDecodeError(`encoding problem: a UTF-8 BOM with a \`coding: ${cookie}\` cookie`);
    if (!LATIN1_NAMES.has(cookie)) {
      throw new SourceDecodeError(`unsupported source encoding \`${cookie}\` (pylazy reads UTF-8 and Latin-1 files)`);
    }
    encoding = "latin-1";
  }
  if (body.includes(0)) throw new SourceDecodeError("source contains a NUL byte");
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (encoding === "latin-1") return { text: buffer.toString("latin1"), bom, encoding };
  if (!isUtf8(buffer)) throw new SourceDecodeError(`invalid UTF-8 at byte ${firstInvalidUtf8Offset(body) + (bom ? 3 : 0)}`);
  // What a strict TextDecoder gave, at a fraction of its cost; it also dropped a second byte order mark.
  const text = buffer.toString("utf8");
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bom, encoding };
}

export function encodePythonSource(source: Omit<PythonSource, "text">, text: string): Buffer {
  const body = source.encoding === "latin-1" ? Buffer.from(text, "latin1") : Buffer.from(text, "utf8");
  return source.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
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
