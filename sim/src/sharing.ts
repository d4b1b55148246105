// What the threads of a model share: the locations two of them access (one
// writing) and the locks two of them take. A model without the Xen scheduler
// whose threads share nothing has nothing to check: every interleaving is
// equivalent to running the threads one after the other.

import { READ_ONLY_ATOMICS } from './sharedProgram';
import type { Ctx } from './step';
import type { ModelSummary } from './types';

export interface Sharing {
  locations: string[];
  locks: string[];
}

export function sharedBetweenThreads(ctx: Ctx): Sharing {
  const ix = ctx.shared;
  if (!ix) return { locations: [], locks: [] };
  const access = ix.spec.locations.map(() => ({ threads: new Set<number>(), written: false }));
  const taken = ix.spec.locks.map(() => new Set<number>());
  ctx.threads.forEach((th, t) => {
    for (const op of th.ops) {
      const g = op.g;
      if (!g) continue;
      if (g.loc >= 0) {
        const a = access[g.loc]!;
        a.threads.add(t);
        if (op.k === 'gWrite' || op.k === 'gList' || (op.k === 'gAtomic' && !READ_ONLY_ATOMICS.has(g.afn!))) a.written = true;
      }
      if (op.k === 'gLock' || op.k === 'gTry' || op.k === 'gUnlock') {
        // A lock named in the op, or (a family, a lock pointer) possibly any of them.
        const ks = g.lockName !== undefined ? [ix.lock(g.lockName)] : ix.spec.locks.map((_, k) => k);
        for (const k of ks) taken[k]!.add(t);
      }
    }
  });
  return {
    locations: ix.spec.locations.filter((_, i) => access[i]!.threads.size >= 2 && access[i]!.written).map((l) => l.name),
    locks: ix.spec.locks.filter((_, k) => taken[k]!.size >= 2).map((l) => l.name),
  };
}

/** Why a model without the scheduler has nothing to check, in one sentence. */
export function nothingToCheck(summary: ModelSummary): string {
  const threads = summary.threads.map((t) => t.name);
  if (threads.length < 2) return `only one thread (${threads.join('')}): there is nothing to interleave it with`;
  const what = summary.locations.length ? `they touch ${summary.locations.join(', ')}, ` : '';
  return `${threads.join(' and ')} share no location that one of them writes and no lock (${what}see the notes for what each touches): every interleaving is the same`;
}
