// A tiny generic layer for known-answer tests of the engine: threads of reads
// and writes on named shared variables (and plain locks), run by the very same
// DPOR/naive engines as the scheduler model. Numbers of Mazurkiewicz traces of
// such programs are easy to know by hand.

import type { Outcome, TransitionSystem, Violation } from './engine';
import { addLockOp, addRead, addSection, addWrite, emptyFp } from './footprint';

type RwOp =
  | { op: 'read'; x: string }
  | { op: 'write'; x: string }
  | { op: 'lock'; l: string }
  | { op: 'unlock'; l: string }
  /** A whole critical section under l writing x, as one atomic step. */
  | { op: 'cs'; l: string; x: string };

export interface RwThread {
  name: string;
  ops: RwOp[];
}

/**
 * State layout (Int32Array): [pc per thread][value per variable][owner+1 per lock]
 * [read-history hash per thread]. A read folds the value into the thread's hash,
 * so different reads-from relations give different end states.
 */
export function rwSystem(threads: RwThread[]): TransitionSystem<Int32Array> {
  const vars = [...new Set(threads.flatMap((t) => t.ops.flatMap((o) => ('x' in o ? [o.x] : []))))];
  const locks = [...new Set(threads.flatMap((t) => t.ops.flatMap((o) => ('l' in o ? [o.l] : []))))];
  if (vars.length + locks.length > 64) throw new Error('rwSystem: at most 64 variables and locks');
  const T = threads.length;
  const varAt = (x: string) => T + vars.indexOf(x);
  const lockAt = (l: string) => T + vars.length + locks.indexOf(l);
  const hashAt = (t: number) => T + vars.length + locks.length + t;
  const size = T + vars.length + locks.length + T;

  const step = (s: Int32Array, t: number): Outcome<Int32Array>[] | null => {
    const op = threads[t]!.ops[s[t]!];
    if (!op) return null;
    const n = new Int32Array(s);
    n[t]!++;
    const fp = emptyFp();
    if (op.op === 'read') {
      addRead(fp, vars.indexOf(op.x));
      n[hashAt(t)] = (Math.imul(n[hashAt(t)]!, 31) + s[varAt(op.x)]! + 1) | 0;
      return [{ state: n, fp, label: `read ${op.x}` }];
    }
    if (op.op === 'write') {
      addWrite(fp, vars.indexOf(op.x));
      n[varAt(op.x)] = (t + 1) * 1000 + s[t]! + 1;
      return [{ state: n, fp, label: `write ${op.x}` }];
    }
    const obj = vars.length + locks.indexOf(op.l);
    if (op.op === 'cs') {
      if (s[lockAt(op.l)] !== 0) return [];
      addSection(fp, obj);
      addWrite(fp, vars.indexOf(op.x));
      n[varAt(op.x)] = (t + 1) * 1000 + s[t]! + 1;
      return [{ state: n, fp, label: `${op.l} { write ${op.x} }` }];
    }
    addLockOp(fp, obj, op.op === 'lock');
    if (op.op === 'lock') {
      if (s[lockAt(op.l)] !== 0) return [];
      n[lockAt(op.l)] = t + 1;
      return [{ state: n, fp, label: `lock ${op.l}` }];
    }
    n[lockAt(op.l)] = 0;
    return [{ state: n, fp, label: `unlock ${op.l}` }];
  };

  const blockedFp = (s: Int32Array, t: number) => {
    const op = threads[t]!.ops[s[t]!];
    if (op?.op !== 'lock' && op?.op !== 'cs') return undefined;
    const fp = emptyFp();
    if (op.op === 'cs') {
      addSection(fp, vars.length + locks.indexOf(op.l));
      addWrite(fp, vars.indexOf(op.x));
    } else addLockOp(fp, vars.length + locks.indexOf(op.l), true);
    return fp;
  };

  return {
    threadNames: threads.map((t) => t.name),
    initial: () => new Int32Array(size),
    step,
    blockedFp,
    key: (s) => s.join(','),
    atEnd: (s): Violation | null => {
      const stuck = threads.filter((th, t) => s[t]! < th.ops.length).map((th) => th.name);
      return stuck.length ? { invariant: 'DEADLOCK', message: `blocked: ${stuck.join(', ')}` } : null;
    },
  };
}
