// Where a moved lock result came from. The incremental analysis does not
// recompute a function whose text did not change when an edit above it moves
// it: it shows the result as computed, shifted (incremental/shift.ts). What
// is derived from a result and does not depend on where the function sits
// (the lock discipline's facts, guards/collect.ts) is remembered for the
// result as computed and moved along with it, instead of recomputed.
import type { FunctionLocks, LockRef } from './analyze';

export interface Move {
  /** Added to every offset. */
  offset: number;
  /** Added to every 0-based line. */
  line: number;
}

/** What a moved view is a view of: the result as computed (never a view: views do not chain) and the move. */
export interface Origin {
  readonly base: FunctionLocks;
  readonly delta: Move;
}

/**
 * Where a moved view (incremental/shift.ts) keeps its Origin: a property
 * of the view itself, not enumerable (a view has the same fields as a
 * result), defined with the view's lazy fields' state. A WeakMap entry per
 * view cost an insertion per moved function per keystroke, and a lookup per
 * reader (the discipline asks for every function, several times). A result
 * as computed has no such property: nothing is added to the objects a
 * folder's run makes (a field on every result made that run slower).
 */
export const ORIGIN = Symbol('origin');

const NO_MOVE: Move = { offset: 0, line: 0 };

/** The result `fn` is a moved view of (itself when it was computed where it is), with the move. */
export function originOf(fn: FunctionLocks): Origin {
  return (fn as FunctionLocks & { readonly [ORIGIN]?: Origin })[ORIGIN] ?? { base: fn, delta: NO_MOVE };
}

const NONE: LockRef[] = [];

/**
 * The locks the function's first line says it is entered holding because
 * it ASSERTs them (its must-held ones, then with `may` its may-held ones),
 * read from the result as computed and moved: asking a moved view for its
 * `lineLocks` would move every line of it. The lock discipline asks this of
 * every function on every edit, and most functions assert none: nothing is
 * copied for them.
 */
export function assertedOnEntry(fn: FunctionLocks, may: boolean): LockRef[] {
  // (Read here without originOf's object, and counted before any list is made: asked of every function,
  // twice per edit, this allocated a few objects each time to find, mostly, nothing.)
  const origin = (fn as FunctionLocks & { readonly [ORIGIN]?: Origin })[ORIGIN];
  const base = origin ? origin.base : fn;
  const first = base.entryLine ?? base.lineLocks[0];
  if (!first) return NONE;
  const must = first.must;
  const mayRefs = may ? first.may : NONE;
  let count = 0;
  for (const r of must) if (asserted(r)) count++;
  for (const r of mayRefs) if (asserted(r)) count++;
  if (count === 0) return NONE;
  // Its must-held ones, then its may-held ones.
  const out = new Array<LockRef>(count);
  let i = 0;
  for (const r of must) if (asserted(r)) out[i++] = r;
  for (const r of mayRefs) if (asserted(r)) out[i++] = r;
  return !origin || origin.delta.line === 0 ? out : moveRefs(out, origin.delta.line);
}

/** Held on entry because the function ASSERTs it. */
function asserted(r: LockRef): boolean {
  return r.entry === true && r.because?.how === 'assert';
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
