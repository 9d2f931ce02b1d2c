import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { decodePythonSource, SourceDecodeError } from "../src/parse/source.js";

/** How pylazy decoded UTF-8 before: its own byte order mark dropped, then a strict decoder (which drops a second one). */
function strictUtf8(bytes: Uint8Array): string | "error" {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return "error";
  }
}

const BOM = [0xef, 0xbb, 0xbf];
// Bytes that make UTF-8 go wrong or right: ASCII, lead and continuation bytes, surrogates, overlongs, BOM parts.
const awkwardByte = fc.constantFrom(0x41, 0x0a, 0x23, 0x80, 0xbf, 0xc0, 0xc2, 0xc3, 0xa9, 0xe0, 0xed, 0xa0, 0xef, 0xbb, 0xf0, 0xf4, 0xf5, 0xff);
const withoutNul = fc.array(fc.oneof(awkwardByte, fc.integer({ min: 1, max: 255 })), { maxLength: 40 });

test("UTF-8 files decode as a strict decoder would: the same text, or an error for the same files", () => {
  fc.assert(
    fc.property(fc.constantFrom([], BOM, [...BOM, ...BOM]), withoutNul, (prefix, body) => {
      const bytes = Uint8Array.from([...prefix, ...body]);
      const expected = strictUtf8(bytes);
      let actual: string;
      try {
        actual = decodePythonSource(bytes).text;
      } catch (error) {
        assert.ok(error instanceof SourceDecodeError);
        actual = "error";
      }
      assert.equal(actual, expected);
    }),
    { seed: 20261201, numRuns: 5000 },
  );
});

test("a second byte order mark is dropped too, and an invalid byte is named by its offset in the file", () => {
  assert.equal(decodePythonSource(Uint8Array.from([...BOM, ...BOM, 0x78])).text, "x");
  // A surrogate's first byte, an overlong form's, one above U+10FFFF.
  assert.throws(() => decodePythonSource(Uint8Array.from([...BOM, 0x78, 0xed, 0xa0, 0x80])), /invalid UTF-8 at byte 4/);
  assert.throws(() => decodePythonSource(Uint8Array.from([0x78, 0x79, 0xe0, 0x80, 0x80])), /invalid UTF-8 at byte 2/);
  assert.throws(() => decodePythonSource(Uint8Array.from([0xf4, 0x90, 0x80, 0x80])), /invalid UTF-8 at byte 0/);
});
