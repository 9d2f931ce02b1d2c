import type MagicString from "magic-string";
import type { ImportedName } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import { getattrSections } from "./getattr.js";
import type { HeaderSection } from "./header.js";
import { headerInsertion } from "./header.js";
import type { ImportInsertion } from "./importBlock.js";
import { mergeImportInsertions } from "./importBlock.js";
import { helperPlacement, helperSections } from "./lazyBindings.js";
import { lazyModulesEdit } from "./lazyModules.js";
import { afterLineEnding, blankLineRemovals, endOfLine, indentationAt, removedLines } from "./layout.js";
import { OriginMappedString } from "./sourceMap.js";
import type { DeferralPlan, ModuleAddition } from "./strategy.js";
import { typeCheckingAdditions } from "./typeCheckingBlock.js";

/** Replace `[start, end)` of the original text with `content` (an insertion when start === end). */
export interface Edit {
  start: number;
  end: number;
  content: string;
  /** Set on imports inserted into a function body, so that insertions at one point merge into one block. */
  imports?: ImportInsertion;
  /** Inserted text that stands for original statements, for the source map. */
  origins?: Origin[];
}

/** The inserted text from `offset` (in the edit's content) stands for the original statement at `original`. */
export interface Origin {
  offset: number;
  original: number;
}

/** Module-level code a rewrite calls, inserted once per file: `_pylazy_import`, `_PylazyModule`. */
export interface LazyHelper {
  /** The name the code defines last; a file that binds it already has the helper. */
  name: string;
  /** Python code, indented with four spaces, lines ending with `\n`. */
  code: string;
}

/** What a strategy does to one imported name in its statement: drop it, make it lazy, or put code in its place. */
export interface ImportRewrite {
  imported: ImportedName;
  /** Statement text that takes the name's place (`np = _pylazy_import("numpy")`), or "" to drop it. */
  replacement: string;
  /** The helper the replacement calls. */
  helper?: LazyHelper;
  /** PEP 810: the name stays imported, by a statement that starts with the soft keyword `lazy`. */
  lazy?: boolean;
}

/** What module-level additions become: edits in place, or sections of the code inserted after the top imports. */
export interface AdditionEdits {
  edits: Edit[];
  header?: { at: number; sections: HeaderSection[] };
}

/**
 * The edits of several plans for one file, made together: every statement they touch is rewritten
 * once (the names that stay are kept in a smaller import, the names that go are dropped, replaced
 * or made lazy), a statement left empty is removed with its line, along with blank lines it leaves
 * doubled, and the code the plans add to the module is inserted once: the helper, the
 * `TYPE_CHECKING` block and `__getattr__` after the imports at the top of the file, the
 * `__lazy_modules__` entries before them. Text outside those statements and lines is not touched.
 */
export function planEdits(plans: readonly Pick<DeferralPlan, "rewrites" | "edits" | "additions">[], lines: LineIndex): Edit[] {
  const rewrites = plans.flatMap((plan) => plan.rewrites);
  const placement = helperPlacement(rewrites, lines);
  const hoisted = new Set(placement?.hoisted);
  const byStatement = new Map<number, { statement: SyntaxNode; rewrites: ImportRewrite[] }>();
  for (const rewrite of rewrites) {
    const key = rewrite.imported.statement.startIndex;
    const entry = byStatement.get(key);
    if (entry) {
      if (!entry.rewrites.some((r) => r.imported.alias.startIndex === rewrite.imported.alias.startIndex)) entry.rewrites.push(rewrite);
    } else byStatement.set(key, { statement: rewrite.imported.statement, rewrites: [rewrite] });
  }
  const edits: Edit[] = [];
  for (const { statement, rewrites: group } of byStatement.values()) {
    edits.push(rewriteStatement(statement, group.map((rewrite) => (hoisted.has(rewrite) ? { ...rewrite, replacement: "" } : rewrite)), lines));
  }
  const additions = additionEdits(plans.flatMap((plan) => plan.additions), lines);
  if (placement) additions.push({ edits: [], header: { at: placement.at, sections: helperSections(placement, lines) } });
  const headers = additions.flatMap((addition) => (addition.header ? [addition.header] : []));

  const removed = removedLines(edits, lines);
  const barriers = new Set(headers.filter(({ at }) => at < lines.text.length).map(({ at }) => lines.lineOf(at)));
  const blankLines = blankLineRemovals(lines, removed, barriers);
  const removedWithBlanks = new Set([...removed, ...removedLines(blankLines, lines)]);
  for (const at of new Set(headers.map((header) => header.at))) {
    const sections = headers.filter((header) => header.at === at).flatMap((header) => header.sections);
    if (sections.length > 0) edits.push(headerInsertion(at, sections, lines, removedWithBlanks));
  }
  return [...edits, ...blankLines, ...additions.flatMap((addition) => addition.edits), ...plans.flatMap((plan) => plan.edits)];
}

/** The module-level additions of a file, merged by kind; in the code after the top imports, the `TYPE_CHECKING` block comes first. */
function additionEdits(additions: readonly ModuleAddition[], lines: LineIndex): AdditionEdits[] {
  const ofKind = <K extends ModuleAddition["kind"]>(kind: K): Extract<ModuleAddition, { kind: K }>[] =>
    additions.filter((addition): addition is Extract<ModuleAddition, { kind: K }> => addition.kind === kind);
  const typeChecking = ofKind("type-checking");
  const getattr = ofKind("getattr");
  const lazyModules = ofKind("lazy-modules");
  return [
    ...(typeChecking.length > 0 ? [typeCheckingAdditions(typeChecking, lines)] : []),
    ...(getattr.length > 0 ? [{ edits: [], header: getattrSections(getattr, lines) }] : []),
    ...(lazyModules.length > 0 ? [{ edits: [lazyModulesEdit(lazyModules, lines)] }] : []),
  ];
}

