// Per-function lock summaries, in the callee's own names (parameters are
// substituted by the caller's argument texts at each call).
import type { LockKind } from '../xen/lockHelpers';

/** Stands for the returned object in a summary's lock names (`$ret->lock`); each call site names it after its own variable. */
export const RETURNED = '$ret';

export interface LockEffect {
  lock: string;
  kind: LockKind;
  /** Assumed from a `*_locked` name only (not stated by an ASSERT nor shown by a release). */
  conventional?: boolean;
}

export interface FunctionSummary {
  name: string;
  params: string[];
  /** Taken and still held at every exit. */
  acquires: LockEffect[];
  /** Held on entry (stated or inferred) and released at every exit. */
  releases: LockEffect[];
  /** Held on entry and released at some exits only: the caller may hold it afterwards. */
  mayReleases: LockEffect[];
  /** Held at exits returning non-NULL/true only (a trylock-like function). */
  condAcquires: LockEffect[];
  /**
   * Taken on some paths and never released by the function (a lock-pair
   * helper such as iocaps_double_lock, a begin helper conditioned on a flag):
   * the caller may hold it afterwards.
   */
  mayAcquires?: LockEffect[];
  /**
   * Held on entry and released exactly on the exits returning 0/NULL/false;
   * still held on the others (`sched_wait_rendezvous_in`: NULL when it let
   * the locks go). The caller's test of the result says which.
   */
  condReleases?: LockEffect[];
  /** How the return value says the condAcquires were taken: non-zero / non-NULL (default), or `status`: 0. */
  condConvention?: 'status';
  /** Must be held on entry (`*_locked`, ASSERT(spin_is_locked(…)), or released before being taken). */
  requires: LockEffect[];
  /** Every exit leaves interrupts on (true) or off (false), as this function set them (`spin_lock_irq` kept held). */
  irqExit?: boolean;
}

export function summaryKey(s: FunctionSummary): string {
  const k = (l: LockEffect[]): string =>
    l
      .map((e) => `${e.kind}:${e.lock}`)
      .sort()
      .join(',');
  return `${k(s.acquires)}|${k(s.releases)}|${k(s.mayReleases)}|${k(s.condAcquires)}|${k(s.requires)}|${k(s.mayAcquires ?? [])}|${k(s.condReleases ?? [])}|${s.condConvention ?? ''}|${s.irqExit ?? ''}`;
}

/** Looks summaries up by callee name (same file first, then the folder's). */
export interface SummaryLookup {
  get(name: string): FunctionSummary | undefined;
}

export class SummaryStore implements SummaryLookup {
  private readonly map = new Map<string, FunctionSummary>();
  get(name: string): FunctionSummary | undefined {
    return this.map.get(name);
  }
  set(s: FunctionSummary): void {
    this.map.set(s.name, s);
  }
  delete(name: string): void {
    this.map.delete(name);
  }
  get size(): number {
    return this.map.size;
  }
  values(): IterableIterator<FunctionSummary> {
    return this.map.values();
  }
}
