import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cliPath } from "./helpers/cli.js";

// End to end with the real python3: `test/fixtures/profile/shared_dependency` is a small program
// whose third-party stand-ins sleep while imported (slowcore 80 ms, slowframe 120 ms + slowcore).
const FIXTURES = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const PROGRAM = path.join(FIXTURES, "profile", "shared_dependency");
/** Slack above a stand-in's sleep for the import around it and for a busy machine; sleeping is never shorter. */
const SLACK_MS = 60;

const copies: string[] = [];
after(() => copies.forEach((copy) => fs.rmSync(copy, { recursive: true, force: true })));

/** A fresh copy of the program: profiles and caches are written into it. */
function copyOfProgram(): string {
  const copy = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-program-")));
  fs.cpSync(PROGRAM, copy, { recursive: true });
  copies.push(copy);
  return copy;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a user runs it in `cwd`, with the stand-ins installed (on PYTHONPATH). */
function pylazy(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 180_000,
    env: { ...process.env, NO_COLOR: "1", PYTHONPATH: path.join(cwd, "site-packages"), ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertWithinSleep(actualMs: number, sleptMs: number, what: string): void {
  assert.ok(actualMs >= sleptMs && actualMs <= sleptMs + SLACK_MS, `${what}: ${actualMs} ms, expected ${sleptMs}..${sleptMs + SLACK_MS} ms`);
}

const python3 = spawnSync("python3", ["-c", "import sys; print(sys.executable); print(sys.version.split()[0])"], { encoding: "utf8" });
const [PYTHON_EXECUTABLE, PYTHON_VERSION] = python3.stdout.trim().split("\n");

interface Breakdown {
  phases: Record<string, number>;
  heavy: { module: string; cumulativeMs: number; selfMs: number; firstImportedBy?: { where: string }; alsoImportedBy: { where: string }[] }[];
  deferrals: { imports: { where: string; module: string; savingMs: number }[]; savedMs: number; importsAfterMs: number };
  compiled: { files: string[] };
  profile_file: string;
  html_file: string | null;
}

let profiled: string;
let breakdown: Breakdown;

before(() => {
  profiled = copyOfProgram();
  const result = pylazy(["profile", "-m", "app", "--repeat", "3", "--format", "json", "--html", "startup.html"], profiled);
  assert.equal(result.status, 0, result.stderr);
  breakdown = JSON.parse(result.stdout) as Breakdown;
});

test("profile -m measures each module's own cost within tolerance of its sleep", () => {
  const slowframe = breakdown.heavy.find((row) => row.module === "slowframe");
  const slowcore = breakdown.heavy.find((row) => row.module === "slowcore");
  assertWithinSleep(slowframe!.selfMs, 120, "slowframe self");
  assertWithinSleep(slowcore!.selfMs, 80, "slowcore self");
  assertWithinSleep(breakdown.phases.importsMs, 200, "imports of the program");
  assert.equal(slowframe?.firstImportedBy?.where, "app/report.py:2");
  assert.equal(slowcore?.firstImportedBy?.where, "app/calc.py:2");
  assert.deepEqual(slowcore?.alsoImportedBy.map((other) => other.where), ["app/report.py:2"], "slowframe imports slowcore too");
  assert.ok(breakdown.phases.interpreterStartMs > 0 && breakdown.phases.totalMs > breakdown.phases.importsMs);
});

test("profile stores .pylazy/profile.json with the interpreter, medians, the entry, the tree and the import graph", () => {
  const file = path.join(profiled, ".pylazy", "profile.json");
  assert.equal(breakdown.profile_file, file);
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  assert.deepEqual(profile.python, { executable: PYTHON_EXECUTABLE, version: PYTHON_VERSION });
  assert.deepEqual(profile.entry, { argv: [PYTHON_EXECUTABLE, "-c", "import app"] });
  assert.equal(profile.modules.slowcore.samples, 3);
  assertWithinSleep(profile.modules.slowcore.self_us / 1000, 80, "slowcore in the profile");
  assert.ok(profile.imports.slowframe.includes("slowcore"));
  assert.ok(profile.tree.some((root: { module: string }) => root.module === "app"));
});

test("savings are right when two imports share a dependency", () => {
  const saving = (module: string): number => breakdown.deferrals.imports.find((deferral) => deferral.module === module)!.savingMs;
  assert.ok(saving("slowcore") < 5, `deferring slowcore alone saves nothing, slowframe imports it: ${saving("slowcore")} ms`);
  assertWithinSleep(saving("slowframe"), 120, "deferring slowframe alone");
  assertWithinSleep(breakdown.deferrals.savedMs, 200, "deferring both");
  assert.ok(breakdown.deferrals.importsAfterMs < 20, `${breakdown.deferrals.importsAfterMs} ms of imports left`);
});

test("lint then reports what each deferral saves, and why a saving is smaller than the cost", () => {
  const json = pylazy(["lint", "--format", "json"], profiled);
  assert.equal(json.status, 1, json.stderr);
  const diagnostics = JSON.parse(json.stdout) as { filename: string; module: string; cost_ms: number; cost_source: string; saving_ms: number | null }[];
  const slowcore = diagnostics.find((diagnostic) => diagnostic.module === "slowcore")!;
  const slowframe = diagnostics.find((diagnostic) => diagnostic.module === "slowframe")!;
  assert.equal(slowcore.cost_source, "profile");
  assertWithinSleep(slowcore.cost_ms, 80, "slowcore's cost");
  assert.ok(slowcore.saving_ms !== null && slowcore.saving_ms < 5);
  assertWithinSleep(slowframe.saving_ms!, 120, "slowframe's saving");

  const text = pylazy(["lint", "app/calc.py", "app/report.py"], profiled);
  assert.match(text.stdout, /^app\/calc\.py:2:1: LZ001 \[\*\] `slowcore` \(saves 0\.0 ms of \d+ ms: `slowcore` stays, still loaded by app\/report\.py:2\) is imported/m);
  assert.match(text.stdout, /^app\/report\.py:2:1: LZ001 \[\*\] `slowframe` \(saves 1\d\d ms\) is imported/m);
});

test("the --html chart is a self-contained page that renders, searches and shows a module's times in headless Chromium", (t) => {
  const html = fs.readFileSync(path.join(profiled, "startup.html"), "utf8");
  assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i, "no network resource");
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);

  const chromium = findChromium();
  if (chromium === undefined) {
    if (process.env.PYLAZY_REQUIRE_CHROMIUM) assert.fail("Chromium is required (PYLAZY_REQUIRE_CHROMIUM) but not installed");
    t.skip("no Chromium: apt-get install -y chromium");
    return;
  }
  const url = `file://${path.join(profiled, "startup.html")}#search=slow&focus=slowframe`;
  const dom = headlessChromium(chromium, ["--dump-dom", url]);
  assert.match(dom, /data-rendered="\d+"/);
  assert.match(dom, /data-module="slowframe"/);
  assert.match(dom, /data-module="slowcore"/);
  assert.match(dom, /<span id="status">2 modules match, \d+ ms \([\d.]+% of imports\)<\/span>/);
  assert.match(dom, /class="node k1 match"[^>]*data-module="slowframe"/);
  assert.match(dom, /<div id="details">slowframe {2}\(third party\)\nself \d+ ms, cumulative \d+ ms, [\d.]+% of all imports\nfirst imported by app\/report\.py:2 {2}import slowframe\nimported under app\.report ← app<\/div>/);

  const screenshot = path.join(profiled, "startup.png");
  headlessChromium(chromium, [`--screenshot=${screenshot}`, "--window-size=1200,700", url]);
  const png = fs.readFileSync(screenshot);
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from("PNG")]);
  assert.ok(png.length > 10_000, `a screenshot with something on it (${png.length} bytes)`);
});