function rewriteStatement(statement: SyntaxNode, rewrites: readonly ImportRewrite[], lines: LineIndex): Edit {
  const source = lines.text;
  const aliases = statement.childrenForFieldName("name");
  const lazy = new Set(rewrites.filter((r) => r.lazy).map((r) => r.imported.alias.startIndex));
  // Every name made lazy: the soft keyword before the statement is the whole change.
  if (lazy.size === aliases.length) return { start: statement.startIndex, end: statement.startIndex, content: "lazy " };
  const removed = new Set(rewrites.map((r) => r.imported.alias.startIndex));
  const kept = aliases.filter((alias) => !removed.has(alias.startIndex));
  const lazyAliases = aliases.filter((alias) => lazy.has(alias.startIndex));
  const replaced = [...rewrites].filter((r) => !r.lazy && r.replacement).sort((a, b) => a.imported.alias.startIndex - b.imported.alias.startIndex);

  const indentation = indentationAt(lines, statement.startIndex);
  const lineEnd = endOfLine(source, statement.endIndex);
  const aloneOnLine = indentation !== undefined && /^[ \t\f]*(#.*)?$/.test(source.slice(statement.endIndex, lineEnd));
  const lazyPart = lazyAliases.length > 0 ? [`lazy ${keptImport(statement, lazyAliases)}`] : [];
  const keptPart = kept.length > 0 ? [keptImport(statement, kept)] : [];
  // `lazy` must start its line: before the other statements when they share it.
  const parts = [...(aloneOnLine ? [...keptPart, ...lazyPart] : [...lazyPart, ...keptPart]), ...replaced.map((r) => r.replacement)];
  if (aloneOnLine) {
    if (parts.length === 0) {
      // Drop the whole line, its comment and line ending included.
      const lineStart = statement.startIndex - indentation.length;
      return { start: lineStart, end: afterLineEnding(source, lineEnd), content: "" };
    }
    return { start: statement.startIndex, end: statement.endIndex, content: parts.join(lines.lineEnding + indentation) };
  }
  // `import a; x = 1`: keep the other statements on the line.
  if (parts.length === 0) {
    const after = /^[ \t]*;[ \t]*/.exec(source.slice(statement.endIndex));
    if (after) return { start: statement.startIndex, end: statement.endIndex + after[0].length, content: "" };
    const before = /[ \t]*;[ \t]*$/.exec(source.slice(0, statement.startIndex));
    return { start: before ? statement.startIndex - before[0].length : statement.startIndex, end: statement.endIndex, content: "" };
  }
  return { start: statement.startIndex, end: statement.endIndex, content: parts.join("; ") };
}

function keptImport(statement: SyntaxNode, kept: SyntaxNode[]): string {
  const names = kept.map((alias) => alias.text.replace(/\s+/g, " ")).join(", ");
  if (statement.type === "import_statement") return `import ${names}`;
  const module = statement.childForFieldName("module_name")!.text;
  return `from ${module} import ${names}`;
}

export interface AppliedEdits {
  code: string;
  magic: MagicString;
  /** Edits dropped because they overlapped an edit applied before them. */
  conflicts: Edit[];
}

/**
 * Applies edits made against the original text. Imports inserted at one point merge into one block,
 * identical edits count once, and an edit that overlaps one already applied is refused, never
 * merged by guesswork.
 */
export function applyEdits(source: string, edits: readonly Edit[]): AppliedEdits {
  const magic = new OriginMappedString(source);
  const applied: Edit[] = [];
  const conflicts: Edit[] = [];
  for (const edit of mergeImportInsertions(edits)) {
    if (applied.some((other) => other.start === edit.start && other.end === edit.end && other.content === edit.content)) continue;
    if (applied.some((other) => overlaps(other, edit))) conflicts.push(edit);
    else applied.push(edit);
  }
  // Replacements first: magic-string drops text inserted at a chunk's edge when that chunk is overwritten later.
  const replacements = applied.filter((edit) => edit.start !== edit.end);
  const insertions = applied.filter((edit) => edit.start === edit.end);
  for (const edit of replacements) {
    if (edit.content === "") magic.remove(edit.start, edit.end);
    else magic.overwrite(edit.start, edit.end, edit.content);
  }
  for (const edit of insertions) magic.appendLeft(edit.start, edit.content);
  for (const [index, edit] of insertions.entries()) {
    const start = generatedOffset(edit.start, replacements, insertions.slice(0, index));
    for (const origin of edit.origins ?? []) magic.addOrigin(start + origin.offset, origin.original);
  }
  return { code: magic.toString(), magic, conflicts };
}

/**
 * Where text inserted at `offset` starts in the output: after every replacement that ends by then
 * and every insertion before it (magic-string keeps insertions at one point in the order made).
 */
function generatedOffset(offset: number, replacements: readonly Edit[], earlierInsertions: readonly Edit[]): number {
  let generated = offset;
  for (const edit of replacements) if (edit.end <= offset) generated += edit.content.length - (edit.end - edit.start);
  for (const edit of earlierInsertions) if (edit.start <= offset) generated += edit.content.length;
  return generated;
}

function overlaps(a: Edit, b: Edit): boolean {
  // An insertion conflicts only with a replacement that strictly contains its point.
  if (a.start === a.end || b.start === b.end) return (a.start > b.start && a.start < b.end) || (b.start > a.start && b.start < a.end);
  return a.start < b.end && b.start < a.end;
}
