import type { SyntaxNode } from "../parse/parser.js";

export type ScopeKind = "module" | "class" | "function" | "lambda" | "comprehension";

/**
 * When a piece of code runs, relative to the import of its module:
 * - `import-time`: while the module is being imported (module body, class bodies, decorators, defaults…);
 * - `deferred`: later, when a function or lambda is called;
 * - `typing`: never at runtime (an annotation that is not evaluated, a `TYPE_CHECKING` block).
 */
export type ExecutionContext = "import-time" | "deferred" | "typing";

/** A construct that makes a statement conditional: an import under it may or may not run. */
export interface Guard {
  kind: "if" | "try" | "with" | "loop" | "match" | "type-checking";
  node: SyntaxNode;
}

export type BindingKind =
  | "import"
  | "assignment"
  | "definition"
  | "parameter"
  | "deletion"
  | "loop-target"
  | "with-target"
  | "except-target"
  | "pattern"
  | "walrus";

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The node that names the binding (an identifier, or the import alias). */
  node: SyntaxNode;
  scope: Scope;
  /** The binding was made from a nested function through a `global` or `nonlocal` declaration. */
  declaredFrom?: Scope;
  guard?: Guard;
  context: ExecutionContext;
}

export interface Reference {
  name: string;
  /** Offsets in the source text (UTF-16 code units); a name inside a string annotation points into the string. */
  startIndex: number;
  endIndex: number;
  scope: Scope;
  /** The name was found inside a string annotation. */
  inString: boolean;
  context: ExecutionContext;
  /** Set once the model is built: the scope the name resolves to, or undefined for a builtin/unknown. */
  resolvedScope?: Scope;
}

const NO_BINDINGS: ReadonlyMap<string, Binding[]> = new Map();
const NO_NAMES: ReadonlySet<string> = new Set();

export class Scope {
  // Each made when first written: most scopes a focused model makes (one for every function it
  // looks into) declare no name `global` or `nonlocal`, and many bind none it follows.
  private bindingLists: Map<string, Binding[]> | undefined = undefined;
  private globalNames: Set<string> | undefined = undefined;
  private nonlocalNames: Set<string> | undefined = undefined;

  constructor(
    readonly kind: ScopeKind,
    readonly node: SyntaxNode,
    readonly parent: Scope | undefined,
  ) {}

  /** Every binding made in this scope, by name, in text order. */
  get bindings(): ReadonlyMap<string, Binding[]> {
    return this.bindingLists ?? NO_BINDINGS;
  }

  /** The names a `global` statement of this scope declares. */
  get globals(): ReadonlySet<string> {
    return this.globalNames ?? NO_NAMES;
  }

  /** The names a `nonlocal` statement of this scope declares. */
  get nonlocals(): ReadonlySet<string> {
    return this.nonlocalNames ?? NO_NAMES;
  }

  /** Function-like scopes resolve free names through enclosing functions, never through classes. */
  get isFunctionLike(): boolean {
    return this.kind === "function" || this.kind === "lambda" || this.kind === "comprehension";
  }

  /** The innermost `def` that holds this scope (itself included); undefined outside any, as in a module-level lambda. */
  get enclosingDef(): Scope | undefined {
    return this.kind === "function" ? this : this.parent?.enclosingDef;
  }

  binds(name: string): boolean {
    return this.bindingLists?.has(name) ?? false;
  }

  addBinding(binding: Binding): void {
    const lists = (this.bindingLists ??= new Map());
    const list = lists.get(binding.name);
    if (list) list.push(binding);
    else lists.set(binding.name, [binding]);
  }

  declareGlobal(name: string): void {
    (this.globalNames ??= new Set()).add(name);
  }

  declareNonlocal(name: string): void {
    (this.nonlocalNames ??= new Set()).add(name);
  }
}
