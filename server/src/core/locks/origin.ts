// Where a moved lock result came from. The incremental analysis does not
// recompute a function whose text did not change when an edit above it moves
// it: it shows the result as computed, shifted (incremental/shift.ts). What
// is derived from a result and does not depend on where the function sits
// (the lock discipline's facts, guards/collect.ts) is remembered for the
// result as computed and moved along with it, instead of recomputed.
import type { FunctionLocks, LineLocks, LockRef } from './analyze';

export interface Move {
  /** Added to every offset. */
  offset: number;
  /** Added to every 0-based line. */
  line: number;
}

const origins = new WeakMap<FunctionLocks, { base: FunctionLocks; delta: Move }>();
const NO_MOVE: Move = { offset: 0, line: 0 };

/** Records that `view` is `base` moved by `delta` (views never chain: `base` is a result as computed). */
export function recordOrigin(view: FunctionLocks, base: FunctionLocks, delta: Move): void {
  origins.set(view, { base, delta });
}

/** The result `fn` is a moved view of (itself when it was computed where it is), with the move. */
export function originOf(fn: FunctionLocks): { base: FunctionLocks; delta: Move } {
  return origins.get(fn) ?? { base: fn, delta: NO_MOVE };
}

/**
 * The function's first line's lock sets (what it is entered holding), read
 * from the result as computed and moved: asking a moved view for its
 * `lineLocks` would move every line of it.
 */
export function firstLineLocks(fn: FunctionLocks): Pick<LineLocks, 'line' | 'must' | 'may'> | undefined {
  const { base, delta } = originOf(fn);
  const first = base.entryLine ?? base.lineLocks[0];
  if (!first || delta.line === 0) return first;
  return { line: first.line + delta.line, must: moveRefs(first.must, delta.line), may: moveRefs(first.may, delta.line) };
}

/** Lock references `dl` lines further down (the same array when there are none). */
export function moveRefs(refs: LockRef[], dl: number): LockRef[] {
  return refs.length === 0
    ? refs
    : refs.map((r) => {
        const out: LockRef = { ...r, line: r.line + dl };
        if (r.because?.line !== undefined) out.because = { ...r.because, line: r.because.line + dl };
        return out;
      });
}
