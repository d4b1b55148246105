// Lock-state inlay hints: at the end of a line whose statement changes the held
// set (and of every *_migrate_start / *_migrate_finish call), the locks held
// after it; in `all` mode on every statement line of a function that uses locks.
import { InlayHint, InlayHintKind, InlayHintParams, Range } from 'vscode-languageserver';
import type { FileAnalysis } from '../core/analyzer';
import type { CfgNode } from '../core/cfg/types';
import type { FunctionLocks } from '../core/locks/analyze';
import { HeldSets, heldAfter, label, nodesByLine, predecessorCounts, setsKey, tooltip, usesLocks } from './lockStates';
import type { InlayHintsMode } from './settings';

const MIGRATE_CALL = /_migrate_(start|finish)$/;

const callsMigrate = (nodes: readonly CfgNode[]): boolean => nodes.some((n) => n.facts.calls.some((c) => MIGRATE_CALL.test(c.name)));

function hintAt(file: FileAnalysis, nodes: readonly CfgNode[], after: HeldSets): InlayHint {
  // After the statement: at the end of the line where the line's last statement ends.
  const end = Math.max(...nodes.map((n) => n.end));
  const line = file.lines.lineOf(end);
  const text = file.lines.lineText(line);
  return {
    position: { line, character: text.replace(/\s+$/, '').length },
    label: label(after),
    kind: InlayHintKind.Type,
    paddingLeft: true,
    tooltip: tooltip(after),
  };
}

interface CachedHints {
  mode: InlayHintsMode;
  firstLine: string;
  lastLine: string;
  hints: InlayHint[];
}

/**
 * Hints of a function, by its line states: a function the incremental analysis
 * reused in place keeps the same `lines` array, so its hints are not recomputed
 * (the first and last line texts are compared too: text around the function
 * on those lines could move a hint's column).
 */
const cache = new WeakMap<FunctionLocks['lines'], CachedHints>();

function cachedFunctionHints(file: FileAnalysis, fn: FunctionLocks, mode: InlayHintsMode): InlayHint[] {
  const firstLine = file.lines.lineText(file.lines.lineOf(fn.syntax.start));
  const lastLine = file.lines.lineText(file.lines.lineOf(fn.syntax.end));
  const c = cache.get(fn.lines);
  if (c && c.mode === mode && c.firstLine === firstLine && c.lastLine === lastLine) return c.hints;
  const hints: InlayHint[] = [];
  functionHints(file, fn, mode, 0, Number.MAX_SAFE_INTEGER, hints);
  cache.set(fn.lines, { mode, firstLine, lastLine, hints });
  return hints;
}

function functionHints(file: FileAnalysis, fn: FunctionLocks, mode: InlayHintsMode, from: number, to: number, out: InlayHint[]): void {
  const all = mode === 'all' && usesLocks(fn);
  const byLine = nodesByLine(fn);
  let preds: Uint32Array | undefined;
  for (const l of fn.lines) {
    if (l.line < from || l.line > to) continue;
    const nodes = byLine.get(l.line);
    if (!nodes) continue;
    const migrate = callsMigrate(nodes);
    // Functions that never touch a lock keep the empty set everywhere: nothing to say (but a start/finish call).
    if (!all && !migrate && !fn.touchesLocks) continue;
    preds ??= predecessorCounts(fn);
    const after = heldAfter(file, fn, nodes, preds);
    if (all || migrate || setsKey(after) !== setsKey(l)) out.push(hintAt(file, nodes, after));
  }
}

/** Hints for the lines in `range` (the whole file when omitted). */
export function inlayHints(file: FileAnalysis, mode: InlayHintsMode, range?: Range): InlayHint[] {
  if (mode === 'off') return [];
  const from = range ? range.start.line : 0;
  const to = range ? range.end.line : Number.MAX_SAFE_INTEGER;
  const out: InlayHint[] = [];
  for (const fn of file.functions) {
    const first = file.lines.lineOf(fn.syntax.start);
    const last = file.lines.lineOf(fn.syntax.end);
    if (last < from || first > to) continue;
    for (const h of cachedFunctionHints(file, fn, mode)) if (h.position.line >= from && h.position.line <= to) out.push(h);
  }
  return out;
}

export function provideInlayHints(file: FileAnalysis, mode: InlayHintsMode, params: InlayHintParams): InlayHint[] {
  return inlayHints(file, mode, params.range);
}
