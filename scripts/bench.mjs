#!/usr/bin/env node
// The speed benchmark of issue "Speed": every target measured as a median in one run, next to
// Ruff's WebAssembly build (TID253, same module list, same files) so that the ratio survives a
// noisy machine. `node scripts/bench.mjs --quick` only checks that the benchmark still works.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "bin", "pylazy.js");
const quick = process.argv.includes("--quick");
const runs = quick ? 1 : Number(process.env.BENCH_RUNS ?? 5);

// NODE_EXTRA_CA_CERTS makes every node process read and parse a file of certificates as it starts
// (about 40 ms on the sandbox this benchmark was written on, which sets it for its network proxy).
// None of the commands measured opens a connection, so they run without it, Ruff's included; the
// summary shows node's own start both ways.
const inheritedCaCerts = process.env.NODE_EXTRA_CA_CERTS;
const childEnv = { ...process.env };
delete childEnv.NODE_EXTRA_CA_CERTS;

function stdlibPath() {
  return spawnSync("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: "utf8" }).stdout.trim();
}

function pythonFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith(".py") && !name.split(path.sep).includes("site-packages"))
    .map((name) => path.join(dir, name));
}

/** A private copy of the corpus: a project root of its own, so caches and configs are ours. */
function makeCorpus() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pylazy-bench-"));
  const stdlib = stdlibPath();
  const corpus = path.join(dir, "stdlib");
  if (quick) {
    for (const name of ["json", "email", "http"]) cpSync(path.join(stdlib, name), path.join(corpus, name), { recursive: true });
  } else {
    cpSync(stdlib, corpus, { recursive: true, filter: (source) => !source.includes(`${path.sep}site-packages`) && !source.includes("__pycache__") });
  }
  writeFileSync(path.join(dir, "pyproject.toml"), "[tool.pylazy]\n");
  return { dir, corpus };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Wall time (ms) and, with `peakMemory`, peak memory (MB, via GNU time when present) of one
 * command; GNU time runs only then, since starting it adds to the time of a short command. Exit 2
 * is expected of lint here: the standard library has test files in encodings pylazy does not read.
 */
function timeCommand(args, cwd, { allowExit = [0, 1, 2], env = childEnv, peakMemory = false } = {}) {
  const gnuTime = "/usr/bin/time";
  const useTime = peakMemory && spawnSync(gnuTime, ["-f", "%M", "true"]).status === 0;
  const faultsBefore = childrensMinorFaults();
  const started = process.hrtime.bigint();
  const result = useTime
    ? spawnSync(gnuTime, ["-f", "%M", process.execPath, ...args], { cwd, env, encoding: "utf8", maxBuffer: 1 << 28 })
    : spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const faults = childrensMinorFaults() - faultsBefore;
  if (!allowExit.includes(result.status)) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  const peakMb = useTime ? Number(result.stderr.trim().split("\n").pop()) / 1024 : NaN;
  return { ms, peakMb, faults, stdout: result.stdout };
}

/**
 * The minor page faults of this process's children that have ended and been waited for (the
 * `cminflt` field of /proc/self/stat), NaN where there is no /proc: the difference around a
 * spawnSync is that command's own (GNU time's few included when it runs). A page fault costs
 * little on most machines, but on the slowest kind seen here every figure grew with the command's
 * faults as much as with its time (docs/speed.md), so the benchmark prints both.
 */
function childrensMinorFaults() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // The fields after the command name, which is in parentheses and may hold spaces: state is
    // field 3, cminflt field 11.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[8]);
  } catch {
    return NaN;
  }
}

function measure(label, args, cwd, options) {
  const samples = [];
  const faults = [];
  let peakMb = 0;
  let stdout = "";
  for (let i = 0; i < runs; i++) {
    if (options?.before) options.before();
    const result = timeCommand(args, cwd, options);
    samples.push(result.ms);
    faults.push(result.faults);
    peakMb = Math.max(peakMb, result.peakMb);
    stdout = result.stdout;
  }
  return { label, ms: median(samples), faults: median(faults), peakMb, stdout };
}

