import type { FileModule } from "../analysis/heavyImports.js";
import type { ImportedName, SemanticModel } from "../analysis/model.js";
import type { LineIndex } from "../parse/lines.js";
import type { SyntaxNode } from "../parse/parser.js";
import { functionStrategy } from "./function.js";
import type { HeaderSection } from "./header.js";
import { afterTopImports, moduleOf } from "./header.js";
import { indentUnit, reindent } from "./layout.js";
import type { DeferralContext, DeferralResult, GetattrEntry, ModuleAddition, Strategy } from "./strategy.js";
import { typeCheckingBlock } from "./typeCheckingBlock.js";

const IMPORT_MODULE = `__import__("importlib").import_module`;

/**
 * In a package `__init__.py`, a re-export stops being imported with the package: a module
 * `__getattr__` (PEP 562) imports it on first access and caches it in the module's globals, a
 * `__dir__` keeps it listed, and the original import moves under `if TYPE_CHECKING:` for type
 * checkers. `__all__` is left as it is: `from pkg import *` reaches each name through `__getattr__`.
 * A submodule the import loaded on the way (`pkg.frames` for `from .frames import DataFrame`)
 * stays reachable as an attribute too. Uses inside the package's own functions get the import
 * inside those functions, since `__getattr__` serves attribute access only.
 */
export const getattrStrategy: Strategy = {
  name: "getattr",
  summary: "re-export through a PEP 562 module `__getattr__` in a package `__init__.py`",
  fixes: ["getattr"],
  defer(context: DeferralContext): DeferralResult {
    const { heavy, model, lines, file } = context;
    const imported = heavy.imported;
    const name = imported.boundName;
    if (!file.isPackage) return { refused: "only a package `__init__.py` re-exports through a module `__getattr__`" };
    const defined = ["__getattr__", "__dir__"].find((dunder) => definesAtModuleLevel(model.tree.rootNode, dunder) || model.moduleBindings(dunder).length > 0);
    if (defined) return { refused: `the package defines \`${defined}\` already` };
    const rebound = heavy.otherBindings[0];
    if (rebound) return { refused: `\`${name}\` is bound again on line ${lines.lineOf(rebound.node.startIndex) + 1}, which a module \`__getattr__\` cannot follow` };
    const entries = getattrEntries(imported, file);
    const starImported = entries.find((entry) => !entry.name.startsWith("_"));
    if (starImported && !bindsDunderAll(model)) {
      return { refused: `the package has no \`__all__\`, so \`from ${file.module || "package"} import *\` would no longer see \`${starImported.name}\`: add an \`__all__\` first` };
    }
    const inFunctions = heavy.uses.deferred.length > 0 ? functionStrategy.defer(context) : undefined;
    if (inFunctions && "refused" in inFunctions) return { refused: inFunctions.refused };
    return {
      strategy: "getattr",
      rewrites: [{ imported, replacement: "" }],
      edits: inFunctions?.edits ?? [],
      additions: [
        { kind: "type-checking", imported, block: typeCheckingBlock(model, lines) },
        { kind: "getattr", imported, entries },
      ],
      message: `Import \`${name}\` on first access, through the package's \`__getattr__\` (PEP 562)${inFunctions ? `, and in the functions that use it` : ""}`,
      keepsNameBound: true,
    };
  },
};

/**
 * What `__getattr__` does for the name an import binds, and for the submodule of this package
 * that the import loads on the way and so sets as an attribute.
 */
function getattrEntries(imported: ImportedName, file: FileModule): GetattrEntry[] {
  const entries: GetattrEntry[] = [{ name: imported.boundName, code: bindingCode(imported, file) }];
  const submodule = loadedSubmodule(imported, file);
  if (submodule && submodule.first !== imported.boundName) {
    const loads = submodule.path === submodule.first ? [] : [`${IMPORT_MODULE}(".${submodule.path}", __name__)`];
    entries.push({ name: submodule.first, code: [...loads, `value = ${IMPORT_MODULE}(".${submodule.first}", __name__)`] });
  }
  return entries;
}

