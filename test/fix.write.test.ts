import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { WriteSkipped, writeFileAtomically } from "../src/engine/write.js";
import { makeProject, runCli } from "./helpers/cli.js";

const STRATEGIES = ["function", "lazyloader", "lazymodule"] as const;
const COSTS = "import time: self [us] | cumulative | imported package\nimport time:     50000 |      50000 | heavy_a\n";

/** Fixes `app.py` (given as text or bytes) in a fresh project; returns the bytes written. */
function fixApp(content: string | Buffer, strategy: string): Buffer {
  const root = makeProject({ "app.py": content, "costs.log": COSTS });
  const result = runCli(["fix", "app.py", "--strategy", strategy, "--profile", "costs.log"], root);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^1 file changed; deferred 1 import/m);
  const fixed = fs.readFileSync(path.join(root, "app.py"));
  fs.rmSync(root, { recursive: true, force: true });
  return fixed;
}

/** Lines with their line endings, so that a changed ending counts as a changed line. */
function linesOf(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}

/** Every line of `before` but the import of heavy_a and blank lines is in `after`, byte for byte, in order. */
function assertUntouchedOutsideTheImport(before: string, after: string): void {
  const kept = linesOf(before).filter((line) => !/^import heavy_a\b/.test(line) && line.trim() !== "");
  const afterLines = linesOf(after);
  let at = 0;
  for (const line of kept) {
    const found = afterLines.indexOf(line, at);
    assert.ok(found >= 0, `line ${JSON.stringify(line)} is missing or out of order in:\n${after}`);
    at = found + 1;
  }
}

const CRLF_APP = '"""Tools."""\r\nimport os\r\nimport heavy_a\r\n\r\n\r\ndef f():\r\n    """Doc."""\r\n    return heavy_a.VALUE, os.sep\r\n';

for (const strategy of STRATEGIES) {
  test(`${strategy}: a CRLF file stays CRLF everywhere, inserted lines included`, () => {
    const after = fixApp(CRLF_APP, strategy).toString("utf8");
    assert.notEqual(after, CRLF_APP);
    assert.doesNotMatch(after, /(?<!\r)\n|\r(?!\n)/);
    assertUntouchedOutsideTheImport(CRLF_APP, after);
  });

  test(`${strategy}: a shebang and an encoding cookie stay the first two lines`, () => {
    const before = "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nimport heavy_a\n\n\ndef f():\n    return heavy_a.VALUE\n";
    const after = fixApp(before, strategy).toString("utf8");
    assert.ok(after.startsWith("#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"), after);
    assertUntouchedOutsideTheImport(before, after);
  });

  test(`${strategy}: comments stay as they were, wherever they are`, () => {
    const before = [
      "# Header comment.",
      "import os  # the os module",
      "# About heavy_a:",
      "import heavy_a",
      "",
      "",
      "def f():",
      "    # First, a comment.",
      "    return heavy_a.VALUE  # trailing",
      "",
      "",
      "# Closing comment.",
      "",
    ].join("\n");
    const after = fixApp(before, strategy).toString("utf8");
    assertUntouchedOutsideTheImport(before, after);
  });
}

for (const strategy of ["lazyloader", "lazymodule"]) {
  test(`${strategy}: \`from __future__\` imports stay first, the helper comes after them`, () => {
    const before = '"""Doc."""\nfrom __future__ import annotations\n\nimport heavy_a\n\n\ndef f() -> heavy_a.T:\n    return heavy_a.VALUE\n';
    const after = fixApp(before, strategy).toString("utf8");
    assert.ok(after.startsWith('"""Doc."""\nfrom __future__ import annotations\n\n\n# Inserted by pylazy'), after);
    assertUntouchedOutsideTheImport(before, after);
  });
}

// The same module in two single-byte encodings: a string beyond ASCII (`text`, which is `bytes`
// in the encoding, as Python's `str.encode` gives them) and a heavy import used in a function.
const LEGACY: { cookie: string; text: string; bytes: Buffer }[] = [
  { cookie: "cp1252", text: "caf\u00e9 \u2013 \u201cquoted\u201d \u20ac", bytes: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x93, ...Buffer.from("quoted"), 0x94, 0x20, 0x80]) },
  { cookie: "koi8-r", text: "\u043f\u0440\u0438\u0432\u0435\u0442", bytes: Buffer.from([0xd0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]) },
];