/** Ruff's TID253 over the same files, in a child process so that load time counts as it does for us. */
function measureRuff(files, modules) {
  const script = `
    const { readFileSync } = require("node:fs");
    const ruff = require(${JSON.stringify(path.join(root, "node_modules/@astral-sh/ruff-wasm-nodejs"))});
    const workspace = new ruff.Workspace({ lint: { select: ["TID253"], "flake8-tidy-imports": { "banned-module-level-imports": ${JSON.stringify(modules)} } } }, ruff.PositionEncoding.Utf16);
    let count = 0;
    for (const file of ${JSON.stringify(files)}) {
      let text;
      try { text = readFileSync(file, "utf8"); } catch { continue; }
      count += workspace.check(text).filter((d) => d.code === "TID253").length;
    }
    console.log(count);
  `;
  const scriptFile = path.join(os.tmpdir(), `pylazy-bench-ruff-${process.pid}.cjs`);
  writeFileSync(scriptFile, script);
  try {
    return measure("ruff (wasm) TID253", [scriptFile], os.tmpdir());
  } finally {
    rmSync(scriptFile, { force: true });
  }
}

/** The LSP measurement's file: `import numpy as np`, then functions that each use it. */
function bigModule() {
  const lines = [];
  lines.push("import numpy as np", "");
  while (lines.length < 5000) lines.push(`def f${lines.length}(x):`, `    return np.add(x, ${lines.length})`, "");
  return `${lines.join("\n")}\n`;
}

/**
 * For reference, with the built-in costs and the default threshold: how many of the corpus's files
 * the pre-scan keeps for parsing, how many of those their bare skeleton rules out unparsed, and how
 * many of the rest a skeleton decides (function bodies blanked).
 */
async function preScanShare(files) {
  const { PreScan } = await import(path.join(root, "dist/src/analysis/prescan.js"));
  const { builtinEstimates } = await import(path.join(root, "dist/src/profile/estimates.js"));
  const { moduleNameForFile } = await import(path.join(root, "dist/src/analysis/modulePath.js"));
  const { lintImportTime } = await import(path.join(root, "dist/src/engine/lintSource.js"));
  const { rules } = await import(path.join(root, "dist/src/rules/index.js"));
  const costs = builtinEstimates();
  const preScan = new PreScan(costs, 10);
  const options = { costs, thresholdMs: 10, keepEager: [], rules, strategy: "function", targetVersion: "py311", skeleton: true, skipFixes: true };
  const share = { kept: 0, keptMb: 0, ruledOut: 0, ruledOutMb: 0, skeletons: 0, skeletonMb: 0 };
  for (const file of files) {
    const text = readFileSync(file, "latin1");
    const module = { ...moduleNameForFile(file), path: file };
    if (!preScan.mayHaveFindings(text, module)) continue;
    share.kept++;
    share.keptMb += text.length / 1e6;
    const analysis = lintImportTime(file, text, module, options, preScan);
    if (analysis === undefined) {
      share.ruledOut++;
      share.ruledOutMb += text.length / 1e6;
    } else if (analysis.fromSkeleton) {
      share.skeletons++;
      share.skeletonMb += text.length / 1e6;
    }
  }
  return share;
}

