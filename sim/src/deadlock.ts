// The end of an execution where some thread cannot move: who waits for which
// lock and who holds it. With only the Xen scheduler locks involved it is the
// contract's INV5 (as the migration model always reported it); as soon as a
// general lock is involved it is a DEADLOCK with the lock cycle.

import { waitsFor } from './actions';
import type { Violation } from './engine';
import { gHeldBy, gHolders, gLockName, gWaits } from './sharedActions';
import { lockName, type State } from './state';
import type { Ctx } from './step';

interface Wait {
  t: number;
  /** The lock's display name. */
  wants: string;
  holders: number[];
  general: boolean;
}

function xenHeldBy(ctx: Ctx, s: State, t: number): string[] {
  const out: string[] = [];
  for (let c = 0; c < ctx.L.np; c++) if (s[ctx.L.lock(c)] === t) out.push(lockName(ctx.names.pcpus[c]!));
  return out;
}

/** What each unfinished thread waits for (threads stopped for another reason have no lock). */
function waits(ctx: Ctx, s: State): { t: number; wait?: Wait }[] {
  const { L } = ctx;
  const out: { t: number; wait?: Wait }[] = [];
  ctx.threads.forEach((th, t) => {
    const op = th.ops[s[L.pc(t)]!];
    if (!op) return;
    if (op.g) {
      const k = gWaits(ctx, s, t, op);
      out.push(k >= 0 ? { t, wait: { t, wants: gLockName(ctx, k), holders: gHolders(ctx, s, k), general: true } } : { t });
      return;
    }
    const c = waitsFor(L, s, t, op, ctx);
    const owner = c >= 0 ? s[L.lock(c)]! : -1;
    out.push(c < 0 ? { t } : { t, wait: { t, wants: lockName(ctx.names.pcpus[c]!), holders: owner >= 0 ? [owner] : [], general: false } });
  });
  return out;
}

/** The violation of a state where no thread can move but some have not finished; null when all finished. */
export function stuckViolation(ctx: Ctx, s: State): Violation | null {
  const stuck = waits(ctx, s);
  if (stuck.length === 0) return null;
  const name = (t: number) => ctx.names.threads[t]!;
  if (!stuck.some((w) => w.wait?.general)) {
    const parts = stuck.map(({ t, wait }) => {
      if (!wait) return name(t);
      const holder = wait.holders[0];
      return `${name(t)} waits for ${wait.wants}${holder !== undefined ? ` held by ${name(holder)}` : ''}`;
    });
    return { invariant: 'INV5', message: `deadlock: ${parts.join('; ')}` };
  }
  const byThread = new Map(stuck.filter((w) => w.wait).map((w) => [w.t, w.wait!]));
  const holds = (t: number) => [...xenHeldBy(ctx, s, t), ...gHeldBy(ctx, s, t)];
  const cycle = findCycle(byThread);
  if (cycle) {
    const entries = cycle.map((t) => ({ thread: name(t), holds: holds(t), wants: byThread.get(t)!.wants }));
    const text = entries.map((e) => `${e.thread} holds ${e.holds.join(', ') || 'nothing'} and waits for ${e.wants}`).join('; ');
    return { invariant: 'DEADLOCK', message: `deadlock: ${text}`, cycle: entries };
  }
  // No cycle: someone waits for a lock a finished thread never released.
  const w = [...byThread.values()][0]!;
  const holder = w.holders[0];
  const entries = [...byThread.values()].map((x) => ({ thread: name(x.t), holds: holds(x.t), wants: x.wants }));
  return {
    invariant: 'DEADLOCK',
    message: `${name(w.t)} waits forever for ${w.wants}${holder !== undefined ? `, which ${name(holder)} still holds after it returned` : ''}`,
    cycle: entries,
  };
}

/** A cycle in the waits-for graph (thread -> a holder of the lock it wants), as threads in order. */
function findCycle(byThread: Map<number, Wait>): number[] | undefined {
  for (const start of byThread.keys()) {
    const seen: number[] = [];
    let t: number | undefined = start;
    while (t !== undefined && !seen.includes(t)) {
      seen.push(t);
      const w = byThread.get(t);
      t = w?.holders.find((h) => byThread.has(h)) ?? w?.holders[0];
      if (t !== undefined && !byThread.has(t)) t = undefined;
    }
    if (t !== undefined) return seen.slice(seen.indexOf(t));
  }
  return undefined;
}
