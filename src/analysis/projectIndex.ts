import { readFileSync } from "node:fs";
import path from "node:path";
import { parsePython } from "../parse/parser.js";
import { decodePythonSource } from "../parse/source.js";
import type { SyntaxNode } from "../parse/parser.js";
import { buildSemanticModel, stringLiteralValue } from "./model.js";
import type { SemanticModel } from "./model.js";
import { attributeChainAt } from "./attributes.js";
import { moduleNameForFile, resolveRelativeModule } from "./modulePath.js";

/** Where another module of the project reaches a name of this module. */
export interface ExternalReference {
  file: string;
  /** 1-based line. */
  line: number;
  /** `from pkg.util import np`, `pkg.util.np`, `mock.patch("pkg.util.np.load")`… */
  how: string;
}

interface IndexedFile {
  file: string;
  text: string;
  module: { module: string; isPackage: boolean };
}

/**
 * Answers "does any other module of the project reach `module.name`?" over every Python file of
 * the project (tests included), reading and parsing only the files whose text mentions the name.
 */
export class ProjectIndex {
  private readonly files = new Map<string, IndexedFile | null>();
  private readonly answers = new Map<string, ExternalReference | null>();

  constructor(
    private readonly projectFiles: readonly string[],
    private readonly root: string,
  ) {}

  externalReference(module: string, name: string, fromFile: string): ExternalReference | undefined {
    if (module === "") return undefined;
    const key = `${module}\u0000${name}`;
    if (!this.answers.has(key)) this.answers.set(key, this.search(module, name, path.resolve(fromFile)) ?? null);
    return this.answers.get(key) ?? undefined;
  }

  private search(module: string, name: string, fromFile: string): ExternalReference | undefined {
    // Every way of reaching `pkg.util.np` spells both `util` and `np` (an import, an attribute, a string).
    const words = [name, module.split(".").pop()!].map((word) => new RegExp(`\\b${escapeRegExp(word)}\\b`));
    for (const file of this.projectFiles) {
      if (path.resolve(file) === fromFile) continue;
      const indexed = this.read(file);
      if (!indexed || !words.every((word) => word.test(indexed.text))) continue;
      const found = referenceIn(modelOf(indexed.text, name), indexed, module, name);
      if (found) return { ...found, file: path.relative(this.root, file) };
    }
    return undefined;
  }

  private read(file: string): IndexedFile | undefined {
    if (!this.files.has(file)) {
      try {
        const text = decodePythonSource(readFileSync(file)).text;
        this.files.set(file, { file, text, module: moduleNameForFile(file) });
      } catch {
        // An unreadable file cannot reach anything; lint reports it on its own.
        this.files.set(file, null);
      }
    }
    return this.files.get(file) ?? undefined;
  }

}

/**
 * A model of the other file focused on what can reach `name`: the name itself and the names its
 * imports bind (a stand-in for the module). Not kept: a project's models would not fit in memory.
 */
function modelOf(text: string, name: string): SemanticModel | undefined {
  const tree = parsePython(text);
  if (tree.rootNode.hasError) return undefined;
  try {
    const imports = buildSemanticModel(text, tree, { focusNames: new Set() }).imports;
    return buildSemanticModel(text, tree, { focusNames: new Set([name, ...imports.map((imported) => imported.boundName)]) });
  } catch {
    return undefined;
  }
}

function referenceIn(model: SemanticModel | undefined, indexed: IndexedFile, module: string, name: string): Omit<ExternalReference, "file"> | undefined {
  if (!model) return undefined;
  const lineOf = (offset: number): number => indexed.text.slice(0, offset).split(/\r\n|\n|\r/).length;
  // Names in this file that stand for `module` (or a package above it), with the dotted rest to reach it.
  const standIns: { name: string; rest: string }[] = [];
  for (const imported of model.imports) {
    const base = resolveRelativeModule(imported.module, imported.level, indexed.module);
    if (base === undefined) continue;
    if (imported.kind === "from") {
      if (base === module && imported.importedName === name) {
        return { line: lineOf(imported.alias.startIndex), how: `from ${module} import ${name}` };
      }
      const full = `${base}.${imported.importedName}`;
      if (full === module || module.startsWith(`${full}.`)) standIns.push({ name: imported.boundName, rest: module.slice(full.length + 1) });
    } else if (imported.asName) {
      if (base === module || module.startsWith(`${base}.`)) standIns.push({ name: imported.asName, rest: module.slice(base.length + 1) });
    } else {
      const top = base.split(".")[0];
      if (module === top || module.startsWith(`${top}.`)) standIns.push({ name: top, rest: module.slice(top.length + 1) });
    }
  }
  const wanted = new Map(standIns.map((s) => [s.name, s.rest ? `${s.rest}.${name}` : name]));
  for (const ref of model.references) {
    const chain = wanted.get(ref.name);
    if (chain === undefined || ref.inString) continue;
    const reached = attributeChainAt(model.tree.rootNode, ref.startIndex, ref.endIndex);
    if (reached === chain || reached.startsWith(`${chain}.`)) return { line: lineOf(ref.startIndex), how: `${ref.name}.${chain}` };
  }
  const dotted = `${module}.${name}`;
  for (const literal of stringsMentioning(model.tree.rootNode, dotted)) {
    const value = stringLiteralValue(literal) ?? "";
    if (value === dotted || value.startsWith(`${dotted}.`)) return { line: lineOf(literal.startIndex), how: JSON.stringify(value) };
  }
  return undefined;
}

function stringsMentioning(root: SyntaxNode, text: string): SyntaxNode[] {
  return root.descendantsOfType("string").filter((node) => node.text.includes(text));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
