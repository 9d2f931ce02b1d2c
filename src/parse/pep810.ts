import type { Tree } from "tree-sitter";

// PEP 810's soft keyword, where it can start a statement: `lazy import x`, `lazy from x import y`.
const LAZY_IMPORT = /^([ \t\f]*)lazy([ \t\f]+)(?=(?:import|from)\b)/gm;
const ANY_LAZY_IMPORT = /^[ \t\f]*lazy[ \t\f]+(?:import|from)\b/m;

/**
 * Whether the text spells "lazy" in any case (as `/lazy/i` tells, a third of its cost): the test
 * before the patterns that look for a lazy construct, which most files do not have. Found at each
 * "zy" (four spellings of it, few in code) by the two letters before.
 */
export function saysLazy(text: string): boolean {
  for (const ending of ["zy", "zY", "Zy", "ZY"]) {
    for (let at = text.indexOf(ending, 2); at !== -1; at = text.indexOf(ending, at + 1)) {
      // `| 32` turns the ASCII capitals into small letters, and nothing else into `a` or `l`.
      if ((text.charCodeAt(at - 1) | 32) === 97 && (text.charCodeAt(at - 2) | 32) === 108) return true;
    }
  }
  return false;
}

/** Whether the text has a line that may be a `lazy import` (the only lines maskLazyKeywords changes). */
export function mayHoldLazyImport(source: string): boolean {
  return ANY_LAZY_IMPORT.test(source);
}

/** Where the `lazy` keyword stood, by the start offset of the import statement it makes lazy. */
const lazyStatements = new WeakMap<Tree, Set<number>>();

/**
 * tree-sitter-python predates PEP 810. Blank out the soft keyword (same length, so every offset
 * stays valid) and remember where it was; `lazy` anywhere else stays an ordinary identifier.
 */
export function maskLazyKeywords(source: string): { text: string; statementStarts: number[] } {
  if (!source.includes("lazy")) return { text: source, statementStarts: [] };
  const statementStarts: number[] = [];
  const text = source.replace(LAZY_IMPORT, (match: string, indent: string, gap: string, offset: number) => {
    statementStarts.push(offset + match.length);
    return `${indent}    ${gap}`;
  });
  return { text, statementStarts };
}

export function rememberLazyStatements(tree: Tree, statementStarts: readonly number[]): void {
  if (statementStarts.length > 0) lazyStatements.set(tree, new Set(statementStarts));
}

/** The import statement starting at `offset` was written `lazy import …` / `lazy from …`. */
export function isLazyStatement(tree: Tree, offset: number): boolean {
  return lazyStatements.get(tree)?.has(offset) ?? false;
}
