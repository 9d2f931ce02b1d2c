import { findHeavyImports, findHeavyStarImports, importsHeavyModule } from "../analysis/heavyImports.js";
import type { FileModule, HeavyImport, HeavyStarImport } from "../analysis/heavyImports.js";
import { buildSemanticModel, firstAtOrAfter, wordPositions, wordsSpelled } from "../analysis/model.js";
import type { SemanticModel } from "../analysis/model.js";
import { findLazyConstructs, literalLazyModules, mayHoldLazyConstruct } from "../analysis/lazyConstructs.js";
import type { LazyConstruct } from "../analysis/lazyConstructs.js";
import { hasContinuation, importMatches } from "../analysis/importPatterns.js";
import { resolveRelativeModule } from "../analysis/modulePath.js";
import { importedNames } from "../analysis/projectIndex.js";
import type { ExternalReferences } from "../analysis/projectIndex.js";
import { CONSTRUCTORS, writtenAsCall } from "../analysis/importTimeCalls.js";
import { heavyTopLevelNames } from "../analysis/prescan.js";
import type { PreScan } from "../analysis/prescan.js";
import { deferralBlockers, namesReachingSubmodules, REACH_TO_COME } from "../analysis/safety.js";
import { LineIndex } from "../parse/lines.js";
import { parsePython } from "../parse/parser.js";
import { bodyAt, definitionBodies, functionSkeleton, isWordChar, moduleLines } from "../parse/skeleton.js";
import type { ModuleLines, Skeleton } from "../parse/skeleton.js";
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
  /**
   * The project's other modules, for re-export checks (DESIGN.md §5); "later" to plan fixes both
   * ways instead of asking (see Diagnostic.ifReached).
   */
  project?: ExternalReferences | "later";
  /** Build the whole semantic model instead of one focused on the candidate names (for tests of that focus). */
  fullModel?: boolean;
  /**
   * Leave fixes unplanned (the editor publishes diagnostics on every keystroke and asks for fixes
   * only when the user looks at them); `planned` and `diagnostic.fix` are then unset.
   */
  skipFixes?: boolean;
  /**
   * Diagnostics only (`lint`): first analyse the module's import-time skeleton (function bodies
   * blanked, see skeleton.ts) and parse the whole text only when the skeleton cannot decide.
   */
  skeleton?: boolean;
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
  skipped?: "skip-file" | "stub" | "syntax-error";
  /** Linted with `skipFixes`: no finding has its fix planned. */
  fixesSkipped?: boolean;
  /** Decided on the import-time skeleton: `tree` and `model` are those of the skeleton, without function bodies. */
  fromSkeleton?: boolean;
  /**
   * The names the model was focused on besides model.ts's ALWAYS_RELEVANT (empty when no import
   * was a candidate); unset when the model was not focused or the rules did not run.
   */
  focusWords?: readonly string[];
}

export function lintSource(filename: string, source: string, file: FileModule, options: LintOptions, oldTree?: Tree): FileAnalysis {
  return lintWith(filename, source, file, options, oldTree);
}

/**
 * `lint`'s analysis of a file the pre-scan kept (DiagnosticsLinter, with `options.skeleton`):
 * undefined, without a parse, when the file's bare skeleton (every function body blanked,
 * skeleton.ts) gives the pre-scan nothing to find; otherwise lintSource's. It holds because every
 * finding starts at a module-level import (analyseTree: no candidate, no rule runs) or a lazy
 * construct (the whole text is checked for those first), and blanking function bodies leaves
 * every module-level statement as it is. Here no parse of the skeleton backs the scan that found
 * the bodies; test/skeleton.test.ts checks that scan against Python's own AST. A file whose heavy
 * imports all sit in functions is common: a test module that imports `unittest.mock` in its
 * tests, a library that imports `doctest` in its `_test()`.
 */
export function lintImportTime(filename: string, source: string, file: FileModule, options: LintOptions, preScan: PreScan, lazy = mayHoldLazyConstruct(source)): FileAnalysis | undefined {
  if (options.thresholdMs <= 0 || skipReason(source, file) || lazy) return lintWith(filename, source, file, options);
  const lines = moduleLines(source);
  const bare = lines && functionSkeleton(source, undefined, lines);
  // Nor does the skeleton hold a lazy construct: blanking only takes text away.
  if (bare && !preScan.mayHaveFindings(bare.text, file, false)) return undefined;
  return lintWith(filename, source, file, options, undefined, { lines, bare });
}