for (const strategy of STRATEGIES) {
  for (const { cookie, text, bytes } of LEGACY) {
    test(`${strategy}: a ${cookie} file is fixed in ${cookie}, every byte outside the import kept, and runs as before without loading the module`, () => {
      const lines = [`# -*- coding: ${cookie} -*-`, "import heavy_a", "", "GREETING = '@'", "", "", "def f():", "    return heavy_a.VALUE, GREETING", ""];
      const [head, tail] = lines.join("\n").split("@");
      const before = Buffer.concat([Buffer.from(head), bytes, Buffer.from(tail)]);
      // heavy_a notes when its code runs (a LazyLoader proxy is in sys.modules before it does).
      const root = makeProject({ "app.py": before, "heavy_a.py": "import sys\nsys.heavy_a_ran = True\nVALUE = 42\n", "costs.log": COSTS });
      const check = "import sys, app; ran = hasattr(sys, 'heavy_a_ran'); print(ran, app.f(), hasattr(sys, 'heavy_a_ran'))";
      const run = (): string => {
        const result = spawnSync("python3", ["-c", check], { cwd: root, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONIOENCODING: "utf-8" } });
        assert.equal(result.status, 0, result.stderr);
        return result.stdout;
      };
      assert.equal(run(), `True (42, '${text}') True\n`);
      const result = runCli(["fix", "app.py", "--strategy", strategy, "--profile", "costs.log"], root);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^1 file changed; deferred 1 import/m);
      const after = fs.readFileSync(path.join(root, "app.py"));
      // Bytes as Latin-1 characters, one for one: the lines compared are the bytes written.
      assertUntouchedOutsideTheImport(before.toString("latin1"), after.toString("latin1"));
      assert.ok(after.includes(bytes));
      assert.equal(run(), `False (42, '${text}') True\n`);
      fs.rmSync(root, { recursive: true, force: true });
    });
  }
}

test("a UTF-8 byte order mark is kept, before the inserted helper", () => {
  const before = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("import heavy_a\n\n\ndef f():\n    return heavy_a.VALUE\n")]);
  const after = fixApp(before, "lazyloader");
  assert.deepEqual([...after.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.ok(after.subarray(3).toString("utf8").startsWith("# Inserted by pylazy"));
  assert.equal(after.indexOf(Buffer.from([0xef, 0xbb, 0xbf]), 3), -1);
});

test("a tab-indented file gets its inserted import indented with a tab", () => {
  const before = "import heavy_a\n\n\ndef f(x):\n\tif x:\n\t\treturn heavy_a.VALUE\n\treturn 0\n";
  const after = fixApp(before, "function").toString("utf8");
  assert.equal(after, "def f(x):\n\timport heavy_a\n\tif x:\n\t\treturn heavy_a.VALUE\n\treturn 0\n");
});

test("fix keeps the file's mode (0755 stays 0755)", () => {
  const root = makeProject({ "app.py": "import heavy_a\n\n\ndef f():\n    return heavy_a.VALUE\n", "costs.log": COSTS });
  const file = path.join(root, "app.py");
  fs.chmodSync(file, 0o755);
  const result = runCli(["fix", "app.py", "--profile", "costs.log"], root);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(fs.readFileSync(file, "utf8"), /^ {4}import heavy_a$/m);
  assert.equal(fs.statSync(file).mode & 0o7777, 0o755);
  fs.rmSync(root, { recursive: true, force: true });
});

test("writeFileAtomically replaces the file whole, mode kept, no temporary file left", () => {
  const root = makeProject({ "app.py": "old\n" });
  const file = path.join(root, "app.py");
  fs.chmodSync(file, 0o751);
  writeFileAtomically(file, Buffer.from("old\n"), Buffer.from("new\n"), fs.statSync(file).mode, root);
  assert.equal(fs.readFileSync(file, "utf8"), "new\n");
  assert.equal(fs.statSync(file).mode & 0o7777, 0o751);
  assert.deepEqual(fs.readdirSync(root).sort(), ["app.py", "pyproject.toml"]);
  fs.rmSync(root, { recursive: true, force: true });
});

test("a temporary file left by a killed run is removed by the next write of that file; a running process's is kept", () => {
  const root = makeProject({ "app.py": "old\n", "other.py": "x\n" });
  const file = path.join(root, "app.py");
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
  const stale = [`.app.py.pylazy-${dead}.tmp`, `.app.py.pylazy-${process.pid}.tmp`];
  const kept = [`.app.py.pylazy-${process.ppid}.tmp`, `.other.py.pylazy-${dead}.tmp`, `.app.py.pylazy-x${dead}.tmp`];
  for (const name of [...stale, ...kept]) fs.writeFileSync(path.join(root, name), "half");
  writeFileAtomically(file, Buffer.from("old\n"), Buffer.from("new\n"), fs.statSync(file).mode, root);
  assert.equal(fs.readFileSync(file, "utf8"), "new\n");
  assert.deepEqual(fs.readdirSync(root).sort(), [...kept, "app.py", "other.py", "pyproject.toml"].sort());
  fs.rmSync(root, { recursive: true, force: true });
});

test("writeFileAtomically skips a file changed on disk since it was read", () => {
  const root = makeProject({ "app.py": "changed by someone else\n" });
  const file = path.join(root, "app.py");
  assert.throws(
    () => writeFileAtomically(file, Buffer.from("as read\n"), Buffer.from("fixed\n"), fs.statSync(file).mode, root),
    (error: unknown) => error instanceof WriteSkipped && /changed on disk/.test(error.message),
  );
  assert.equal(fs.readFileSync(file, "utf8"), "changed by someone else\n");
  assert.deepEqual(fs.readdirSync(root).sort(), ["app.py", "pyproject.toml"]);
  fs.rmSync(root, { recursive: true, force: true });
});
