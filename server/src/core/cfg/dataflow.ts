// A forward dataflow over a CFG whose facts are sets of path states
// (disjuncts). Each node keeps at most `maxDisjuncts` distinct states; past
// that they are merged by the domain (the merge loses path correlation but
// stays sound for must/may). Used for the lock state and by the protocol rules.
import type { Cfg, CfgEdge, CfgNode } from './types';

export interface Domain<S> {
  key(s: S): string;
  merge(states: readonly S[]): S;
  /** States after the node executes, from one state before it. */
  transfer(node: CfgNode, s: S): S[];
  /** The state on an edge, or undefined when the edge is infeasible from `s`. */
  edge(node: CfgNode, edge: CfgEdge, s: S): S | undefined;
  /** What transferring a state costs, for the work budget (default 1): large states count for more. */
  weight?(s: S): number;
  /**
   * Past the bound, states with the same partition key are merged with each
   * other first (trace partitioning): paths holding different locks stay
   * apart, so a merge does not lose which branch facts go with which locks.
   */
  partition?(s: S): string;
}

export interface DataflowResult<S> {
  /** States before each node (index = node id); empty for unreachable nodes. */
  before: S[][];
  /** Worklist steps taken (for tests and benchmarks). */
  steps: number;
  /** The work budget ran out before a fixpoint: `before` is incomplete and must not be trusted. */
  exhausted?: boolean;
  /**
   * States each node sent into a join (a node with several predecessors), by
   * the sending node's id; undefined where it sends none. What a statement
   * leaves behind on its own path, before the join mixes it with the others'.
   */
  intoJoins: (S[] | undefined)[];
}

/**
 * Work a solve may do before it gives up (state transfers weighted by the
 * states' size, and the states they produce): deterministic, so the same text
 * always gets the same answer. The costliest function of Xen's xen/common
 * (do_domctl's big switch) needs about 45,000.
 */
const DEFAULT_WORK_BUDGET = 400_000;

export function solve<S>(cfg: Cfg, domain: Domain<S>, init: S, maxDisjuncts = 12, workBudget = DEFAULT_WORK_BUDGET): DataflowResult<S> {
  const n = cfg.nodes.length;
  const before: S[][] = Array.from({ length: n }, () => []);
  // Keys seen per node, created on first use (most nodes see one state).
  const keys: (Set<string> | undefined)[] = new Array(n);
  const visits = new Uint32Array(n);
  const order = reversePostorder(cfg);
  const rank = new Int32Array(n);
  order.forEach((id, i) => (rank[id] = i));
  // A priority worklist in reverse postorder keeps loops converging quickly
  // (a binary heap of ranks; `queued` avoids duplicates).
  const heap: number[] = [];
  const queued = new Uint8Array(n);
  const push = (id: number): void => {
    if (queued[id]) return;
    queued[id] = 1;
    heap.push(id);
    for (let i = heap.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (rank[heap[up]!]! <= rank[heap[i]!]!) break;
      [heap[up], heap[i]] = [heap[i]!, heap[up]!];
      i = up;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && rank[heap[l]!]! < rank[heap[m]!]!) m = l;
        if (r < heap.length && rank[heap[r]!]! < rank[heap[m]!]!) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    queued[top] = 0;
    return top;
  };
  // States of each node already propagated: a revisit transfers only the new
  // ones (each state crosses a node once, unless a merge replaced the list).
  const done = new Int32Array(n);
  const add = (id: number, s: S): void => {
    const k = domain.key(s);
    const seen = (keys[id] ??= new Set());
    if (seen.has(k)) return;
    seen.add(k);
    before[id]!.push(s);
    // Bound the disjuncts: past the limit (or when a loop keeps producing new
    // states) collapse them into one merged state.
    if (before[id]!.length > maxDisjuncts || visits[id]! > 64) {
      before[id] = mergeDown(domain, before[id]!, visits[id]! > 64 ? 1 : maxDisjuncts);
      for (const m of before[id]!) seen.add(domain.key(m));
      done[id] = 0;
    }
    push(id);
  };
  const preds = new Uint32Array(n);
  for (const node of cfg.nodes) for (const e of node.succ) preds[e.to]!++;
  const intoJoins: (S[] | undefined)[] = new Array(n);
  add(cfg.entry, init);
  let steps = 0;
  let work = 0;
  while (heap.length > 0) {
    const next = pop();
    visits[next]!++;
    steps++;
    const node = cfg.nodes[next]!;
    const list = before[next]!;
    const from = done[next]!;
    done[next] = list.length;
    for (let i = from; i < list.length; i++) {
      const s = list[i]!;
      const out = domain.transfer(node, s);
      work += (domain.weight ? domain.weight(s) : 1) + out.length;
      for (const o of out) {
        for (const e of node.succ) {
          const r = domain.edge(node, e, o);
          if (r === undefined) continue;
          if (preds[e.to]! > 1) (intoJoins[next] ??= []).push(r);
          add(e.to, r);
        }
      }
    }
    if (work > workBudget) return { before, steps, exhausted: true, intoJoins };
  }
  return { before, steps, intoJoins };
}

/** At most `max` states: merged within partitions when that is enough, else all into one. */
function mergeDown<S>(domain: Domain<S>, states: S[], max: number): S[] {
  if (max > 1 && domain.partition) {
    const groups = new Map<string, S[]>();
    for (const s of states) {
      const k = domain.partition(s);
      const g = groups.get(k);
      if (g) g.push(s);
      else groups.set(k, [s]);
    }
    if (groups.size <= max && groups.size < states.length)
      return [...groups.values()].map((g) => (g.length === 1 ? g[0]! : domain.merge(g)));
  }
  return [domain.merge(states)];
}

export function reversePostorder(cfg: Cfg): number[] {
  const seen = new Uint8Array(cfg.nodes.length);
  const post: number[] = [];
  const stack: { id: number; i: number }[] = [{ id: cfg.entry, i: 0 }];
  seen[cfg.entry] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const succ = cfg.nodes[top.id]!.succ;
    if (top.i < succ.length) {
      const to = succ[top.i++]!.to;
      if (!seen[to]) {
        seen[to] = 1;
        stack.push({ id: to, i: 0 });
      }
    } else {
      post.push(top.id);
      stack.pop();
    }
  }
  return post.reverse();
}
