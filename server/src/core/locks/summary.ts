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

/**
 * `summaryKey(a) === summaryKey(b)`, mostly without the keys: the solve asks
 * it of every function analysed again (its summary against the last one), and
 * the keys, one string per summary, were kept to the end of a run only to be
 * found equal. Lists equal item by item make equal keys; lists that differ
 * (or only in order, which the key's sort hides) are compared by key.
 */
export function sameSummaryKey(a: FunctionSummary, b: FunctionSummary): boolean {
  if (
    sameEffects(a.acquires, b.acquires) &&
    sameEffects(a.releases, b.releases) &&
    sameEffects(a.mayReleases, b.mayReleases) &&
    sameEffects(a.condAcquires, b.condAcquires) &&
    sameEffects(a.requires, b.requires) &&
    sameEffects(a.mayAcquires ?? NO_EFFECTS, b.mayAcquires ?? NO_EFFECTS) &&
    sameEffects(a.condReleases ?? NO_EFFECTS, b.condReleases ?? NO_EFFECTS) &&
    a.condConvention === b.condConvention &&
    a.irqExit === b.irqExit
  )
    return true;
  return summaryKey(a) === summaryKey(b);
}

const NO_EFFECTS: readonly LockEffect[] = [];

/** The same effects in the same order (their parts of the key are then the same). */
function sameEffects(a: readonly LockEffect[], b: readonly LockEffect[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.kind !== b[i]!.kind || a[i]!.lock !== b[i]!.lock) return false;
  return true;
}

/**
 * The summary's key is that of a summary with nothing in it (no summary and
 * such a one mean the same to callers), without making the key: every list
 * empty (an effect adds `kind:lock` to its part), no convention, no exit state.
 */
export function isEmptySummary(s: FunctionSummary): boolean {
  return (
    s.acquires.length === 0 &&
    s.releases.length === 0 &&
    s.mayReleases.length === 0 &&
    s.condAcquires.length === 0 &&
    s.requires.length === 0 &&
    !s.mayAcquires?.length &&
    !s.condReleases?.length &&
    !s.condConvention &&
    s.irqExit === undefined
  );
}

/** Looks summaries up by callee name (same file first, then the folder's). */
export interface SummaryLookup {
  get(name: string): FunctionSummary | undefined;
  /**
   * Whether `get` answers every name with the same object as `earlier` did (when the lookup can tell: a
   * WorkspaceIndex's knows whether the index changed since). The editor's solve then need not ask again
   * for what an unchanged function calls (core/analyzer.ts SolveMemo).
   */
  unchangedSince?(earlier: SummaryLookup): boolean;
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
