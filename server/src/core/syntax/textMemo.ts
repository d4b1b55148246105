// A memo of values derived from whole texts (a file's macros, its entry
// point registrations), for the last few texts: one analysis asks once per
// function, in callees-first order, which goes back and forth between the
// files of a folder.
/** Every memo made (module-level, for the life of the process): forgetText reaches them all. */
const memos = new Set<TextMemo<unknown>>();

/**
 * Drops `text` from every memo: an editor's document version that a newer
 * one replaced is never asked for again, and a memo kept up to 64 of them
 * alive (a 5,000-line file's 300 keystrokes kept 64 copies of it, 8 MB).
 */
export function forgetText(text: string): void {
  for (const m of memos) m.forget(text);
}

/** Values per text, for the last few texts (one remembered text made a folder's analysis rescan a whole file per function). */
export class TextMemo<T> {
  private readonly entries = new Map<string, T>();
  private chars = 0;
  /** At most `size` texts and `maxChars` characters of them are kept alive by the memo. */
  constructor(
    private readonly size: number,
    private readonly maxChars = 8 * 1024 * 1024,
  ) {
    memos.add(this as TextMemo<unknown>);
  }

  /** Drops `text` (see forgetText). */
  forget(text: string): void {
    if (this.last?.text === text) this.last = undefined;
    if (this.entries.delete(text)) this.chars -= text.length;
  }

  private last: { text: string; value: T } | undefined;

  get(text: string, compute: () => T): T {
    // The same string as last time (one analysis asks once per function): no hashing, no lookup.
    if (this.last?.text === text) return this.last.value;
    let v = this.entries.get(text);
    if (v === undefined) {
      v = compute();
      while (this.entries.size && (this.entries.size >= this.size || this.chars + text.length > this.maxChars)) {
        const oldest = this.entries.keys().next().value!;
        this.chars -= oldest.length;
        this.entries.delete(oldest);
      }
      this.entries.set(text, v);
      this.chars += text.length;
    }
    this.last = { text, value: v };
    return v;
  }
}
