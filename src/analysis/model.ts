import { parsePython } from "../parse/parser.js";
import { isLazyStatement } from "../parse/pep810.js";
import { isAsciiWordChar } from "../parse/skeleton.js";
import type { SyntaxNode, Tree } from "../parse/parser.js";
import { Scope } from "./scope.js";
import type { Binding, BindingKind, ExecutionContext, Guard, Reference } from "./scope.js";

/** One name bound by an import statement (`import a.b as c`, `from m import x`). */
export interface ImportedName {
  statement: SyntaxNode;
  /** The `dotted_name` or `aliased_import` naming this import within the statement. */
  alias: SyntaxNode;
  kind: "import" | "from";
  /** Module as written, without leading dots: `a.b` for `import a.b`, `m` for `from ..m import x`. */
  module: string;
  /** Leading dots of a relative `from` import. */
  level: number;
  /** For `from m import x`: `x`. */
  importedName?: string;
  asName?: string;
  /** The name the statement binds: `a` for `import a.b`, `c` for `import a.b as c`, `x` for `from m import x`. */
  boundName: string;
  binding: Binding;
  scope: Scope;
  guard?: Guard;
  /** Written `lazy import …` / `lazy from …` (PEP 810). */
  lazy: boolean;
}

export interface StarImport {
  statement: SyntaxNode;
  module: string;
  level: number;
  scope: Scope;
  guard?: Guard;
}

export interface DynamicGlobalAccess {
  node: SyntaxNode;
  /** `globals()`, `vars()`, `locals()`, `eval()`, `exec()` or `sys.modules[__name__]`. */
  what: string;
}

export interface ModelOptions {
  /** Annotations are evaluated lazily by the target Python (3.14+, PEP 649). */
  lazyAnnotations?: boolean;
  /**
   * Analyse only what concerns these names. A statement whose text mentions none of them (nor
   * `import`, nor the words of dynamic global access, `__all__` or `TYPE_CHECKING`) can neither
   * bind nor read them, so skipping it changes no answer about them; imports are always seen.
   */
  focusNames?: ReadonlySet<string>;
  /**
   * With `focusNames`: look at statements that spell `import` and nothing else, for a model asked
   * only which imports a module makes, where and under which guard (its other answers are then
   * incomplete: dynamic global access, `__all__`, references).
   */
  importsAlone?: boolean;
}

// Words a focused model must always look at: imports, dynamic access to globals, `__all__`, typing blocks.
export const ALWAYS_RELEVANT = ["import", "globals", "vars", "locals", "eval", "exec", "sys", "__all__", "TYPE_CHECKING"];

export interface DunderAll {
  names: Set<string>;
  /** The string literal naming each entry, for fixes that edit `__all__`. */
  nodes: SyntaxNode[];
  /** `__all__` is built in a way we cannot read statically. */
  dynamic: boolean;
}

interface WalkState {
  scope: Scope;
  context: ExecutionContext;
  guard?: Guard;
}

/** Builtins that can read the module's globals by name wherever they are called. */
const GLOBALS_READERS = new Set(["globals", "eval", "exec"]);
/** Builtins that read the namespace they are called in without arguments: the module's only at module level. */
const NAMESPACE_READERS = new Set(["vars", "locals"]);

/**
 * The semantic model of one Python module: its scopes, every binding and reference, and for each
 * reference whether it runs at import time, later, or never (typing only).
 */
export class SemanticModel {
  readonly moduleScope: Scope;
  readonly references: Reference[] = [];
  readonly imports: ImportedName[] = [];
  readonly starImports: StarImport[] = [];
  readonly dynamicGlobalAccess: DynamicGlobalAccess[] = [];
  readonly futureFeatures = new Set<string>();
  readonly dunderAll: DunderAll = { names: new Set(), nodes: [], dynamic: false };
  /** Module-level `__all__` assignments and mutations (not counted as rebinding of the listed names). */
  private readonly pendingDynamicCalls: { node: SyntaxNode; what: string; scope: Scope }[] = [];
  private readonly referencesByScope = new Map<Scope, Reference[]>();
  /** Sorted offsets of the focus words, when the model is focused. */
  private readonly focus: number[] | undefined;
  /** Where the statement being visited ends (a focused model's visitBlock sets it for visitChildren). */
  private statementEnd = Infinity;

  constructor(
    readonly tree: Tree,
    readonly source: string,
    private readonly options: ModelOptions = {},
  ) {
    this.moduleScope = new Scope("module", tree.rootNode, undefined);
    this.focus = options.focusNames && wordPositions(source, [...options.focusNames, ...(options.importsAlone ? ["import"] : ALWAYS_RELEVANT)]);
    this.collectFutureImports(tree.rootNode);
    this.visitBlock(tree.rootNode, { scope: this.moduleScope, context: "import-time" });
    this.resolveReferences();
    for (const call of this.pendingDynamicCalls) {
      if (this.resolve(call.scope, call.what) === undefined) this.dynamicGlobalAccess.push({ node: call.node, what: `${call.what}()` });
    }
  }

