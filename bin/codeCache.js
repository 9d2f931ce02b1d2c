// Runs one of pylazy's CommonJS bundles (scripts/bundle.mjs) compiled from a V8 code cache beside
// it: the CLI, dist/src/bundle/main.cjs (bin/pylazy.js), and the lint workers' code,
// dist/src/bundle/lintWorker.cjs (each worker, through dist/src/bundle/lintWorker.js). node 20
// compiles a CommonJS script from a cache it is given, but keeps none of its own, and none at all
// for an ES module; without one, each worker compiled the analysis's functions anew as it ran
// them (README, Speed).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");

/**
 * Runs `file` as a CommonJS module compiled from `cacheFile` when V8 accepts it (the same node, V8
 * flags and script). Returns its exports and what it says of the cache: whether it is to be
 * written, because there was none, V8 rejected it or PYLAZY_WRITE_CODE_CACHE=1 asks for it (the
 * build); and `save`, which writes it then, with every function compiled by that time, so it is
 * best called when the work is done. A cache that cannot be written (a read-only install) only
 * costs the time it would have saved.
 */
function runCached(file, cacheFile) {
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  const writes = cachedData === undefined || script.cachedDataRejected === true || process.env.PYLAZY_WRITE_CODE_CACHE === "1";
  const codeCache = {
    writes,
    save() {
      if (!writes) return;
      // Written whole, then renamed: two workers may write the same cache at once.
      const temporary = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, cacheFile);
      } catch {
        fs.rmSync(temporary, { force: true });
      }
    },
  };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, codeCache };
}

module.exports = { runCached };
