// The identifiers a statement uses, outside diagnostic output and debug
// checks (what they read is printed or asserted, not used), each with the
// tokens around it, for the XSR014 checks that ask how a local is used.
import type { CfgNode } from '../cfg/types';
import { tokenize } from '../syntax/tokens';
import { isDebugCheck, isDiagnosticOutput } from '../xen/accessOps';

interface IdentUse {
  text: string;
  start: number;
  end: number;
  /** The tokens just before and after it (`->`, `.`, `(`). */
  prev?: string;
  next?: string;
}

export function identsUsed(text: string, n: CfgNode): IdentUse[] {
  const skip = n.facts.calls.filter((c) => isDiagnosticOutput(c.name) || isDebugCheck(c.name));
  const tokens = tokenize(text.slice(n.start, n.end), n.start);
  const out: IdentUse[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'ident' || skip.some((c) => c.start <= t.start && t.end <= c.end)) return;
    out.push({ text: t.text, start: t.start, end: t.end, prev: tokens[i - 1]?.text, next: tokens[i + 1]?.text });
  });
  return out;
}

/** `v` as a value: not a member name (`p->v`, `s.v`), not a callee (`v(…)`). */
export function usesValue(text: string, n: CfgNode, v: string): boolean {
  return identsUsed(text, n).some((x) => x.text === v && x.prev !== '->' && x.prev !== '.' && x.next !== '(');
}
