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