  get annotationsAreLazy(): boolean {
    return this.futureFeatures.has("annotations") || this.options.lazyAnnotations === true;
  }

  /** Every reference that resolves to a module-level binding of `name`. */
  moduleReferences(name: string): Reference[] {
    return this.referencesIn(this.moduleScope, name);
  }

  /** Every reference that resolves to a binding of `name` in `scope`. */
  referencesIn(scope: Scope, name: string): Reference[] {
    return (this.referencesByScope.get(scope) ?? []).filter((ref) => ref.name === name);
  }

  moduleBindings(name: string): Binding[] {
    return this.moduleScope.bindings.get(name) ?? [];
  }

  /** The scope a name used in `scope` resolves to, following Python's LEGB rules; undefined for builtins. */
  resolve(scope: Scope, name: string): Scope | undefined {
    let current: Scope | undefined = scope;
    let first = true;
    while (current) {
      if (current.kind === "module") return current.binds(name) ? current : undefined;
      if (current.globals.has(name)) return this.moduleScope.binds(name) ? this.moduleScope : undefined;
      if (current.kind === "class") {
        // Names bound in a class body are visible to that body only, not to nested functions.
        if (first && current.binds(name)) return current;
      } else if (current.nonlocals.has(name)) {
        current = enclosingFunction(current.parent);
        while (current && !(current.binds(name) && !current.globals.has(name))) current = enclosingFunction(current.parent);
        return current;
      } else if (current.binds(name)) {
        return current;
      }
      first = false;
      current = current.parent;
    }
    return undefined;
  }

  // ---- walking -------------------------------------------------------------------------------

  private collectFutureImports(root: SyntaxNode): void {
    // Only the first statements can be `from __future__` imports: stop early, a file may be huge.
    for (let index = 0; index < root.namedChildCount; index++) {
      const statement = root.namedChild(index)!;
      if (statement.type === "future_import_statement") {
        for (const name of statement.childrenForFieldName("name")) {
          this.futureFeatures.add((name.type === "aliased_import" ? name.childForFieldName("name")! : name).text);
        }
      } else if (statement.type !== "comment" && !isDocstring(statement)) {
        break;
      }
    }
  }

  private visitBlock(block: SyntaxNode, state: WalkState): void {
    if (!this.focus) {
      for (const child of block.namedChildren) this.visit(child, state);
      return;
    }
    // Visit only the statements that contain a focus word, reaching each through its position.
    const positions = this.focus;
    const end = block.endIndex;
    let index = firstAtOrAfter(positions, block.startIndex);
    while (index < positions.length && positions[index] < end) {
      const child = block.firstNamedChildForIndex(positions[index]);
      if (!child || child.startIndex > positions[index]) {
        index++;
        continue;
      }
      const outer = this.statementEnd;
      const childEnd = child.endIndex;
      this.statementEnd = childEnd;
      this.visit(child, state);
      this.statementEnd = outer;
      index = firstAtOrAfter(positions, childEnd);
    }
  }

  private visitAll(nodes: readonly (SyntaxNode | null)[], state: WalkState): void {
    for (const node of nodes) if (node) this.visit(node, state);
  }

  /**
   * Visits the named children of a node that has no rule of its own (an expression, a call's
   * arguments). A focused model skips a child when no focus word starts between it and the next
   * child (or the node's end): an identifier is a named node, so a child that reads or binds a
   * focus name spells it, and the same argument as for statements (ModelOptions.focusNames) holds
   * for the rest; in a long statement most of the tree is such children.
   */
  private visitChildren(node: SyntaxNode, state: WalkState): void {
    const children = node.namedChildren;
    const positions = this.focus;
    if (!positions) {
      for (const child of children) this.visit(child, state);
      return;
    }
    for (let index = 0; index < children.length; index++) {
      const child = children[index];
      // The last child's words end by the statement's end at the latest (no need to ask for the node's).
      const limit = index + 1 < children.length ? children[index + 1].startIndex : this.statementEnd;
      const next = firstAtOrAfter(positions, child.startIndex);
      if (next < positions.length && positions[next] < limit) this.visit(child, state);
    }
  }

