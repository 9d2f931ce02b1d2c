import { fileURLToPath } from "node:url";
import type { Diagnostic as LspDiagnostic } from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import type { FileModule } from "../analysis/heavyImports.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import { fileModuleOf } from "../engine/run.js";
import type { FileAnalysis } from "../engine/lintSource.js";
import { treePoint } from "../parse/parser.js";
import type { Edit, Tree } from "../parse/parser.js";
import { CarriedDiagnostics } from "./incremental.js";

/**
 * A Python file open in the editor: its text as the editor has it, and the syntax tree of the
 * last lint, edited in step with every change so the next parse reuses what did not change.
 */
export class OpenDocument {
  /** Absolute path on disk, or undefined for an unsaved buffer (`untitled:` and other schemes). */
  readonly path: string | undefined;
  readonly fileModule: FileModule;
  private document: TextDocument;
  private parsed: Tree | undefined;
  /** Changes not yet told to `parsed`: most keystrokes never need the tree (see CarriedDiagnostics). */
  private pendingEdits: Edit[] = [];
  /** The last lint, if it was made of the current version. */
  private analysis: FileAnalysis | undefined;
  private analysedVersion = -1;
  /** The last lint's diagnostics, carried through the changes since when they cannot have changed them. */
  private carried: CarriedDiagnostics | undefined;
  /** What the editor was last sent, and for which version. */
  private published: { diagnostics: LspDiagnostic[]; version: number } | undefined;

  constructor(uri: string, version: number, text: string) {
    this.document = TextDocument.create(uri, "python", version, text);
    this.path = filePathOf(uri);
    this.fileModule = this.path === undefined ? { module: "", isPackage: false } : fileModuleOf(this.path);
  }

  get uri(): string {
    return this.document.uri;
  }

  get version(): number {
    return this.document.version;
  }

  get text(): string {
    return this.document.getText();
  }

  /** The tree of the last parse, edited for every change since (tree-sitter's incremental parsing). */
  get tree(): Tree | undefined {
    if (this.parsed) for (const edit of this.pendingEdits) this.parsed.edit(edit);
    this.pendingEdits = [];
    return this.parsed;
  }

  set tree(tree: Tree | undefined) {
    this.parsed = tree;
    this.pendingEdits = [];
  }

  /**
   * Applies the editor's changes in order, noting for the old tree where each one happened. Returns
   * the diagnostics of the new text when the last lint's could be carried through every change.
   */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): Diagnostic[] | undefined {
    for (const change of changes) {
      if (!("range" in change)) {
        this.document = TextDocument.update(this.document, [change], version);
        this.tree = undefined;
        this.carried = undefined;
        continue;
      }
      const before = this.document.getText();
      const startIndex = this.document.offsetAt(change.range.start);
      const oldEndIndex = this.document.offsetAt(change.range.end);
      this.document = TextDocument.update(this.document, [change], version);
      const newEndIndex = startIndex + change.text.length;
      if (this.carried && !this.carried.apply(startIndex, oldEndIndex, change.text)) this.carried = undefined;
      if (!this.parsed) continue;
      // An edit that ends where a line break starts (typing at the end of a line) is told to
      // tree-sitter with the line break in it, which it may be, since the line break is the same
      // before and after. Told as it was, tree-sitter often reused little of the old tree, at worst
      // nothing (the end of the first line, before a `def`, always). scripts/lineEndReparse.mjs
      // types and deletes a letter after a name at 766 line ends of 14 stdlib modules: 63 reparses
      // took more than 40% of a fresh parse told as made, 5 told this way.
      const lineBreak = lineBreakAt(before, oldEndIndex);
      this.pendingEdits.push({
        startIndex,
        oldEndIndex: oldEndIndex + lineBreak,
        newEndIndex: newEndIndex + lineBreak,
        startPosition: treePoint(before, startIndex),
        oldEndPosition: treePoint(before, oldEndIndex + lineBreak),
        newEndPosition: treePoint(this.document.getText(), newEndIndex + lineBreak),
      });
    }
    // An empty change list still moves the version on.
    if (changes.length === 0) this.document = TextDocument.update(this.document, [], version);
    return this.carried?.isFor(this.text) ? this.carried.diagnostics() : undefined;
  }

  /** The diagnostics the editor was sent for the current text, if it was sent any. */
  publishedDiagnostics(): LspDiagnostic[] | undefined {
    return this.published?.version === this.version ? this.published.diagnostics : undefined;
  }

  recordPublished(diagnostics: LspDiagnostic[]): void {
    this.published = { diagnostics, version: this.version };
  }

  /** The lint of the current text, or undefined when the text changed since. */
  currentAnalysis(): FileAnalysis | undefined {
    return this.analysedVersion === this.version ? this.analysis : undefined;
  }

  recordAnalysis(analysis: FileAnalysis): void {
    this.analysis = analysis;
    this.analysedVersion = this.version;
    this.tree = analysis.tree;
    this.carried = analysis.source === this.text ? CarriedDiagnostics.from(analysis) : undefined;
  }

  /** Forgets the last lint (the settings changed), keeping the tree, which depends only on the text. */
  invalidateAnalysis(): void {
    this.analysis = undefined;
    this.analysedVersion = -1;
    this.carried = undefined;
  }
}

/** The length of the line break that starts at `offset` (`\r\n`, `\n` or `\r`), 0 when none does. */
function lineBreakAt(text: string, offset: number): number {
  const code = text.charCodeAt(offset);
  if (code === 13) return text.charCodeAt(offset + 1) === 10 ? 2 : 1;
  return code === 10 ? 1 : 0;
}

function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