/** For reference: the median time of one tree-sitter cursor walk (every node's type and span) over the LSP file's tree. */
async function measureTreeWalk() {
  const { parsePython } = await import(path.join(root, "dist/src/parse/parser.js"));
  const tree = parsePython(bigModule());
  const walk = () => {
    const cursor = tree.walk();
    for (let sum = 0; ; ) {
      sum += cursor.nodeTypeId + cursor.startIndex + cursor.endIndex;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return sum;
    }
  };
  const samples = [];
  for (let i = 0; i < (quick ? 2 : 15); i++) {
    const started = process.hrtime.bigint();
    walk();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(samples);
}

/**
 * Median time from a one-character didChange to the diagnostics it causes, in a 5,000-line file.
 * `blank`: a space typed in, or nothing changed on, the blank lines between functions (the target).
 * `uses`: a digit typed into, then deleted from, a line that uses `np` (a statement the analysis
 * reads, but not its numbers).
 * `attribute`: a letter typed into, then deleted from, the attribute after `np.` on such a line
 * (`np.adds`), which names no submodule an import of the file spells.
 * `reads`: a letter typed into, then deleted from, the name `np` on such a line (`nps.add`), which
 * the analysis reads: carried while other functions still use `np` (incremental.ts, renamedUse).
 * `alias`: a letter typed into, then deleted from, the import's alias (`import numpy as nps`),
 * which changes the diagnostics: the whole file is analysed again, at once when the last analysis
 * started 30 ms or more before the edit, else 30 ms later, with any keystroke that comes meanwhile
 * (the server's debounce, src/lsp/server.ts). The benchmark waits for each edit's diagnostics
 * before the next, and then `pauseMs` more: with 0, an analysis shorter than 30 ms makes the next
 * edit wait out the debounce; with 40, each edit is linted at once, as a keystroke after a pause is.
 */
async function measureLsp(dir, where = "blank", pauseMs = 0) {
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import("vscode-jsonrpc/node");
  const text = bigModule();
  const file = path.join(dir, "big_module.py");
  writeFileSync(file, text);
  const child = spawn(process.execPath, [cli, "lsp"], { cwd: dir, env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((_, reject) => child.on("exit", (code) => reject(new Error(`pylazy lsp exited (${code}): ${stderr.trim().split("\n").pop()}`))));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let waiting;
  connection.onNotification("textDocument/publishDiagnostics", (params) => waiting?.(params));
  connection.listen();
  const uri = `file://${file}`;
  const race = (promise) => Promise.race([promise, exited]);
  await race(connection.sendRequest("initialize", { processId: process.pid, rootUri: `file://${dir}`, capabilities: {} }));
  connection.sendNotification("initialized", {});
  const next = () => new Promise((resolve) => (waiting = resolve));
  let published = next();
  connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "python", version: 1, text } });
  await race(published);
  const samples = [];
  const edits = quick ? 5 : 60;
  for (let version = 2; version < edits + 2; version++) {
    let change;
    if (where === "blank") {
      const line = 4 + (version % 1000) * 3;
      change = { range: { start: { line, character: 4 }, end: { line, character: 4 } }, text: version % 2 ? " " : "" };
    } else if (where === "alias") {
      const character = "import numpy as np".length;
      const typed = version % 2 === 0;
      change = { range: { start: { line: 0, character }, end: { line: 0, character: typed ? character : character + 1 } }, text: typed ? "s" : "" };
    } else {
      // Line 3 + 3k reads `    return np.add(x, N)` with N its index: type a digit before `)`
      // (or a letter after `np.add`, or after `np`) on even versions, then delete it.
      const line = 3 + (Math.floor(version / 2) % 1000) * 3;
      const character = where === "uses" ? `    return np.add(x, ${line}`.length : where === "attribute" ? "    return np.add".length : "    return np".length;
      const typed = version % 2 === 0;
      change = { range: { start: { line, character }, end: { line, character: typed ? character : character + 1 } }, text: typed ? (where === "uses" ? "1" : "s") : "" };
    }
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    published = next();
    const started = process.hrtime.bigint();
    connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [change] });
    await race(published);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  await race(connection.sendRequest("shutdown"));
  child.removeAllListeners("exit");
  connection.dispose();
  child.kill();
  return median(samples);
}

function heavyModules() {
  // The module list both tools get: every module of pylazy's built-in table at or above 10 ms.
  const script = `import("${path.join(root, "dist/src/profile/estimates.js")}").then(({ builtinEstimates }) => {
    const table = builtinEstimates();
    console.log(JSON.stringify([...table.modules()].filter((m) => table.lookup(m).cumulativeUs >= 10000)));
  });`;
  return JSON.parse(spawnSync(process.execPath, ["-e", script], { encoding: "utf8" }).stdout);
}