  private visit(node: SyntaxNode, state: WalkState): void {
    switch (node.type) {
      case "comment":
      case "future_import_statement":
      case "pass_statement":
      case "break_statement":
      case "continue_statement":
      case "integer":
      case "float":
      case "true":
      case "false":
      case "none":
      case "ellipsis":
      case "escape_sequence":
        return;
      case "identifier":
        this.addReference(node, state);
        return;
      case "block":
        this.visitBlock(node, state);
        return;
      case "keyword_identifier":
        this.addReference(node, state);
        return;
      case "import_statement":
        this.visitImport(node, state);
        return;
      case "import_from_statement":
        this.visitImportFrom(node, state);
        return;
      case "decorated_definition":
        for (const child of node.namedChildren) if (child.type === "decorator") this.visitAll(child.namedChildren, state);
        this.visit(node.childForFieldName("definition")!, state);
        return;
      case "function_definition":
        this.visitFunction(node, state);
        return;
      case "class_definition":
        this.visitClass(node, state);
        return;
      case "lambda":
        this.visitLambda(node, state);
        return;
      case "list_comprehension":
      case "set_comprehension":
      case "dictionary_comprehension":
      case "generator_expression":
        this.visitComprehension(node, state);
        return;
      case "assignment":
        this.visitAssignment(node, state);
        return;
      case "augmented_assignment":
        this.visit(node.childForFieldName("left")!, state);
        this.bindTarget(node.childForFieldName("left")!, "assignment", state);
        this.visit(node.childForFieldName("right")!, state);
        this.noteDunderAllMutation(node, state);
        return;
      case "named_expression": {
        this.visit(node.childForFieldName("value")!, state);
        let target = state.scope;
        while (target.kind === "comprehension" && target.parent) target = target.parent;
        this.bindName(node.childForFieldName("name")!, "walrus", { ...state, scope: target });
        return;
      }
      case "for_statement":
      case "for_in_clause":
        this.visit(node.childForFieldName("right")!, state);
        this.bindTarget(node.childForFieldName("left")!, "loop-target", state);
        this.visitBodies(node, ["body", "alternative"], { ...state, guard: state.guard ?? { kind: "loop", node } });
        return;
      case "while_statement":
        this.visit(node.childForFieldName("condition")!, state);
        this.visitBodies(node, ["body", "alternative"], { ...state, guard: state.guard ?? { kind: "loop", node } });
        return;
      case "if_statement":
        this.visitIf(node, state);
        return;
      case "try_statement":
        this.visitTry(node, state);
        return;
      case "with_statement":
        this.visitWith(node, state);
        return;
      case "match_statement":
        this.visitMatch(node, state);
        return;
      case "global_statement":
        for (const name of node.namedChildren) state.scope.declareGlobal(name.text);
        return;
      case "nonlocal_statement":
        for (const name of node.namedChildren) state.scope.declareNonlocal(name.text);
        return;
      case "delete_statement":
        for (const target of deleteTargets(node)) {
          if (target.type === "identifier") this.bindName(target, "deletion", state);
          else this.visit(target, state);
        }
        return;
      case "attribute":
        // The attribute name after the dot is not a variable reference.
        this.visit(node.childForFieldName("object")!, state);
        return;
      case "keyword_argument":
        this.visit(node.childForFieldName("value")!, state);
        return;
      case "call":
        this.noteDynamicCall(node, state);
        this.visitChildren(node, state);
        this.noteDunderAllMutation(node, state);
        return;
      case "subscript":
        this.noteSysModulesOfName(node);
        this.visitChildren(node, state);
        return;
      case "type":
        // A `type` node outside the places we handle explicitly (e.g. a bare `x: T`) is an annotation.
        this.visitAnnotation(node, state, "variable");
        return;
      case "type_alias_statement":
        this.visitTypeAlias(node, state);
        return;
      default:
        this.visitChildren(node, state);
    }
  }

  private visitBodies(node: SyntaxNode, fields: string[], state: WalkState): void {
    for (const field of fields) {
      for (const body of node.childrenForFieldName(field)) this.visit(body, state);
    }
  }

  private visitImport(node: SyntaxNode, state: WalkState): void {
    for (const alias of node.childrenForFieldName("name")) {
      const dotted = alias.type === "aliased_import" ? alias.childForFieldName("name")! : alias;
      const asNode = alias.type === "aliased_import" ? alias.childForFieldName("alias")! : undefined;
      const module = dotted.text.replace(/\s+/g, "");
      const boundNode = asNode ?? dotted.namedChildren[0];
      const binding = this.bindName(boundNode, "import", state);
      this.imports.push({
        statement: node,
        alias,
        kind: "import",
        module,
        level: 0,
        asName: asNode?.text,
        boundName: boundNode.text,
        binding,
        scope: state.scope,
        guard: state.guard,
        lazy: isLazyStatement(this.tree, node.startIndex),
      });
    }
  }