test("a command line is profiled too; with python -m, the package's __main__ is the entry", () => {
  const copy = copyOfProgram();
  const result = pylazy(["profile", "--repeat", "1", "--format", "json", "--", "python3", "-m", "app", "1", "2"], copy);
  assert.equal(result.status, 0, result.stderr);
  const profile = JSON.parse(fs.readFileSync(path.join(copy, ".pylazy", "profile.json"), "utf8"));
  assert.deepEqual(profile.entry, { argv: [PYTHON_EXECUTABLE, "-m", "app", "1", "2"], main: "app.__main__" });
  const deferrals = (JSON.parse(result.stdout) as Breakdown).deferrals;
  assertWithinSleep(deferrals.savedMs, 200, "deferring both");
});

test("each way profiling can fail is one clear message and exit 2", () => {
  const copy = copyOfProgram();
  const emptyBin = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-no-python-"));
  copies.push(emptyBin);
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [["profile", "-m", "app"], { PATH: emptyBin, VIRTUAL_ENV: "" }, /^pylazy: error: no Python found: tried `python3`, `python`; pass --python PATH or activate a virtualenv$/m],
    [["profile", "--python", "/nonexistent/python3", "-m", "app"], {}, /^pylazy: error: cannot run `\/nonexistent\/python3`: no such file or command$/m],
    [["profile", "-m", "app.broken"], {}, /^pylazy: error: importing `app\.broken` failed: ModuleNotFoundError: No module named 'not_installed_anywhere'$/m],
    [["profile", "--", "python3", "-c", "import sys; sys.exit(3)"], {}, /^pylazy: error: `.*python3 -c 'import sys; sys\.exit\(3\)'` failed \(exit status 3\)$/m],
    [["profile", "--", "python3", "-c", "raise ValueError('bad input')"], {}, /failed \(exit status 1\): ValueError: bad input$/m],
    [["profile", "--", process.execPath, "-e", ""], {}, /printed no "import time:" lines: is it a Python program\?/],
    [["lint", "--profile", path.join(FIXTURES, "importtime", "no_importtime_lines.log")], {}, /no_importtime_lines\.log: no "import time:" lines found/],
    [["profile"], {}, /^pylazy: error: give a module to import \(-m MODULE\) or a command to run \(-- COMMAND\.\.\.\)$/m],
  ];
  for (const [args, env, message] of cases) {
    const result = pylazy(args, copy, env);
    assert.equal(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?/, "no stack trace");
  }
});