/**
 * What lintImportTime has made of the text already, for the skeletons not to scan it again; it has
 * also found that the text cannot hold a lazy construct, nor can any skeleton of it.
 */
interface Scanned {
  lines: ModuleLines;
  bare: Skeleton | undefined;
}

/**
 * Why a file gets no finding whatever it holds: a `# pylazy: skip-file` comment, or a type stub
 * (`.pyi`), which Python never imports, so that its imports cost no startup (ruff's rules about
 * imports at runtime pass over stubs too).
 */
function skipReason(source: string, file: FileModule): "skip-file" | "stub" | undefined {
  if (skipsFile(source)) return "skip-file";
  return file.path?.endsWith(".pyi") ? "stub" : undefined;
}

function lintWith(filename: string, source: string, file: FileModule, options: LintOptions, oldTree?: Tree, scanned?: Scanned): FileAnalysis {
  const skipped = skipReason(source, file);
  if (options.skeleton && oldTree === undefined && !skipped) {
    const decided = lintSkeleton(filename, source, file, options, scanned);
    if (decided) return decided;
  }
  const lines = new LineIndex(source);
  const tree = parsePython(source, oldTree);
  const analysis: FileAnalysis = { filename, source, lines, tree, file, diagnostics: [], findings: [], fixesSkipped: options.skipFixes };
  if (skipped) {
    analysis.skipped = skipped;
    return analysis;
  }
  if (tree.rootNode.hasError) {
    analysis.skipped = "syntax-error";
    analysis.diagnostics.push(syntaxErrorDiagnostic(filename, tree, lines));
    return analysis;
  }
  analyseTree(analysis, source, options);
  return analysis;
}

/**
 * What a skeleton kept (see lintSkeleton): "none", no function body; or the statements that
 * mention a word of `mentioning`, in class bodies and, unless `functionBodies` is false (no
 * function body then), in function bodies.
 */
type KeptBodies = { mentioning: ReadonlySet<string>; functionBodies: boolean } | "none";

/**
 * Builds the models of `analysis.tree` (parsed from `text`) and runs the rules. With `kept`, the
 * tree is a skeleton: it returns false, having reported nothing, when the analysis needs a
 * function body that the skeleton blanked.
 */
function analyseTree(analysis: FileAnalysis, text: string, options: LintOptions, kept?: KeptBodies, lazyFree = false): boolean {
  const { tree, file } = analysis;
  const lazyAnnotations = annotationsAreLazyIn(options.targetVersion);
  // First a model of the imports alone: most files import nothing heavy and stop here. It decides
  // which imports are candidates (their place, scope and guard) and the names they bind; lazy
  // constructs are read from a model that also sees the words of ALWAYS_RELEVANT.
  const mayBeLazy = !lazyFree && mayHoldLazyConstruct(text);
  const importsOnly = buildSemanticModel(text, tree, { lazyAnnotations, focusNames: new Set(), importsAlone: !mayBeLazy });
  // On Python 3.15+ a literal `__lazy_modules__` makes its modules' imports lazy already.
  const lazyModules = lazyImportsIn(options.targetVersion) && text.includes("__lazy_modules__") ? literalLazyModules(importsOnly) : undefined;
  const heavyOptions = { ...options, file, lazyModules };
  const candidates = findHeavyImports(importsOnly, heavyOptions);
  const candidateStars = findHeavyStarImports(importsOnly, heavyOptions);
  const candidateLazy = mayBeLazy ? findLazyConstructs(importsOnly, file) : [];
  if (candidates.length === 0 && candidateStars.length === 0 && candidateLazy.length === 0) {
    analysis.model = importsOnly;
    analysis.focusWords = [];
    return true;
  }
  // Then a model of everything that concerns the names those imports bind.
  const focusNames = new Set([
    ...candidates.flatMap((heavy) => [heavy.imported.boundName, ...namesReachingSubmodules(heavy, importsOnly)]),
    ...candidateLazy.map((lazy) => lazy.name),
  ]);
  if (typeof kept === "object" && [...focusNames].some((name) => !kept.mentioning.has(name))) return false;
  const model = options.fullModel ? buildSemanticModel(text, tree, { lazyAnnotations }) : buildSemanticModel(text, tree, { lazyAnnotations, focusNames });
  const heavyImports = findHeavyImports(model, heavyOptions);
  // With no body at all, only imports used at import time are decided: each is LZ002 and nothing else.
  if ((kept === "none" || kept?.functionBodies === false) && (heavyImports.some((heavy) => heavy.uses.importTime.length === 0) || candidateLazy.length > 0)) return false;
  analysis.model = model;
  if (!options.fullModel) analysis.focusWords = [...focusNames];
  const heavyStarImports = findHeavyStarImports(model, heavyOptions);
  const lazyConstructs = candidateLazy.length > 0 ? findLazyConstructs(model, file) : [];
  runRules(analysis, model, heavyImports, heavyStarImports, lazyConstructs, options);
  return true;
}