  private visitImportFrom(node: SyntaxNode, state: WalkState): void {
    const moduleNode = node.childForFieldName("module_name")!;
    const { module, level } = parseModuleName(moduleNode);
    if (node.namedChildren.some((child) => child.type === "wildcard_import")) {
      this.starImports.push({ statement: node, module, level, scope: state.scope, guard: state.guard });
      return;
    }
    for (const alias of node.childrenForFieldName("name")) {
      const nameNode = alias.type === "aliased_import" ? alias.childForFieldName("name")! : alias;
      const asNode = alias.type === "aliased_import" ? alias.childForFieldName("alias")! : undefined;
      const boundNode = asNode ?? nameNode;
      const binding = this.bindName(boundNode, "import", state);
      this.imports.push({
        statement: node,
        alias,
        kind: "from",
        module,
        level,
        importedName: nameNode.text,
        asName: asNode?.text,
        boundName: boundNode.text,
        binding,
        scope: state.scope,
        guard: state.guard,
        lazy: isLazyStatement(this.tree, node.startIndex),
      });
    }
  }

  private visitFunction(node: SyntaxNode, state: WalkState): void {
    const body = node.childForFieldName("body")!;
    const scope = new Scope("function", node, state.scope);
    const inner: WalkState = { scope, context: deferred(state.context) };
    // A focused model reads the header (name, parameters, annotations, defaults) only when it
    // spells a focus word: otherwise it binds and reads none of them.
    if (this.spellsFocusWord(node.startIndex, body.startIndex)) {
      const parameters = node.childForFieldName("parameters")!;
      this.visitParameterDefaults(parameters, state);
      this.visitTypeParameters(node, state);
      const returnType = node.childForFieldName("return_type");
      if (returnType) this.visitAnnotation(returnType, state, "signature");
      this.bindName(node.childForFieldName("name")!, "definition", state);
      this.bindParameters(parameters, inner);
    }
    this.visit(body, inner);
  }

  /** Whether a focus word starts in [start, end); always true for a model that is not focused. */
  private spellsFocusWord(start: number, end: number): boolean {
    if (!this.focus) return true;
    const next = firstAtOrAfter(this.focus, start);
    return next < this.focus.length && this.focus[next] < end;
  }

  private visitLambda(node: SyntaxNode, state: WalkState): void {
    const parameters = node.childForFieldName("parameters");
    if (parameters) this.visitParameterDefaults(parameters, state);
    const scope = new Scope("lambda", node, state.scope);
    const inner: WalkState = { scope, context: deferred(state.context) };
    if (parameters) this.bindParameters(parameters, inner);
    this.visit(node.childForFieldName("body")!, inner);
  }

  private visitClass(node: SyntaxNode, state: WalkState): void {
    const superclasses = node.childForFieldName("superclasses");
    if (superclasses) this.visit(superclasses, state);
    this.visitTypeParameters(node, state);
    this.bindName(node.childForFieldName("name")!, "definition", state);
    // A class body runs when the class statement runs, in a scope of its own.
    const scope = new Scope("class", node, state.scope);
    this.visit(node.childForFieldName("body")!, { scope, context: state.context });
  }

  /** `type X[T] = ...` binds `X` at once; its value and type parameters are evaluated lazily, when first asked for. */
  private visitTypeAlias(node: SyntaxNode, state: WalkState): void {
    const lazy: WalkState = { ...state, context: deferred(state.context) };
    const left = node.childForFieldName("left")!.namedChildren[0];
    const generic = left?.type === "generic_type" ? left : undefined;
    const name = generic ? generic.namedChildren[0] : left;
    if (name?.type === "identifier") this.bindName(name, "definition", state);
    if (generic) this.visitAll(generic.namedChildren.slice(1), lazy);
    this.visit(node.childForFieldName("right")!, lazy);
  }

  /** PEP 695 `[T: Bound]` of a `def` or `class`: bounds and defaults are evaluated lazily, when first asked for. */
  private visitTypeParameters(node: SyntaxNode, state: WalkState): void {
    const typeParameters = node.childForFieldName("type_parameters");
    if (typeParameters) this.visit(typeParameters, { ...state, context: deferred(state.context) });
  }

  private visitComprehension(node: SyntaxNode, state: WalkState): void {
    const clauses = node.namedChildren.filter((child) => child.type === "for_in_clause" || child.type === "if_clause");
    const scope = new Scope("comprehension", node, state.scope);
    const inner: WalkState = { scope, context: state.context, guard: state.guard };
    clauses.forEach((clause, index) => {
      if (clause.type === "for_in_clause") {
        // The first iterable is evaluated in the enclosing scope; everything else in the comprehension's own.
        this.visitAll(clause.childrenForFieldName("right"), index === 0 ? state : inner);
        this.bindTarget(clause.childForFieldName("left")!, "loop-target", inner);
      } else {
        this.visitAll(clause.namedChildren, inner);
      }
    });
    const body = node.childForFieldName("body");
    if (body) this.visit(body, inner);
  }

