#!/usr/bin/env node
// CommonJS (see bin/package.json): node starts a CommonJS entry about 10 ms sooner than an ES
// module one, and `pylazy --version` needs nothing else. Every other command runs the bundled CLI,
// dist/src/bundle/main.cjs (scripts/bundle.mjs), compiled from V8's code cache when it has one.
"use strict";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Read rather than required (a JSON require goes through the module resolver), and written to
  // the descriptor: setting up process.stdout loads node's stream modules, some 5 ms.
  const fs = require("node:fs");
  const version = JSON.parse(fs.readFileSync(`${__dirname}/../package.json`, "utf8")).version;
  try {
    fs.writeSync(1, `${version}\n`);
  } catch (error) {
    process.stderr.write(`pylazy: cannot write the version: ${error.message}\n`);
    process.exitCode = 2;
  }
} else {
  const { main, saveCache } = loadCli(tuneCompiler());
  main(process.argv)
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`pylazy: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      },
    )
    .finally(saveCache);
}

/**
 * For `lint` and `fix` over a folder, lets V8 optimise a function later than it would: after some
 * 24 times as much of its bytecode has run (`--interrupt-budget`, 67,584 by default on node 20).
 * Such a run is short, and V8 compiles optimised code on a thread of its own, a copy for each
 * worker thread, and throws some away and compiles it again as new shapes of nodes come; later, it
 * compiles less and with more to go on. On node 20, with two workers, a cold lint of the stdlib
 * took some 14% less time and `--threshold 0` some 19% less with 800,000, and on 2026-12-03
 * another 3% and 2% less with 1,600,000 (3,200,000 gave no more). A run over Python files named
 * one by one (pre-commit's) keeps V8's defaults: the lint of one file took some 7 ms more with
 * it; so does the language server, whose edits took as long either way (README, Speed). Only on
 * V8 11 (node 20), where this was measured: another V8 may not know the flag (it then prints an
 * error). A flag given to node is kept. True when it set the flag (the code cache, which V8
 * checks against its flags, is then another file).
 */
function tuneCompiler() {
  if ((args[0] !== "lint" && args[0] !== "fix") || !process.versions.v8.startsWith("11.")) return false;
  if (process.execArgv.some((option) => option.includes("interrupt-budget"))) return false;
  const fs = require("node:fs");
  // Files named one by one: some argument names a Python file and none a folder (an option's
  // value, `--config pylazy.toml`, is neither, and no path at all means the current folder).
  const names = args.slice(1).filter((arg) => !arg.startsWith("-"));
  const isFolder = (name) => {
    try {
      return fs.statSync(name).isDirectory();
    } catch {
      return false;
    }
  };
  if (names.some((name) => /\.pyi?$/.test(name)) && !names.some(isFolder)) return false;
  require("node:v8").setFlagsFromString("--interrupt-budget=1600000");
  return true;
}

/**
 * Runs the bundle compiled from the code cache beside it (`main.cjs.cache`, or
 * `main.cjs.tuned.cache` after tuneCompiler set its flag; bin/codeCache.js). When there is none,
 * or V8 rejects it (another node version or flags), this run writes one after it ends, with the
 * functions it compiled; the build writes both first (PYLAZY_WRITE_CODE_CACHE=1), after a lint of
 * a file and one of a folder.
 */
function loadCli(tuned) {
  const { runCached } = require("./codeCache.js");
  const file = require("node:path").join(__dirname, "..", "dist", "src", "bundle", "main.cjs");
  const { exports, codeCache } = runCached(file, tuned ? `${file}.tuned.cache` : `${file}.cache`);
  return { main: exports.main, saveCache: () => codeCache.save() };
}