/**
 * Words that keep a function body, and the statements in it, in the skeleton besides the names
 * imports bind (see lintSkeleton): what the safety checks read in function bodies (dynamic access
 * to the module's globals, among them `sys.modules[__name__]`; `__all__`; `TYPE_CHECKING`). A
 * function-level `import` of a related module matters when the package it binds reaches a heavy
 * submodule (namesReachingSubmodules), and it spells that name, which keeps it; a function-level
 * from-import matters only through the name it binds, which is one the analysis follows (kept, or
 * the analysis gives up) or none of its business.
 */
const KEPT_FOR = ["globals", "vars", "locals", "eval", "exec", "__name__", "__all__", "TYPE_CHECKING"];

/** A skeleton is worth parsing first when the bodies it blanks hold at least this share of the text. */
const SKELETON_MIN_SHARE = 0.25;

/**
 * The lint of a module from a skeleton of it (skeleton.ts), or undefined when only the whole text
 * can give it. The analysis looks at the module's import-time code and, through its focused model
 * (model.ts), at no other statements than those that mention a name it follows. So:
 * - when every heavy import is used at import time, each is LZ002 and nothing else (LZ001, LZ003
 *   and LZ006 need an import that is not), and LZ002 names the first import-time use: a skeleton
 *   without any function body decides, and often only its start (analysePrefix); else one that
 *   also keeps, of the class bodies, only the statements that mention a word as below. Patterns
 *   guess when to try this first.
 * - otherwise a skeleton that keeps, in every function body and every class body outside one,
 *   every statement that mentions a name bound by an `import` of a related module or by a
 *   from-import of a heavy one (as patterns read the imports), or a word in KEPT_FOR, or that
 *   calls, where such a call counts, a function whose call runs code that mentions one
 *   (runnerWords), decides; when the analysis follows a name the skeleton did not keep
 *   statements for, the whole text is parsed instead. A statement that mentions none of
 *   them can neither bind nor read one (the focused model skips it for that reason), and a fix's
 *   place in a function (importBlock.ts) depends only on what the skeleton keeps whatever it
 *   mentions: the docstring, `global` and `nonlocal`, definitions' headers, and where the first
 *   statement after them starts (a blanked run's `0` starts there).
 * A file with a lazy construct is left to the whole text: a skeleton's analysis that finds one
 * gives up (the construct's name keeps no body; a bare skeleton decides only imports used at
 * import time). A syntax error inside a blanked body goes unseen,
 * as it does in a file that has no finding at all: pylazy reports syntax errors only where it
 * has to look.
 */