  private visitParameterDefaults(parameters: SyntaxNode, state: WalkState): void {
    for (const parameter of parameters.namedChildren) {
      const type = parameter.childForFieldName("type") ?? (parameter.type === "typed_parameter" ? parameter.namedChildren.find((c) => c.type === "type") : undefined);
      if (type) this.visitAnnotation(type, state, "signature");
      const value = parameter.childForFieldName("value");
      if (value && (parameter.type === "default_parameter" || parameter.type === "typed_default_parameter")) this.visit(value, state);
    }
  }

  private bindParameters(parameters: SyntaxNode, state: WalkState): void {
    for (const parameter of parameters.namedChildren) {
      const name = parameterName(parameter);
      if (name) this.bindName(name, "parameter", state);
    }
  }

  private visitAssignment(node: SyntaxNode, state: WalkState): void {
    const left = node.childForFieldName("left")!;
    const type = node.childForFieldName("type");
    const right = node.childForFieldName("right");
    if (type) this.visitAnnotation(type, state, "variable");
    if (right) this.visit(right, state);
    // A bare `x: T` binds nothing at runtime, but still makes `x` local to a function.
    if (right || state.scope.isFunctionLike) this.bindTarget(left, "assignment", state);
    if (state.scope.kind === "module" && left.type === "identifier" && left.text === "__all__" && right) {
      this.readDunderAll(right);
    }
  }

  private visitIf(node: SyntaxNode, state: WalkState): void {
    const condition = node.childForFieldName("condition")!;
    this.visit(condition, state);
    const typeChecking = isTypeCheckingCondition(condition);
    const consequence = node.childForFieldName("consequence")!;
    if (typeChecking) {
      this.visit(consequence, { ...state, context: "typing", guard: { kind: "type-checking", node } });
    } else {
      this.visit(consequence, { ...state, guard: state.guard ?? { kind: "if", node } });
    }
    for (const alternative of node.childrenForFieldName("alternative")) {
      this.visit(alternative, { ...state, guard: state.guard ?? { kind: "if", node } });
    }
  }

  private visitTry(node: SyntaxNode, state: WalkState): void {
    const guarded: WalkState = { ...state, guard: state.guard ?? { kind: "try", node } };
    for (const child of node.namedChildren) {
      if (child.type === "except_clause" || child.type === "except_group_clause") {
        this.visitExcept(child, guarded);
      } else {
        this.visit(child, guarded);
      }
    }
  }

  private visitExcept(node: SyntaxNode, state: WalkState): void {
    for (const child of node.namedChildren) {
      if (child.type === "block") this.visit(child, state);
      else if (child.type === "as_pattern") {
        this.visit(child.namedChildren[0], state);
        const target = child.childForFieldName("alias");
        if (target) this.bindTarget(target, "except-target", state);
      } else this.visit(child, state);
    }
  }

  private visitWith(node: SyntaxNode, state: WalkState): void {
    for (const child of node.namedChildren) {
      if (child.type !== "with_clause") {
        // A context manager may suppress an exception (`suppress(ImportError)`) or set up what the
        // body needs (`warnings.catch_warnings()`): an import in its body is not unconditional.
        this.visit(child, { ...state, guard: state.guard ?? { kind: "with", node } });
        continue;
      }
      for (const item of child.namedChildren) {
        const value = item.childForFieldName("value") ?? item.namedChildren[0];
        if (value?.type === "as_pattern") {
          this.visit(value.namedChildren[0], state);
          const target = value.childForFieldName("alias");
          if (target) this.bindTarget(target, "with-target", state);
        } else if (value) {
          this.visit(value, state);
        }
      }
    }
  }

  private visitMatch(node: SyntaxNode, state: WalkState): void {
    const subject = node.childrenForFieldName("subject");
    this.visitAll(subject, state);
    const guarded: WalkState = { ...state, guard: state.guard ?? { kind: "match", node } };
    const body = node.childForFieldName("body");
    for (const clause of body?.namedChildren ?? []) {
      if (clause.type !== "case_clause") continue;
      for (const child of clause.namedChildren) {
        if (child.type === "case_pattern") this.visitPattern(child, guarded);
        else this.visit(child, guarded);
      }
    }
  }

  /** In a match pattern, bare names capture (bind) and dotted names are value lookups. */
  private visitPattern(node: SyntaxNode, state: WalkState): void {
    switch (node.type) {
      case "dotted_name":
        if (node.namedChildCount > 1) this.addReference(node.namedChildren[0], state);
        else if (node.text !== "_") this.bindName(node.namedChildren[0], "pattern", state);
        return;
      case "identifier":
        if (node.text !== "_") this.bindName(node, "pattern", state);
        return;
      case "class_pattern": {
        const [cls, ...rest] = node.namedChildren;
        if (cls.type === "dotted_name") this.addReference(cls.namedChildren[0], state);
        for (const arg of rest) this.visitPattern(arg, state);
        return;
      }
      case "keyword_pattern":
        // `x=pattern`: the keyword names an attribute, only the pattern after it matters.
        for (const arg of node.namedChildren.slice(1)) this.visitPattern(arg, state);
        return;
      case "string":
      case "concatenated_string":
      case "integer":
      case "float":
      case "true":
      case "false":
      case "none":
        return;
      default:
        for (const child of node.namedChildren) this.visitPattern(child, state);
    }
  }

