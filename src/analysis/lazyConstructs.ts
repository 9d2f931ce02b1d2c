import type { SyntaxNode } from "../parse/parser.js";
import { mayHoldLazyImport, saysLazy } from "../parse/pep810.js";
import { importedModule } from "./heavyImports.js";
import type { FileModule } from "./heavyImports.js";
import { stringLiteralValue } from "./model.js";
import type { SemanticModel } from "./model.js";

/** A name that the code means to be lazy: a PEP 810 import, a `__lazy_modules__` entry, or a proxy. */
export interface LazyConstruct {
  name: string;
  module: string;
  how: "lazy import" | "__lazy_modules__" | "lazy proxy";
  /** The statement that sets it up. */
  node: SyntaxNode;
}

// Where a proxy's factory may be called: its name, from "lazy" on, then up to the `(` only what
// may stand between a callee and its arguments (spaces, line breaks, continuations, comments).
const PROXY_CALL = /lazy[^\s\\#(]*(?:\s|\\|#[^\r\n]*)*\(/i;

/**
 * False only when the text cannot hold a lazy construct: a `lazy import` line, the name
 * `__lazy_modules__`, or a call of a factory whose name says "lazy" (findLazyConstructs needs one).
 */
export function mayHoldLazyConstruct(text: string): boolean {
  return saysLazy(text) && (text.includes("__lazy_modules__") || PROXY_CALL.test(text) || mayHoldLazyImport(text));
}

export function findLazyConstructs(model: SemanticModel, file: FileModule): LazyConstruct[] {
  const constructs: LazyConstruct[] = [];
  const lazyModules = literalLazyModules(model);
  for (const imported of model.imports) {
    if (imported.scope !== model.moduleScope) continue;
    const module = importedModule(imported, file);
    if (module === undefined) continue;
    if (imported.lazy) constructs.push({ name: imported.boundName, module, how: "lazy import", node: imported.statement });
    else if (!imported.guard && lazyModules.has(imported.kind === "import" ? imported.module : module)) {
      constructs.push({ name: imported.boundName, module, how: "__lazy_modules__", node: imported.statement });
    }
  }
  constructs.push(...lazyProxies(model));
  return constructs;
}

/** Module-level `np = lazy_import("numpy")`-style assignments, pylazy's own proxies among them. */
export function lazyProxies(model: SemanticModel): LazyConstruct[] {
  const proxies: LazyConstruct[] = [];
  for (const statement of model.tree.rootNode.namedChildren) {
    const proxy = proxyAssignment(statement);
    if (proxy) proxies.push({ ...proxy, how: "lazy proxy", node: statement });
  }
  return proxies;
}

/** The module names of a literal `__lazy_modules__ = {...}` / `[...]` / `(...)` at module level. */
export function literalLazyModules(model: SemanticModel): Set<string> {
  const names = new Set<string>();
  for (const statement of model.tree.rootNode.namedChildren) {
    const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
    if (assignment?.type !== "assignment" || assignment.childForFieldName("left")?.text !== "__lazy_modules__") continue;
    const value = assignment.childForFieldName("right");
    if (!value || !["set", "list", "tuple"].includes(value.type)) continue;
    for (const element of value.namedChildren) {
      const name = stringLiteralValue(element);
      if (name !== undefined) names.add(name);
    }
  }
  return names;
}

function proxyAssignment(statement: SyntaxNode): { name: string; module: string } | undefined {
  const assignment = statement.type === "expression_statement" ? statement.namedChildren[0] : undefined;
  if (assignment?.type !== "assignment") return undefined;
  const left = assignment.childForFieldName("left");
  const right = assignment.childForFieldName("right");
  if (left?.type !== "identifier" || right?.type !== "call") return undefined;
  const callee = right.childForFieldName("function")!;
  const calleeName = callee.type === "attribute" ? callee.childForFieldName("attribute")!.text : callee.type === "identifier" ? callee.text : undefined;
  // `np = lazy_import("numpy")`, `np = _pylazy_import("numpy")`, `np = util.LazyModule("numpy")`…:
  // the factory is a name, or an attribute, that says "lazy".
  if (calleeName === undefined || !saysLazy(calleeName)) return undefined;
  const first = right.childForFieldName("arguments")?.namedChildren.find((argument) => argument.type !== "comment");
  const module = first && stringLiteralValue(first);
  return module ? { name: left.text, module } : undefined;
}
