import { DiagnosticSeverity } from "vscode-languageserver/node";
import type { Diagnostic as LspDiagnostic, Position as LspPosition, Range, TextEdit as LspTextEdit } from "vscode-languageserver/node";
import type { Diagnostic, TextEdit } from "../engine/diagnostic.js";
import type { Position } from "../parse/lines.js";

/** pylazy's positions are 1-based rows and UTF-16 columns; LSP's are 0-based with the same units and line breaks. */
export function toLspPosition(position: Position): LspPosition {
  return { line: position.row - 1, character: position.column - 1 };
}

export function toLspRange(start: Position, end: Position): Range {
  return { start: toLspPosition(start), end: toLspPosition(end) };
}

export function toLspTextEdit(edit: TextEdit): LspTextEdit {
  return { range: toLspRange(edit.location, edit.endLocation), newText: edit.content };
}

/** A rule's finding is a warning, as in ruff's server; a file that does not parse is an error. */
export function toLspDiagnostic(diagnostic: Diagnostic, uri: string): LspDiagnostic {
  const lsp: LspDiagnostic = {
    range: toLspRange(diagnostic.location, diagnostic.endLocation),
    severity: diagnostic.code === null ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: "pylazy",
    message: diagnostic.message,
  };
  if (diagnostic.code !== null) lsp.code = diagnostic.code;
  if (diagnostic.importTimeUse !== undefined) {
    const use = toLspPosition(diagnostic.importTimeUse);
    lsp.relatedInformation = [{ location: { uri, range: { start: use, end: use } }, message: "needed here while the module is being imported" }];
  }
  return lsp;
}
