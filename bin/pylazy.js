#!/usr/bin/env node
// CommonJS (see bin/package.json): node starts a CommonJS entry about 10 ms sooner than an ES
// module one, and `pylazy --version` needs nothing else. Every command loads the ES modules of
// dist/ on demand.
"use strict";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  process.stdout.write(`${require("../package.json").version}\n`);
} else {
  import("../dist/src/cli/main.js")
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
