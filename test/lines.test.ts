import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { LineIndex } from "../src/parse/lines.js";

/** The line ending a text mostly uses, as LineIndex first counted it (by splitting). */
function byCounting(text: string): string {
  const crlf = text.split("\r\n").length - 1;
  const lf = text.split("\n").length - 1 - crlf;
  return crlf > lf ? "\r\n" : "\n";
}

test("lineEnding is the ending most lines use: \\r\\n only where it outnumbers a bare \\n (ties and a bare \\r go to \\n)", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom("\r\n", "\n", "\r", "x", "\r\r\n", "\n\r"), { maxLength: 30 }), (parts) => {
      const text = parts.join("");
      assert.equal(new LineIndex(text).lineEnding, byCounting(text));
    }),
    { seed: 20261203, numRuns: 3000 },
  );
  assert.equal(new LineIndex("a\r\nb\r\nc\n").lineEnding, "\r\n");
  assert.equal(new LineIndex("a\r\nb\nc").lineEnding, "\n");
  assert.equal(new LineIndex("").lineEnding, "\n");
});