function lintSkeleton(filename: string, source: string, file: FileModule, options: LintOptions, scanned?: Scanned): FileAnalysis | undefined {
  const imports = importsByPattern(source, relevantTops(options), file, options);
  const lines = scanned ? scanned.lines : moduleLines(source);
  if (lines === undefined) return undefined;
  const lazyFree = scanned !== undefined;
  const bound = new Set(imports.filter((imported) => imported.kind === "import" || imported.heavy).map((imported) => imported.name));
  const mentioning = new Set([...KEPT_FOR, ...bound]);
  let positions: number[] | "everywhere" | undefined;
  const mentions = (start: number, end: number): boolean => {
    positions ??= runnerWords(source, lines, mentioning, KEPT_FOR.filter((word) => !bound.has(word)));
    if (positions === "everywhere") return true;
    const index = firstAtOrAfter(positions, start);
    return index < positions.length && positions[index] < end;
  };
  if (options.thresholdMs > 0) {
    const bare = scanned ? scanned.bare : functionSkeleton(source, undefined, lines);
    if (bare === undefined) return undefined;
    const atTop = imports.filter((imported) => imported.atTop && imported.heavy).map((imported) => imported.name);
    const lastUse = atTop.length > 0 ? lastFirstUse(bare.text, lines, atTop) : -1;
    if (lastUse >= 0 || (atTop.length > 0 && spelledOutsideImports(bare.text, atTop))) {
      let decided = lastUse >= 0 ? analysePrefix(filename, source, file, options, bare, lines, lastUse, lazyFree) : undefined;
      if (!decided) {
        // The import-time code alone, and of class bodies only what mentions a word.
        const importTime = functionSkeleton(source, mentions, lines, { classBodies: true, functionBodies: false });
        decided = importTime && analyseSkeleton(filename, source, file, options, { mentioning, functionBodies: false }, importTime, lazyFree);
      }
      if (decided) return decided;
    }
  }
  const skeleton = functionSkeleton(source, mentions, lines, { classBodies: true });
  return skeleton && analyseSkeleton(filename, source, file, options, { mentioning, functionBodies: true }, skeleton, lazyFree);
}

/**
 * Adds to `words` the names of the functions (and classes) whose call runs code that mentions one
 * of them other than the `unbound` ones (KEPT_FOR's, which the safety checks read), and of those
 * that call these in turn, as deep as that goes, and returns where the text spells the words and
 * writes calls of those functions (wordPositions, and callShapes' calls). The analysis follows
 * calls at import time through such functions (importTimeCalls.ts), so a skeleton must keep the
 * statements that call them where a call counts: outside every function body (in class bodies
 * among others) and in the bodies of such functions, not in those of methods or nested
 * functions. Where the lines do not show the definitions plainly, everything counts as
 * mentioned: nothing is blanked, and the whole text decides.
 */
function runnerWords(source: string, lines: NonNullable<ModuleLines>, words: Set<string>, unbound: readonly string[]): number[] | "everywhere" {
  let positions = wordPositions(source, [...words]);
  const bodies = definitionBodies(source, lines, CONSTRUCTORS);
  if (bodies === undefined) return "everywhere";
  const runnable = bodies.filter((body) => body.runner !== undefined);
  if (runnable.length === 0) return positions;
  // A function may be named like one of them (`def vars():`): its calls count then.
  if (runnable.some(({ runner }) => unbound.includes(runner!))) unbound = unbound.filter((word) => !runnable.some(({ runner }) => runner === word));
  const isUnbound = (at: number): boolean => unbound.some((word) => source.startsWith(word, at) && !isWordChar(source.charCodeAt(at + word.length)));
  const mentionsBound = (start: number, end: number): boolean => {
    for (let index = firstAtOrAfter(positions, start); index < positions.length && positions[index] < end; index++) {
      if (!isUnbound(positions[index])) return true;
    }
    return false;
  };
  // A call that counts: written as one (every place callShapes finds, and some more), where a call runs what it calls at import time.
  const counts = (at: number, length: number): boolean => {
    if (!writtenAsCall(source, at, length)) return false;
    const body = bodyAt(bodies, at);
    return body < 0 || bodies[body].runner !== undefined;
  };
  for (;;) {
    const named = new Set<string>();
    for (const { runner, start, end } of runnable) {
      if (!words.has(runner!) && !named.has(runner!) && mentionsBound(start, end)) named.add(runner!);
    }
    if (named.size === 0) return positions;
    const added: number[] = [];
    for (const [name, at] of wordsSpelled(source, [...named])) {
      for (const offset of at) if (counts(offset, name.length)) added.push(offset);
    }
    for (const name of named) words.add(name);
    if (added.length === 0) return positions;
    positions = mergeSorted(positions, added.sort((a, b) => a - b));
  }
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const merged = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < merged.length; k++) merged[k] = j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++];
  return merged;
}

