#!/usr/bin/env node
// Real projects with their own tests: downloads Debian source packages at run time, runs their test
// suites with Debian's Python, applies `pylazy fix --threshold 0` with each strategy to the package
// (the project root, tests included, is the project pylazy checks re-exports against), runs the tests
// again, and prints a Markdown table of pass counts and import times.
//
//   node scripts/realworld.mjs [--strategy S]... [--project NAME]... [--keep]
//
// Needs root (it adds a deb-src entry for the mirror apt already uses, and installs the test
// dependencies from Debian). Everything it downloads goes to a temporary folder it removes.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { crashSign, runPylazy } from "./lib/pylazyCli.mjs";

// Debian's interpreter: it sees the python3-* packages the tests need (`python3` on PATH may not).
const PYTHON = process.env.REALWORLD_PYTHON ?? "/usr/bin/python3";
const STRATEGIES = ["function", "lazyloader", "lazymodule"];
const IMPORT_TIME_RUNS = 5;

/**
 * Each project: its Debian source package, the package folder pylazy rewrites, the import path that
 * makes the downloaded copy importable, and how its tests run offline here.
 */
const PROJECTS = [
  {
    source: "jinja2",
    packageDir: "src/jinja2",
    importName: "jinja2",
    pythonPath: "src",
    debianPackages: ["python3-pytest", "python3-markupsafe"],
    // Debian's pytest 7.2 deprecates the nose-style `teardown` these tests use, and the project turns
    // warnings into errors: silence that one warning so the errors are not counted as test failures.
    pytestArgs: ["tests", "-W", "ignore::pytest.PytestRemovedIn8Warning"],
  },
  {
    source: "markupsafe",
    packageDir: "src/markupsafe",
    importName: "markupsafe",
    pythonPath: "src",
    debianPackages: ["python3-pytest"],
    pytestArgs: ["tests"],
  },
  {
    source: "python-toml",
    packageDir: "toml",
    importName: "toml",
    pythonPath: ".",
    debianPackages: ["python3-pytest"],
    // These two read the toml-test suite, a git submodule that the release tarball does not ship.
    pytestArgs: ["tests", "--deselect", "tests/test_api.py::test_valid_tests", "--deselect", "tests/test_api.py::test_invalid_tests"],
  },
];

const { values: options } = parseArgs({
  options: {
    strategy: { type: "string", multiple: true },
    project: { type: "string", multiple: true },
    keep: { type: "boolean", default: false },
  },
});
const strategies = options.strategy ?? STRATEGIES;
const projects = options.project ? PROJECTS.filter((p) => options.project.includes(p.source)) : PROJECTS;

