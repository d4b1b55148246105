// Fixes for the new-API rules: XSR004 inserts the finish right after the
// unlock; XSR005 removes a separate sleep or unwraps a migrating re-check.
import type { FileAnalysis } from '../analysis';
import type { CfgNode } from '../cfg/types';
import type { TextEdit } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { opsAt } from '../migration/view';
import { canonicalText } from '../syntax/tokens';
import { deleteStatement } from './oldSequence';
import { commentLines, ifStatementAt, Source } from './text';

/** The unlock statement stands on its own line, not as the lone body of a braceless if/else/loop. */
function standalone(src: Source, n: CfgNode): boolean {
  if (!src.startsLine(n.start) || !src.trailing(n.end)) return false;
  let p = src.lineStart(n.start) - 1;
  while (p > 0 && src.isBlankLine(src.lineStart(p))) p = src.lineStart(p) - 1;
  if (p <= 0) return true;
  const prev = src.text
    .slice(src.lineStart(p), src.lineEnd(p))
    .replace(/\/\*.*?\*\/|\/\/.*$/g, '')
    .trimEnd();
  return !(/^\s*(if|else|for|while|for_each_\w*|list_for_each\w*)\b/.test(prev) && !/[;{}]$/.test(prev)) && !/^\s*else$/.test(prev);
}

export function fixMissingFinish(file: FileAnalysis, unlocks: readonly CfgNode[], call: string): TextEdit[] | undefined {
  if (unlocks.length === 0) return undefined;
  const src = new Source(file.text);
  const edits: TextEdit[] = [];
  for (const u of unlocks) {
    if (!standalone(src, u)) return undefined;
    const at = src.lineEnd(u.end);
    edits.push({ start: at, end: at, newText: `\n${src.indentAt(u.start)}${call}` });
  }
  return edits;
}

export function fixRedundant(file: FileAnalysis, fn: FunctionLocks, n: CfgNode, kind: 'sleep' | 'recheck'): TextEdit[] | undefined {
  const src = new Source(file.text);
  if (kind === 'sleep') {
    const call = opsAt(n, 'sleep')[0];
    if (!call || canonicalText(src.text.slice(n.start, n.end)) !== canonicalText(src.text.slice(call.start, call.end)) + ';')
      return undefined;
    const e = deleteStatement(src, n);
    if (!e) return undefined;
    // Do not leave two blank lines where one separated the statement from its neighbours.
    if (e.newText === '' && src.isBlankLine(e.end) && e.start > 0 && src.isBlankLine(src.lineStart(e.start - 1)))
      e.end = src.nextLineStart(e.end);
    return [e];
  }
  const st = ifStatementAt(src, n.start, n.end);
  if (!st) return undefined;
  // Only a re-check whose body runs the finish: unwrapping it makes the finish unconditional.
  const body = fn.cfg.nodes.filter((x) => x.start >= st.bodyStart && x.end <= st.bodyEnd);
  if (!body.some((x) => opsAt(x, 'migrateFinish').length > 0)) return undefined;
  const after = src.trailing(st.end);
  if (!after) return undefined;
  const ind = src.indentAt(st.ifStart);
  const bodyText = src.text.slice(st.bodyStart, st.bodyEnd);
  let lines = bodyText.split('\n');
  if (st.braces) {
    // The comments inside the braces move with the body lines; those on the `if` line go above it.
    if (lines.length && /^\s*$/.test(lines[0]!)) lines = lines.slice(1);
    if (lines.length && /^\s*$/.test(lines[lines.length - 1]!)) lines = lines.slice(0, -1);
  } else {
    lines = [bodyText.trimStart()];
    lines[0] = src.indentAt(st.bodyStart) + lines[0];
  }
  const bodyIndent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
  const out = lines.map((l) => (l.trim() ? ind + l.slice(bodyIndent) : l)).join('\n');
  const condComments = src.commentsIn(st.ifStart, st.bodyStart);
  return [
    {
      start: src.lineStart(st.ifStart),
      end: src.nextLineStart(st.end),
      newText: commentLines([...condComments, ...after], ind) + out + '\n',
    },
  ];
}
