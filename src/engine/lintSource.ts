import { findHeavyImports, findHeavyStarImports } from "../analysis/heavyImports.js";
import type { FileModule, HeavyImport } from "../analysis/heavyImports.js";
import { buildSemanticModel } from "../analysis/model.js";
import type { SemanticModel } from "../analysis/model.js";
import { findLazyConstructs, literalLazyModules } from "../analysis/lazyConstructs.js";
import type { ProjectIndex } from "../analysis/projectIndex.js";
import { deferralBlockers, namesReachingSubmodules } from "../analysis/safety.js";
import { LineIndex } from "../parse/lines.js";
import { parsePython } from "../parse/parser.js";
import type { SyntaxNode, Tree } from "../parse/parser.js";
import type { CostTable } from "../profile/types.js";
import type { Finding, Rule, RuleContext } from "../rules/rule.js";
import { LAZY_IMPORTS_MINOR, targetMinor } from "../transforms/strategy.js";
import type { Diagnostic } from "./diagnostic.js";
import { planFix } from "./fixes.js";
import type { FixOptions, PlannedFix } from "./fixes.js";
import { isSuppressed, skipsFile } from "./noqa.js";

export interface LintOptions extends FixOptions {
  costs: CostTable;
  thresholdMs: number;
  keepEager: readonly string[];
  rules: readonly Rule[];
  /** The project's other modules, for re-export checks (DESIGN.md §5). */
  project?: ProjectIndex;
  /** Build the whole semantic model instead of one focused on the candidate names (for tests of that focus). */
  fullModel?: boolean;
  /**
   * Leave fixes unplanned (the editor publishes diagnostics on every keystroke and asks for fixes
   * only when the user looks at them); `planned` and `diagnostic.fix` are then unset.
   */
  skipFixes?: boolean;
}

/** Everything learned about one file; `fix` reuses it instead of parsing again. */
export interface FileAnalysis {
  filename: string;
  source: string;
  lines: LineIndex;
  tree: Tree;
  model?: SemanticModel;
  file: FileModule;
  diagnostics: Diagnostic[];
  /** Findings that survived noqa, with the import each is about (for fixes and hovers). */
  findings: { finding: Finding; rule: Rule; diagnostic: Diagnostic; planned?: PlannedFix }[];
  skipped?: "skip-file" | "syntax-error";
  /** Linted with `skipFixes`: no finding has its fix planned. */
  fixesSkipped?: boolean;
}

