// Naive exhaustive search: every interleaving, no reduction. Stateful (a visited
// set, so the state graph is explored once); the number of complete executions
// (maximal paths) is counted on the graph by memoised path counting, which is
// what an unreduced stateless enumeration would run.

import {
  Budget,
  emptyStats,
  type Found,
  fromRoot,
  type Outcome,
  type PathStep,
  record,
  rootsOf,
  type SearchLimits,
  type SearchResult,
  type TransitionSystem,
} from './engine';
import { mayRace, raceAt } from './races';

interface Frame<S> {
  key: string;
  succ: { out: Outcome<S>; thread: number; outcome: number }[];
  i: number;
  paths: number;
}

const ON_STACK = -1;

export function naiveSearch<S>(sys: TransitionSystem<S>, lim: SearchLimits, collectEnds = false): SearchResult {
  const stats = emptyStats();
  const found = new Map<string, Found>();
  const budget = new Budget(lim);
  const paths = new Map<string, number>();
  const ends = collectEnds ? new Set<string>() : undefined;
  const stack: Frame<S>[] = [];
  const path: PathStep[] = [];
  let stop = false;
  let root = 0;

  const push = (s: S, key: string): void => {
    paths.set(key, ON_STACK);
    stats.states++;
    const succ: Frame<S>['succ'] = [];
    const per = sys.threadNames.map((_, t) => sys.step(s, t));
    per.forEach((outs, t) => outs?.forEach((out, outcome) => succ.push({ out, thread: t, outcome })));
    const frame: Frame<S> = { key, succ, i: 0, paths: 0 };
    if (!found.has('RACE') && mayRace(per)) {
      const race = raceAt(sys, per, path.length);
      if (race && record(found, race.violation, fromRoot(root, [...path, ...race.steps]), lim)) stop = true;
    }
    if (succ.length === 0) {
      frame.paths = 1;
      ends?.add(key);
      const v = sys.atEnd(s);
      if (v && record(found, v, fromRoot(root, path), lim)) stop = true;
    }
    stack.push(frame);
  };

  const roots = rootsOf(sys);
  let executions = 0;
  for (root = 0; root < roots.length && !stop; root++) {
    const s0 = roots[root]!;
    const k0 = sys.key(s0);
    const known = paths.get(k0);
    if (known !== undefined) {
      if (known !== ON_STACK) executions += known;
      continue;
    }
    push(s0, k0);
    walk();
    if (stack.length === 0) executions += paths.get(k0) ?? 0;
  }
  stats.executions = stop || budget.limit ? 0 : executions;
  const res: SearchResult = { stats, found };
  if (budget.limit) res.limit = budget.limit;
  if (ends) res.endStates = ends;
  return res;

  function walk(): void {
    while (stack.length > 0 && !stop) {
      const f = stack[stack.length - 1]!;
      if (f.i >= f.succ.length) {
        paths.set(f.key, f.paths);
        stack.pop();
        path.pop();
        if (stack.length > 0) stack[stack.length - 1]!.paths += f.paths;
        continue;
      }
      const { out, thread, outcome } = f.succ[f.i++]!;
      stats.transitions++;
      path[stack.length - 1] = { thread, outcome };
      path.length = stack.length;
      if (out.violation && record(found, out.violation, fromRoot(root, path), lim)) {
        stop = true;
        break;
      }
      const key = sys.key(out.state);
      const known = paths.get(key);
      if (known !== undefined) {
        if (known !== ON_STACK) f.paths += known;
        continue;
      }
      if (!budget.ok(stats.states + 1)) {
        stop = true;
        break;
      }
      push(out.state, key);
    }
  }
}

/** Exact count of what a stateless naive enumeration visits (see countNaiveEnumeration). */
export interface NaiveCount {
  /**
   * Nodes of the execution tree: the states a stateless enumeration of every
   * interleaving visits (root included), = Σ over reachable states of the number
   * of distinct paths to it. `number` while exact in a double, else `bigint`.
   * Infinity when the state graph has a cycle (the enumeration never ends).
   */
  treeStates: number | bigint;
  /** Complete executions (maximal paths) = leaves of the execution tree. */
  executions: number | bigint;
  /** Distinct states of the (stateful) state graph. */
  graphStates: number;
  /** With symmetry: the symmetry classes (orbits) actually explored. */
  graphOrbits?: number;
  /** Edges of the state graph (one per thread step outcome). */
  graphTransitions: number;
  /** True when a cycle was found (then treeStates/executions are Infinity). */
  cyclic: boolean;
  ms: number;
  limit?: 'states' | 'time' | 'cancelled';
}

type Big = number | bigint;
const SAFE = Number.MAX_SAFE_INTEGER;
/** Exact addition: doubles while the result stays exactly representable, BigInt after. */
function add(a: Big, b: Big): Big {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= SAFE) return s;
  }
  if (a === Infinity || b === Infinity) return Infinity;
  return BigInt(a) + BigInt(b);
}

/**
 * The size of the naive enumeration (every interleaving, no reduction, no state
 * caching) computed without enumerating it: one DFS over the state graph with
 * memoised subtree sizes. The execution tree below a state s has
 * N(s) = 1 + Σ_{edges s→t} N(t) nodes and E(s) = Σ E(t) leaves (1 at an end
 * state), so N(initial) is the number of states the stateless enumeration
 * visits. Valid because the graph is acyclic; a back edge (cycle) is detected
 * and reported (`cyclic`, counts Infinity). Invariant violations do not cut
 * the enumeration (the count is of the full tree).
 */
