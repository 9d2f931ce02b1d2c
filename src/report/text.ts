import type { Diagnostic } from "../engine/diagnostic.js";
import { summarize } from "./summary.js";

/**
 * ruff's concise format: `path:row:col: CODE [*] message`, then a summary. `unread`: how many
 * paths could not be linted (missing, unreadable, undecodable), each reported on stderr.
 */
export function formatText(diagnostics: readonly Diagnostic[], options: { color: boolean; savedMs?: number; unread?: number }): string {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines = diagnostics.map((d) => {
    const where = `${paint("1", d.filename)}${paint("36", ":")}${d.location.row}${paint("36", ":")}${d.location.column}${paint("36", ":")}`;
    if (d.code === null) return `${where} ${paint("31", d.message)}`;
    const marker = d.fix ? ` ${paint("36", "[*]")}` : "";
    return `${where} ${paint("1;31", d.code)}${marker} ${d.message}`;
  });
  const summary = summarize(diagnostics, options.savedMs);
  const unread = options.unread ?? 0;
  if (summary.total === 0 && unread === 0) return "All checks passed!\n";
  // Not "All checks passed!" when some path was not checked at all (a typo in it, say).
  const notLinted = unread === 0 ? "" : `; ${unread} ${unread === 1 ? "path" : "paths"} could not be linted`;
  lines.push(`Found ${summary.total} ${summary.total === 1 ? "error" : "errors"}${notLinted}.`);
  if (summary.fixable > 0 && summary.savedMs !== undefined) {
    lines.push(`[*] ${summary.fixable} fixable with \`pylazy fix\`; deferring them saves ${Math.round(summary.savedMs)} ms of startup (measured).`);
  } else if (summary.fixable > 0) {
    const saving = `${summary.fixableMsIncludesEstimates ? "~" : ""}${Math.round(summary.fixableMs)} ms`;
    lines.push(`[*] ${summary.fixable} fixable with \`pylazy fix\`; they import modules worth up to ${saving} of startup.`);
  }
  return `${lines.join("\n")}\n`;
}
