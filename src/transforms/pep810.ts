import type { ImportedName } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import { importStatementFor } from "./importBlock.js";
import { indentationAt } from "./layout.js";
import type { DeferralContext, DeferralResult, Strategy } from "./strategy.js";
import { LAZY_IMPORTS_MINOR, targetMinor } from "./strategy.js";

/**
 * `lazy import numpy as np` (PEP 810, Python 3.15): the statement stays where it is and binds the
 * name at once to a lazy object, which Python imports on first use. A statement that also imports
 * names that stay eager is split: `import os, numpy` → `import os` and `lazy import numpy`.
 */
export const pep810Strategy: Strategy = {
  name: "pep810",
  summary: "prefix the import with PEP 810's soft keyword `lazy` (Python 3.15+)",
  fixes: ["defer", "type-checking", "getattr"],
  defer({ heavy, lines, targetVersion }: DeferralContext): DeferralResult {
    if (targetMinor(targetVersion) < LAZY_IMPORTS_MINOR) {
      return {
        refused: `\`lazy import\` needs Python 3.15 (PEP 810) and the target is ${targetVersion}: use \`--target-version py315\`, or \`--strategy lazy-modules\`, which is lazy on 3.15 and changes nothing before`,
      };
    }
    const imported = heavy.imported;
    const restriction = pep810Restriction(imported, lines);
    if (restriction) return { refused: restriction };
    return {
      strategy: "pep810",
      rewrites: [{ imported, replacement: "", lazy: true }],
      edits: [],
      additions: [],
      message: `Import \`${heavy.module}\` lazily: \`lazy ${importStatementFor(imported)}\` (PEP 810)`,
      keepsNameBound: true,
    };
  },
};

/** Why PEP 810 (or pylazy's writing of it) does not allow `lazy` on this import; undefined when it does. */
function pep810Restriction(imported: ImportedName, lines: LineIndex): string | undefined {
  if (imported.scope.kind !== "module") return "PEP 810 allows `lazy` only at module level";
  for (let node = imported.statement.parent; node; node = node.parent) {
    if (node.type === "try_statement") return "PEP 810 does not allow `lazy` inside `try`";
    if (node.type === "function_definition" || node.type === "class_definition") return "PEP 810 allows `lazy` only at module level";
  }
  if (imported.kind === "from" && imported.level === 0 && imported.module === "__future__") return "PEP 810 does not allow a lazy `__future__` import";
  if (indentationAt(lines, imported.statement.startIndex) === undefined) {
    return `the import follows other code on line ${lines.lineOf(imported.statement.startIndex) + 1}: put it on a line of its own for \`lazy\` to start`;
  }
  return undefined;
}
