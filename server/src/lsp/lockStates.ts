// What the editor shows about held locks, read from the core's per-line states:
// the sets held before a line, the sets held after it (for the hints), and the
// labels and tooltips naming them.
import type { FileAnalysis } from '../core/analyzer';
import type { CfgNode } from '../core/cfg/types';
import { FunctionLocks, LockRef, heldSets } from '../core/locks/analyze';
import type { PathState } from '../core/locks/state';

export interface HeldSets {
  must: LockRef[];
  may: LockRef[];
}

const EMPTY: HeldSets = { must: [], may: [] };

export function setsKey(s: HeldSets): string {
  return `${s.must.map((r) => r.name).join(',')}|${s.may.map((r) => r.name).join(',')}`;
}

export function isEmpty(s: HeldSets): boolean {
  return s.must.length === 0 && s.may.length === 0;
}

/** `🔒 sched(v), prv->lock?` (may-only locks marked `?`), `🔓` when none. */
export function label(s: HeldSets): string {
  if (isEmpty(s)) return '🔓';
  const names = [...s.must.map((r) => ({ n: r.name, q: '' })), ...s.may.map((r) => ({ n: r.name, q: '?' }))].sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  return `🔒 ${names.map((x) => x.n + x.q).join(', ')}`;
}

/** Where a lock was taken (1-based line), or that the caller holds it. */
export function takenAt(r: LockRef): string {
  return r.entry ? 'held on entry (the caller holds it)' : `taken at line ${r.line + 1}`;
}

/** One line per lock for a tooltip: `sched(v) taken at line 12`. */
export function whereTaken(r: LockRef, mayOnly: boolean): string {
  return `${r.name} ${takenAt(r)}${mayOnly ? ' (on some paths only)' : ''}`;
}

export function tooltip(s: HeldSets): string {
  if (isEmpty(s)) return 'no lock held';
  return [...s.must.map((r) => whereTaken(r, false)), ...s.may.map((r) => whereTaken(r, true))].join('\n');
}

/** The function whose definition contains the offset (header or body). */
export function functionAt(file: FileAnalysis, offset: number): FunctionLocks | undefined {
  return file.functions.find((f) => f.syntax.start <= offset && offset <= f.syntax.end);
}

/** Locks held before `line` executes: at the first statement on or after it (or at the exit). */
export function heldBefore(file: FileAnalysis, fn: FunctionLocks, line: number): HeldSets {
  const l = fn.lines.find((x) => x.line >= line);
  if (l) return { must: l.must, may: l.may };
  const exit = fn.before[fn.cfg.exit];
  return exit && exit.length ? heldSets(exit, file.lines) : EMPTY;
}

const isStatement = (n: CfgNode): boolean => n.kind !== 'entry' && n.kind !== 'exit' && n.kind !== 'nop';

/** Reachable statement nodes of the function, grouped by their start line. */
export function nodesByLine(fn: FunctionLocks): Map<number, CfgNode[]> {
  const out = new Map<number, CfgNode[]>();
  for (const n of fn.cfg.nodes) {
    if (!isStatement(n) || (fn.before[n.id]?.length ?? 0) === 0) continue;
    const list = out.get(n.line);
    if (list) list.push(n);
    else out.set(n.line, [n]);
  }
  return out;
}

/** How many edges enter each node (a node entered from one place has that edge's exact state). */
export function predecessorCounts(fn: FunctionLocks): Uint32Array {
  const counts = new Uint32Array(fn.cfg.nodes.length);
  for (const n of fn.cfg.nodes) for (const e of n.succ) counts[e.to]!++;
  return counts;
}

/**
 * Locks held after the statements starting on a line: the states on the edges
 * leaving the line. An edge into a node with one predecessor carries exactly
 * that node's before-state; into a join it is approximated by the join's state,
 * except after a `return`, whose state is the one it returns with.
 */
export function heldAfter(file: FileAnalysis, fn: FunctionLocks, nodes: readonly CfgNode[], preds: Uint32Array): HeldSets {
  const states: PathState[] = [];
  const onLine = new Set(nodes.map((n) => n.id));
  for (const n of nodes) {
    for (const e of n.succ) {
      if (onLine.has(e.to)) continue;
      const to = fn.cfg.nodes[e.to]!;
      if (preds[to.id] === 1 || n.kind !== 'return') states.push(...(fn.before[to.id] ?? []));
      else states.push(...(fn.before[n.id] ?? []));
    }
  }
  if (states.length === 0) for (const n of nodes) states.push(...(fn.before[n.id] ?? []));
  return states.length ? heldSets(states, file.lines) : EMPTY;
}

/** The function takes or releases a lock, or runs with one held. */
export function usesLocks(fn: FunctionLocks): boolean {
  return fn.touchesLocks || fn.lines.some((l) => l.must.length > 0 || l.may.length > 0);
}