  /**
   * Annotations of a signature or of a module/class-level variable are evaluated when the `def`
   * or statement runs, unless annotations are lazy; annotations of local variables never are.
   */
  private visitAnnotation(node: SyntaxNode, state: WalkState, where: "signature" | "variable"): void {
    const neverEvaluated = this.annotationsAreLazy || (where === "variable" && state.scope.isFunctionLike);
    this.visitTypeExpression(node, { ...state, context: neverEvaluated ? "typing" : state.context });
  }

  /** Walks an annotation; a string inside it is a forward reference, parsed and walked as typing-only. */
  private visitTypeExpression(node: SyntaxNode, state: WalkState): void {
    if (node.type === "string") {
      this.visitStringAnnotation(node, state);
      return;
    }
    if (node.type === "identifier" || node.type === "keyword_identifier") {
      this.addReference(node, state);
      return;
    }
    if (node.type === "attribute") {
      this.visitTypeExpression(node.childForFieldName("object")!, state);
      return;
    }
    if (node.type === "keyword_argument") {
      this.visitTypeExpression(node.childForFieldName("value")!, state);
      return;
    }
    for (const child of node.namedChildren) this.visitTypeExpression(child, state);
  }

  private visitStringAnnotation(node: SyntaxNode, state: WalkState): void {
    const content = node.namedChildren.filter((c) => c.type === "string_content");
    if (content.length !== 1 || node.namedChildren.some((c) => c.type === "interpolation")) return;
    const text = content[0].text;
    const inner = parsePython(`(${text})\n`);
    if (inner.rootNode.hasError) return;
    // The inner tree starts with the "(" we added, one character before the string's content.
    const offset = content[0].startIndex - 1;
    for (const identifier of identifiersIn(inner.rootNode)) {
      this.references.push({
        name: identifier.text,
        startIndex: identifier.startIndex + offset,
        endIndex: identifier.endIndex + offset,
        scope: state.scope,
        context: "typing",
        inString: true,
      });
    }
  }

  private bindTarget(target: SyntaxNode, kind: BindingKind, state: WalkState): void {
    switch (target.type) {
      case "identifier":
      case "keyword_identifier":
        this.bindName(target, kind, state);
        return;
      case "pattern_list":
      case "tuple_pattern":
      case "list_pattern":
      case "expression_list":
      case "tuple":
      case "list":
      case "parenthesized_expression":
      case "list_splat_pattern":
      case "list_splat":
      case "as_pattern_target":
        for (const child of target.namedChildren) this.bindTarget(child, kind, state);
        return;
      default:
        // attribute or subscript targets: their object is read, not bound.
        this.visit(target, state);
    }
  }

  private bindName(node: SyntaxNode, kind: BindingKind, state: WalkState): Binding {
    const name = node.text;
    let scope = state.scope;
    let declaredFrom: Scope | undefined;
    if (scope.kind !== "module" && scope.globals.has(name)) {
      declaredFrom = scope;
      scope = this.moduleScope;
    } else if (scope.nonlocals.has(name)) {
      declaredFrom = scope;
      scope = enclosingFunction(scope.parent) ?? scope;
    }
    const binding: Binding = { name, kind, node, scope, declaredFrom, guard: state.guard, context: state.context };
    scope.addBinding(binding);
    return binding;
  }

  private addReference(node: SyntaxNode, state: WalkState): void {
    // The text from the offsets: `node.text` would ask native code for the end a second time.
    const { startIndex, endIndex } = node;
    this.references.push({ name: this.source.slice(startIndex, endIndex), startIndex, endIndex, scope: state.scope, context: state.context, inString: false });
  }

  private noteDynamicCall(node: SyntaxNode, state: WalkState): void {
    // A call of a name starts with the name: most calls need no look at their nodes.
    const word = wordAt(this.source, node.startIndex);
    if (!GLOBALS_READERS.has(word) && !NAMESPACE_READERS.has(word)) return;
    const fn = node.childForFieldName("function");
    if (fn?.type !== "identifier") return;
    const readsModuleNamespace =
      NAMESPACE_READERS.has(fn.text) &&
      (state.scope.kind === "module" || state.scope.kind === "comprehension") &&
      node.childForFieldName("arguments")?.namedChildCount === 0;
    if (GLOBALS_READERS.has(fn.text) || readsModuleNamespace) {
      this.pendingDynamicCalls.push({ node, what: fn.text, scope: state.scope });
    }
  }

