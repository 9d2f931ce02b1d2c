import { CodeActionKind } from "vscode-languageserver/node";
import type { CodeAction, Position as LspPosition, Range, TextEdit as LspTextEdit } from "vscode-languageserver/node";
import { deferralBlockers } from "../analysis/safety.js";
import { applyFileFixes } from "../engine/applyFixes.js";
import { planFix } from "../engine/fixes.js";
import type { FileAnalysis, LintOptions } from "../engine/lintSource.js";
import { LAZY_IMPORTS_MINOR, STRATEGY_NAMES, targetMinor } from "../transforms/strategy.js";
import { toLspDiagnostic, toLspPosition, toLspRange, toLspTextEdit } from "./diagnostics.js";

/** `source.fixAll.pylazy`: what VS Code's `editor.codeActionsOnSave` names. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.pylazy`;

export interface CodeActionSettings {
  /** What the file was linted with: its strategy is that of the preferred quick fix and of "fix all". */
  lintOptions: LintOptions;
  unsafeFixes: boolean;
}

/**
 * One quick fix per strategy that can defer each finding in `range` (the configured one
 * preferred), and "fix all in file", each limited to the kinds the client asked for (`only`).
 */
export function codeActions(analysis: FileAnalysis, uri: string, range: Range, only: readonly string[] | undefined, settings: CodeActionSettings): CodeAction[] {
  const actions: CodeAction[] = [];
  if (isRequested(CodeActionKind.QuickFix, only)) actions.push(...quickFixes(analysis, uri, range, settings));
  if (isRequested(FIX_ALL_KIND, only)) {
    const fixAll = fixAllAction(analysis, uri, settings);
    if (fixAll) actions.push(fixAll);
  }
  return actions;
}

function quickFixes(analysis: FileAnalysis, uri: string, range: Range, settings: CodeActionSettings): CodeAction[] {
  const { model, lines, file } = analysis;
  if (model === undefined) return [];
  const actions: CodeAction[] = [];
  for (const { finding, rule, diagnostic } of analysis.findings) {
    const heavy = finding.heavy;
    if (!rule.meta.fixable || heavy === undefined || finding.fix === undefined) continue;
    if (!overlaps(toLspRange(diagnostic.location, diagnostic.endLocation), range)) continue;
    const { lintOptions } = settings;
    const blockers = deferralBlockers(heavy, model, file, lintOptions.project);
    // A strategy that cannot apply may fall back to another: offer each resulting rewrite once.
    const offered = new Set<string>();
    for (const strategy of STRATEGY_NAMES) {
      // `__lazy_modules__` changes nothing before 3.15: not worth a quick fix for older targets.
      if (strategy === "lazy-modules" && !targetsLazyImports(lintOptions.targetVersion)) continue;
      const planned = planFix(heavy, finding.fix, { model, lines, file, blockers }, { ...lintOptions, strategy });
      if ("refused" in planned || offered.has(planned.fix.strategy)) continue;
      const unsafe = planned.fix.applicability === "unsafe";
      if (unsafe && !settings.unsafeFixes) continue;
      offered.add(planned.fix.strategy);
      actions.push({
        title: `pylazy (${diagnostic.code}): ${planned.fix.message}${unsafe ? " (unsafe)" : ""}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(diagnostic, uri)],
        // The configured strategy's choice for this finding (what `auto` picked, or its fallback).
        isPreferred: planned.fix.strategy === (diagnostic.fix?.strategy ?? lintOptions.strategy) && !unsafe,
        edit: { changes: { [uri]: planned.fix.edits.map(toLspTextEdit) } },
      });
    }
  }
  return actions;
}

/** Every fix of the file with the configured strategy, applied together as `pylazy fix` would. */
function fixAllAction(analysis: FileAnalysis, uri: string, settings: CodeActionSettings): CodeAction | undefined {
  if (analysis.model === undefined) return undefined;
  const fixed = applyFileFixes(analysis, { unsafeFixes: settings.unsafeFixes });
  if (fixed.applied.length === 0 || fixed.output === analysis.source) return undefined;
  const count = fixed.applied.length;
  return {
    title: `pylazy: Defer ${count} heavy ${count === 1 ? "import" : "imports"} in this file (${settings.lintOptions.strategy})`,
    kind: FIX_ALL_KIND,
    diagnostics: fixed.applied.map(({ diagnostic }) => toLspDiagnostic(diagnostic, uri)),
    edit: { changes: { [uri]: [replacementEdit(analysis, fixed.output)] } },
  };
}

/** One edit turning the file's text into `output`, spanning only the part that differs (so the cursor stays put). */
function replacementEdit(analysis: FileAnalysis, output: string): LspTextEdit {
  const source = analysis.source;
  let start = 0;
  while (start < source.length && start < output.length && source[start] === output[start]) start++;
  while (start > 0 && splitsCharacterOrLineBreak(source, start)) start--;
  let end = 0;
  while (end < source.length - start && end < output.length - start && source[source.length - 1 - end] === output[output.length - 1 - end]) end++;
  while (end > 0 && splitsCharacterOrLineBreak(source, source.length - end)) end--;
  const range = { start: toLspPosition(analysis.lines.position(start)), end: toLspPosition(analysis.lines.position(source.length - end)) };
  return { range, newText: output.slice(start, output.length - end) };
}

/** An LSP position cannot point between `\r` and `\n` nor inside a surrogate pair. */
function splitsCharacterOrLineBreak(text: string, offset: number): boolean {
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return (before === 13 && after === 10) || (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff);
}

/** `quickfix` is asked for by `quickfix`; `source.fixAll.pylazy` by `source`, `source.fixAll` or itself. */
function isRequested(kind: string, only: readonly string[] | undefined): boolean {
  return only === undefined || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

export function overlaps(a: Range, b: Range): boolean {
  return !isBefore(a.end, b.start) && !isBefore(b.end, a.start);
}

function isBefore(a: LspPosition, b: LspPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function targetsLazyImports(targetVersion: string): boolean {
  return targetMinor(targetVersion) >= LAZY_IMPORTS_MINOR;
}
