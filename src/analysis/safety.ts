import { attributeChainAt } from "./attributes.js";
import type { HeavyImport, FileModule } from "./heavyImports.js";
import type { ExternalReference, ExternalReferences } from "./projectIndex.js";
import type { ImportedName, SemanticModel } from "./model.js";
import { lazyProxies, mayHoldLazyConstruct } from "./lazyConstructs.js";
import type { LazyConstruct } from "./lazyConstructs.js";
import type { Binding, Reference } from "./scope.js";

/**
 * Why an import cannot be deferred safely (DESIGN.md §5). `unsafe` blockers may be overridden by
 * `--unsafe-fixes`; the others never.
 */
export interface DeferralBlocker {
  reason: string;
  /** 0-based offset in the source of the construct that blocks the deferral, if there is one. */
  at?: number;
  unsafe: boolean;
  /**
   * The blocker matters only to a rewrite that unbinds the name at module level (`function`);
   * proxies that keep the name bound are not affected (a re-export stays a re-export).
   */
  onlyWhenUnbound: boolean;
  /**
   * The project index was not asked (`project` was "later"): this blocker stands for a reach of the
   * name that may or may not exist, and its reason holds REACH_TO_COME where the reach would be told.
   */
  later?: { module: string; name: string; fromFile: string };
}

/** Where an unasked reach will be told in a blocker's reason (see DeferralBlocker.later); no source text holds it. */
export const REACH_TO_COME = "\u0000reach\u0000";

/** How a reach is told in a blocker's reason, in place of REACH_TO_COME. */
export function reachTold(external: ExternalReference): string {
  return `${external.file}:${external.line} (\`${external.how}\`)`;
}

/**
 * The conditions under which moving this import out of the module body could change what the
 * program does. Strategy-specific limits (a module-level lambda for `function`) are the transforms'.
 * With `project` "later" the index is not asked: a blocker with `later` stands for a reach, and the
 * caller plans the fix with and without it (lintSource.ts), to choose once the index answers.
 */
export function deferralBlockers(heavy: HeavyImport, model: SemanticModel, file: FileModule, project?: ExternalReferences | "later"): DeferralBlocker[] {
  const blockers: DeferralBlocker[] = [];
  const name = heavy.imported.boundName;
  for (const binding of heavy.otherBindings) {
    if (isSamePackageImport(heavy, binding, model)) continue;
    blockers.push({ reason: rebindingReason(name, binding), at: binding.node.startIndex, unsafe: false, onlyWhenUnbound: true });
  }
  if (model.dunderAll.names.has(name)) {
    blockers.push({ reason: `\`${name}\` is listed in \`__all__\` (a re-export)`, unsafe: false, onlyWhenUnbound: true });
  }
  const spelled = nameSpelledInString(model, name);
  if (spelled !== undefined) {
    blockers.push({ reason: `\`${name}\` is spelled in a string, which code may use to look it up`, at: spelled, unsafe: false, onlyWhenUnbound: true });
  }
  if (file.path && project === "later") {
    blockers.push({ reason: `another module reaches \`${name}\` here: ${REACH_TO_COME}`, unsafe: false, onlyWhenUnbound: true, later: { module: file.module, name, fromFile: file.path } });
  } else if (file.path && project && project !== "later") {
    const external = project.externalReference(file.module, name, file.path);
    if (external) blockers.push({ reason: `another module reaches \`${name}\` here: ${reachTold(external)}`, unsafe: false, onlyWhenUnbound: true });
  }
  if (file.isPackage) {
    blockers.push({ reason: "imports in a package `__init__.py` are re-exports (see LZ006)", unsafe: false, onlyWhenUnbound: true });
  }
  const reach = submoduleReachedThroughParent(heavy, model);
  if (reach) {
    blockers.push({
      reason: `\`${reach.chain}\` is reached through \`${reach.name}\`, which relies on this import having loaded \`${heavy.module}\``,
      at: reach.at,
      unsafe: false,
      onlyWhenUnbound: false,
    });
  }
  const dynamic = model.dynamicGlobalAccess[0];
  if (dynamic) {
    blockers.push({ reason: `the module reads its globals dynamically (\`${dynamic.what}\`)`, at: dynamic.node.startIndex, unsafe: true, onlyWhenUnbound: false });
  }
  return blockers;
}

/**
 * Importing `pkg.sub` also sets `pkg.sub` on the package: code that reads `pkg.sub.x` through
 * another binding of `pkg` (`import pkg`) depends on this import having run first.
 */
function submoduleReachedThroughParent(heavy: HeavyImport, model: SemanticModel): { name: string; chain: string; at: number } | undefined {
  const loaded = loadedModule(heavy);
  for (const other of model.imports) {
    // Another module-level import of the same name (`import scipy` beside `import scipy.linalg`) moves along with it.
    if (other === heavy.imported || other.kind !== "import") continue;
    if (other.scope === model.moduleScope && other.boundName === heavy.imported.boundName) continue;
    const standsFor = packageNameBoundBy(other);
    if (!loaded.startsWith(`${standsFor}.`)) continue;
    // `import os.path` loads `os.path` itself: `os.path.x` does not depend on `from os.path import y`.
    if (other.module === loaded || other.module.startsWith(`${loaded}.`)) continue;
    // A function's own `import xml` relies on the module-level import as much as a module-level one does.
    const reach = reachThrough(model, model.referencesIn(other.scope, other.boundName), other.boundName, loaded.slice(standsFor.length + 1));
    if (reach) return reach;
  }
  // A proxy a first fix made of `import xml.sax` (`xml = _PylazyModule("xml", "xml.sax")`) binds the package too.
  for (const proxy of proxiesOf(model)) {
    if (proxy.name === heavy.imported.boundName || !loaded.startsWith(`${proxy.module}.`)) continue;
    const reach = reachThrough(model, model.moduleReferences(proxy.name), proxy.name, loaded.slice(proxy.module.length + 1));
    if (reach) return reach;
  }
  return undefined;
}

