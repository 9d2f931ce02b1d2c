#!/usr/bin/env node
// How tree-sitter's incremental reparse fares after an edit at the end of a line, told to it as
// made and told with the line break after it (what the language server does, src/lsp/documents.ts).
// For each of some stdlib modules: the end of the first line, and about 25 more lines that end in
// a name, each with a letter typed after the name and the name's last letter deleted. A reparse is
// counted slow when it takes more than 40% of a fresh parse of the module (the best of two tries).
//
//   npm run build && node scripts/lineEndReparse.mjs
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runPython } from "./lib/pythonTree.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { parsePython, treePoint } = await import(path.join(root, "dist/src/parse/parser.js"));

const MODULES = ["argparse.py", "typing.py", "tarfile.py", "inspect.py", "ast.py", "subprocess.py", "enum.py", "dataclasses.py", "pathlib.py", "logging/__init__.py", "http/client.py", "email/message.py", "json/decoder.py", "shutil.py"];
const stdlib = runPython("import sysconfig; print(sysconfig.get_paths()['stdlib'])").trim();

/** The least of `times` durations, each what `timed` returns. */
function bestOf(times, timed) {
  let best = Infinity;
  for (let run = 0; run < times; run++) best = Math.min(best, timed());
  return best;
}

const totals = { "as made": { slow: 0, ms: 0 }, "with the line break": { slow: 0, ms: 0 } };
let edits = 0;
for (const module of MODULES) {
  const before = readFileSync(path.join(stdlib, module), "utf8");
  const freshMs = bestOf(2, () => {
    const started = performance.now();
    parsePython(before);
    return performance.now() - started;
  });
  const lineEnds = [before.indexOf("\n")];
  for (const match of before.matchAll(/[A-Za-z_]\w+(?=\n)/g)) lineEnds.push(match.index + match[0].length);
  const step = Math.max(1, Math.floor(lineEnds.length / 25));
  for (let index = 0; index < lineEnds.length; index += index === 0 ? 1 : step) {
    const at = lineEnds[index];
    for (const [start, oldEnd, inserted] of [
      [at, at, "s"],
      [at - 1, at, ""],
    ]) {
      const after = before.slice(0, start) + inserted + before.slice(oldEnd);
      edits++;
      for (const [told, lineBreak] of [
        ["as made", 0],
        ["with the line break", before[oldEnd] === "\n" ? 1 : 0],
      ]) {
        const ms = bestOf(2, () => {
          const tree = parsePython(before);
          const newEnd = start + inserted.length + lineBreak;
          tree.edit({
            startIndex: start,
            oldEndIndex: oldEnd + lineBreak,
            newEndIndex: newEnd,
            startPosition: treePoint(before, start),
            oldEndPosition: treePoint(before, oldEnd + lineBreak),
            newEndPosition: treePoint(after, newEnd),
          });
          const started = performance.now();
          parsePython(after, tree);
          return performance.now() - started;
        });
        totals[told].ms += ms;
        if (ms > freshMs * 0.4) totals[told].slow++;
      }
    }
  }
}
console.log(`${edits} edits at the ends of lines of ${MODULES.length} stdlib modules:`);
for (const [told, { slow, ms }] of Object.entries(totals)) console.log(`- told ${told}: ${slow} reparses slow, ${Math.round(ms)} ms in all`);