const workDir = mkdtempSync(path.join(os.tmpdir(), "pylazy-realworld-"));
let addedSourcesFile;
const cleanUp = () => {
  if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  if (addedSourcesFile) rmSync(addedSourcesFile, { force: true });
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

try {
  addedSourcesFile = ensureDebSrc();
  installDebianPackages([...new Set(projects.flatMap((p) => p.debianPackages))]);
  const rows = [];
  const notes = [];
  for (const project of projects) {
    const pristine = downloadSource(project.source);
    rows.push(...checkProject(project, pristine, notes));
  }
  console.log(markdownTable(rows));
  if (notes.length > 0) console.log(`\n${notes.map((note) => `- ${note}`).join("\n")}`);
  process.exitCode = rows.every((row) => row.ok) ? 0 : 1;
} finally {
  cleanUp();
  if (options.keep) console.error(`kept ${workDir}`);
}

function checkProject(project, pristine, notes) {
  const before = copyOf(pristine, "before", project);
  const testsBefore = runTests(project, before);
  const rows = [];
  for (const strategy of strategies) {
    const root = copyOf(pristine, strategy, project);
    log(`${project.source}: pylazy fix --strategy ${strategy}`);
    const run = runPylazy(["fix", project.packageDir, "--strategy", strategy, "--threshold", "0", "--format", "json"], root, { PYLAZY_PYTHON: PYTHON });
    const crash = crashSign(run);
    const summary = crash ? undefined : JSON.parse(run.stdout);
    if (crash) notes.push(`${project.source} (${strategy}): pylazy crashed: ${crash}`);
    for (const failure of summary?.failures ?? []) notes.push(`${project.source} (${strategy}): ${failure.filename}: ${failure.reason}`);
    const testsAfter = runTests(project, root);
    const [importBefore, importAfter] = importTimes(project, [before, root]);
    const ok = !crash && sameOutcome(testsBefore, testsAfter);
    if (!ok && !crash) notes.push(`${project.source} (${strategy}): the tests changed from "${testsBefore.text}" to "${testsAfter.text}"`);
    rows.push({ project: project.source, strategy, testsBefore, testsAfter, moved: summary?.imports_deferred ?? "crash", importBefore, importAfter, ok });
  }
  return rows;
}

/** A fresh copy of the unpacked project for one run, importable from that copy only. */
function copyOf(pristine, label, project) {
  const root = path.join(workDir, label, path.basename(pristine));
  rmSync(root, { recursive: true, force: true });
  cpSync(pristine, root, { recursive: true });
  const where = python(["-c", `import ${project.importName}; print(${project.importName}.__file__)`], root, project).stdout.trim();
  if (!path.resolve(where).startsWith(root + path.sep)) throw new Error(`${project.importName} is imported from ${where}, not from the downloaded copy ${root}`);
  return root;
}

function runTests(project, root) {
  log(`${project.source}: tests in ${path.relative(workDir, root)}`);
  const run = python(["-m", "pytest", "-q", "-p", "no:cacheprovider", ...project.pytestArgs], root, project);
  const lines = run.stdout.trim().split("\n");
  const last = lines[lines.length - 1] ?? "";
  const counts = {};
  for (const [, count, kind] of last.matchAll(/(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)/g)) {
    counts[kind.replace(/s$/, "")] = Number(count);
  }
  if (Object.keys(counts).length === 0) throw new Error(`no pytest summary for ${project.source}:\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  const shown = ["passed", "failed", "error", "skipped"].filter((kind) => counts[kind]).map((kind) => `${counts[kind]} ${kind}`);
  return { counts, text: shown.join(", ") };
}

function sameOutcome(before, after) {
  return ["passed", "failed", "error"].every((kind) => (before.counts[kind] ?? 0) === (after.counts[kind] ?? 0));
}

/**
 * Median cumulative `-X importtime` of the project's top package in each copy, in ms. The copies
 * take turns, so that a busy machine slows them alike; a warm-up import first writes the bytecode.
 */
function importTimes(project, roots) {
  for (const root of roots) python(["-c", `import ${project.importName}`], root, project);
  const samples = roots.map(() => []);
  for (let run = 0; run < IMPORT_TIME_RUNS; run++) {
    roots.forEach((root, index) => {
      const { stderr } = python(["-X", "importtime", "-c", `import ${project.importName}`], root, project);
      const line = stderr.split("\n").find((l) => l.split("|")[2]?.trim() === project.importName);
      if (!line) throw new Error(`no -X importtime line for ${project.importName}:\n${stderr.slice(-1000)}`);
      samples[index].push(Number(line.split("|")[1]) / 1000);
    });
  }
  return samples.map((times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]);
}

function python(args, root, project) {
  const run = spawnSync(PYTHON, args, {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, PYTHONPATH: path.join(root, project.pythonPath) },
  });
  if (run.error) throw run.error;
  if (run.status !== 0 && !args.includes("pytest")) throw new Error(`${PYTHON} ${args.join(" ")} failed in ${root}:\n${run.stderr.slice(-2000)}`);
  return run;
}

/**
 * Makes `apt-get source` work: adds deb-src entries for the Debian mirror apt already uses, unless
 * there are some. Returns the file it added, to be removed afterwards.
 */
function ensureDebSrc() {
  const lists = ["/etc/apt/sources.list", ...listFilesIn("/etc/apt/sources.list.d")].filter((file) => existsSync(file));
  const texts = lists.map((file) => readFileSync(file, "utf8"));
  if (texts.some((text) => /^\s*deb-src\s/m.test(text) || /^Types:.*\bdeb-src\b/m.test(text))) return undefined;
  const stanza = texts.flatMap((text) => text.split(/\n\s*\n/)).find((s) => /^Types:.*\bdeb\b/m.test(s) && /^URIs:.*\/debian\/?\s*$/m.test(s));
  const line = texts.flatMap((text) => text.split("\n")).find((l) => /^deb\s+(\[[^\]]*\]\s+)?\S+\/debian\/?\s/.test(l));
  let file;
  if (stanza) {
    file = "/etc/apt/sources.list.d/pylazy-realworld-src.sources";
    writeFileSync(file, `${stanza.replace(/^#.*\n/gm, "").replace(/^Types:.*$/m, "Types: deb-src").trim()}\n`);
  } else if (line) {
    file = "/etc/apt/sources.list.d/pylazy-realworld-src.list";
    writeFileSync(file, `${line.replace(/^deb\s/, "deb-src ")}\n`);
  } else {
    throw new Error("found no Debian mirror in /etc/apt/sources.list(.d) to add a deb-src entry for");
  }
  log(`added ${file}; apt-get update`);
  try {
    command("apt-get", ["update", "-qq"]);
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
  return file;
}

function installDebianPackages(names) {
  const missing = names.filter((name) => spawnSync("dpkg-query", ["-W", "-f", "${Status}", name], { encoding: "utf8" }).stdout !== "install ok installed");
  if (missing.length === 0) return;
  log(`apt-get install ${missing.join(" ")}`);
  command("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { DEBIAN_FRONTEND: "noninteractive" });
}

/**
 * Downloads a source package and unpacks its upstream tarball (the upstream sources with their
 * tests; Debian's own patches are not needed to run them). Returns the unpacked folder.
 */
function downloadSource(name) {
  const into = path.join(workDir, "download", name);
  mkdirSync(into, { recursive: true });
  log(`apt-get source --download-only ${name}`);
  // The Debian part may be missing from the mirror; the upstream tarball is what is needed.
  const run = spawnSync("apt-get", ["source", "--download-only", "-qq", name], { cwd: into, encoding: "utf8" });
  const tarball = readdirSync(into).find((file) => /\.orig\.tar\.(gz|xz|bz2)$/.test(file));
  if (!tarball) throw new Error(`apt-get source ${name} gave no upstream tarball:\n${run.stderr}`);
  const unpacked = path.join(into, "src");
  mkdirSync(unpacked);
  command("tar", ["-xf", path.join(into, tarball), "-C", unpacked]);
  const [top] = readdirSync(unpacked);
  return path.join(unpacked, top);
}

function command(file, args, env = {}) {
  const run = spawnSync(file, args, { encoding: "utf8", env: { ...process.env, ...env } });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${file} ${args.join(" ")} failed:\n${run.stderr.slice(-2000)}`);
  return run.stdout;
}

function listFilesIn(folder) {
  return existsSync(folder) ? readdirSync(folder).filter((file) => /\.(list|sources)$/.test(file)).map((file) => path.join(folder, file)) : [];
}

function markdownTable(rows) {
  const ms = (value) => `${value.toFixed(1)} ms`;
  const lines = [
    "| project | strategy | tests before | tests after | imports moved | import time before → after |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.project} | ${r.strategy} | ${r.testsBefore.text} | ${r.testsAfter.text}${r.ok ? "" : " ⚠"} | ${r.moved} | ${ms(r.importBefore)} → ${ms(r.importAfter)} |`),
  ];
  return lines.join("\n");
}

function log(message) {
  console.error(`realworld: ${message}`);
}
