import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { attributeImports } from "../src/profile/attribution.js";
import type { StartupBreakdown } from "../src/profile/breakdown.js";
import { describeEntryCommand } from "../src/profile/entry.js";
import { renderStartupHtml } from "../src/profile/html.js";
import { lastLine } from "../src/profile/python.js";
import { shellQuote } from "../src/profile/runner.js";

const folders: string[] = [];
after(() => folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-entry-"));
  folders.push(folder);
  return folder;
}

test("a command starting with python names its interpreter and what runs as __main__", () => {
  const cwd = "/work/project";
  assert.deepEqual(describeEntryCommand(["python3", "-m", "mycli", "--help"], cwd), {
    interpreter: "python3",
    startsWithInterpreter: true,
    main: { module: "mycli" },
  });
  assert.deepEqual(describeEntryCommand([".venv/bin/python", "-X", "dev", "-W", "error", "-B", "tools/run.py", "-m", "x"], cwd).main, {
    file: "/work/project/tools/run.py",
  });
  assert.deepEqual(describeEntryCommand(["python3.12", "-mmycli"], cwd).main, { module: "mycli" });
  assert.equal(describeEntryCommand(["python", "-c", "import mycli"], cwd).main, undefined);
  assert.equal(describeEntryCommand(["python3", "-"], cwd).main, undefined);
});

test("a console script's interpreter comes from its #! line", () => {
  const bin = tempFolder();
  fs.writeFileSync(path.join(bin, "mycli"), "#!/opt/venv/bin/python3.11\nimport sys\nfrom mycli.cli import main\nsys.exit(main())\n");
  fs.writeFileSync(path.join(bin, "viaenv"), "#!/usr/bin/env -S python3 -X dev\nprint(1)\n");
  fs.writeFileSync(path.join(bin, "shell"), "#!/bin/sh\necho hi\n");
  const env = { PATH: bin };
  assert.deepEqual(describeEntryCommand(["mycli", "--help"], "/", env), { interpreter: "/opt/venv/bin/python3.11", startsWithInterpreter: false });
  assert.equal(describeEntryCommand(["viaenv"], "/", env).interpreter, "python3");
  assert.equal(describeEntryCommand(["shell"], "/", env).interpreter, undefined);
  assert.equal(describeEntryCommand(["not-there"], "/", env).interpreter, undefined);
});

test("the error a failed Python run shows is its traceback's last line, not -v or importtime noise", () => {
  const stderr = [
    "import time:       120 |        120 | encodings",
    "Traceback (most recent call last):",
    '  File "<string>", line 1, in <module>',
    "ModuleNotFoundError: No module named 'mycli'",
    "# cleanup[2] removing sys",
    "# destroy posix",
    "",
  ].join("\n");
  assert.equal(lastLine(stderr), "ModuleNotFoundError: No module named 'mycli'");
  assert.equal(lastLine("import time: 1 | 1 | x\n"), undefined);
});

test("a command line is shown quoted as a shell would need it", () => {
  assert.equal(shellQuote(["python3", "-c", "import sys; sys.exit('it''s')"]), `python3 -c 'import sys; sys.exit('\\''it'\\'''\\''s'\\'')'`);
  assert.equal(shellQuote(["/usr/bin/python3", "-m", "app.cli", "--x=1"]), "/usr/bin/python3 -m app.cli --x=1");
});

test("the chart page carries its data inline, and a module name cannot close its script element", () => {
  const tree = [{ module: "evil</script><script>alert(1)", selfUs: 10, cumulativeUs: 30, children: [{ module: "numpy", selfUs: 20, cumulativeUs: 20, children: [] }] }];
  const breakdown = {
    entry: "import <app>",
    python: { executable: "/usr/bin/python3", version: "3.12.1" },
    runs: 5,
    phases: { interpreterStartMs: 10, siteMs: 2, importsMs: 0.03, restMs: 1, totalMs: 13 },
  } as StartupBreakdown;
  const html = renderStartupHtml({ breakdown, tree, attribution: attributeImports(tree, new Map()), kindOf: () => "third-party" });
  assert.match(html, /<title>pylazy profile: import &lt;app&gt;<\/title>/);
  assert.equal(html.match(/<\/script>/g)?.length, 2, "only the page's own two script elements end");
  const data = JSON.parse(/<script type="application\/json" id="profile-data">(.*)<\/script>/.exec(html)![1]);
  assert.deepEqual(data.tree, [{ m: "evil</script><script>alert(1)", s: 10, c: 30, k: 1, ch: [{ m: "numpy", s: 20, c: 20, k: 1 }] }]);
  assert.doesNotMatch(html, /https?:\/\//);
});
