// Data races as a property of a state: two threads whose next steps access
// one location, at least one of them with a plain store, both able to go now
// (so nothing orders them: not a lock, not anything else). A race exists in
// some execution exactly when such a state is reachable, which is how the
// naive search and the shortest-counterexample search look for one; DPOR
// finds the same pairs as races between its events (dpor.ts).

import type { Outcome, PathStep, TransitionSystem, Violation } from './engine';
import { raceObject } from './footprint';

/**
 * The first racing pair of next steps in a state whose outcomes per thread are
 * `outs`: the two steps (the second taken from the state after the first) and
 * the violation, with `race.first`/`second` counted from `depth` (the steps
 * before this state).
 */
export function raceAt<S>(
  sys: TransitionSystem<S>,
  outs: readonly (Outcome<S>[] | null)[],
  depth: number,
): { steps: [PathStep, PathStep]; violation: Violation } | undefined {
  for (let a = 0; a < outs.length; a++) {
    const oa = outs[a];
    if (!oa || oa.length === 0) continue;
    for (let b = a + 1; b < outs.length; b++) {
      const ob = outs[b];
      if (!ob || ob.length === 0) continue;
      for (let i = 0; i < oa.length; i++) {
        for (const o of ob) {
          const obj = raceObject(oa[i]!.fp, o.fp);
          if (obj < 0) continue;
          // The second access, from the state after the first (same step, the first outcome that still touches obj).
          const after = sys.step(oa[i]!.state, b) ?? [];
          const j = Math.max(
            0,
            after.findIndex((x) => raceObject(oa[i]!.fp, x.fp) === obj),
          );
          const named = (sys as { locationOf?: (obj: number) => string | undefined }).locationOf?.(obj) ?? `object ${obj}`;
          return {
            steps: [
              { thread: a, outcome: i },
              { thread: b, outcome: j },
            ],
            violation: {
              invariant: 'RACE',
              message: `data race on ${named}: ${sys.threadNames[a]} and ${sys.threadNames[b]} access it unordered by any lock, and one of them writes it with a plain store`,
              race: { obj, first: depth, second: depth + 1 },
            },
          };
        }
      }
    }
  }
  return undefined;
}

/** Whether any thread's next step could take part in a data race (a shortcut for systems without general locations). */
export function mayRace<S>(outs: readonly (Outcome<S>[] | null)[]): boolean {
  let n = 0;
  for (const o of outs) if (o && o.some((x) => (x.fp.ra0 | x.fp.ra1) !== 0)) n++;
  return n >= 2;
}
