// The function-like `#define`s of a text, in order, with their raw bodies
// (continuation lines kept): what the jump macros (syntax/jumpMacros.ts) and
// the read-only macros of the object lifetimes (guards/objects.ts) are read
// from. Read once per text.
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

export function functionDefines(text: string): readonly FunctionDefine[] {
  return memo.get(text, () => {
    if (text.length > MAX_SCAN || !text.includes('define')) return [];
    return [...text.matchAll(DEFINE)].map((m) => ({ name: m[1]!, params: m[2]!, body: m[3]! }));
  });
}
