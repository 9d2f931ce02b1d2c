// How `lint` runs over a tree: its cache under .pylazy/cache, and its worker threads.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { makeProject, runCli } from "./helpers/cli.js";

const HEAVY = "import pandas as pd\n\n\ndef load(p):\n    return pd.read_csv(p)\n";
const CACHE = path.join(".pylazy", "cache", "lint.json");

interface CacheFile {
  key: string;
  entries: Record<string, { diagnostics: { message: string }[] }>;
}

const readCache = (root: string): CacheFile => JSON.parse(fs.readFileSync(path.join(root, CACHE), "utf8")) as CacheFile;

/** Marks every cached message, so that a run that answers from the cache shows it. */
function markCache(root: string): void {
  const cache = readCache(root);
  for (const entry of Object.values(cache.entries)) for (const diagnostic of entry.diagnostics) diagnostic.message += " (from the cache)";
  fs.writeFileSync(path.join(root, CACHE), JSON.stringify(cache));
}

const lint = (root: string, ...args: string[]): string => runCli(["lint", ".", ...args], root).stdout;

test("a second lint answers from .pylazy/cache; a changed file, setting or project is linted again", () => {
  const root = makeProject({ "app.py": HEAVY, "other.py": "x = 1\n" });
  const first = lint(root);
  assert.match(first, /app\.py:1:1: LZ001/);
  assert.equal(fs.readFileSync(path.join(root, ".pylazy", "cache", ".gitignore"), "utf8"), "*\n");

  markCache(root);
  assert.match(lint(root), /LZ001 .*\(from the cache\)/, "an unchanged tree is answered from the cache");

  // Another file of the project changes: a result with findings may depend on it (a re-export).
  fs.writeFileSync(path.join(root, "other.py"), "from app import pd\n");
  const reexported = lint(root);
  assert.doesNotMatch(reexported, /from the cache/);

  markCache(root);
  fs.writeFileSync(path.join(root, "app.py"), `${HEAVY}\n# changed\n`);
  assert.doesNotMatch(lint(root), /from the cache/, "a changed file is linted again");

  markCache(root);
  assert.doesNotMatch(lint(root, "--threshold", "5"), /from the cache/, "other settings are another cache");
  assert.doesNotMatch(lint(root, "--no-cache"), /from the cache/, "--no-cache bypasses it");
  fs.rmSync(root, { recursive: true, force: true });
});

test("--no-cache writes no cache", () => {
  const root = makeProject({ "app.py": HEAVY });
  lint(root, "--no-cache");
  assert.equal(fs.existsSync(path.join(root, CACHE)), false);
  fs.rmSync(root, { recursive: true, force: true });
});

test("worker threads give the same diagnostics and problems as one thread, in the same order", () => {
  const files: Record<string, string | Buffer> = {};
  for (let i = 0; i < 90; i++) {
    // A mix: heavy imports used in functions or at import time, light imports, no imports.
    files[`pkg/m${String(i).padStart(2, "0")}.py`] = i % 3 === 0 ? HEAVY : i % 3 === 1 ? "import json\n\nX = json.dumps({})\n" : "import pandas as pd\n\nFRAME = pd.DataFrame()\n";
  }
  // Other modules reach some of those imports: workers plan those fixes both ways, the main thread's index chooses.
  files["pkg/__init__.py"] = "";
  for (let i = 0; i < 90; i += 9) files[`pkg/user${String(i).padStart(2, "0")}.py`] = `from pkg.m${String(i).padStart(2, "0")} import pd\n`;
  files["pkg/broken.py"] = "import pandas as pd\n\ndef f(:\n    pass\n";
  files["pkg/latin.py"] = Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xe9, 0x22, 0x0a]);
  const root = makeProject(files);
  const one = runCli(["lint", ".", "--no-cache", "--format", "json"], root, { PYLAZY_JOBS: "1" });
  const two = runCli(["lint", ".", "--no-cache", "--format", "json"], root, { PYLAZY_JOBS: "2" });
  assert.equal(one.status, 2, one.stderr);
  assert.equal(two.status, one.status);
  assert.equal(two.stdout, one.stdout);
  assert.equal(two.stderr, one.stderr);
  // Eight threads (seven workers) over some hundred files: a worker may start after the others have claimed them all.
  const eight = runCli(["lint", ".", "--no-cache", "--format", "json"], root, { PYLAZY_JOBS: "8" });
  assert.equal(eight.status, one.status);
  assert.equal(eight.stdout, one.stdout);
  assert.equal(eight.stderr, one.stderr);
  const diagnostics = JSON.parse(one.stdout) as { code: string | null; fix_refused: string | null }[];
  const codes = diagnostics.map((d) => d.code);
  assert.equal(codes.filter((code) => code === "LZ001").length, 30);
  assert.equal(diagnostics.filter((d) => d.code === "LZ001" && /pkg\/user\d\d\.py/.test(d.fix_refused ?? "")).length, 10, "fixes refused for the imports other modules reach");
  assert.equal(codes.filter((code) => code === "LZ002").length, 30);
  assert.ok(codes.includes(null), "the syntax error is reported");
  assert.match(one.stderr, /latin\.py: cannot decode/);
  fs.rmSync(root, { recursive: true, force: true });
});

test("with workers, a reach that decides auto's choice is told as with one thread", () => {
  const files: Record<string, string> = { "pkg/__init__.py": "" };
  for (let i = 0; i < 70; i++) files[`pkg/m${String(i).padStart(2, "0")}.py`] = "from pandas import read_csv\n\n\ndef load(p):\n    return read_csv(p)\n";
  for (let i = 0; i < 70; i += 7) files[`tests/test_m${String(i).padStart(2, "0")}.py`] = `import pkg.m${String(i).padStart(2, "0")} as m\n\n\ndef test():\n    assert m.read_csv\n`;
  const root = makeProject(files, '[tool.pylazy]\nstrategy = "auto"\n');
  const one = runCli(["lint", ".", "--no-cache", "--format", "json"], root, { PYLAZY_JOBS: "1" });
  const two = runCli(["lint", ".", "--no-cache", "--format", "json"], root, { PYLAZY_JOBS: "2" });
  assert.equal(one.status, 1, one.stderr);
  assert.equal(two.stdout, one.stdout);
  const diagnostics = JSON.parse(one.stdout) as { code: string; fix: unknown; fix_refused: string | null }[];
  const refused = diagnostics.filter((d) => d.fix === null && /^not function: another module reaches `read_csv` here: tests\/test_m\d\d\.py:5 \(`m\.read_csv`\)/.test(d.fix_refused ?? ""));
  assert.equal(refused.length, 10, two.stdout);
  assert.equal(diagnostics.filter((d) => d.fix !== null).length, 60);
  fs.rmSync(root, { recursive: true, force: true });
});
