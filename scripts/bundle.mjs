#!/usr/bin/env node
// Bundles the compiled CLI (dist/src, from tsc) into dist/src/bundle: node then reads one file at
// startup instead of resolving and loading some fifty modules one by one, which took about as
// long as node's own start (`pylazy lint one_file.py`, the pre-commit case).
// - main.cjs, the CLI: CommonJS, because node 20 keeps a compiled CommonJS script in a V8 code
//   cache when asked (bin/pylazy.js does, in main.cjs.cache) but compiles ES modules on every
//   start. Its commands stay lazy: each is initialised only when it runs.
// - lintWorker.cjs, the lint workers' code, CommonJS for the same reason, and lintWorker.js, the
//   workers' entry, which runs it from a code cache of its own.
// tree-sitter is a native addon and stays outside. All sit three folders deep, as every module
// of dist/src does, so the paths they compute from import.meta.url (`../../../package.json`, the
// worker `./lintWorker.js`) hold unchanged.
// Then a lint of a small file and one of a folder write the code caches, with the functions a
// lint compiles in them.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { isAscii } from "node:buffer";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  external: ["tree-sitter", "tree-sitter-python"],
  logLevel: "warning",
};

// commander loads node:child_process as it starts, for subcommands run as programs of their own,
// which pylazy has none of; that load (with node:net and the stream modules it brings) took some
// 7 ms on the slower benchmark machine. Here it is loaded when commander would spawn one.
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(build) {
    build.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`${args.path} no longer loads node:child_process as scripts/bundle.mjs expects`);
      return { contents: text.replace(eager, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"), loader: "js" };
    });
  },
};

// Without whitespace and comments (names are kept, for stack traces): node reads the bundle as
// it starts, and it then holds only ASCII, which node decodes far faster than text with any
// other character in it (three in comments made a 1.1 MB read and decode take some 9 ms
// instead of 3 on the slower benchmark machine).
await build({
  ...common,
  entryPoints: ["dist/src/cli/main.js"],
  outfile: "dist/src/bundle/main.cjs",
  format: "cjs",
  minifyWhitespace: true,
  charset: "ascii",
  plugins: [lazyChildProcess],
  define: { "import.meta.url": "__pylazyModuleUrl" },
  banner: { js: "const __pylazyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
if (!isAscii(await readFile(path.join(root, "dist/src/bundle/main.cjs")))) throw new Error("dist/src/bundle/main.cjs is not ASCII (see the comment above)");

// The workers' code, as CommonJS for the same reason (each worker compiled the analysis anew),
// with an entry of the name run.ts starts, which runs it from a code cache of its own. The entry
// is CommonJS too (the package.json beside it says so): node then sets up no ES module loader in
// the worker, which started an empty worker some 4 ms sooner (23 against 28 ms, the median of 21).
await build({
  ...common,
  entryPoints: ["dist/src/engine/lintWorker.js"],
  outfile: "dist/src/bundle/lintWorker.cjs",
  format: "cjs",
  minifyWhitespace: true,
  charset: "ascii",
  define: { "import.meta.url": "__pylazyModuleUrl" },
  banner: { js: "const __pylazyModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
writeFileSync(path.join(root, "dist/src/bundle/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
writeFileSync(
  path.join(root, "dist/src/bundle/lintWorker.js"),
  `// The lint workers' entry (scripts/bundle.mjs): lintWorker.cjs compiled from its code cache, one
// per set of V8 flags (a folder's lint sets one, see bin/pylazy.js), written by the build, or by a
// worker whose cache V8 rejected, when it is done.
"use strict";
const file = require.resolve("./lintWorker.cjs");
const { runCached } = require("../../../bin/codeCache.js");
const loaded = runCached(file, \`\${file}.\${require("node:v8").cachedDataVersionTag()}.cache\`);
loaded.exports.useCodeCache(loaded.codeCache);
`,
);

const scratch = mkdtempSync(path.join(os.tmpdir(), "pylazy-bundle-"));
try {
  writeFileSync(path.join(scratch, "pyproject.toml"), "[tool.pylazy]\n");
  writeFileSync(path.join(scratch, "cli.py"), "import json\nimport asyncio\n\n\ndef main():\n    return asyncio.run(json.loads('1'))\n");
  // Enough files for the folder's lint to run on workers (run.ts, WORKER_THRESHOLD), which write theirs.
  for (let index = 0; index < 64; index++) writeFileSync(path.join(scratch, `module${index}.py`), `import asyncio\nimport email\n\n\nclass Message${index}(email.message.Message):\n    def send(self):\n        return asyncio.run(self.as_string())\n`);
  // A file named, then a folder: bin/pylazy.js keeps a code cache for each way V8 is set (tuneCompiler).
  for (const target of ["cli.py", "."]) {
    const result = spawnSync(process.execPath, [path.join(root, "bin", "pylazy.js"), "lint", target, "--no-cache"], {
      cwd: scratch,
      env: { ...process.env, PYLAZY_WRITE_CODE_CACHE: "1" },
      encoding: "utf8",
    });
    if (result.status !== 1) throw new Error(`the lint that writes the code cache exited ${result.status}: ${result.stderr}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