test("lint --measure imports each candidate in a fresh interpreter, caches it per interpreter and module, and measures again after a change", () => {
  const copy = copyOfProgram();
  const costs = (): Map<string, number> => {
    const result = pylazy(["lint", "--measure", "--format", "json", "app/calc.py", "app/report.py"], copy);
    assert.equal(result.status, 1, result.stderr);
    return new Map((JSON.parse(result.stdout) as { module: string; cost_ms: number }[]).map((d) => [d.module, d.cost_ms]));
  };
  const measured = costs();
  assertWithinSleep(measured.get("slowcore")!, 80, "slowcore, fresh");
  assertWithinSleep(measured.get("slowframe")!, 200, "slowframe, fresh, with slowcore");

  assert.match(fs.readFileSync(path.join(copy, ".pylazy", "measure", ".gitignore"), "utf8"), /^\*$/m);
  const [cacheFolder] = fs.readdirSync(path.join(copy, ".pylazy", "measure")).filter((name) => name !== ".gitignore");
  assert.match(cacheFolder, new RegExp(`^python-${PYTHON_VERSION.replace(/\./g, "\\.")}-[0-9a-f]{12}$`));
  const cached = path.join(copy, ".pylazy", "measure", cacheFolder, "slowcore.json");
  const entry = JSON.parse(fs.readFileSync(cached, "utf8"));
  assert.equal(entry.python.executable, PYTHON_EXECUTABLE);
  entry.modules.slowcore.cumulative_us = 5_000_000;
  fs.writeFileSync(cached, JSON.stringify(entry));
  assert.equal(costs().get("slowcore"), 5000, "the cached measurement is used");

  const source = path.join(copy, "site-packages", "slowcore", "__init__.py");
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(source, later, later);
  assertWithinSleep(costs().get("slowcore")!, 80, "slowcore, measured again after its file changed");
});

test("lint --measure warns about what it cannot import and about a profile of another interpreter", () => {
  const copy = copyOfProgram();
  fs.mkdirSync(path.join(copy, ".pylazy"));
  const otherProfile = { version: 1, python: { executable: "/opt/other/python3", version: "3.9.1" }, modules: {}, tree: [] };
  fs.writeFileSync(path.join(copy, ".pylazy", "profile.json"), JSON.stringify(otherProfile));
  const result = pylazy(["lint", "--measure", "app/broken.py", "app/calc.py"], copy);
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /^pylazy: warning: .*profile\.json was recorded with \/opt\/other\/python3 \(Python 3\.9\.1\), not .*; not using it/m);
  assert.match(result.stderr, /^pylazy: warning: --measure could not import 1 module with .*, so its cost stays estimated: `not_installed_anywhere` \(ModuleNotFoundError: No module named 'not_installed_anywhere'\)$/m);
  assert.match(result.stdout, /^app\/calc\.py:2:1: LZ001 \[\*\] `slowcore` \(\d+ ms\)/m);
});

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((candidate) => candidate !== undefined && candidate !== "" && fs.existsSync(candidate));
}

function headlessChromium(chromium: string, args: string[]): string {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-chromium-"));
  copies.push(profileDir);
  const result = spawnSync(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profileDir}`,
      "--virtual-time-budget=2000",
      ...args,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}
