// The function-like `#define`s of a text, in order, with their raw bodies
// (continuation lines kept): what the jump macros (syntax/jumpMacros.ts) and
// the read-only macros of the object lifetimes (guards/objects.ts) are read
// from. Read once per text, and for an edited text, taken from the text it
// was edited from when the edit cannot have touched a `#define` (the
// editor's keystrokes: a scan of the whole file on each, and the readers'
// work again, since each keystroke makes a new text). The readers remember
// what they make of a list by the list: the same list, the same answer.
import { owned } from './ownedString';
import { editBetween, type TextEdit } from './textEdits';
import { TextMemo } from './textMemo';

export interface FunctionDefine {
  name: string;
  /** The parameter list as written, without its brackets. */
  params: string;
  /** The body, continuation backslashes and line ends included. */
  body: string;
}

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)((?:[^\n]*\\\r?\n)*[^\n]*)/gm;
/** Texts larger than this are not scanned (a generated table is no place for these macros). */
const MAX_SCAN = 4 * 1024 * 1024;
const memo = new TextMemo<readonly FunctionDefine[]>(64);

/** The last text scanned and its defines (for the next text, when it is that one edited). */
let last: { text: string; defines: readonly FunctionDefine[] } | undefined;

export function functionDefines(text: string): readonly FunctionDefine[] {
  return memo.get(text, () => {
    const edit = last && editBetween(last.text, text);
    const defines = edit && text.length <= MAX_SCAN && outsideDefines(edit) ? last!.defines : scan(text);
    last = { text, defines };
    return defines;
  });
}

function scan(text: string): readonly FunctionDefine[] {
  if (text.length > MAX_SCAN || !text.includes('define')) return NONE;
  // (Copies, not views of the text: a list an edited text takes over outlives the text it was read from.)
  return [...text.matchAll(DEFINE)].map((m) => ({ name: owned(m[1]!), params: owned(m[2]!), body: owned(m[3]!) }));
}

const NONE: readonly FunctionDefine[] = [];

/**
 * What `make` makes of a list of defines, kept in `memo` by the list: an
 * edited text that took its predecessor's list gets the same answer without
 * the macros being read again (the jump, ASSERT and read-only macros).
 */
export function madeOfDefines<T>(
  memo: WeakMap<readonly FunctionDefine[], T>,
  defines: readonly FunctionDefine[],
  make: (d: readonly FunctionDefine[]) => T,
): T {
  let out = memo.get(defines);
  if (out === undefined) memo.set(defines, (out = make(defines)));
  return out;
}

/** Characters that start, continue or end a define's line: neither the edit nor the line it is in may hold one. */
const DEFINE_MARKS = /[#\\\r\n]/;

/**
 * The edit changed no define, and made none: it stays inside one line (it
 * removes and inserts no line break), inserts no `#` or backslash, and that
 * line has neither (so it is no `#define` line, before or after, and no
 * continuation of one) and does not continue the line before it.
 */
function outsideDefines(e: TextEdit): boolean {
  const before = e.before;
  if (DEFINE_MARKS.test(e.after.slice(e.start, e.start + e.newLength))) return false;
  let from = e.start;
  while (from > 0 && before.charCodeAt(from - 1) !== 10) from--;
  let to = e.oldEnd;
  while (to < before.length && before.charCodeAt(to) !== 10) to++;
  if (to - from > MAX_LINE || DEFINE_MARKS.test(before.slice(from, to))) return false;
  // (The line before ends at from - 1: its last character, or a `\r` before the break.)
  const end = before.charCodeAt(from - 2) === 13 ? from - 3 : from - 2;
  return from === 0 || before.charCodeAt(end) !== 92;
}

/** A longer line is scanned as a whole text (generated code, minified tables). */
const MAX_LINE = 4096;
