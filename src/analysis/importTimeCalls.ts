import type { SyntaxNode, Tree } from "../parse/parser.js";
import { definedNameAt } from "../parse/skeleton.js";
import { firstAtOrAfter, isTypeCheckingCondition } from "./model.js";
import type { SemanticModel } from "./model.js";
import type { Reference, Scope } from "./scope.js";

/**
 * A use that runs later by where it is written, inside a module-level function, but runs while
 * the module is imported because the module's own import-time code calls that function by name:
 *
 * ```python
 * import json
 * def make():
 *     return json.dumps({})   # deferred by where it is written…
 * EMPTY = make()              # …but run by this line, at import time
 * ```
 *
 * Deferring `import json` into `make()` would be safe and would save nothing.
 */
export interface CalledUse extends Run {
  use: Reference;
  /** The module-level function the use is in, or the module-level class whose constructor it is in. */
  runner: string;
  /** For a class: the constructor method the use is in (`__init__`, `__new__`, `__post_init__`). */
  method?: string;
}

/** How a module-level function (or class) comes to run at import time (runAtImportTime). */
export interface Run {
  /** Offset of the first call at import time that runs it: its own, or that of `through`. */
  call: number;
  /** When it runs only by way of others: the function (or class) called at import time then. */
  through?: string;
}

/**
 * The uses among `deferred` that run at import time through calls, each with the first such call,
 * in the order of `deferred`. What counts, the same whatever part of a module's function bodies
 * the analysis looked at (a skeleton keeps every statement that writes a call of a function
 * reached this way where the call counts, see runnerWords in lintSource.ts):
 * - the use is in a function defined at module level (in its body, a comprehension there or a
 *   class defined there: not in a nested `def` or `lambda`, which run only if called in turn),
 *   or in the `__init__`, `__new__` or `__post_init__` of a class defined at module level, which
 *   a call of the class runs;
 * - that function's (or class's) name is called, or names a decorator, in the module's import-time
 *   code: its own statements (those inside `if`, `try`, `with` and loops included, default
 *   arguments and decorators of its definitions and lambdas too) and the bodies of its classes,
 *   but not a function body or a lambda's body, nor the body of `if __name__ == "__main__":`,
 *   which runs when the file is run as a program, not when it is imported, or of
 *   `if TYPE_CHECKING:`, which never runs;
 * - or it is called so in the body of another such function (or constructor) that is itself
 *   reached so, as deep as the calls go.
 * Calls through an attribute (`self.make()`, `registry.make()`), and a subclass's call of its
 * base's constructor, are not followed.
 */
export function usesThroughCalls(model: SemanticModel, deferred: readonly Reference[]): CalledUse[] {
  const runners = deferred.map((use) => runnerOf(use.scope, model));
  if (runners.every((runner) => runner === undefined)) return [];
  const reached = runAtImportTime(model);
  if (reached.size === 0) return [];
  const found: CalledUse[] = [];
  deferred.forEach((use, index) => {
    const runner = runners[index];
    const reach = runner && reached.get(runner.name);
    if (runner && reach) found.push({ use, runner: runner.name, method: runner.method, ...reach });
  });
  return found;
}

/** The use whose function is called first at import time (the first use in it, on a tie). */
export function firstCalled(uses: readonly CalledUse[]): CalledUse | undefined {
  return uses.reduce<CalledUse | undefined>(
    (earliest, use) => (earliest === undefined || use.call < earliest.call || (use.call === earliest.call && use.use.startIndex < earliest.use.startIndex) ? use : earliest),
    undefined,
  );
}

/**
 * What a call by name runs code of `scope` through, if anything does: a function defined at module
 * level, or a class defined there, whose call runs its constructor (CONSTRUCTORS).
 */
