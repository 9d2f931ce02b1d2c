/** 1-based row and column, as ruff reports them (columns count UTF-16 code units, as LSP does). */
export interface Position {
  row: number;
  column: number;
}

/** Offsets ↔ positions for one text. */
export class LineIndex {
  private lineStarts?: number[];

  constructor(readonly text: string) {}

  /** Where each line starts, found on first use (most files never need a position). */
  private get starts(): number[] {
    if (this.lineStarts === undefined) {
      const starts = (this.lineStarts = [0]);
      const { text } = this;
      if (!text.includes("\r")) {
        for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
      } else {
        for (let i = 0; i < text.length; i++) {
          const c = text.charCodeAt(i);
          // Python ends lines at \n, \r\n and a lone \r.
          if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
        }
      }
    }
    return this.lineStarts;
  }

  private eol?: string;

  /** The line ending the text mostly uses, so that inserted lines match it (computed once). */
  get lineEnding(): string {
    if (this.eol === undefined) {
      // Counted, not split: a fix asks it of every file it plans for, most of which have no \r.
      const { text } = this;
      let crlf = 0;
      let lf = 0;
      if (text.includes("\r")) {
        for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) {
          if (at > 0 && text.charCodeAt(at - 1) === 13) crlf++;
          else lf++;
        }
      }
      this.eol = crlf > lf ? "\r\n" : "\n";
    }
    return this.eol;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    let low = 0;
    const starts = this.starts;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  position(offset: number): Position {
    const line = this.lineOf(offset);
    return { row: line + 1, column: offset - this.starts[line] + 1 };
  }

  lineStart(line: number): number {
    return this.starts[line];
  }

  /** The text of a 0-based line, without its line ending. */
  lineText(line: number): string {
    const end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    return this.text.slice(this.starts[line], end).replace(/\r?\n$|\r$/, "");
  }
}
