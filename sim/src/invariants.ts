// The contract's invariants over one vCPU's state. INV1-3 are over state the
// scheduler locks protect, so they are judged only where nobody holds the lock of
// v->processor (a critical section is atomic to threads that respect the lock).

import type { Violation } from './engine';
import { type Layout, lowestBit, type Names, type State } from './state';

/**
 * Severity order used to choose what to report when several are violated: the
 * scheduler's invariants first, then a failing assertion (a crash), a
 * deadlock, and a data race last (it is how the others usually start).
 */
const PRIORITY = ['INV1', 'INV2', 'INV4', 'ASSERT', 'INV5', 'DEADLOCK', 'INV3', 'RACE'] as const;

export function rank(inv: string): number {
  const i = (PRIORITY as readonly string[]).indexOf(inv);
  return i < 0 ? PRIORITY.length : i;
}

export function worse(a: Violation | undefined, b: Violation | undefined): Violation | undefined {
  if (!a) return b;
  if (!b) return a;
  return rank(b.invariant) < rank(a.invariant) ? b : a;
}

/** INV1, INV2, INV3 for vCPU u (most severe first). */
export function checkVcpu(L: Layout, s: State, u: number, n: Names): Violation | undefined {
  const v = n.vcpus[u]!;
  const q = s[L.qmask(u)]!;
  const proc = s[L.proc(u)]!;
  if (q !== 0 && q !== 1 << proc) {
    const on = lowestBit(q & ~(1 << proc));
    return { invariant: 'INV1', message: `${v} is on ${n.pcpus[on]}'s runqueue but ${v}->processor is ${n.pcpus[proc]}` };
  }
  if (q !== 0 && s[L.on(u)]! >= 0) {
    return { invariant: 'INV2', message: `${v} is on ${n.pcpus[lowestBit(q)]}'s runqueue while current on ${n.pcpus[s[L.on(u)]!]}` };
  }
  if ((q & (q - 1)) !== 0) {
    return { invariant: 'INV2', message: `${v} is on two runqueues` };
  }
  if (q !== 0 && s[L.flag(u)] && !s[L.run(u)]) {
    return {
      invariant: 'INV3',
      message: `${v} has _VPF_migrating set and is not running, but sits on ${n.pcpus[lowestBit(q)]}'s runqueue`,
    };
  }
  return undefined;
}

/** INV4 at the end of all threads: every vCPU is running or queued, or else neither runnable nor migrating. */
export function checkLost(L: Layout, s: State, n: Names): Violation | undefined {
  for (let u = 0; u < L.nv; u++) {
    if (s[L.on(u)]! >= 0 || s[L.qmask(u)] !== 0) continue;
    const v = n.vcpus[u]!;
    if (!s[L.flag(u)])
      return { invariant: 'INV4', message: `lost vCPU: ${v} is runnable but neither running nor on any runqueue at the end` };
    if (!s[L.run(u)])
      return {
        invariant: 'INV4',
        message: `lost vCPU: ${v} has _VPF_migrating set, is not running and no thread is left to finish its migration`,
      };
  }
  return undefined;
}