  private noteSysModulesOfName(node: SyntaxNode): void {
    if (wordAt(this.source, node.startIndex) !== "sys") return;
    const value = node.childForFieldName("value");
    const index = node.childForFieldName("subscript");
    if (value?.text.replace(/\s+/g, "") === "sys.modules" && index?.text === "__name__") {
      this.dynamicGlobalAccess.push({ node, what: "sys.modules[__name__]" });
    }
  }

  private readDunderAll(value: SyntaxNode): void {
    if (!["list", "tuple", "set"].includes(value.type)) {
      if (value.type === "binary_operator") {
        for (const side of value.namedChildren) this.readDunderAll(side);
        return;
      }
      this.dunderAll.dynamic = true;
      return;
    }
    for (const element of value.namedChildren) {
      const name = stringLiteralValue(element);
      if (name === undefined) this.dunderAll.dynamic = true;
      else {
        this.dunderAll.names.add(name);
        this.dunderAll.nodes.push(element);
      }
    }
  }

  /** `__all__ += [...]`, `__all__.extend([...])`, `__all__.append("x")` at module level. */
  private noteDunderAllMutation(node: SyntaxNode, state: WalkState): void {
    if (state.scope.kind !== "module") return;
    if (node.type === "augmented_assignment") {
      if (node.childForFieldName("left")?.text === "__all__") this.readDunderAll(node.childForFieldName("right")!);
      return;
    }
    if (wordAt(this.source, node.startIndex) !== "__all__") return;
    const fn = node.childForFieldName("function");
    if (fn?.type !== "attribute" || fn.childForFieldName("object")?.text !== "__all__") return;
    const method = fn.childForFieldName("attribute")!.text;
    const args = node.childForFieldName("arguments")?.namedChildren ?? [];
    if (method === "extend" && args.length === 1) this.readDunderAll(args[0]);
    else if (method === "append" && args.length === 1 && stringLiteralValue(args[0]) !== undefined) {
      this.dunderAll.names.add(stringLiteralValue(args[0])!);
      this.dunderAll.nodes.push(args[0]);
    } else this.dunderAll.dynamic = true;
  }

  private resolveReferences(): void {
    for (const ref of this.references) {
      ref.resolvedScope = this.resolveReference(ref);
      if (ref.resolvedScope) {
        const list = this.referencesByScope.get(ref.resolvedScope);
        if (list) list.push(ref);
        else this.referencesByScope.set(ref.resolvedScope, [ref]);
      }
    }
  }

  private resolveReference(ref: Reference): Scope | undefined {
    const scope = ref.scope;
    // In a class body a name read before the class binds it (or after it is deleted) falls through
    // to the enclosing scope; keep the module binding in view then, so its import-time use is not missed.
    if (scope.kind === "class" && scope.binds(ref.name)) {
      const latest = lastBindingBefore(scope.bindings.get(ref.name)!, ref.startIndex);
      if (latest === undefined || latest.kind === "deletion") return this.resolve(scope.parent!, ref.name);
    }
    return this.resolve(scope, ref.name);
  }
}

export function buildSemanticModel(source: string, tree: Tree = parsePython(source), options: ModelOptions = {}): SemanticModel {
  return new SemanticModel(tree, source, options);
}

// ---- helpers -----------------------------------------------------------------------------------

/** Sorted start offsets of every whole-word occurrence of the given words. */
export function wordPositions(source: string, words: readonly string[]): number[] {
  const pattern = wordPattern(words);
  const positions: number[] = [];
  if (pattern === undefined) return positions;
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) positions.push(match.index);
  return positions;
}

/** Where each of `words` is spelled as a whole word, by word (the offsets in order). */
export function wordsSpelled(source: string, words: readonly string[]): Map<string, number[]> {
  const pattern = wordPattern(words);
  const spelled = new Map<string, number[]>();
  if (pattern === undefined) return spelled;
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) {
    const at = spelled.get(match[0]);
    if (at) at.push(match.index);
    else spelled.set(match[0], [match.index]);
  }
  return spelled;
}

function wordPattern(words: readonly string[]): RegExp | undefined {
  const unique = [...new Set(words)].filter((word) => word !== "");
  if (unique.length === 0) return undefined;
  const escaped = unique.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // `\b` is the same test where every word starts and ends with an ASCII word character, and
  // a third faster than the lookarounds.
  return unique.every((word) => /^\w(?:.*\w)?$/.test(word))
    ? new RegExp(`\\b(?:${escaped.join("|")})\\b`, "g")
    : new RegExp(`(?<![\\w])(?:${escaped.join("|")})(?![\\w])`, "g");
}

