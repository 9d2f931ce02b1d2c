import { fileURLToPath } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import type { FileModule } from "../analysis/heavyImports.js";
import { fileModuleOf } from "../engine/run.js";
import type { FileAnalysis } from "../engine/lintSource.js";
import { treePoint } from "../parse/parser.js";
import type { Tree } from "../parse/parser.js";

/**
 * A Python file open in the editor: its text as the editor has it, and the syntax tree of the
 * last lint, edited in step with every change so the next parse reuses what did not change.
 */
export class OpenDocument {
  /** Absolute path on disk, or undefined for an unsaved buffer (`untitled:` and other schemes). */
  readonly path: string | undefined;
  readonly fileModule: FileModule;
  private document: TextDocument;
  /** The tree of the last parse, already edited for every change since (tree-sitter's incremental parsing). */
  tree: Tree | undefined;
  /** The last lint, if it was made of the current version. */
  private analysis: FileAnalysis | undefined;
  private analysedVersion = -1;

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

  /** Applies the editor's changes in order, telling the old tree where each one happened. */
  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!("range" in change)) {
        this.document = TextDocument.update(this.document, [change], version);
        this.tree = undefined;
        continue;
      }
      const before = this.document.getText();
      const startIndex = this.document.offsetAt(change.range.start);
      const oldEndIndex = this.document.offsetAt(change.range.end);
      this.document = TextDocument.update(this.document, [change], version);
      const newEndIndex = startIndex + change.text.length;
      this.tree?.edit({
        startIndex,
        oldEndIndex,
        newEndIndex,
        startPosition: treePoint(before, startIndex),
        oldEndPosition: treePoint(before, oldEndIndex),
        newEndPosition: treePoint(this.document.getText(), newEndIndex),
      });
    }
    // An empty change list still moves the version on.
    if (changes.length === 0) this.document = TextDocument.update(this.document, [], version);
  }

  /** The lint of the current text, or undefined when the text changed since. */
  currentAnalysis(): FileAnalysis | undefined {
    return this.analysedVersion === this.version ? this.analysis : undefined;
  }

  recordAnalysis(analysis: FileAnalysis): void {
    this.analysis = analysis;
    this.analysedVersion = this.version;
    this.tree = analysis.tree;
  }

  /** Forgets the last lint (the settings changed), keeping the tree, which depends only on the text. */
  invalidateAnalysis(): void {
    this.analysis = undefined;
    this.analysedVersion = -1;
  }
}

function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

