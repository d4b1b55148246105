// Breadth-first search over the state graph for the shortest path to a violation
// of one invariant: BFS reaches states in order of path length, so the first hit
// is minimal in steps. Other invariants' violations are walked through, not cut.

import { Budget, type PathStep, rootsOf, type SearchLimits, type TransitionSystem, type Violation } from './engine';
import { mayRace, raceAt } from './races';

interface Parent {
  from: string;
  step: PathStep;
}

export interface ShortestResult {
  path?: PathStep[];
  message?: string;
  /** The violation at the end of the path (its details: assertion, cycle, race). */
  violation?: Violation;
  states: number;
  limit?: 'states' | 'time' | 'cancelled';
}

/**
 * With `symmetry` (and sys.canon), states are identified up to the thread
 * renaming: path lengths are the same in the quotient, and each parent link is
 * a real step from the state stored for its key, so the path replays as is.
 */
export function shortestViolation<S>(sys: TransitionSystem<S>, invariant: string, lim: SearchLimits, symmetry = false): ShortestResult {
  const budget = new Budget(lim);
  const perm = new Int8Array(sys.threadNames.length);
  const canon = symmetry ? sys.canon : undefined;
  const keyOf = canon ? (s: S) => canon(s, perm) : (s: S) => sys.key(s);
  // Several initial states: each is a root, its parent link the pseudo-step naming it.
  const parent = new Map<string, Parent | null>();
  let frontier: { s: S; k: string }[] = [];
  rootsOf(sys).forEach((s0, i) => {
    const k0 = keyOf(s0);
    if (parent.has(k0)) return;
    parent.set(k0, i === 0 ? null : { from: '', step: { thread: -1, outcome: i } });
    frontier.push({ s: s0, k: k0 });
  });
  const pathTo = (k: string, ...last: PathStep[]): PathStep[] => {
    const steps: PathStep[] = last.reverse();
    for (let p = parent.get(k); p; p = parent.get(p.from)) steps.push(p.step);
    return steps.reverse();
  };
  const found = (path: PathStep[], v: Violation): ShortestResult => ({ path, message: v.message, violation: v, states: parent.size });
  const realSteps = (path: PathStep[]): number => path.filter((p) => p.thread >= 0).length;
  while (frontier.length > 0) {
    // End-state checks first: a path to a state of this layer is shorter than
    // any path through one more transition. A race needs two more steps: it
    // is looked for in this layer too, before any longer path.
    const layer = frontier.map(({ s, k }) => ({ s, k, outs: sys.threadNames.map((_, t) => sys.step(s, t)) }));
    for (const { s, k, outs } of layer) {
      if (outs.some((o) => o && o.length > 0)) continue;
      const v = sys.atEnd(s);
      if (v?.invariant === invariant) return found(pathTo(k), v);
    }
    if (invariant === 'RACE') {
      for (const { k, outs } of layer) {
        if (!mayRace(outs)) continue;
        const prefix = pathTo(k);
        const race = raceAt(sys, outs, realSteps(prefix));
        if (race) return found([...prefix, ...race.steps], race.violation);
      }
    }
    const next: typeof frontier = [];
    for (const { k, outs } of layer) {
      for (let t = 0; t < outs.length; t++) {
        const ts = outs[t];
        if (!ts) continue;
        for (let i = 0; i < ts.length; i++) {
          const o = ts[i]!;
          const step = { thread: t, outcome: i };
          if (o.violation?.invariant === invariant) return found(pathTo(k, step), o.violation);
          const ck = keyOf(o.state);
          if (parent.has(ck)) continue;
          parent.set(ck, { from: k, step });
          if (!budget.ok(parent.size)) return { states: parent.size, limit: budget.limit! };
          next.push({ s: o.state, k: ck });
        }
      }
    }
    frontier = next;
  }
  return { states: parent.size };
}
