import type { Diagnostic, TextEdit } from "../engine/diagnostic.js";

/** ruff's JSON fields (snake_case, 1-based positions), plus pylazy's own: name, module, cost. */
export function formatJson(diagnostics: readonly Diagnostic[]): string {
  return `${JSON.stringify(diagnostics.map(toJson), null, 2)}\n`;
}

function toJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    name: d.name,
    message: d.message,
    filename: d.filename,
    location: d.location,
    end_location: d.endLocation,
    fix: d.fix && {
      applicability: d.fix.applicability,
      message: d.fix.message,
      strategy: d.fix.strategy,
      edits: d.fix.edits.map(editToJson),
    },
    fix_refused: d.fixRefusal ?? null,
    url: null,
    module: d.module ?? null,
    cost_ms: d.costMs ?? null,
    cost_source: d.costSource ?? null,
    saving_ms: d.savingMs ?? null,
    import_time_use: d.importTimeUse ?? null,
  };
}

function editToJson(edit: TextEdit): Record<string, unknown> {
  return { content: edit.content, location: edit.location, end_location: edit.endLocation };
}
