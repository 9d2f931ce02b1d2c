import type { SyntaxNode } from "../parse/parser.js";
import type { SemanticModel } from "./model.js";
import type { Reference } from "./scope.js";

/** In the user's words, the construct that makes a use run at import time. */
export type UseSite =
  | "decorator"
  | "default argument"
  | "base class"
  | "metaclass"
  | "class keyword"
  | "annotation"
  | "class body"
  | "comprehension"
  | "lambda default"
  | "module body";

/**
 * Names the innermost construct around a reference that runs at import time. A comprehension in
 * a decorator, default argument, annotation or class argument is named as that construct, which
 * is what ties it to import time; one in a class or module body is named as a comprehension.
 */
export function describeUseSite(model: SemanticModel, ref: Reference): UseSite {
  let node: SyntaxNode | null = model.tree.rootNode.descendantForIndex(ref.startIndex, ref.endIndex);
  let child: SyntaxNode | null = null;
  let inComprehension = false;
  while (node) {
    switch (node.type) {
      case "decorator":
        return "decorator";
      case "type":
        return "annotation";
      case "default_parameter":
      case "typed_default_parameter":
        if (child && child.startIndex === node.childForFieldName("value")?.startIndex) {
          return node.parent?.type === "lambda_parameters" ? "lambda default" : "default argument";
        }
        break;
      case "keyword_argument":
        if (isClassArgument(node)) return node.childForFieldName("name")?.text === "metaclass" ? "metaclass" : "class keyword";
        break;
      case "argument_list":
        if (node.parent?.type === "class_definition") return "base class";
        break;
      case "list_comprehension":
      case "set_comprehension":
      case "dictionary_comprehension":
      case "generator_expression":
        inComprehension = true;
        break;
      case "class_definition":
        return inComprehension ? "comprehension" : "class body";
    }
    child = node;
    node = node.parent;
  }
  return inComprehension ? "comprehension" : "module body";
}

/** `metaclass=M` or another keyword in `class C(Base, key=value)`. */
function isClassArgument(keyword: SyntaxNode): boolean {
  return keyword.parent?.type === "argument_list" && keyword.parent.parent?.type === "class_definition";
}
