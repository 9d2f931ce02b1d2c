import { MarkupKind } from "vscode-languageserver/node";
import type { Hover } from "vscode-languageserver/node";
import type { Reference } from "../analysis/scope.js";
import type { FileAnalysis } from "../engine/lintSource.js";
import type { LineIndex } from "../parse/lines.js";
import type { ModuleCost } from "../profile/types.js";
import { formatCost } from "../rules/rule.js";
import { toLspRange } from "./diagnostics.js";

/** How many lines a hover lists for each kind of use before it says "and N more". */
const LINES_SHOWN = 5;

/**
 * On a reported import: what the module costs at startup and where that cost comes from, where
 * the name is needed while the module is being imported, and what pylazy can do about it.
 */
export function hoverAt(analysis: FileAnalysis, offset: number, costsDescription: string): Hover | null {
  const findings = analysis.findings.filter(({ finding }) => {
    const statement = finding.heavy?.imported.statement;
    const start = statement?.startIndex ?? finding.start;
    const end = statement?.endIndex ?? finding.end;
    return start <= offset && offset <= end;
  });
  if (findings.length === 0) return null;

  const { lines } = analysis;
  const sections: string[] = [];
  for (const { finding, rule, diagnostic } of findings) {
    const section = [`**\`${finding.module}\`**: ${describeCost(finding.cost, costsDescription)}`];
    const uses = finding.heavy?.uses;
    if (uses && uses.importTime.length > 0) section.push(`Needed while the module is being imported: ${useLines(uses.importTime, lines)}.`);
    else if (finding.importTimeUse !== undefined) section.push(`Needed while the module is being imported: line ${lines.lineOf(finding.importTimeUse) + 1}.`);
    if (uses && uses.deferred.length > 0) section.push(`Used later, inside functions: ${useLines(uses.deferred, lines)}.`);
    if (uses && uses.typing.length > 0) section.push(`Used in annotations: ${useLines(uses.typing, lines)}.`);
    section.push(`${rule.meta.code} (${rule.meta.name}): ${rule.meta.summary}.`);
    if (diagnostic.fix) section.push(`Fix (${diagnostic.fix.applicability}): ${diagnostic.fix.message}.`);
    else if (diagnostic.fixRefusal) section.push(`Not fixable: ${diagnostic.fixRefusal}.`);
    sections.push(section.join("\n\n"));
  }
  const first = findings[0].finding;
  const statement = first.heavy?.imported.statement;
  const start = statement?.startIndex ?? first.start;
  const end = statement?.endIndex ?? first.end;
  return {
    contents: { kind: MarkupKind.Markdown, value: sections.join("\n\n---\n\n") },
    range: toLspRange(lines.position(start), lines.position(end)),
  };
}

function describeCost(cost: ModuleCost, costsDescription: string): string {
  if (cost.source === "profile") return `${formatCost(cost)} of import time, measured (${costsDescription}).`;
  const parent = cost.fallbackFrom === undefined ? "" : `, the cost of its parent \`${cost.fallbackFrom}\``;
  return `${formatCost(cost)} by pylazy's built-in table${parent}; \`pylazy profile\` measures it.`;
}

/** "lines 3, 7 and 12", first few only. */
function useLines(references: readonly Reference[], lines: LineIndex): string {
  const numbers = [...new Set(references.map((reference) => lines.lineOf(reference.startIndex) + 1))].sort((a, b) => a - b);
  const shown = numbers.slice(0, LINES_SHOWN).join(", ");
  const more = numbers.length > LINES_SHOWN ? ` and ${numbers.length - LINES_SHOWN} more` : "";
  return `${numbers.length === 1 ? "line" : "lines"} ${shown}${more}`;
}
