// Breadth-first search over the state graph for the shortest path to a violation
// of one invariant: BFS reaches states in order of path length, so the first hit
// is minimal in steps. Other invariants' violations are walked through, not cut.

import { Budget, type PathStep, type SearchLimits, type TransitionSystem } from './engine';

interface Parent {
  from: string;
  step: PathStep;
}

export interface ShortestResult {
  path?: PathStep[];
  message?: string;
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
  const s0 = sys.initial();
  const k0 = keyOf(s0);
  const parent = new Map<string, Parent | null>([[k0, null]]);
  let frontier: { s: S; k: string }[] = [{ s: s0, k: k0 }];
  const pathTo = (k: string, last?: PathStep): PathStep[] => {
    const steps: PathStep[] = last ? [last] : [];
    for (let p = parent.get(k); p; p = parent.get(p.from)) steps.push(p.step);
    return steps.reverse();
  };
  while (frontier.length > 0) {
    // End-state checks first: a path to a state of this layer is shorter than
    // any path through one more transition.
    const layer = frontier.map(({ s, k }) => ({ s, k, outs: sys.threadNames.map((_, t) => sys.step(s, t)) }));
    for (const { s, k, outs } of layer) {
      if (outs.some((o) => o && o.length > 0)) continue;
      const v = sys.atEnd(s);
      if (v?.invariant === invariant) return { path: pathTo(k), message: v.message, states: parent.size };
    }
    const next: typeof frontier = [];
    for (const { k, outs } of layer) {
      for (let t = 0; t < outs.length; t++) {
        const ts = outs[t];
        if (!ts) continue;
        for (let i = 0; i < ts.length; i++) {
          const o = ts[i]!;
          const step = { thread: t, outcome: i };
          if (o.violation?.invariant === invariant) return { path: pathTo(k, step), message: o.violation.message, states: parent.size };
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
