import type { SyntaxNode } from "../parse/parser.js";

/** The attributes read after the name at `[start, end)`: `b.c` for the `a` in `a.b.c()`. */
export function attributeChainAt(root: SyntaxNode, start: number, end: number): string {
  let node = root.descendantForIndex(start, end);
  const names: string[] = [];
  while (isAttributeObject(node)) {
    names.push(node.parent!.childForFieldName("attribute")!.text);
    node = node.parent!;
  }
  return names.join(".");
}

/** Whether `node` is what an attribute is read from: the `a` of `a.b`. */
export function isAttributeObject(node: SyntaxNode): boolean {
  const parent = node.parent;
  return parent?.type === "attribute" && parent.childForFieldName("object")?.startIndex === node.startIndex;
}