export function runnerOf(scope: Scope, model: SemanticModel): { name: string; method?: string } | undefined {
  let current = scope;
  // A comprehension runs where it is written; so does the body of a class defined in the function.
  while ((current.kind === "comprehension" || current.kind === "class") && current.parent) current = current.parent;
  if (current.kind !== "function" || !current.parent) return undefined;
  if (current.parent === model.moduleScope) {
    const name = definedName(current, model.source);
    return name === undefined ? undefined : { name };
  }
  if (current.parent.kind !== "class" || current.parent.parent !== model.moduleScope) return undefined;
  const method = definedName(current, model.source);
  const name = method !== undefined && CONSTRUCTORS.has(method) ? definedName(current.parent, model.source) : undefined;
  return name === undefined ? undefined : { name, method };
}

/** The methods a call of their class runs (`__post_init__` in a dataclass). */
export const CONSTRUCTORS: ReadonlySet<string> = new Set(["__init__", "__new__", "__post_init__"]);

/**
 * The name a `def` or `class` binds, read from the text at the start of its node (the header,
 * which every skeleton keeps): a file may have thousands of functions, and the tree answers a
 * node at a time.
 */
function definedName(scope: Scope, text: string): string | undefined {
  return definedNameAt(text, scope.node.startIndex, scope.kind === "class" ? "class" : "def") ?? scope.node.childForFieldName("name")?.text;
}

/**
 * The module-level functions (and classes, through their constructors) that the module's
 * import-time code runs (see usesThroughCalls), each with the offset of the first call at import
 * time that runs it and, when that call is of another, the function (or class) called there.
 * Read forward from the calls at import time into the bodies they run, so only the code that runs
 * is looked at. Where a name is written as a call (`make(`, `make (`, a line break or backslash
 * continuation before the bracket) or after `@`, not after a dot and not as the name of a `def`
 * or `class`, the tree decides; a call written otherwise (a comment between the name and its
 * bracket) is not seen.
 */
export function runAtImportTime(model: SemanticModel): Map<string, Run> {
  const calls = callsOf(model);
  if (calls.reached) return calls.reached;
  const reached = new Map<string, Run>();
  calls.reached = reached;
  const { shapes, offsets } = calls;
  if (shapes.length === 0) return reached;
  const { bodies, outermost } = runnerBodies(model.tree);
  if (bodies.size === 0) return reached;
  // The calls outside every function body that run at import time, in text order: each runs what
  // it calls first of all the calls that do (the first to reach a function is the earliest).
  let outer = 0;
  for (const { name, offset } of shapes) {
    while (outer < outermost.length && outermost[outer].end <= offset) outer++;
    if (outer < outermost.length && outermost[outer].start <= offset) continue;
    if (!bodies.has(name) || reached.has(name) || callSite(model.tree, offset, name.length) !== IMPORT_TIME) continue;
    reached.set(name, { call: offset });
    for (const queue = [name]; queue.length > 0; ) {
      const runner = queue.pop()!;
      for (const { start, end } of bodies.get(runner)!) {
        for (let index = firstAtOrAfter(offsets, start); index < offsets.length && offsets[index] < end; index++) {
          const callee = shapes[index].name;
          if (!bodies.has(callee) || reached.has(callee) || callSite(model.tree, offsets[index], callee.length) !== runner) continue;
          reached.set(callee, { call: offset, through: name });
          queue.push(callee);
        }
      }
    }
  }
  return reached;
}

/**
 * `names`, and the module-level functions (and classes) that call one of them where a call of
 * theirs would run it (in their bodies, as runAtImportTime follows calls), as far as that goes:
 * a call of any of these at import time would run one of `names`.
 */
export function runnerCallers(model: SemanticModel, names: ReadonlySet<string>): Set<string> {
  const callers = new Set(names);
  const { shapes } = callsOf(model);
  for (let pending: ReadonlySet<string> = names; pending.size > 0; ) {
    const next = new Set<string>();
    for (const { name, offset } of shapes) {
      if (!pending.has(name)) continue;
      const site = callSite(model.tree, offset, name.length);
      if (typeof site === "string" && !callers.has(site)) {
        callers.add(site);
        next.add(site);
      }
    }
    pending = next;
  }
  return callers;
}

