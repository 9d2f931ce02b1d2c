import type { Diagnostic } from "../engine/diagnostic.js";

/**
 * GitHub Actions workflow commands, one a diagnostic, which GitHub shows as annotations on the
 * pull request's diff: `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
 * A file that does not parse is an error annotation.
 */
export function formatGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map(annotation).join("");
}

function annotation(d: Diagnostic): string {
  const level = d.code === null ? "error" : "warning";
  const properties = {
    file: d.filename,
    line: d.location.row,
    col: d.location.column,
    endLine: d.endLocation.row,
    endColumn: d.endLocation.column,
    title: d.code === null ? "pylazy (syntax error)" : `pylazy (${d.code} ${d.name})`,
  };
  const listed = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
  const message = d.code === null ? d.message : `${d.code}${d.fix ? " [*]" : ""} ${d.message}`;
  return `::${level} ${listed.join(",")}::${escapeData(message)}\n`;
}

// The escaping of GitHub's own toolkit (@actions/core): data may not hold line breaks, properties neither `:` nor `,`.
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
