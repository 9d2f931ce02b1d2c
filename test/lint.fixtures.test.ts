import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

// Compiled to dist/test/, the fixtures and the CLI stay where they are in the source tree.
const FIXTURES = fileURLToPath(new URL("../../test/fixtures/lint/", import.meta.url));
const CLI = fileURLToPath(new URL("../../bin/pylazy.js", import.meta.url));

/** The subset of the CLI's JSON output that the .expected files describe. */
interface JsonDiagnostic {
  code: string | null;
  name: string;
  message: string;
  filename: string;
  location: { row: number; column: number };
  fix: { applicability: "safe" | "unsafe" } | null;
  module: string | null;
  import_time_use: { row: number; column: number } | null;
}

/** The case names (paths below the folder, without the extension) of the files ending in `extension`, sorted. */
function fixtureCases(extension: string, folder = FIXTURES, prefix = ""): string[] {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      if (entry.isDirectory()) return fixtureCases(extension, path.join(folder, entry.name), `${prefix}${entry.name}/`);
      return entry.name.endsWith(extension) ? [`${prefix}${entry.name.slice(0, -extension.length)}`] : [];
    })
    .sort();
}

/** Runs the built CLI from the fixtures folder, which is a project of its own (see its pyproject.toml). */
function lint(paths: string[]): { status: number | null; stderr: string; diagnostics: JsonDiagnostic[] } {
  const result = spawnSync(process.execPath, [CLI, "lint", ...paths, "--format", "json"], { cwd: FIXTURES, encoding: "utf8" });
  assert.equal(result.error, undefined);
  return { status: result.status, stderr: result.stderr, diagnostics: JSON.parse(result.stdout) as JsonDiagnostic[] };
}

/**
 * One diagnostic as a line of an .expected file: `ROW:COL CODE MODULE`, then for LZ002
 * `@LINE SITE` (its first import-time use), then `fix` or `nofix`, and `unsafe` for an unsafe fix;
 * a file that cannot be parsed is `ROW:COL syntax-error`.
 */
function describe(diagnostic: JsonDiagnostic): string {
  const { row, column } = diagnostic.location;
  if (diagnostic.code === null) return `${row}:${column} ${diagnostic.name}`;
  const words = [`${row}:${column}`, diagnostic.code, diagnostic.module ?? "?"];
  if (diagnostic.import_time_use) words.push(`@${diagnostic.import_time_use.row}`, useSiteIn(diagnostic.message));
  words.push(diagnostic.fix ? "fix" : "nofix");
  if (diagnostic.fix?.applicability === "unsafe") words.push("unsafe");
  return words.join(" ");
}

/** The site words of an LZ002 message: "... is used in a class body on line 7" → "class body". */
function useSiteIn(message: string): string {
  return / is used in (?:an?|the) (.+) on line \d+/.exec(message)?.[1] ?? `<no site in: ${message}>`;
}

function expectedLines(name: string): string[] {
  const text = fs.readFileSync(path.join(FIXTURES, `${name}.expected`), "utf8");
  return text.split("\n").filter((line) => line.trim() !== "");
}

const cases = fixtureCases(".py");
// One run over the whole folder keeps the suite fast; its diagnostics are split by file below.
const run = lint(["."]);
const byCase = new Map<string, string[]>();
for (const diagnostic of run.diagnostics) {
  const name = diagnostic.filename.split(path.sep).join("/").replace(/\.py$/, "");
  byCase.set(name, [...(byCase.get(name) ?? []), describe(diagnostic)]);
}

test("every fixture has its .expected file and every .expected file its fixture", () => {
  assert.deepEqual(fixtureCases(".expected"), cases);
});

test("linting the fixtures folder reports findings, exits 1 and prints nothing on stderr", () => {
  assert.equal(run.stderr, "");
  assert.equal(run.status, 1);
  assert.deepEqual([...byCase.keys()].filter((name) => !cases.includes(name)), [], "diagnostics for files that are not fixtures");
});

test("linting only the fixtures that expect nothing exits 0 with no diagnostics", () => {
  const clean = cases.filter((name) => expectedLines(name).length === 0).map((name) => `${name}.py`);
  const cleanRun = lint(clean);
  assert.equal(cleanRun.stderr, "");
  assert.deepEqual(cleanRun.diagnostics.map(describe), []);
  assert.equal(cleanRun.status, 0);
});

for (const name of cases) {
  test(name, () => {
    assert.deepEqual((byCase.get(name) ?? []).sort(), expectedLines(name).sort());
  });
}
