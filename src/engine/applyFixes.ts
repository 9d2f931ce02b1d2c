import { parsePython } from "../parse/parser.js";
import { applyEdits, planEdits } from "../transforms/edits.js";
import type { Diagnostic } from "./diagnostic.js";
import type { PlannedFix } from "./fixes.js";
import type { FileAnalysis } from "./lintSource.js";
import type MagicString from "magic-string";

export interface FileFixResult {
  /** The fixed text; equal to the source when nothing was applied. */
  output: string;
  magic?: MagicString;
  applied: { diagnostic: Diagnostic; planned: PlannedFix }[];
  /** Findings that a rule marked fixable but that were left as they were, with the reason. */
  refused: { diagnostic: Diagnostic; reason: string }[];
  /** Set when the whole file was left untouched because the rewrite went wrong. */
  failure?: string;
}

/**
 * Applies every fix of one file in a single pass: edits to the same import statement are merged,
 * so is the code the fixes add to the module (one helper, one `TYPE_CHECKING` block, one
 * `__getattr__`, one `__lazy_modules__`), overlapping edits refuse the file, and the result must
 * parse cleanly (PEP 810 `lazy` included) or nothing is changed.
 */
export function applyFileFixes(analysis: FileAnalysis, options: { unsafeFixes: boolean }): FileFixResult {
  const result: FileFixResult = { output: analysis.source, applied: [], refused: [] };
  for (const { rule, diagnostic, planned } of analysis.findings) {
    if (!rule.meta.fixable) continue;
    if (!planned) result.refused.push({ diagnostic, reason: diagnostic.fixRefusal ?? "no fix available" });
    else if (planned.fix.applicability === "unsafe" && !options.unsafeFixes) {
      result.refused.push({ diagnostic, reason: `the fix is unsafe: ${planned.fix.message}; use --unsafe-fixes to apply it` });
    } else result.applied.push({ diagnostic, planned });
  }
  if (result.applied.length === 0) return result;

  const edits = planEdits(result.applied.map(({ planned }) => planned.plan), analysis.lines);
  const { code, magic, conflicts } = applyEdits(analysis.source, edits);
  if (conflicts.length > 0) return failed(result, `overlapping edits at offset ${conflicts[0].start}`);
  if (parsePython(code).rootNode.hasError) return failed(result, "the rewritten file does not parse (a pylazy bug: please report it)");
  return { ...result, output: code, magic };
}

function failed(result: FileFixResult, reason: string): FileFixResult {
  return {
    output: result.output,
    applied: [],
    refused: [...result.refused, ...result.applied.map(({ diagnostic }) => ({ diagnostic, reason }))],
    failure: reason,
  };
}
