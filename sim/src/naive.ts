// Naive exhaustive search: every interleaving, no reduction. Stateful (a visited
// set, so the state graph is explored once); the number of complete executions
// (maximal paths) is counted on the graph by memoised path counting, which is
// what an unreduced stateless enumeration would run.

import {
  Budget, emptyStats, record, type Found, type Outcome, type PathStep,
  type SearchLimits, type SearchResult, type TransitionSystem,
} from './engine';

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

  const push = (s: S, key: string): void => {
    paths.set(key, ON_STACK);
    stats.states++;
    const succ: Frame<S>['succ'] = [];
    for (let t = 0; t < sys.threadNames.length; t++) {
      const outs = sys.step(s, t);
      outs?.forEach((out, outcome) => succ.push({ out, thread: t, outcome }));
    }
    const frame: Frame<S> = { key, succ, i: 0, paths: 0 };
    if (succ.length === 0) {
      frame.paths = 1;
      ends?.add(key);
      const v = sys.atEnd(s);
      if (v && record(found, v, path, lim)) stop = true;
    }
    stack.push(frame);
  };

  const s0 = sys.initial();
  push(s0, sys.key(s0));
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
    if (out.violation && record(found, out.violation, path, lim)) { stop = true; break; }
    const key = sys.key(out.state);
    const known = paths.get(key);
    if (known !== undefined) { if (known !== ON_STACK) f.paths += known; continue; }
    if (!budget.ok(stats.states + 1)) { stop = true; break; }
    push(out.state, key);
  }
  stats.executions = stack.length === 0 ? (paths.get(sys.key(s0)) ?? 0) : 0;
  const res: SearchResult = { stats, found };
  if (budget.limit) res.limit = budget.limit;
  if (ends) res.endStates = ends;
  return res;
}
