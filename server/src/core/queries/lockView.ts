// What an editor shows about held locks, read from the analysis's per-line
// states: the sets held before a line (hover), the sets held after the
// statements of a line (inlay hints), and where hints go. Plain data out: the
// LSP adapter only turns it into labels, tooltips and LSP positions.
import type { FileAnalysis } from '../analysis';
import type { CfgNode } from '../cfg/types';
import { type FunctionLocks, heldSets, type LockRef } from '../locks/analyze';
import type { PathState } from '../locks/state';
import { migrationOps } from '../xen/migration';

export interface HeldSets {
  /** Held on every path. */
  must: LockRef[];
  /** Held on some paths only. */
  may: LockRef[];
}

/** A lock-state hint: the locks held after the statements of `line`, at the end of the line. */
export interface LockHint {
  /** 0-based line and UTF-16 column (the end of the line's code). */
  line: number;
  character: number;
  held: HeldSets;
}

export type HintMode = 'changes' | 'all';

const EMPTY: HeldSets = { must: [], may: [] };

function setsKey(s: HeldSets): string {
  return `${s.must.map((r) => r.name).join(',')}|${s.may.map((r) => r.name).join(',')}`;
}

/** Where a lock came from, in words: "taken at line N", or why it is assumed held on entry (1-based lines). */
export function lockOrigin(r: LockRef): string {
  if (!r.entry) return `taken at line ${r.line + 1}`;
  const line = r.because?.line !== undefined ? r.because.line + 1 : undefined;
  switch (r.because?.how) {
    case 'name':
      return 'assumed held on entry: the function is named *_locked';
    case 'assert':
      return `assumed held on entry: the ASSERT at line ${line} says so`;
    case 'release':
      return `assumed held on entry: released at line ${line} without being taken here`;
    default:
      return 'held on entry (the caller holds it)';
  }
}

/** The function whose definition contains the offset (header or body). */
export function functionAt(file: FileAnalysis, offset: number): FunctionLocks | undefined {
  return file.functions.find((f) => f.syntax.start <= offset && offset <= f.syntax.end);
}

/** Locks held before `line` executes: at the first statement on or after it (or at the exit). */
export function heldBefore(file: FileAnalysis, fn: FunctionLocks, line: number): HeldSets {
  const l = fn.lineLocks.find((x) => x.line >= line);
  if (l) return { must: l.must, may: l.may };
  const exit = fn.before[fn.cfg.exit];
  return exit && exit.length ? heldSets(exit, file.lineIndex) : EMPTY;
}

const isStatement = (n: CfgNode): boolean => n.kind !== 'entry' && n.kind !== 'exit' && n.kind !== 'nop';

/** Reachable statement nodes of the function, grouped by their start line. */
function nodesByLine(fn: FunctionLocks): Map<number, CfgNode[]> {
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
function predecessorCounts(fn: FunctionLocks): Uint32Array {
  const counts = new Uint32Array(fn.cfg.nodes.length);
  for (const n of fn.cfg.nodes) for (const e of n.succ) counts[e.to] = counts[e.to]! + 1;
  return counts;
}

/**
 * Locks held after the statements starting on a line: the states on the edges
 * leaving the line. An edge into a node with one predecessor carries exactly
 * that node's before-state; into a join it is approximated by the join's state,
 * except after a `return`, whose state is the one it returns with.
 */
function heldAfter(file: FileAnalysis, fn: FunctionLocks, nodes: readonly CfgNode[], preds: Uint32Array): HeldSets {
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
  return states.length ? heldSets(states, file.lineIndex) : EMPTY;
}

/** The function takes or releases a lock, or runs with one held. */
function usesLocks(fn: FunctionLocks): boolean {
  return fn.touchesLocks || fn.lineLocks.some((l) => l.must.length > 0 || l.may.length > 0);
}

/** Start and finish calls always get a hint: the protocol is about what is held around them. */
const callsMigrate = (nodes: readonly CfgNode[]): boolean =>
  nodes.some((n) => migrationOps(n.facts).some((o) => o.kind === 'migrateStart' || o.kind === 'migrateFinish'));

function hintAt(file: FileAnalysis, nodes: readonly CfgNode[], held: HeldSets): LockHint {
  // After the statement: at the end of the line where the line's last statement ends.
  const end = Math.max(...nodes.map((n) => n.end));
  const line = file.lineIndex.lineOf(end);
  return { line, character: file.lineIndex.lineText(line).replace(/\s+$/, '').length, held };
}

function functionHints(file: FileAnalysis, fn: FunctionLocks, mode: HintMode): LockHint[] {
  const out: LockHint[] = [];
  const all = mode === 'all' && usesLocks(fn);
  const byLine = nodesByLine(fn);
  let preds: Uint32Array | undefined;
  for (const l of fn.lineLocks) {
    const nodes = byLine.get(l.line);
    if (!nodes) continue;
    const migrate = callsMigrate(nodes);
    // Functions that never touch a lock keep the empty set everywhere: nothing to say (but a start/finish call).
    if (!all && !migrate && !fn.touchesLocks) continue;
    preds ??= predecessorCounts(fn);
    // The analysis knows the exact state after a line that flows into a join; elsewhere the next node's is exact.
    const after = l.after ?? heldAfter(file, fn, nodes, preds);
    if (all || migrate || setsKey(after) !== setsKey(l)) out.push(hintAt(file, nodes, after));
  }
  return out;
}

interface CachedHints {
  mode: HintMode;
  firstLine: string;
  lastLine: string;
  hints: LockHint[];
}

/**
 * Hints of a function, by its line states: a function the incremental analysis
 * reused in place keeps the same `lineLocks` array, so its hints are not
 * recomputed (the first and last line texts are compared too: text around the
 * function on those lines could move a hint's column).
 */
const cache = new WeakMap<FunctionLocks['lineLocks'], CachedHints>();

function cachedFunctionHints(file: FileAnalysis, fn: FunctionLocks, mode: HintMode): LockHint[] {
  const firstLine = file.lineIndex.lineText(file.lineIndex.lineOf(fn.syntax.start));
  const lastLine = file.lineIndex.lineText(file.lineIndex.lineOf(fn.syntax.end));
  const c = cache.get(fn.lineLocks);
  if (c && c.mode === mode && c.firstLine === firstLine && c.lastLine === lastLine) return c.hints;
  const hints = functionHints(file, fn, mode);
  cache.set(fn.lineLocks, { mode, firstLine, lastLine, hints });
  return hints;
}

/** Lock-state hints for the lines `fromLine`..`toLine` (0-based, inclusive; the whole file by default). */
export function lockHints(file: FileAnalysis, mode: HintMode, fromLine = 0, toLine = Number.MAX_SAFE_INTEGER): LockHint[] {
  const out: LockHint[] = [];
  for (const fn of file.functions) {
    const first = file.lineIndex.lineOf(fn.syntax.start);
    const last = file.lineIndex.lineOf(fn.syntax.end);
    if (last < fromLine || first > toLine) continue;
    for (const h of cachedFunctionHints(file, fn, mode)) if (h.line >= fromLine && h.line <= toLine) out.push(h);
  }
  return out;
}