function analyseSkeleton(filename: string, source: string, file: FileModule, options: LintOptions, kept: KeptBodies, skeleton: Skeleton, lazyFree: boolean): FileAnalysis | undefined {
  if (skeleton.blanked < source.length * SKELETON_MIN_SHARE) return undefined;
  return analyseBlanked(filename, source, file, options, kept, skeleton, lazyFree);
}

/** Parses a text with blanked bodies (each `0` and spaces: the parser passes over the spaces) and analyses it, unless it has a syntax error. */
function analyseBlanked(filename: string, source: string, file: FileModule, options: LintOptions, kept: KeptBodies, { text, bodies }: Pick<Skeleton, "text" | "bodies">, lazyFree: boolean): FileAnalysis | undefined {
  const tree = parsePython(text, undefined, bodies.map(({ start, end }) => ({ start: start + 1, end })), source);
  if (tree.rootNode.hasError) return undefined;
  const analysis: FileAnalysis = { filename, source, lines: new LineIndex(source), tree, file, diagnostics: [], findings: [], fixesSkipped: options.skipFixes, fromSkeleton: true };
  return analyseTree(analysis, text, options, kept, lazyFree) ? analysis : undefined;
}

/**
 * The lint of a module from the start of its bare skeleton, up to the first top-level statement
 * that begins after `lastUse` (lastFirstUse: after the last import, and after a use of each name
 * its imports bind), when every heavy import is used at import time there. It gives what the whole bare skeleton
 * gives, because then:
 * - every import statement is in the prefix (the rest does not spell `import`), so the same
 *   imports are candidates, with the same place and guard, and no star import is missed;
 * - every reference in the prefix is classified by its own statement, and resolves to the same
 *   scope (a module binds each candidate's name with its import; other scopes are whole in the
 *   prefix); each candidate's first import-time use is in the prefix, so later uses do not move it;
 * - the rules that need a candidate without an import-time use (LZ001, LZ003, LZ006) have none to
 *   report, and a text without a possible lazy construct (mayHoldLazyConstruct) has no LZ004.
 * A syntax error after the prefix goes unseen, as one in a blanked body does.
 */
function analysePrefix(filename: string, source: string, file: FileModule, options: LintOptions, bare: Skeleton, lines: NonNullable<ModuleLines>, lastUse: number, lazyFree: boolean): FileAnalysis | undefined {
  if (!lazyFree && mayHoldLazyConstruct(bare.text)) return undefined;
  const { cut, classBody } = prefixEnd(bare.text, lines, lastUse);
  const skipped = bare.bodies.filter(({ end }) => end <= (classBody?.start ?? cut));
  if (classBody) skipped.push(classBody);
  let parsed = cut;
  for (const { start, end } of skipped) parsed -= end - start - 1;
  // Not worth a parse of its own when the prefix is most of the skeleton.
  if (parsed > (bare.text.length - bare.blanked) * PREFIX_MAX_SHARE) return undefined;
  // A class body left out is blanked as a function body is: `0` where its first statement starts.
  const text = classBody ? `${bare.text.slice(0, classBody.start)}0${bare.text.slice(classBody.start + 1, cut)}` : bare.text.slice(0, cut);
  return analyseBlanked(filename, source, file, options, "none", { text, bodies: skipped }, lazyFree);
}

/**
 * Where the last of the names is first spelled after the logical line of the skeleton's last
 * import, where it looks like code (looksLikeCode): a guess at their first uses, which the
 * analysis checks; -1 when one is not spelled there, or the skeleton has no import.
 */
function lastFirstUse(text: string, lines: NonNullable<ModuleLines>, names: readonly string[]): number {
  const lastImport = lastWordAt(text, "import");
  if (lastImport < 0) return -1;
  let line = 0;
  while (line + 1 < lines.length && lines[line + 1].start <= lastImport) line++;
  const importsEnd = lines[line].end;
  let lastUse = lastImport;
  for (const name of new Set(names)) {
    const use = firstWordAt(text, name, importsEnd);
    if (use < 0) return -1;
    lastUse = Math.max(lastUse, use);
  }
  return lastUse;
}

/** A prefix is parsed first when it holds at most this share of the skeleton's unblanked text. */
const PREFIX_MAX_SHARE = 0.8;