/** The ASCII word (letters, digits, `_`) that starts at `offset`, empty when none does. */
function wordAt(source: string, offset: number): string {
  let end = offset;
  while (isAsciiWordChar(source.charCodeAt(end))) end++;
  return source.slice(offset, end);
}

export function firstAtOrAfter(sorted: readonly number[], offset: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

function deferred(context: ExecutionContext): ExecutionContext {
  return context === "typing" ? "typing" : "deferred";
}

/** The binding in effect at `offset` in text order, if any has taken effect by then. */
function lastBindingBefore(bindings: readonly Binding[], offset: number): Binding | undefined {
  let latest: Binding | undefined;
  for (const binding of bindings) {
    const at = takesEffectAt(binding);
    if (at <= offset && (latest === undefined || at > takesEffectAt(latest))) latest = binding;
  }
  return latest;
}

/**
 * Where in the text a binding takes effect: an assigned or defined name only once its statement
 * has run (`np = np` and `def np(x=np.nan)` read the old `np`), a loop target once its iterable is
 * evaluated, any other target where it stands.
 */
function takesEffectAt(binding: Binding): number {
  const { node } = binding;
  switch (binding.kind) {
    case "assignment":
      return ancestorOfType(node, ["assignment", "augmented_assignment"])?.endIndex ?? node.endIndex;
    case "walrus":
    case "definition":
      return node.parent?.endIndex ?? node.endIndex;
    case "loop-target":
      return ancestorOfType(node, ["for_statement"])?.childForFieldName("right")?.endIndex ?? node.endIndex;
    default:
      return node.endIndex;
  }
}

function ancestorOfType(node: SyntaxNode, types: readonly string[]): SyntaxNode | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (types.includes(current.type)) return current;
  }
  return undefined;
}

function enclosingFunction(scope: Scope | undefined): Scope | undefined {
  let current = scope;
  while (current && !(current.kind === "function" || current.kind === "lambda")) {
    if (current.kind === "module") return undefined;
    current = current.parent;
  }
  return current;
}

export function isDocstring(statement: SyntaxNode): boolean {
  return statement.type === "expression_statement" && statement.namedChildCount === 1 && statement.namedChildren[0].type === "string";
}

export function parseModuleName(node: SyntaxNode): { module: string; level: number } {
  if (node.type === "relative_import") {
    const prefix = node.namedChildren.find((c) => c.type === "import_prefix");
    const dotted = node.namedChildren.find((c) => c.type === "dotted_name");
    return { module: dotted ? dotted.text.replace(/\s+/g, "") : "", level: prefix ? prefix.text.length : 0 };
  }
  return { module: node.text.replace(/\s+/g, ""), level: 0 };
}

function parameterName(parameter: SyntaxNode): SyntaxNode | undefined {
  switch (parameter.type) {
    case "identifier":
      return parameter;
    case "typed_parameter":
    case "list_splat_pattern":
    case "dictionary_splat_pattern":
      return parameter.namedChildren.find((c) => c.type === "identifier") ?? parameterName(parameter.namedChildren[0]);
    case "default_parameter":
    case "typed_default_parameter":
      return parameter.childForFieldName("name") ?? undefined;
    default:
      return undefined;
  }
}

function deleteTargets(node: SyntaxNode): SyntaxNode[] {
  const targets: SyntaxNode[] = [];
  for (const child of node.namedChildren) {
    if (child.type === "expression_list" || child.type === "tuple" || child.type === "list" || child.type === "parenthesized_expression") {
      targets.push(...deleteTargets(child));
    } else targets.push(child);
  }
  return targets;
}

/** `TYPE_CHECKING`, `typing.TYPE_CHECKING`: the condition of a block that only type checkers run. */
export function isTypeCheckingCondition(condition: SyntaxNode): boolean {
  const text = condition.text.replace(/\s+/g, "");
  return text === "TYPE_CHECKING" || /^[A-Za-z_][\w.]*\.TYPE_CHECKING$/.test(text);
}

export function stringLiteralValue(node: SyntaxNode): string | undefined {
  if (node.type !== "string") return undefined;
  if (node.namedChildren.some((c) => c.type === "interpolation" || c.type === "escape_sequence")) return undefined;
  const start = node.namedChildren.find((c) => c.type === "string_start")?.text ?? "";
  if (/[bfBF]/.test(start)) return undefined;
  return node.namedChildren
    .filter((c) => c.type === "string_content")
    .map((c) => c.text)
    .join("");
}

function identifiersIn(root: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const walk = (node: SyntaxNode): void => {
    if (node.type === "identifier") {
      found.push(node);
      return;
    }
    if (node.type === "attribute") {
      walk(node.childForFieldName("object")!);
      return;
    }
    if (node.type === "keyword_argument") {
      walk(node.childForFieldName("value")!);
      return;
    }
    for (const child of node.namedChildren) walk(child);
  };
  walk(root);
  return found;
}