async function main() {
  const { dir, corpus } = makeCorpus();
  try {
    const files = pythonFiles(corpus);
    const mb = files.reduce((sum, file) => sum + readFileSync(file).length, 0) / 1e6;
    console.log(`Corpus: ${files.length} files, ${mb.toFixed(1)} MB (${quick ? "quick subset" : "the machine's stdlib"}); ${runs} run(s) each; ${os.cpus().length} cores.`);
    const clearCache = () => rmSync(path.join(dir, ".pylazy"), { recursive: true, force: true });
    const results = [];
    const target = (label, measured, limit, unit = "ms") => results.push({ label, measured, limit, unit });

    const cold = measure("lint (built-in costs), cold", [cli, "lint", "stdlib", "--no-cache"], dir, { before: clearCache });
    target("`pylazy lint <stdlib>`, cold, no cache", cold.ms, 1500);
    // For reference: the same on one thread (the project index built in it), to show what the second core gives.
    const oneThread = measure("lint, cold, one thread", [cli, "lint", "stdlib", "--no-cache"], dir, { before: clearCache, env: { ...childEnv, PYLAZY_JOBS: "1" } });
    const all = measure("lint --threshold 0, cold", [cli, "lint", "stdlib", "--threshold", "0", "--no-cache"], dir, { before: clearCache, peakMemory: true });
    target("`pylazy lint <stdlib> --threshold 0`, cold", all.ms, 8000);
    target("peak memory, `--threshold 0` run", all.peakMb, 500, "MB");
    timeCommand([cli, "lint", "stdlib"], dir);
    const warm = measure("lint, unchanged tree, cached", [cli, "lint", "stdlib"], dir);
    target("second run over an unchanged tree (cache)", warm.ms, 400);
    const bareNode = measure("node -e 1", ["-e", "1"], dir, { allowExit: [0] });
    const nodeWithCaCerts = inheritedCaCerts === undefined ? undefined : measure("node -e 1, NODE_EXTRA_CA_CERTS set", ["-e", "1"], dir, { allowExit: [0], env: process.env });
    const version = measure("--version", [cli, "--version"], dir, { allowExit: [0] });
    target("`pylazy --version`", version.ms, 80);
    const one = measure("lint one file", [cli, "lint", path.join("stdlib", "json", "decoder.py"), "--no-cache"], dir);
    target("`pylazy lint one_file.py`", one.ms, 150);
    const lsp = await measureLsp(dir).catch((error) => {
      console.error(`LSP measurement failed: ${error.message}`);
      return NaN;
    });
    target("LSP: diagnostics after a one-character edit, 5,000 lines", lsp, 20);
    const lspUses = await measureLsp(dir, "uses").catch((error) => {
      console.error(`LSP measurement failed: ${error.message}`);
      return NaN;
    });
    const lspAttribute = await measureLsp(dir, "attribute").catch((error) => {
      console.error(`LSP measurement failed: ${error.message}`);
      return NaN;
    });
    const lspReads = await measureLsp(dir, "reads").catch((error) => {
      console.error(`LSP measurement failed: ${error.message}`);
      return NaN;
    });
    const lspAlias = await measureLsp(dir, "alias").catch((error) => {
      console.error(`LSP measurement failed: ${error.message}`);
      return NaN;
    });
    const lspAliasPaused = await measureLsp(dir, "alias", 40).catch((error) => {
      console.error(`LSP measurement failed: ${error.message}`);
      return NaN;
    });
    const treeWalk = await measureTreeWalk();
    const share = await preScanShare(files);

    const ruff = measureRuff(files, heavyModules());
    console.log("");
    console.log("| target | measured (median) | limit | result |");
    console.log("|---|---|---|---|");
    for (const { label, measured, limit, unit } of results) {
      const shown = Number.isNaN(measured) ? "n/a" : `${Math.round(measured)} ${unit}`;
      console.log(`| ${label} | ${shown} | ≤ ${limit} ${unit} | ${Number.isNaN(measured) ? "not measured" : measured <= limit ? "pass" : "FAIL"} |`);
    }
    // The quick mode is CI's check that the benchmark works: a measurement that failed fails it.
    if (results.some(({ measured }) => Number.isNaN(measured)) || [lspUses, lspAttribute, lspReads, lspAlias, lspAliasPaused].some(Number.isNaN)) process.exitCode = 1;
    console.log("");
    console.log(`Ruff ${JSON.parse(spawnSync(process.execPath, ["-e", `console.log(JSON.stringify(require(${JSON.stringify(path.join(root, "node_modules/@astral-sh/ruff-wasm-nodejs"))}).Workspace.version()))`], { encoding: "utf8" }).stdout)} (WebAssembly, TID253, same files, one process): ${Math.round(ruff.ms)} ms; ` +
      `pylazy cold lint / ruff = ${(cold.ms / ruff.ms).toFixed(2)}.`);
    // As run.ts's jobCount counts them: one a core, at most 8, unless PYLAZY_JOBS says.
    const threads = Number.isInteger(Number(childEnv.PYLAZY_JOBS)) && Number(childEnv.PYLAZY_JOBS) > 0 ? Number(childEnv.PYLAZY_JOBS) : Math.min(os.availableParallelism(), 8);
    console.log(`For reference: the cold lint on one thread (\`PYLAZY_JOBS=1\`, the project index built in it) takes ${Math.round(oneThread.ms)} ms (median); the ${threads} threads above (the main thread and ${threads - 1} worker${threads === 2 ? "" : "s"}) take ${(cold.ms / oneThread.ms).toFixed(2)} of that.`);
    console.log(`For reference: node's own start (\`node -e 1\`) takes ${Math.round(bareNode.ms)} ms here.`);
    const faults = [["cold lint", cold], ["one thread", oneThread], ["`--threshold 0`", all], ["cache", warm], ["`--version`", version], ["one file", one], ["`node -e 1`", bareNode], ["Ruff", ruff]];
    if (!faults.some(([, measured]) => Number.isNaN(measured.faults))) {
      console.log(`For reference: minor page faults per run (median): ${faults.map(([label, measured]) => `${label} ${Math.round(measured.faults)}`).join(", ")}.`);
    }
    if (nodeWithCaCerts) {
      console.log(`NODE_EXTRA_CA_CERTS is set in this environment; every command above ran without it. With it, \`node -e 1\` takes ${Math.round(nodeWithCaCerts.ms)} ms.`);
    }
    console.log(`For reference: the pre-scan keeps ${share.kept} of the ${files.length} files for parsing (${share.keptMb.toFixed(1)} MB), with the built-in costs and the default threshold; their bare skeletons rule out ${share.ruledOut} unparsed (${share.ruledOutMb.toFixed(1)} MB), and skeletons decide ${share.skeletons} of the rest (${share.skeletonMb.toFixed(1)} MB).`);
    console.log(`For reference: in the LSP's file, a digit typed on a line that uses the heavy module takes ${Math.round(lspUses)} ms (median), a letter typed into the attribute after \`np.\` there (\`np.adds\`) ${Math.round(lspAttribute)} ms; a letter typed into the name \`np\` there (\`nps.add\`), which the analysis reads, ${Math.round(lspReads)} ms (carried while other functions use \`np\`). A letter typed into the import's alias (\`import numpy as nps\`), which changes the diagnostics, takes ${Math.round(lspAlias)} ms (median) typed as soon as the last edit's diagnostics are in, ${Math.round(lspAliasPaused)} ms typed 40 ms after them (the whole file analysed again; the server lints an edit that comes within 30 ms of the last analysis's start 30 ms later, with those that follow).`);
    console.log(`For reference: one tree-sitter cursor walk over the tree of the LSP's 5,000-line file takes ${treeWalk.toFixed(1)} ms (median).`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