/** A model's call shapes (callShapes), read once for all the questions about it, and what runAtImportTime found. */
interface Calls {
  shapes: CallShape[];
  offsets: number[];
  reached?: Map<string, Run>;
}

const callsOfModel = new WeakMap<SemanticModel, Calls>();

function callsOf(model: SemanticModel): Calls {
  let calls = callsOfModel.get(model);
  if (!calls) {
    const shapes = callShapes(model.source);
    callsOfModel.set(model, (calls = { shapes, offsets: shapes.map(({ offset }) => offset) }));
  }
  return calls;
}

/**
 * The bodies a call by name runs (runnerDefinedBy): of each module-level function by its name, of
 * each constructor of a module-level class by the class's; and the body of every function that
 * is in no other (the module's, its classes' methods), in text order. Read from the module's
 * statements, its classes' and the blocks of its compound statements, not from function bodies.
 */
function runnerBodies(tree: Tree): { bodies: Map<string, { start: number; end: number }[]>; outermost: { start: number; end: number }[] } {
  const bodies = new Map<string, { start: number; end: number }[]>();
  const outermost: { start: number; end: number }[] = [];
  // `owner`: undefined at module level, a class's name directly in a module-level class, null deeper.
  const visit = (node: SyntaxNode, owner: string | null | undefined): void => {
    for (const child of node.namedChildren) {
      const statement = child.type === "decorated_definition" ? child.childForFieldName("definition") : child;
      if (!statement) continue;
      if (statement.type === "function_definition") {
        const body = statement.childForFieldName("body");
        const name = statement.childForFieldName("name")?.text;
        if (!body || name === undefined) continue;
        const range = { start: body.startIndex, end: body.endIndex };
        outermost.push(range);
        const runner = owner === undefined ? name : owner !== null && CONSTRUCTORS.has(name) ? owner : undefined;
        if (runner === undefined) continue;
        const ranges = bodies.get(runner);
        if (ranges) ranges.push(range);
        else bodies.set(runner, [range]);
      } else if (statement.type === "class_definition") {
        const body = statement.childForFieldName("body");
        if (body) visit(body, owner === undefined ? (statement.childForFieldName("name")?.text ?? null) : null);
      } else if (HOLDS_STATEMENTS.test(statement.type)) visit(statement, owner);
    }
  };
  visit(tree.rootNode, undefined);
  return { bodies, outermost };
}

// The compound statements, their clauses and blocks: where a `def` or `class` may stand.
const HOLDS_STATEMENTS = /^(?:block|(?:if|for|while|try|with|match)_statement|\w+_clause)$/;

/** A name written as a call or a decorator (see runAtImportTime), and where. */
export interface CallShape {
  name: string;
  offset: number;
}

/** Where a text spells a name as a call or a decorator, in text order (see runAtImportTime). */
export function callShapes(text: string): CallShape[] {
  const shapes: CallShape[] = [];
  for (const match of text.matchAll(CALL_SHAPE)) {
    // A call's match is its name (the bracket is looked ahead for); a decorator's ends with it.
    const name = match[1] ?? match[2];
    shapes.push({ name, offset: match.index + match[0].length - name.length });
  }
  return shapes;
}

// What may stand between a called name and its bracket: white space, backslash continuations.
const TO_BRACKET = String.raw`(?:\s|\\\r?\n)*\(`;

// `name(` not after a word character, a dot, `def ` or `class `; or `@name`.
const CALL_SHAPE = new RegExp(String.raw`(?<![\w.])(?<!\b(?:def|class)[ \t]+)([A-Za-z_]\w*)(?=${TO_BRACKET})|@[ \t]*([A-Za-z_]\w*)`, "g");