/** Lines that bind `value` as the import binds its name. */
function bindingCode(imported: ImportedName, file: FileModule): string[] {
  if (imported.kind === "import") {
    if (imported.asName || !imported.module.includes(".")) return [`import ${imported.module} as value`];
    return [`import ${imported.module}`, `value = ${imported.boundName}`];
  }
  // `from . import sub` would ask this package for `sub` first, and so call `__getattr__` again.
  if (importsFromThisPackage(imported, file)) return [`value = ${IMPORT_MODULE}(".${imported.importedName}", __name__)`];
  return [`from ${".".repeat(imported.level)}${imported.module} import ${imported.importedName} as value`];
}

function importsFromThisPackage(imported: ImportedName, file: FileModule): boolean {
  return (imported.level === 1 && imported.module === "") || (imported.level === 0 && file.module !== "" && imported.module === file.module);
}

/** `frames` (path `frames.io`) for `from .frames.io import x`: the submodule of this package the import loads. */
function loadedSubmodule(imported: ImportedName, file: FileModule): { first: string; path: string } | undefined {
  let path: string | undefined;
  if (importsFromThisPackage(imported, file)) path = imported.importedName;
  else if (imported.kind === "from" && imported.level === 1) path = imported.module;
  else if (imported.level === 0 && file.module !== "" && imported.module.startsWith(`${file.module}.`)) path = imported.module.slice(file.module.length + 1);
  return path ? { first: path.split(".")[0], path } : undefined;
}

function bindsDunderAll(model: SemanticModel): boolean {
  return model.moduleBindings("__all__").length > 0;
}

/** A module-level `def`, class or assignment of `name`, also under `if`/`try`/`with` at module level. */
function definesAtModuleLevel(block: SyntaxNode, name: string): boolean {
  for (const statement of block.namedChildren) {
    const definition = statement.type === "decorated_definition" ? statement.childForFieldName("definition")! : statement;
    if ((definition.type === "function_definition" || definition.type === "class_definition") && definition.childForFieldName("name")?.text === name) return true;
    const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
    if (assignment?.type === "assignment" && assignment.childForFieldName("left")?.text === name) return true;
    if (COMPOUND.has(statement.type) && definesAtModuleLevel(statement, name)) return true;
  }
  return false;
}

const COMPOUND = new Set(["if_statement", "try_statement", "with_statement", "block", "elif_clause", "else_clause", "except_clause", "finally_clause"]);

/** The file's `__getattr__` and `__dir__`, serving every re-export its fixes defer, inserted after the top imports. */
export function getattrSections(additions: readonly Extract<ModuleAddition, { kind: "getattr" }>[], lines: LineIndex): { at: number; sections: HeaderSection[] } {
  const ordered = [...additions].sort((a, b) => a.imported.alias.startIndex - b.imported.alias.startIndex);
  const entries: GetattrEntry[] = [];
  for (const entry of ordered.flatMap((addition) => addition.entries)) if (!entries.some((other) => other.name === entry.name)) entries.push(entry);
  const branches = entries.map((entry, index) => [`    ${index === 0 ? "if" : "elif"} name == ${JSON.stringify(entry.name)}:`, ...entry.code.map((line) => `        ${line}`)].join("\n"));
  const code = `# Inserted by pylazy: the package's re-exports are imported on first access (PEP 562).
def __getattr__(name):
${branches.join("\n")}
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | {${entries.map((entry) => JSON.stringify(entry.name)).join(", ")}})`;
  const root = moduleOf(ordered[0].imported.statement);
  const text = reindent(code, indentUnit(root, lines), lines.lineEnding) + lines.lineEnding;
  return { at: afterTopImports(root, lines), sections: [{ text, blanksBefore: 2, blanksAfter: 2 }] };
}
