// Offset <-> (line, character) conversion over a document's text, in UTF-16
// code units (what web-tree-sitter's indices and LSP positions both use).
// Lines end at `\n`, `\r\n` or a lone `\r`, as LSP counts them.

import { noteEdit } from './textEdits';

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column. */
  character: number;
}

/** The index of the last line start at or before `offset` (the first line for an offset before them all). */
function lineIn(starts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** What a function's lock lines need of an index: the line of an offset. */
export interface LineLookup {
  lineOf(offset: number): number;
}

/**
 * The lines of one stretch of a text (see LineIndex.window): their starts
 * copied, no text. Exact for offsets inside the stretch, where it is asked.
 */
class LineWindow implements LineLookup {
  constructor(
    private readonly first: number,
    private readonly starts: Int32Array,
  ) {}

  lineOf(offset: number): number {
    return this.first + lineIn(this.starts, offset);
  }
}

export class LineIndex {
  /**
   * Offset where each line starts, and where each line's terminator starts
   * (its text ends there). Typed arrays of the exact size: `edited` makes
   * both anew on every keystroke, and arrays grown by `push` copied them
   * several times over (a 5,000-line file's keystroke allocated 200 KB here).
   */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;

  constructor(
    readonly text: string,
    /** The line starts and ends, when known (see `edited`). */
    lines?: { starts: Int32Array; ends: Int32Array },
  ) {
    if (lines) {
      this.starts = lines.starts;
      this.ends = lines.ends;
      return;
    }
    // Searched, not matched with a regex: a match object per line was a good part of an analysis's garbage.
    if (!text.includes('\r')) {
      // Counted first, then written into arrays of that size (lists grown line by line were garbage).
      let lines = 1;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
      const starts = new Int32Array(lines);
      const ends = new Int32Array(lines);
      let l = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        ends[l] = i;
        starts[++l] = i + 1;
      }
      ends[l] = text.length;
      this.starts = starts;
      this.ends = ends;
      return;
    }
    const starts = [0];
    const ends: number[] = [];
    breaksIn(text, 0, text.length, starts, ends);
    ends.push(text.length);
    this.starts = new Int32Array(starts);
    this.ends = new Int32Array(ends);
  }

  /**
   * The index of `text`, which is `prev`'s text with `[start, oldEnd)`
   * replaced by `newLength` characters: only the lines around the edit are
   * read again (a keystroke in a long file), the others moved. The same
   * index as `new LineIndex(text)`. The edit is noted (syntax/textEdits.ts).
   */
  static edited(prev: LineIndex, text: string, start: number, oldEnd: number, newLength: number): LineIndex {
    // The values other modules derive from whole texts are made from the previous text's around this edit.
    noteEdit({ before: prev.text, after: text, start, oldEnd, newLength });
    const delta = newLength - (oldEnd - start);
    const S = prev.starts;
    const E = prev.ends;
    // From a line before the one edited (a `\r` just before the edit may pair with a `\n` it inserts)…
    const k = Math.max(0, prev.lineOf(Math.max(0, start - 1)) - 1);
    // …to the first line whose break is wholly after the edit.
    let j = prev.lineOf(oldEnd) + 1;
    while (j < S.length && S[j]! < oldEnd + 2) j++;
    if (j >= S.length) return new LineIndex(text);
    const until = S[j]! + delta;
    // The breaks between line k's start and `until`, read from the text: they must end exactly at `until`.
    const midStarts: number[] = [];
    const midEnds: number[] = [];
    breaksIn(text, S[k]!, until, midStarts, midEnds);
    if (midStarts[midStarts.length - 1] !== until) return new LineIndex(text);
    // Lines 0..k kept, the breaks read, lines past j moved by delta.
    const starts = new Int32Array(k + 1 + midStarts.length + (S.length - j - 1));
    const ends = new Int32Array(starts.length);
    starts.set(S.subarray(0, k + 1));
    ends.set(E.subarray(0, k));
    starts.set(midStarts, k + 1);
    ends.set(midEnds, k);
    for (let i = j + 1, o = k + 1 + midStarts.length; i < S.length; i++, o++) starts[o] = S[i]! + delta;
    for (let i = j, o = k + midEnds.length; i < E.length; i++, o++) ends[o] = E[i]! + delta;
    return new LineIndex(text, { starts, ends });
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    return lineIn(this.starts, offset);
  }

  position(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts[line]! };
  }

  offset(pos: Position): number {
    const line = Math.max(0, Math.min(pos.line, this.starts.length - 1));
    return Math.min(this.starts[line]! + Math.max(0, pos.character), this.ends[line]!);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  /**
   * lineOf for the offsets in [from, to] only, holding neither the text nor
   * the other lines: what a result computed lazily keeps (a function's lock
   * lines, read when first asked for, kept the whole index of the version it
   * was analysed in, so every keystroke's text stayed alive in the editor).
   */
  window(from: number, to: number): LineLookup {
    const first = this.lineOf(from);
    return new LineWindow(first, this.starts.slice(first, this.lineOf(to) + 1));
  }

  /** Text of a 0-based line without its newline. */
  lineText(line: number): string {
    const l = Math.max(0, Math.min(line, this.starts.length - 1));
    return this.text.slice(this.starts[l]!, this.ends[l]!);
  }
}

/** Pushes the line breaks of `text` in `[from, to)` (`\n`, `\r\n`, a lone `\r`; one ending at `to` included): where each ends a line, and where the next line starts. */
function breaksIn(text: string, from: number, to: number, starts: number[], ends: number[]): void {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    ends.push(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    starts.push(i + 1);
  }
}
