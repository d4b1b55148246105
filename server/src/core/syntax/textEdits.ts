// Which text an edited text was made from. The editor's analysis of a
// keystroke builds the new text's line index from the old one
// (LineIndex.edited), and notes the edit here; a value derived from a whole
// text (a file's static declarations, what it declares at file scope) can
// then be made from the same value of the text before, reading only around
// the edit, where computing it afresh read the whole file on every
// keystroke. Only the last edit is kept: one document is typed in at a time,
// and anything else is computed as before.

/** `after` is `before` with `[start, oldEnd)` replaced by `after.slice(start, start + newLength)`. */
export interface TextEdit {
  before: string;
  after: string;
  start: number;
  oldEnd: number;
  newLength: number;
}

let last: TextEdit | undefined;

export function noteEdit(e: TextEdit): void {
  last = e;
}

/** The edit that made `after` from `before`, when it is the last one noted. */
export function editBetween(before: string, after: string): TextEdit | undefined {
  // Compared by identity first: the analysis passes the very strings the line index was given.
  return last && last.after === after && last.before === before ? last : undefined;
}
