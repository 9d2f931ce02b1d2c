import type { FixReport } from "../engine/runFix.js";

function savedTotal(report: FixReport): { ms: number; estimated: boolean } {
  let ms = 0;
  let estimated = false;
  for (const saved of report.savedMs.values()) {
    ms += saved.ms;
    estimated ||= saved.estimate;
  }
  return { ms, estimated };
}

export function formatFixSummary(report: FixReport, dryRun: boolean): string {
  const lines: string[] = [];
  for (const failure of report.failures) lines.push(`${failure.filename}: ${failure.reason}`);
  for (const r of report.refused) lines.push(`${r.filename}:${r.location.row}:${r.location.column}: left \`${r.module}\` as it was: ${r.reason}`);
  const files = `${report.filesChanged} ${report.filesChanged === 1 ? "file" : "files"} ${dryRun ? "would change" : "changed"}`;
  const deferred = `${dryRun ? "would defer" : "deferred"} ${report.deferred} ${report.deferred === 1 ? "import" : "imports"}`;
  const left = `left ${report.refused.length} as ${report.refused.length === 1 ? "it was" : "they were"}`;
  const listed = report.listedForLater > 0
    ? `, ${dryRun ? "would list" : "listed"} ${report.listedForLater} in \`__lazy_modules__\` (lazy from Python 3.15, unchanged before)`
    : "";
  lines.push(`${files}; ${deferred}${listed}, ${left}.`);
  if (report.deferred > 0 && report.measuredSavingMs !== undefined) {
    lines.push(`Startup saving, measured: ${Math.round(report.measuredSavingMs)} ms.`);
  } else if (report.deferred > 0) {
    const { ms, estimated } = savedTotal(report);
    lines.push(`Modules moved out of startup: up to ${estimated ? "~" : ""}${Math.round(ms)} ms.`);
  }
  if (report.interrupted) lines.push("Interrupted: the files listed as changed were written whole; the others are untouched.");
  return `${lines.join("\n")}\n`;
}

export function formatFixJson(report: FixReport): string {
  const { ms, estimated } = savedTotal(report);
  return `${JSON.stringify(
    {
      files_changed: report.filesChanged,
      imports_deferred: report.deferred,
      imports_listed_for_python315: report.listedForLater,
      refused: report.refused.map((r) => ({ filename: r.filename, location: r.location, module: r.module, reason: r.reason })),
      failures: report.failures,
      saved_ms: Math.round((report.measuredSavingMs ?? ms) * 10) / 10,
      saved_ms_measured: report.measuredSavingMs !== undefined,
      saved_ms_includes_estimates: estimated,
      interrupted: report.interrupted,
    },
    null,
    2,
  )}\n`;
}
