#!/usr/bin/env node
// Bundles the compiled CLI (dist/src, from tsc) into dist/src/bundle: node then reads a handful of
// files at startup instead of resolving and loading some fifty modules one by one, which took
// about as long as node's own start (`pylazy lint one_file.py`, the pre-commit case). Commands
// and the analysis stay lazy: each dynamic import becomes a chunk of its own. tree-sitter is a
// native addon and stays outside. The bundle sits three folders deep, as every module of
// dist/src does, so the paths they compute from import.meta.url (`../../../package.json`, the
// worker `./lintWorker.js`) hold unchanged.
import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

await build({
  absWorkingDir: root,
  entryPoints: ["dist/src/cli/main.js", "dist/src/engine/lintWorker.js"],
  outdir: "dist/src/bundle",
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["tree-sitter", "tree-sitter-python"],
  // CommonJS packages inside an ES module bundle still call require() for node's own modules.
  banner: { js: "import { createRequire as __pylazyCreateRequire } from 'node:module'; const require = __pylazyCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