const proxiesByModel = new WeakMap<SemanticModel, LazyConstruct[]>();

/** The module's lazy proxies, found once per model (the safety checks ask for each heavy import). */
function proxiesOf(model: SemanticModel): LazyConstruct[] {
  let proxies = proxiesByModel.get(model);
  if (!proxies) proxiesByModel.set(model, (proxies = mayHoldLazyConstruct(model.source) ? lazyProxies(model) : []));
  return proxies;
}

/** The first of `refs` to `name` that reads the attribute chain `rest` (or one below it). */
function reachThrough(model: SemanticModel, refs: readonly Reference[], name: string, rest: string): { name: string; chain: string; at: number } | undefined {
  const first = rest.split(".")[0];
  for (const ref of refs) {
    // Most uses read another attribute, or none: the tree is asked only about those that may read this one.
    if (!mayReadAttribute(model.source, ref.endIndex, first)) continue;
    const chain = attributeChainAt(model.tree.rootNode, ref.startIndex, ref.endIndex);
    if (chain === rest || chain.startsWith(`${rest}.`)) return { name, chain: `${name}.${chain}`, at: ref.startIndex };
  }
  return undefined;
}

/**
 * Whether the text after `end` may go on with `.word`: past blanks, line ends, backslash
 * continuations and comments (what Python allows between a name and its attribute), a dot, then
 * the same, then `word`. False only where no attribute `word` can follow.
 */
function mayReadAttribute(source: string, end: number, word: string): boolean {
  let at = pastTrivia(source, end);
  if (source.charCodeAt(at) !== 46) return false;
  at = pastTrivia(source, at + 1);
  return source.startsWith(word, at);
}

function pastTrivia(source: string, at: number): number {
  for (;;) {
    const code = source.charCodeAt(at);
    if (code === 32 || code === 9 || code === 12 || code === 10 || code === 13 || code === 92) at++;
    else if (code === 35) while (at < source.length && source.charCodeAt(at) !== 10 && source.charCodeAt(at) !== 13) at++;
    else return at;
  }
}

/** The module an import loads last: `a.b` for `import a.b` and for `from a import b` when `a.b` is a module. */
function loadedModule(heavy: HeavyImport): string {
  return heavy.imported.kind === "import" ? heavy.imported.module : heavy.module;
}

/** `import a.b` binds `a` (the package); `import a.b as c` binds `c` to `a.b`. */
function packageNameBoundBy(imported: ImportedName): string {
  return imported.asName ? imported.module : imported.module.split(".")[0];
}

/**
 * Names the safety checks read besides the heavy import's own: those of `import` statements (in any
 * scope) that bind a package above the module it loads, through which code may reach that module.
 * A focused model must look at them too.
 */
export function namesReachingSubmodules(heavy: HeavyImport, model: SemanticModel): string[] {
  const loaded = loadedModule(heavy);
  const imports = model.imports.filter((other) => other.kind === "import" && loaded.startsWith(`${packageNameBoundBy(other)}.`));
  const proxies = proxiesOf(model).filter((proxy) => loaded.startsWith(`${proxy.module}.`));
  return [...imports.map((other) => other.boundName), ...proxies.map((proxy) => proxy.name)];
}

/**
 * `exported = ["dumps"]`, `getattr(module, "dumps")`: a string holding exactly the name may be
 * how other code finds it (jinja2 generates imports from such a list), as `__all__` is.
 */
function nameSpelledInString(model: SemanticModel, name: string): number | undefined {
  const quoted = new RegExp(`(["'])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\1`, "g");
  for (const match of model.source.matchAll(quoted)) {
    const node = model.tree.rootNode.descendantForIndex(match.index + 1);
    if (node.type === "string_content" || node.type === "string") return match.index;
  }
  return undefined;
}

/** `import a` next to `import a.b`: both bind the same package object, so neither rebinds the other. */
function isSamePackageImport(heavy: HeavyImport, binding: Binding, model: SemanticModel): boolean {
  if (binding.kind !== "import" || heavy.imported.kind !== "import" || heavy.imported.asName !== undefined) return false;
  const other = model.imports.find((imported) => imported.binding === binding);
  return other !== undefined && other.kind === "import" && other.asName === undefined && other.guard === undefined;
}

function rebindingReason(name: string, binding: Binding): string {
  if (binding.kind === "deletion") return `\`${name}\` is deleted with \`del\``;
  if (binding.declaredFrom) return `\`${name}\` is assigned through a \`global\` declaration`;
  if (binding.kind === "import") return `\`${name}\` is bound by another import`;
  return `\`${name}\` is rebound`;
}