/** The offset of the last occurrence of `word` as a whole word, or -1. */
function lastWordAt(text: string, word: string): number {
  for (let at = text.lastIndexOf(word); at !== -1; at = at > 0 ? text.lastIndexOf(word, at - 1) : -1) {
    if (isWholeWord(text, at, word.length)) return at;
  }
  return -1;
}

/** The offset of the first occurrence of `word` as a whole word at or after `from` where it looks like code, or -1. */
function firstWordAt(text: string, word: string, from: number): number {
  for (let at = text.indexOf(word, from); at !== -1; at = text.indexOf(word, at + 1)) {
    if (isWholeWord(text, at, word.length) && looksLikeCode(text, at)) return at;
  }
  return -1;
}

/**
 * Whether a word at `at` looks like code, for the guesses above, rather than the text of a comment
 * or a string: not after a `#` on its line, not right after a quote (`"http://…"`), and not on a
 * line that starts with a quote (a docstring) or a doctest prompt (`>>>`, `...`). Only which
 * skeleton is tried first depends on it.
 */
function looksLikeCode(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  if (before === 34 || before === 39) return false;
  let lineStart = at;
  for (let code = text.charCodeAt(lineStart - 1); lineStart > 0 && code !== 10 && code !== 13; code = text.charCodeAt(--lineStart - 1)) {
    if (code === 35) return false;
  }
  while (text.charCodeAt(lineStart) === 32 || text.charCodeAt(lineStart) === 9) lineStart++;
  const first = text.charCodeAt(lineStart);
  return first !== 34 && first !== 39 && !text.startsWith(">>>", lineStart) && !text.startsWith("...", lineStart);
}

function isWholeWord(text: string, at: number, length: number): boolean {
  return !(at > 0 && isWordChar(text.charCodeAt(at - 1))) && !isWordChar(text.charCodeAt(at + length));
}

const CLAUSE = /(?:else|elif|except|finally)(?![\w\u0080-\uffff])/y;
const CLASS_HEADER = /class(?![\w\u0080-\uffff])/y;

/**
 * Where the prefix that holds `offset` ends: at the first top-level statement that begins after
 * it (a logical line without indentation that does not continue the statement before it: an
 * `else`-like clause, or the definition after a decorator), or at the end. When `offset` is in the
 * header of a top-level class (its decorators or bases), also the class's body, which can then be
 * left out: nothing in it runs before the header.
 */
function prefixEnd(text: string, lines: NonNullable<ModuleLines>, offset: number): { cut: number; classBody?: { start: number; end: number } } {
  const topLevel = (index: number): boolean => lines[index].indent === 0 && lines[index].indentAlt === 0;
  let next = 0;
  while (next < lines.length && lines[next].start <= offset) next++;
  for (; next < lines.length; next++) {
    if (!topLevel(next)) continue;
    CLAUSE.lastIndex = lines[next].start;
    if (CLAUSE.test(text) || (next > 0 && isDecorator(text, lines[next - 1]))) continue;
    break;
  }
  const cut = next < lines.length ? lines[next].start : text.length;
  // The statement that holds `offset`: its first line, then past its decorators.
  let header = next - 1;
  while (header > 0 && (!topLevel(header) || isDecorator(text, lines[header - 1]))) header--;
  while (header < next - 1 && isDecorator(text, lines[header])) header++;
  CLASS_HEADER.lastIndex = lines[header]?.start ?? 0;
  if (header < 0 || header + 1 >= next || !topLevel(header) || !CLASS_HEADER.test(text) || offset >= lines[header].end) return { cut };
  if (text.charCodeAt(lines[header].end - 1) !== 58) return { cut }; // the body starts on the next line
  for (let index = header + 1; index < next; index++) if (topLevel(index)) return { cut };
  return { cut, classBody: { start: lines[header + 1].start, end: lines[next - 1].end } };
}

function isDecorator(text: string, line: { start: number }): boolean {
  return text.charCodeAt(line.start) === 64; // `@`
}

/**
 * Whether every name is spelled in the code as a word outside the import statements that
 * importMatches finds, where it looks like code (a guess that it is used at import time, which
 * only picks the analysis tried first). Found with indexOf: the code with its imports cut out,
 * and the list of its words, were copies as large as the module (on a large module, memory the
 * process touched anew).
 */
