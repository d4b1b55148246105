// Strings that keep no document alive. V8 makes a substring of 13 characters
// or more a view into its parent (a "sliced string"), so a name or a line cut
// from a document's text and kept in a long-lived table (a memo of the hints,
// an interned identifier, a cache of parsed conditions) kept that version's
// whole text alive. In the editor every keystroke makes a new text: measured
// on the bench's 5,000-line file after 300 keystrokes, about 200 old copies of
// the file (120 KB each) were held this way, and every one of them outlived
// two scavenges, so it was copied into the old generation.

/** Substrings shorter than this are copied by V8 already (String::SubString: SlicedString::kMinLength). */
const MIN_SLICED = 13;

/**
 * `s` as a string of its own (equal to `s`): a copy when `s` may be a view
 * into a longer text. Prepending a character makes a cons string, which the
 * slice flattens into a fresh string before taking its view: the result's
 * parent is that copy, one character longer than `s`.
 */
export function owned(s: string): string {
  return s.length < MIN_SLICED ? s : ` ${s}`.slice(1);
}