export function lintSource(filename: string, source: string, file: FileModule, options: LintOptions, oldTree?: Tree): FileAnalysis {
  const lines = new LineIndex(source);
  const tree = parsePython(source, oldTree);
  const analysis: FileAnalysis = { filename, source, lines, tree, file, diagnostics: [], findings: [], fixesSkipped: options.skipFixes };
  if (skipsFile(source)) {
    analysis.skipped = "skip-file";
    return analysis;
  }
  if (tree.rootNode.hasError) {
    analysis.skipped = "syntax-error";
    analysis.diagnostics.push(syntaxErrorDiagnostic(filename, tree, lines));
    return analysis;
  }
  const lazyAnnotations = annotationsAreLazyIn(options.targetVersion);
  // First a model of the imports alone: most files import nothing heavy and stop here.
  const importsOnly = buildSemanticModel(source, tree, { lazyAnnotations, focusNames: new Set() });
  // On Python 3.15+ a literal `__lazy_modules__` makes its modules' imports lazy already.
  const lazyModules = lazyImportsIn(options.targetVersion) && source.includes("__lazy_modules__") ? literalLazyModules(importsOnly) : undefined;
  const heavyOptions = { ...options, file, lazyModules };
  const candidates = findHeavyImports(importsOnly, heavyOptions);
  const candidateStars = findHeavyStarImports(importsOnly, heavyOptions);
  // Lazy constructs need the word "lazy" somewhere (`lazy import`, `__lazy_modules__`, a proxy factory).
  const candidateLazy = /lazy/i.test(source) ? findLazyConstructs(importsOnly, file) : [];
  if (candidates.length === 0 && candidateStars.length === 0 && candidateLazy.length === 0) {
    analysis.model = importsOnly;
    return analysis;
  }
  // Then a model of everything that concerns the names those imports bind.
  const focusNames = new Set([
    ...candidates.flatMap((heavy) => [heavy.imported.boundName, ...namesReachingSubmodules(heavy, importsOnly)]),
    ...candidateLazy.map((lazy) => lazy.name),
  ]);
  const model = options.fullModel ? buildSemanticModel(source, tree, { lazyAnnotations }) : buildSemanticModel(source, tree, { lazyAnnotations, focusNames });
  analysis.model = model;
  const heavyImports = findHeavyImports(model, heavyOptions);
  const heavyStarImports = findHeavyStarImports(model, heavyOptions);
  const lazyConstructs = candidateLazy.length > 0 ? findLazyConstructs(model, file) : [];

  const blockerCache = new Map<HeavyImport, ReturnType<typeof deferralBlockers>>();
  for (const rule of options.rules) {
    const context: RuleContext = {
      model,
      file,
      heavyImports,
      heavyStarImports,
      blockers(heavy) {
        let blockers = blockerCache.get(heavy);
        if (!blockers) blockerCache.set(heavy, (blockers = deferralBlockers(heavy, model, file, options.project)));
        return blockers;
      },
      lazyConstructs: () => lazyConstructs,
      costOf: (module) => options.costs.lookup(module),
      lineOf: (offset) => lines.lineOf(offset) + 1,
      report(finding) {
        if (isSuppressed(lines, finding, rule.meta.code, finding.heavy?.imported.statement)) return;
        const diagnostic = toDiagnostic(filename, finding, rule, lines);
        let planned: PlannedFix | undefined;
        if (finding.fix && finding.heavy && !options.skipFixes) {
          const result = planFix(finding.heavy, finding.fix, { model, lines, file, blockers: context.blockers(finding.heavy) }, options);
          if ("refused" in result) diagnostic.fixRefusal = result.refused;
          else {
            planned = result;
            diagnostic.fix = result.fix;
          }
        }
        analysis.diagnostics.push(diagnostic);
        analysis.findings.push({ finding, rule, diagnostic, planned });
      },
    };
    rule.check(context);
  }
  analysis.diagnostics.sort((a, b) => a.location.row - b.location.row || a.location.column - b.location.column || (a.code ?? "").localeCompare(b.code ?? ""));
  return analysis;
}

/** Python 3.14 evaluates annotations lazily (PEP 649). */
export function annotationsAreLazyIn(targetVersion: string): boolean {
  return targetMinor(targetVersion) >= 14;
}

/** Python 3.15 honours `lazy import` and `__lazy_modules__` (PEP 810). */
function lazyImportsIn(targetVersion: string): boolean {
  return targetMinor(targetVersion) >= LAZY_IMPORTS_MINOR;
}

function toDiagnostic(filename: string, finding: Finding, rule: Rule, lines: LineIndex): Diagnostic {
  return {
    code: rule.meta.code,
    name: rule.meta.name,
    message: finding.message,
    filename,
    location: lines.position(finding.start),
    endLocation: lines.position(finding.end),
    fix: null,
    module: finding.module,
    costMs: Math.round(finding.cost.cumulativeUs / 100) / 10,
    costSource: finding.cost.source,
    importTimeUse: finding.importTimeUse === undefined ? undefined : lines.position(finding.importTimeUse),
  };
}

function syntaxErrorDiagnostic(filename: string, tree: Tree, lines: LineIndex): Diagnostic {
  const error = firstErrorNode(tree.rootNode) ?? tree.rootNode;
  const message = error.isMissing ? `SyntaxError: expected \`${error.type}\`` : `SyntaxError: invalid syntax near \`${snippet(error.text)}\``;
  return {
    code: null,
    name: "syntax-error",
    message,
    filename,
    location: lines.position(error.startIndex),
    endLocation: lines.position(error.endIndex),
    fix: null,
  };
}

function firstErrorNode(root: SyntaxNode): SyntaxNode | undefined {
  const cursor = root.walk();
  for (;;) {
    const node = cursor.currentNode;
    if (node.isError || node.isMissing) return node;
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return undefined;
    }
  }
}

function snippet(text: string): string {
  const line = text.split(/\r?\n|\r/)[0].trim();
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}