export function countNaiveEnumeration<S>(sys: TransitionSystem<S>, lim: SearchLimits, opts: { symmetry?: boolean } = {}): NaiveCount {
  const t0 = performance.now();
  const budget = new Budget(lim);
  // Per state: index into the value arrays; ON_STACK marks a state being explored.
  const index = new Map<string, number>();
  const nodes: Big[] = [];
  const leaves: Big[] = [];
  interface F {
    id: number;
    succ: S[];
    keys: (string | undefined)[];
    i: number;
    n: Big;
    e: Big;
  }
  const stack: F[] = [];
  let transitions = 0;
  let cyclic = false;
  const T = sys.threadNames.length;
  // Symmetry: the subtrees below symmetric states are isomorphic, so N and E
  // are memoised per orbit; graph sizes add up the orbits' sizes. A cycle in
  // the quotient is one in the graph (s →* π(s) →* π²(s) … →* s).
  const canon = opts.symmetry && sys.canon && sys.orbitSize ? sys.canon.bind(sys) : undefined;
  const perm = new Int8Array(T);
  const keyOf = canon ? (s: S) => canon(s, perm) : (s: S) => sys.key(s);
  let graphStates = 0;
  const push = (s: S, key: string): boolean => {
    const id = nodes.length;
    index.set(key, id);
    nodes.push(ON_STACK);
    leaves.push(0);
    const succ: S[] = [];
    for (let t = 0; t < T; t++) {
      const outs = sys.step(s, t);
      if (outs) for (const o of outs) succ.push(o.state);
    }
    const orbit = canon ? sys.orbitSize!(s) : 1;
    graphStates += orbit;
    transitions += orbit * succ.length;
    stack.push({ id, succ, keys: [], i: 0, n: 1, e: succ.length === 0 ? 1 : 0 });
    return budget.ok(nodes.length);
  };
  const roots = rootsOf(sys);
  let ok = true;
  let treeStates: Big = 0,
    executions: Big = 0;
  for (let r = 0; r < roots.length && ok; r++) {
    const s0 = roots[r]!;
    const k0 = keyOf(s0);
    const id = index.get(k0);
    if (id === undefined) {
      ok = push(s0, k0);
      ok = drain() && ok;
    }
    const at = index.get(k0)!;
    treeStates = add(treeStates, nodes[at]!);
    executions = add(executions, leaves[at]!);
  }

  function drain(): boolean {
    while (stack.length > 0 && ok) {
      const f = stack[stack.length - 1]!;
      if (f.i >= f.succ.length) {
        nodes[f.id] = f.n;
        leaves[f.id] = f.e;
        stack.pop();
        if (stack.length > 0) {
          const p = stack[stack.length - 1]!;
          p.n = add(p.n, f.n);
          p.e = add(p.e, f.e);
        }
        continue;
      }
      const s = f.succ[f.i++]!;
      const key = keyOf(s);
      const id = index.get(key);
      if (id !== undefined) {
        const n = nodes[id]!;
        if (n === ON_STACK) {
          cyclic = true;
          f.n = Infinity;
          f.e = Infinity;
          continue;
        }
        f.n = add(f.n, n);
        f.e = add(f.e, leaves[id]!);
        continue;
      }
      ok = push(s, key);
    }
    return ok;
  }
  const res: NaiveCount = {
    treeStates: cyclic ? Infinity : treeStates,
    executions: cyclic ? Infinity : executions,
    graphStates,
    graphTransitions: transitions,
    cyclic,
    ms: Math.round(performance.now() - t0),
  };
  if (canon) res.graphOrbits = nodes.length;
  if (budget.limit) res.limit = budget.limit;
  return res;
}

/**
 * The stateless naive enumeration itself: every interleaving, no visited set.
 * Exponential; for known-answer tests of countNaiveEnumeration on small models.
 * stats.states counts tree nodes (root included), stats.executions its leaves.
 */
export function enumerateNaive<S>(sys: TransitionSystem<S>, lim: SearchLimits): SearchResult {
  const stats = emptyStats();
  const found = new Map<string, Found>();
  const budget = new Budget(lim);
  const path: PathStep[] = [];
  let stop = false;
  const T = sys.threadNames.length;
  const visit = (s: S): void => {
    stats.states++;
    if (!budget.ok(stats.states)) {
      stop = true;
      return;
    }
    let any = false;
    for (let t = 0; t < T && !stop; t++) {
      const outs = sys.step(s, t);
      if (!outs) continue;
      for (let i = 0; i < outs.length && !stop; i++) {
        any = true;
        const o = outs[i]!;
        stats.transitions++;
        path.push({ thread: t, outcome: i });
        if (o.violation && record(found, o.violation, path, lim)) stop = true;
        else visit(o.state);
        path.pop();
      }
    }
    if (!any) {
      stats.executions++;
      const v = sys.atEnd(s);
      if (v && record(found, v, path, lim)) stop = true;
    }
  };
  for (const s0 of rootsOf(sys)) if (!stop) visit(s0);
  const res: SearchResult = { stats, found };
  if (budget.limit) res.limit = budget.limit;
  return res;
}