function spelledOutsideImports(code: string, names: readonly string[]): boolean {
  const imports: { start: number; end: number }[] = [];
  for (const kind of ["import", "from"] as const) {
    for (const match of importMatches(code, kind)) imports.push({ start: match.index, end: match.index + match[0].length });
  }
  const inImport = (offset: number): boolean => imports.some(({ start, end }) => offset >= start && offset < end);
  return names.every((name) => {
    for (let at = firstWordAt(code, name, 0); at !== -1; at = firstWordAt(code, name, at + 1)) {
      if (!inImport(at)) return true;
    }
    return false;
  });
}

const topsCache = new WeakMap<LintOptions["costs"], Map<number, Set<string> | "all">>();

/** The top-level names of the modules the cost table could call heavy ("all" with a threshold of 0). */
function relevantTops(options: LintOptions): Set<string> | "all" {
  if (options.thresholdMs <= 0) return "all";
  let byThreshold = topsCache.get(options.costs);
  if (!byThreshold) topsCache.set(options.costs, (byThreshold = new Map()));
  let tops = byThreshold.get(options.thresholdMs);
  if (!tops) byThreshold.set(options.thresholdMs, (tops = heavyTopLevelNames(options.costs, options.thresholdMs)));
  return tops;
}

/**
 * The names that the file's imports of modules under `tops` bind, as far as patterns can tell
 * (backslash continuations joined), and whether the import starts a line at the top level; a
 * relative import counts when the file's own package is under them.
 */
function importsByPattern(source: string, tops: Set<string> | "all", file: FileModule, options: LintOptions): PatternImport[] {
  const continued = hasContinuation(source);
  const related = (module: string): boolean => tops === "all" || tops.has((module.startsWith(".") ? file.module : module).split(".")[0]);
  const names: PatternImport[] = [];
  const add = (name: string, match: RegExpMatchArray, kind: PatternImport["kind"], heavy: boolean): void => {
    if (/^\w+$/.test(name)) names.push({ name, atTop: /^(?:import|from)\b/.test(match[0]), kind, heavy });
  };
  for (const match of importMatches(source, "import", continued)) {
    for (const { name, bound, aliased } of importedNames(match[1])) {
      if (related(name)) add(aliased ? bound : name.split(".")[0], match, "import", importsHeavyModule(name, undefined, options));
    }
  }
  for (const match of importMatches(source, "from", continued)) {
    if (!related(match[1])) continue;
    const level = /^\.*/.exec(match[1])![0].length;
    const base = resolveRelativeModule(match[1].slice(level), level, file);
    for (const { name, bound } of importedNames(match[2].replace(/[()]/g, " "))) add(bound, match, "from", base === undefined || importsHeavyModule(base, name, options));
  }
  return names;
}

/**
 * An import as importsByPattern reads it: the name it binds, whether it starts a line at the top
 * level, its kind, and whether its module is heavy by the options' costs (a guess for a relative
 * import that cannot be resolved: heavy).
 */
interface PatternImport {
  name: string;
  atTop: boolean;
  kind: "import" | "from";
  heavy: boolean;
}

function runRules(
  analysis: FileAnalysis,
  model: SemanticModel,
  heavyImports: HeavyImport[],
  heavyStarImports: HeavyStarImport[],
  lazyConstructs: LazyConstruct[],
  options: LintOptions,
): void {
  const { file, lines, filename } = analysis;
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
          const blockers = context.blockers(finding.heavy);
          const fixContext = { model, lines, file, blockers };
          let result = planFix(finding.heavy, finding.fix, fixContext, options);
          // An unasked reach that decides the fix: plan it again without, and keep both.
          const later = blockers.find((blocker) => blocker.later);
          if (later?.later && ("refused" in result ? result.refused : result.fix.message).includes(REACH_TO_COME)) {
            diagnostic.ifReached = { ...later.later, ...("refused" in result ? { fix: null, fixRefusal: result.refused } : { fix: result.fix }) };
            result = planFix(finding.heavy, finding.fix, { ...fixContext, blockers: blockers.filter((blocker) => blocker !== later) }, options);
          }
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
