import MagicString, { SourceMap } from "magic-string";
import type { DecodedSourceMap, SourceMapOptions, SourceMapSegment } from "magic-string";

/**
 * A MagicString whose source map also maps inserted lines that stand for original code (an
 * import moved into a function, a binding moved below the helper) back to that code. magic-string
 * maps only text it kept or overwrote in place; text inserted elsewhere would map nowhere.
 */
export class OriginMappedString extends MagicString {
  private readonly origins: { generated: number; original: number }[] = [];

  /** The generated text at offset `generated` stands for the original text at offset `original`. */
  addOrigin(generated: number, original: number): void {
    this.origins.push({ generated, original });
  }

  override generateDecodedMap(options?: SourceMapOptions): DecodedSourceMap {
    const map = super.generateDecodedMap(options);
    const generatedText = this.toString();
    for (const { generated, original } of this.origins) {
      const at = locate(generatedText, generated);
      const from = locate(this.original, original);
      while (map.mappings.length <= at.line) map.mappings.push([]);
      addSegment(map.mappings[at.line], [at.column, 0, from.line, from.column]);
    }
    return map;
  }

  override generateMap(options?: SourceMapOptions): SourceMap {
    return new SourceMap(this.generateDecodedMap(options));
  }
}

/** 0-based line and column of an offset, counting lines as source maps do (by `\n`). */
function locate(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStart = 0;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; index = text.indexOf("\n", index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart };
}

function addSegment(segments: SourceMapSegment[], segment: SourceMapSegment): void {
  const index = segments.findIndex((other) => other[0] >= segment[0]);
  if (index === -1) segments.push(segment);
  else segments.splice(index, segments[index][0] === segment[0] ? 1 : 0, segment);
}
