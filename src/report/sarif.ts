import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Diagnostic, TextEdit } from "../engine/diagnostic.js";
import type { Position } from "../parse/lines.js";
import type { PathProblem } from "../project/files.js";
import type { Rule } from "../rules/rule.js";

export interface SarifOptions {
  /** Every rule pylazy has, described in the log so that viewers can show their docs. */
  rules: readonly Rule[];
  version: string;
  /** The folder relative file names start from: the `%SRCROOT%` of the log. */
  baseDirectory: string;
  /** Paths that could not be read or decoded. */
  problems: readonly PathProblem[];
}

const SRCROOT = "%SRCROOT%";

/**
 * A SARIF 2.1.0 log, as GitHub code scanning reads it: one run, the rules with their docs, a
 * result per finding with its location and fix. A file that does not parse and a path that cannot
 * be read are tool notifications, not results: they say what pylazy could not look at.
 */
export function formatSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): string {
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.meta.code, index]));
  const findings = diagnostics.filter((d) => d.code !== null);
  const syntaxErrors = diagnostics.filter((d) => d.code === null);
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "pylazy", version: options.version, semanticVersion: options.version, rules: options.rules.map(reportingDescriptor) } },
        originalUriBaseIds: { [SRCROOT]: { uri: folderUri(options.baseDirectory) } },
        invocations: [
          {
            executionSuccessful: options.problems.length === 0,
            toolExecutionNotifications: [
              ...syntaxErrors.map((d) => ({ level: "error", message: { text: d.message }, locations: [location(d.filename, d.location, d.endLocation)] })),
              ...options.problems.map((problem) => ({ level: "error", message: { text: problem.message }, locations: [{ physicalLocation: { artifactLocation: artifactLocation(problem.path) } }] })),
            ],
          },
        ],
        results: findings.map((d) => result(d, ruleIndex.get(d.code ?? ""))),
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function reportingDescriptor(rule: Rule): Record<string, unknown> {
  return {
    id: rule.meta.code,
    name: rule.meta.name,
    shortDescription: { text: `${rule.meta.summary}.` },
    fullDescription: { text: whatItDoes(rule.meta.docs) ?? `${rule.meta.summary}.` },
    help: { text: rule.meta.docs, markdown: rule.meta.docs },
    defaultConfiguration: { level: "warning" },
    properties: { fixable: rule.meta.fixable, tags: ["performance"] },
  };
}

/** The "What it does" section of a rule's docs, as one paragraph. */
function whatItDoes(docs: string): string | undefined {
  const section = /^## What it does\n([\s\S]*?)(?:\n## |$)/m.exec(docs)?.[1];
  return section?.trim().replace(/\s*\n\s*/g, " ");
}

function result(d: Diagnostic, ruleIndex: number | undefined): Record<string, unknown> {
  const sarif: Record<string, unknown> = {
    ruleId: d.code,
    ruleIndex,
    level: "warning",
    message: { text: d.message },
    locations: [location(d.filename, d.location, d.endLocation)],
  };
  if (d.importTimeUse !== undefined) {
    sarif.relatedLocations = [{ ...location(d.filename, d.importTimeUse, d.importTimeUse), message: { text: "needed here while the module is being imported" } }];
  }
  if (d.fix) {
    sarif.fixes = [
      {
        description: { text: `${d.fix.message} (${d.fix.applicability} fix, ${d.fix.strategy} strategy)` },
        artifactChanges: [{ artifactLocation: artifactLocation(d.filename), replacements: d.fix.edits.map(replacement) }],
      },
    ];
  }
  sarif.properties = {
    module: d.module,
    costMs: d.costMs,
    costSource: d.costSource,
    ...(d.fix ? { fixApplicability: d.fix.applicability } : {}),
    ...(d.fixRefusal ? { fixRefused: d.fixRefusal } : {}),
  };
  return sarif;
}

function replacement(edit: TextEdit): Record<string, unknown> {
  return { deletedRegion: region(edit.location, edit.endLocation), insertedContent: { text: edit.content } };
}

function location(filename: string, start: Position, end: Position): { physicalLocation: Record<string, unknown> } {
  return { physicalLocation: { artifactLocation: artifactLocation(filename), region: region(start, end) } };
}

function region(start: Position, end: Position): Record<string, number> {
  return { startLine: start.row, startColumn: start.column, endLine: end.row, endColumn: end.column };
}

/** Relative paths stay relative to `%SRCROOT%` (code scanning matches them to the repository); others become file URLs. */
function artifactLocation(filename: string): Record<string, string> {
  if (path.isAbsolute(filename)) return { uri: pathToFileURL(filename).href };
  return { uri: filename.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
}

function folderUri(folder: string): string {
  const uri = pathToFileURL(folder).href;
  return uri.endsWith("/") ? uri : `${uri}/`;
}
