// explore(): runs DPOR (or the naive search) over a model, then, if an invariant
// broke, a BFS for a shortest counterexample of the most severe one, and builds
// the contract's SimResult.

import { shortestViolation } from './bfs';
import { dporSearch } from './dpor';
import type { Found, PathStep, SearchLimits, SearchResult, Violation } from './engine';
import { rank } from './invariants';
import { countNaiveEnumeration, type NaiveCount, naiveSearch } from './naive';
import type { Model } from './program';
import { nothingToCheck, sharedBetweenThreads } from './sharing';
import { initialVars, renderTrace } from './trace';
import type { InvariantId, ModelSummary, SimResult, SimStats } from './types';
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
  const summary = modelSummary(model, sys);
  const sharing = sharedBetweenThreads(sys.ctx);
  if (!sys.xen && sharing.locations.length + sharing.locks.length === 0) {
    const out: SimResult = {
      version: 1,
      result: 'nothing-to-check',
      message: nothingToCheck(summary),
      trace: [],
      stats: { states: 0, transitions: 0, ms: Math.round(clock() - t0), reduction: opts.reduction ?? 'dpor', executions: 0 },
      threads: sys.threadNames.slice(),
      model: summary,
    };
    if (sys.notes.length) out.notes = sys.notes.slice();
    return out;
  }
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
  const base = { version: 1 as const, threads: sys.threadNames.slice(), stats, model: summary };
  const notes = sys.notes.slice();
  const done = (r: Omit<SimResult, 'version' | 'stats' | 'threads' | 'model'>): SimResult => {
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
  const general = 'no data race, failing assertion or deadlock';
  const checked = !sys.xen ? general : model.shared?.locations.length ? `no invariant violated, ${general}` : 'no invariant violated';
  return done({
    result: 'verified',
    message: `all interleavings explored: ${checked} (${stats.states} states, ${stats.executions} executions)`,
    trace: [],
  });
}

/** Why the simulator cannot take a model (too large, unknown names, too many initial states), or undefined. */
export function checkModel(model: Model): string | undefined {
  try {
    buildSystem(model);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** What the model is made of, for the result: its threads, the locations it tracks, what the extraction left out. */
function modelSummary(model: Model, sys: XenSystem): ModelSummary {
  const threads = sys.threadNames.map((name, t) => {
    const p = model.threads[t];
    return { name, function: p ? (p.function ?? p.name) : 'schedule' };
  });
  const locations: string[] = [];
  if (sys.xen) {
    for (const v of sys.ctx.names.vcpus) locations.push(`${v}->processor`, `${v}->pause_flags`, `${v}->is_running`);
    for (const p of sys.ctx.names.pcpus) locations.push(`curr_on_cpu(${p})`, `runq(${p})`);
  }
  for (const l of model.shared?.locations ?? []) locations.push(l.name);
  return { threads, locations, skipped: (model.skipped ?? []).slice() };
}

/** The most severe violation found, with a shortest trace to it when BFS can find one in budget. */
function counterexample(
  sys: XenSystem,
  res: SearchResult,
  lim: SearchLimits,
  stats: SimStats,
  notes: string[],
  symmetry: boolean,
): Omit<SimResult, 'version' | 'stats' | 'threads' | 'model'> {
  const all = [...res.found.values()].sort((a, b) => rank(a.violation.invariant) - rank(b.violation.invariant));
  const worst: Found = all[0]!;
  const inv = worst.violation.invariant;
  const others = all.slice(1).map((f) => f.violation.invariant);
  if (others.length) notes.push(`also violated: ${others.join(', ')}`);
  if (res.limit) notes.push('the search stopped early; other violations may exist');
  const bfs = shortestViolation(sys, inv, { ...lim, stopOn: undefined, onProgress: undefined }, symmetry);
  stats.counterexampleStates = bfs.states;
  let path = worst.path,
    violation = worst.violation;
  if (bfs.path && bfs.violation) {
    path = bfs.path;
    violation = bfs.violation;
  } else notes.push('the shortest-counterexample search ran out of budget: the trace is the first one found, not necessarily minimal');
  const init = initialVars(sys, path);
  if (init && Object.keys(init).length)
    notes.push(
      `initial values: ${Object.entries(init)
        .map(([k, v]) => `${k} = ${String(v)}`)
        .join(', ')}`,
    );
  const out: Omit<SimResult, 'version' | 'stats' | 'threads' | 'model'> = {
    result: 'violation',
    invariant: inv as InvariantId,
    message: violation.message,
    trace: renderTrace(sys, path),
  };
  return { ...out, ...details(sys, violation, path) };
}

/** The contract's details of a violation: the racing steps, the failing assertion, the lock cycle. */
function details(sys: XenSystem, v: Violation, path: PathStep[]): Pick<SimResult, 'race' | 'assertion' | 'cycle'> {
  const out: Pick<SimResult, 'race' | 'assertion' | 'cycle'> = {};
  if (v.race) {
    const steps = path.filter((p) => p.thread >= 0).length;
    // DPOR's pair may leave the second access earlier than the last step only if the path was cut; clamp to the trace.
    out.race = {
      first: Math.min(v.race.first, steps - 1) + 1,
      second: Math.min(v.race.second, steps - 1) + 1,
      location: sys.locationOf(v.race.obj) ?? `object ${v.race.obj}`,
    };
  }
  if (v.assertion) out.assertion = { ...v.assertion };
  if (v.cycle) out.cycle = v.cycle.map((c) => ({ ...c, holds: c.holds.slice() }));
  return out;
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
