import type { SyntaxNode } from "../parse/parser.js";
import type { SemanticModel } from "./model.js";
import type { Reference } from "./scope.js";

/** In the user's words, the construct that makes a use run at import time. */
export type UseSite =
  | "decorator"
  | "default argument"
  | "base class"
  | "annotation"
  | "class body"
  | "comprehension"
  | "lambda default"
  | "module body";

/** Names the innermost construct around a reference that runs at import time. */
export function describeUseSite(model: SemanticModel, ref: Reference): UseSite {
  let node: SyntaxNode | null = model.tree.rootNode.descendantForIndex(ref.startIndex, ref.endIndex);
  let child: SyntaxNode | null = null;
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
      case "argument_list":
        if (node.parent?.type === "class_definition") return "base class";
        break;
      case "list_comprehension":
      case "set_comprehension":
      case "dictionary_comprehension":
      case "generator_expression":
        return "comprehension";
      case "class_definition":
        return "class body";
    }
    child = node;
    node = node.parent;
  }
  return "module body";
}