/**
 * Whether the whole word at `at` is written as callShapes finds calls and decorators: followed by
 * its bracket, or after `@` (also where callShapes does not look: after a dot, or as a `def`'s name).
 */
export function writtenAsCall(text: string, at: number, length: number): boolean {
  BRACKET.lastIndex = at + length;
  if (BRACKET.test(text)) return true;
  let before = at - 1;
  while (before >= 0 && (text.charCodeAt(before) === 32 || text.charCodeAt(before) === 9)) before--;
  return before >= 0 && text.charCodeAt(before) === 64;
}

const BRACKET = new RegExp(TO_BRACKET, "y");

const IMPORT_TIME = 0;

/**
 * When the call or decorator whose name is at `offset` runs: at import time (IMPORT_TIME), when
 * the module-level function (or class) whose body holds it is called (its name), or neither.
 */
function callSite(tree: Tree, offset: number, length: number): typeof IMPORT_TIME | string | undefined {
  const node = tree.rootNode.descendantForIndex(offset, offset + length);
  if (node.type !== "identifier" || node.startIndex !== offset || node.endIndex !== offset + length) return undefined;
  const parent = node.parent;
  if (!parent) return undefined;
  const callee = parent.childForFieldName("function");
  const called = (parent.type === "call" && callee !== null && callee.startIndex === offset && callee.endIndex === offset + length) || parent.type === "decorator";
  if (!called) return undefined;
  for (let ancestor: SyntaxNode | null = parent; ancestor; ancestor = ancestor.parent) {
    // A lambda's defaults are evaluated where it is written, its body when it is called.
    if (ancestor.type === "lambda" && within(ancestor.childForFieldName("body"), offset)) return undefined;
    // A function's body runs when it is called; a class body runs where it is written.
    if (ancestor.type === "block" && ancestor.parent?.type === "function_definition") return runnerDefinedBy(ancestor.parent);
    if (ancestor.type === "if_statement" && (isMainGuard(ancestor) || isTypeCheckingCondition(ancestor.childForFieldName("condition")!)) && within(ancestor.childForFieldName("consequence"), offset)) return undefined;
  }
  return IMPORT_TIME;
}

/** The name a call of which runs this `def`: its own at module level, its class's for a constructor there (runnerOf, read from the tree). */
export function runnerDefinedBy(definition: SyntaxNode): string | undefined {
  const name = definition.childForFieldName("name")?.text;
  if (name === undefined) return undefined;
  const owner = enclosingScope(definition);
  if (owner === null) return name;
  if (owner.type !== "class_definition" || !CONSTRUCTORS.has(name) || enclosingScope(owner) !== null) return undefined;
  return owner.childForFieldName("name")?.text;
}

/** The function, class or lambda a node is in, or null at module level (an `if`, `try`… is none). */
function enclosingScope(node: SyntaxNode): SyntaxNode | null {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.type === "function_definition" || parent.type === "class_definition" || parent.type === "lambda") return parent;
  }
  return null;
}

function within(node: SyntaxNode | null, offset: number): boolean {
  return node !== null && offset >= node.startIndex && offset < node.endIndex;
}

/** `if __name__ == "__main__":` (either way round, either quote, or `and` something else). */
function isMainGuard(statement: SyntaxNode): boolean {
  const condition = statement.childForFieldName("condition");
  return condition !== null && isMainTest(condition);
}

function isMainTest(condition: SyntaxNode): boolean {
  if (condition.type === "parenthesized_expression") return condition.namedChildren.length === 1 && isMainTest(condition.namedChildren[0]);
  if (condition.type === "boolean_operator" && condition.childForFieldName("operator")?.type === "and") {
    return [condition.childForFieldName("left"), condition.childForFieldName("right")].some((side) => side !== null && isMainTest(side));
  }
  const text = condition.text.replace(/\s+/g, "").replaceAll("'", '"');
  return text === '__name__=="__main__"' || text === '"__main__"==__name__';
}
