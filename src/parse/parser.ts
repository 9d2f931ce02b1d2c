import { createRequire } from "node:module";
import type Parser from "tree-sitter";

export type { Tree, SyntaxNode, Point, Edit } from "tree-sitter";

const require = createRequire(import.meta.url);
let parser: Parser | undefined;

/** The shared tree-sitter parser, loaded on first use so that `--version` never pays for it. */
export function pythonParser(): Parser {
  if (parser === undefined) {
    const ParserClass = require("tree-sitter") as typeof Parser;
    const python = require("tree-sitter-python") as Parser.Language;
    parser = new ParserClass();
    parser.setLanguage(python);
  }
  return parser;
}

// node-tree-sitter reads its input in chunks of this size; a larger buffer means fewer round trips.
const BUFFER_SIZE = 1 << 20;

export function parsePython(source: string, oldTree?: Parser.Tree): Parser.Tree {
  return pythonParser().parse(source, oldTree, { bufferSize: Math.max(BUFFER_SIZE, source.length + 1) });
}
