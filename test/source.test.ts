import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { decodePythonSource, encodePythonSource, SourceDecodeError, SourceEncodeError, sourceCodec } from "../src/parse/source.js";

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

const codecs = JSON.parse(readFileSync(new URL("../../data/python-codecs.json", import.meta.url), "utf8")) as {
  aliases: Record<string, string>;
  others: string[];
  tables: Record<string, string>;
};

/** A module that declares `name` and holds `body` (bytes) in the string S, with a line of ASCII around it. */
function moduleWith(name: string, body: number[]): Buffer {
  return Buffer.concat([Buffer.from(`# -*- coding: ${name} -*-\nX = 1\nS = '`), Buffer.from(body), Buffer.from("'\nT = 'end'\n")]);
}

/** The bytes 0x80–0xFF a codec has a character for, and those it has none for. */
function upperBytes(codec: string): { defined: number[]; undefinedBytes: number[] } {
  const defined: number[] = [];
  const undefinedBytes: number[] = [];
  [...codecs.tables[codec]].forEach((character, offset) => (character === "\ufffe" ? undefinedBytes : defined).push(0x80 + offset));
  return { defined, undefinedBytes };
}

/** What python3 makes of each module: the string S it defines, or the error compiling it gives. */
function pythonReads(modules: Buffer[]): ({ S: string } | { error: string })[] {
  const script = [
    "import base64, json, sys",
    "out = []",
    "for encoded in json.load(sys.stdin):",
    "    namespace = {}",
    "    try:",
    "        exec(compile(base64.b64decode(encoded), 'm.py', 'exec'), namespace)",
    "        out.append({'S': namespace['S']})",
    "    except (SyntaxError, ValueError) as error:",
    "        out.append({'error': str(error)})",
    "json.dump(out, sys.stdout)",
  ].join("\n");
  const run = spawnSync("python3", ["-c", script], { input: JSON.stringify(modules.map((module) => module.toString("base64"))), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as ({ S: string } | { error: string })[];
}

/** S as pylazy reads the module, or its refusal. */
function pylazyReads(module: Buffer): { S: string } | { refused: string } {
  try {
    const { text } = decodePythonSource(module);
    return { S: text.slice(text.indexOf("S = '") + 5, text.lastIndexOf("'\nT = ")) };
  } catch (error) {
    if (!(error instanceof SourceDecodeError)) throw error;
    return { refused: error.message };
  }
}

test("every name Python knows for a single-byte codec is read as python3 reads it, every byte of it", () => {
  // Each name of the table, as written and as a cookie might spell it.
  const names = Object.keys(codecs.aliases).flatMap((name) => [name, name.toUpperCase(), name.replaceAll("_", "-"), `${name}-`]);
  const modules = names.map((name) => {
    const codec = sourceCodec(name);
    assert.ok(codec !== undefined, `${name} is not read`);
    const body = codec === "utf-8" ? [...Buffer.from("é€😀")] : codec === "latin-1" ? Array.from({ length: 128 }, (_, offset) => 0x80 + offset) : upperBytes(codec).defined;
    return moduleWith(name, body);
  });
  const python = pythonReads(modules);
  names.forEach((name, index) => {
    assert.deepEqual(pylazyReads(modules[index]), python[index], `coding: ${name}`);
  });
});

test("a byte a codec has no character for is refused, as python3 refuses the module", () => {
  const cases = Object.keys(codecs.tables).flatMap((codec) => {
    const { undefinedBytes } = upperBytes(codec);
    if (undefinedBytes.length === 0) return [];
    const module = moduleWith(codec, [0x41, undefinedBytes[0], 0x42]);
    return [{ codec, module, at: module.indexOf(undefinedBytes[0]) }];
  });
  assert.ok(cases.some(({ codec }) => codec === "cp1252") && cases.some(({ codec }) => codec === "ascii"));
  const python = pythonReads(cases.map(({ module }) => module));
  cases.forEach(({ codec, module, at }, index) => {
    assert.ok("error" in python[index], `python3 reads ${codec}`);
    const read = pylazyReads(module);
    assert.ok("refused" in read, `pylazy reads ${codec}`);
    assert.match(read.refused, new RegExp(`^invalid ${codec} at byte ${at} \\(0x[0-9a-f]{2}, `));
  });
});

test("names of codecs pylazy does not read (multi-byte, stateful, not ASCII-compatible) are refused by name", () => {
  for (const name of ["shift_jis", "Shift-JIS", "euc-jp", "gbk", "big5", "utf-16", "utf-7", "iso2022_jp", "cp037", "cp1006", "idna", "rot13", "hex"]) {
    assert.equal(sourceCodec(name), undefined, name);
    const read = pylazyReads(moduleWith(name, [0x41]));
    assert.ok("refused" in read, name);
    assert.match(read.refused, new RegExp(`^unsupported source encoding \`${name.toLowerCase()}\` \\(pylazy reads UTF-8 and those of Python's encodings`));
  }
});

test("the other names of data/python-codecs.json are those python3's codecs.lookup finds, and no name of a table", () => {
  const script = "import codecs, json, sys\nfor name in json.load(sys.stdin):\n    codecs.lookup(name)\n";
  const python = spawnSync("python3", ["-c", script], { input: JSON.stringify(codecs.others), encoding: "utf8" });
  assert.equal(python.status, 0, python.stderr);
  assert.ok(codecs.others.length > 100);
  for (const name of codecs.others) assert.ok(!Object.hasOwn(codecs.aliases, name), name);
  for (const name of ["shift_jis", "utf_16", "cp037", "cp1006", "idna"]) assert.ok(codecs.others.includes(name), name);
});

test("a name no codec of Python has is refused as unknown, and python3 refuses the file too", () => {
  const names = ["uft-8", "utf-9", "latin-2x", "cp99999"];
  const python = pythonReads(names.map((name) => moduleWith(name, [0x41])));
  names.forEach((name, index) => {
    assert.equal(sourceCodec(name), undefined, name);
    assert.ok("error" in python[index], `python3 reads a file in ${name}`);
    const read = pylazyReads(moduleWith(name, [0x41]));
    assert.ok("refused" in read, name);
    assert.equal(read.refused, `unknown source encoding \`${name}\` (Python has no codec of that name either)`);
  });
});

test("a single-byte file written back is byte for byte the file read, ASCII added", () => {
  for (const codec of Object.keys(codecs.tables)) {
    const bytes = moduleWith(codec, upperBytes(codec).defined);
    const source = decodePythonSource(bytes);
    assert.equal(source.encoding, codec);
    assert.deepEqual(encodePythonSource(source, source.text), bytes, codec);
    const added = `import os\n${source.text}`;
    assert.deepEqual(encodePythonSource(source, added), Buffer.concat([Buffer.from("import os\n"), bytes]), codec);
  }
  assert.throws(() => encodePythonSource({ bom: false, encoding: "koi8_r" }, "\u00e9"), (error: unknown) => error instanceof SourceEncodeError && /U\+00E9 is not a character of koi8_r/.test(error.message));
  assert.throws(() => encodePythonSource({ bom: false, encoding: "latin-1" }, "caf\u00e9 \u20ac"), (error: unknown) => error instanceof SourceEncodeError && /U\+20AC is not a character of latin-1/.test(error.message));
  assert.deepEqual(encodePythonSource({ bom: false, encoding: "latin-1" }, "caf\u00e9"), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
});

test("with a UTF-8 byte order mark, only a cookie that spells utf-8 is taken, as python3 takes it", () => {
  const names = ["utf-8", "UTF_8", "utf-8-sig", "utf_8_sig", "utf8", "u8", "latin-1", "cp1252"];
  const modules = names.map((name) => Buffer.concat([Buffer.from(BOM), moduleWith(name, [0x41])]));
  const python = pythonReads(modules);
  names.forEach((name, index) => {
    const read = pylazyReads(modules[index]);
    if ("S" in python[index]) assert.deepEqual(read, python[index], name);
    else assert.ok("refused" in read && /a UTF-8 BOM with a `coding: /.test(read.refused), `${name}: ${JSON.stringify(read)}`);
  });
  assert.deepEqual(
    python.map((result) => "S" in result),
    [true, true, true, true, false, false, false, false],
  );
});
