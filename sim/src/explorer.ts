// explore(): runs DPOR (or the naive search) over a model, then, if an invariant
// broke, a BFS for a shortest counterexample of the most severe one, and builds
// the contract's SimResult.

import { shortestViolation } from './bfs';
import { dporSearch } from './dpor';
import type { Found, SearchLimits, SearchResult } from './engine';
import { rank } from './invariants';
import { countNaiveEnumeration, type NaiveCount, naiveSearch } from './naive';
import type { Model } from './program';
import { renderTrace } from './trace';
import type { InvariantId, SimResult, SimStats } from './types';
import { buildSystem, type XenSystem } from './xenSystem';

export interface ExploreOptions {
  reduction?: 'dpor' | 'none';
  /** Distinct states before giving up with result `limit` (default 2,000,000). */
  maxStates?: number;
  /** Wall-clock budget in ms (default 60,000). */
  timeoutMs?: number;
  signal?: { cancelled: boolean } | AbortSignal;
  onProgress?: (states: number) => void;
  /** The clock the time budget and progress reports read (default performance.now; tests inject their own). */
  clock?: () => number;
  /**
   * DPOR only: cache explored states (stateful DPOR; default true). Without it,
   * DPOR is stateless and runs exactly one execution per Mazurkiewicz trace.
   */
  stateful?: boolean;
  /**
   * Identify states up to permutations of identical initiator threads (same
   * program): in the DPOR state cache and the shortest-counterexample BFS.
   * Default true; only stateful DPOR uses it.
   */
  symmetry?: boolean;
}

const DEFAULT_MAX_STATES = 2_000_000;
const DEFAULT_TIMEOUT_MS = 60_000;

export function explore(model: Model, opts: ExploreOptions = {}): SimResult {
  const clock = opts.clock ?? (() => performance.now());
  const t0 = clock();
  const sys = buildSystem(model);
  const reduction = opts.reduction ?? 'dpor';
  const lim: SearchLimits = {
    maxStates: opts.maxStates ?? DEFAULT_MAX_STATES,
    deadline: t0 + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    now: clock,
    signal: opts.signal,
    onProgress: opts.onProgress,
    stopOn: (inv) => rank(inv) === 0, // nothing is worse than INV1: stop there
  };
  const stateful = opts.stateful ?? true;
  const symmetry = reduction === 'dpor' && stateful && (opts.symmetry ?? true) && sys.canon !== undefined;
  const res = reduction === 'dpor' ? dporSearch(sys, lim, { stateful, symmetry }) : naiveSearch(sys, lim);
  const stats: SimStats = {
    states: res.stats.states,
    transitions: res.stats.transitions,
    ms: 0,
    reduction,
    executions: res.stats.executions,
  };
  if (reduction === 'dpor') stats.sleepBlocked = res.stats.sleepBlocked;
  if (symmetry) stats.symmetry = true;
  const base = { version: 1 as const, threads: sys.threadNames.slice(), stats };
  const notes = sys.notes.slice();
  const done = (r: Omit<SimResult, 'version' | 'stats' | 'threads'>): SimResult => {
    stats.ms = Math.round(clock() - t0);
    const out: SimResult = { ...base, ...r };
    if (notes.length) out.notes = notes;
    return out;
  };
  if (res.found.size > 0) return done(counterexample(sys, res, lim, stats, notes, symmetry));
  if (res.limit) {
    const why =
      res.limit === 'states' ? `more than ${lim.maxStates} states` : res.limit === 'time' ? 'the time budget ran out' : 'cancelled';
    return done({
      result: 'limit',
      message: `no violation found before the search stopped (${why}) after ${stats.states} states`,
      trace: [],
    });
  }
  return done({
    result: 'verified',
    message: `all interleavings explored: no invariant violated (${stats.states} states, ${stats.executions} executions)`,
    trace: [],
  });
}

/** The most severe violation found, with a shortest trace to it when BFS can find one in budget. */
function counterexample(
  sys: XenSystem,
  res: SearchResult,
  lim: SearchLimits,
  stats: SimStats,
  notes: string[],
  symmetry: boolean,
): Omit<SimResult, 'version' | 'stats' | 'threads'> {
  const all = [...res.found.values()].sort((a, b) => rank(a.violation.invariant) - rank(b.violation.invariant));
  const worst: Found = all[0]!;
  const inv = worst.violation.invariant;
  const others = all.slice(1).map((f) => f.violation.invariant);
  if (others.length) notes.push(`also violated: ${others.join(', ')}`);
  if (res.limit) notes.push('the search stopped early; other violations may exist');
  const bfs = shortestViolation(sys, inv, { ...lim, stopOn: undefined, onProgress: undefined }, symmetry);
  stats.counterexampleStates = bfs.states;
  let path = worst.path,
    message = worst.violation.message;
  if (bfs.path) {
    path = bfs.path;
    message = bfs.message ?? message;
  } else notes.push('the shortest-counterexample search ran out of budget: the trace is the first one found, not necessarily minimal');
  return { result: 'violation', invariant: inv as InvariantId, message, trace: renderTrace(sys, path) };
}

/**
 * The size of the naive enumeration of a model (every interleaving, no
 * reduction, no state caching), computed exactly on the state graph without
 * enumerating it (see countNaiveEnumeration). Also what a stateful naive
 * search visits (graphStates). With symmetry (default) the DFS memoises per
 * orbit of identical initiators; the counts are still of the full tree/graph.
 */
export function countNaive(model: Model, opts: Pick<ExploreOptions, 'maxStates' | 'timeoutMs' | 'signal' | 'symmetry'> = {}): NaiveCount {
  const sys = buildSystem(model);
  return countNaiveEnumeration(
    sys,
    {
      maxStates: opts.maxStates ?? 50_000_000,
      deadline: performance.now() + (opts.timeoutMs ?? 600_000),
      signal: opts.signal,
    },
    { symmetry: opts.symmetry ?? true },
  );
}
