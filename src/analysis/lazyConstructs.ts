import type { SyntaxNode } from "../parse/parser.js";
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

// `np = lazy_import("numpy")`, `np = _pylazy_import("numpy")`, `np = LazyModule("numpy")`, `lazy_loader.load(...)`…
const PROXY_FACTORY = /lazy/i;

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
  const calleeName = callee.type === "attribute" ? callee.childForFieldName("attribute")!.text : callee.text;
  if (!PROXY_FACTORY.test(calleeName)) return undefined;
  const first = right.childForFieldName("arguments")?.namedChildren[0];
  const module = first && stringLiteralValue(first);
  return module ? { name: left.text, module } : undefined;
}
