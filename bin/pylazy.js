#!/usr/bin/env node
// CommonJS (see bin/package.json): node starts a CommonJS entry about 10 ms sooner than an ES
// module one, and `pylazy --version` needs nothing else. Every other command loads the bundled ES
// modules of dist/src/bundle (scripts/bundle.mjs), each part when it is needed.
"use strict";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`${require("../package.json").version}\n`);
} else {
  import("../dist/src/bundle/main.js")
    .then(({ main }) => main(process.argv))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`pylazy: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      },
    );
}
