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
}

export interface DataflowResult<S> {
  /** States before each node (index = node id); empty for unreachable nodes. */
  before: S[][];
  /** Worklist steps taken (for tests and benchmarks). */
  steps: number;
}

export function solve<S>(cfg: Cfg, domain: Domain<S>, init: S, maxDisjuncts = 12): DataflowResult<S> {
  const n = cfg.nodes.length;
  const before: S[][] = Array.from({ length: n }, () => []);
  const keys: Set<string>[] = Array.from({ length: n }, () => new Set());
  const visits = new Uint32Array(n);
  const order = reversePostorder(cfg);
  const rank = new Int32Array(n);
  order.forEach((id, i) => (rank[id] = i));
  // A priority worklist in reverse postorder keeps loops converging quickly.
  const pending = new Set<number>();
  const add = (id: number, states: S[]): void => {
    let changed = false;
    for (const s of states) {
      const k = domain.key(s);
      if (keys[id]!.has(k)) continue;
      keys[id]!.add(k);
      before[id]!.push(s);
      changed = true;
    }
    if (!changed) return;
    // Bound the disjuncts: past the limit (or when a loop keeps producing new
    // states) collapse them into one merged state.
    if (before[id]!.length > maxDisjuncts || visits[id]! > 64) {
      const merged = domain.merge(before[id]!);
      const mk = domain.key(merged);
      before[id] = [merged];
      keys[id]!.add(mk);
    }
    pending.add(id);
  };
  add(cfg.entry, [init]);
  let steps = 0;
  while (pending.size > 0) {
    let next = -1;
    for (const id of pending) if (next < 0 || rank[id]! < rank[next]!) next = id;
    pending.delete(next);
    visits[next]!++;
    steps++;
    const node = cfg.nodes[next]!;
    const outs: S[] = [];
    for (const s of before[next]!) for (const o of domain.transfer(node, s)) outs.push(o);
    for (const e of node.succ) {
      const onEdge: S[] = [];
      for (const o of outs) {
        const r = domain.edge(node, e, o);
        if (r !== undefined) onEdge.push(r);
      }
      if (onEdge.length) add(e.to, onEdge);
    }
    if (steps > 200000) break; // A safety net: never hang on a pathological body.
  }
  return { before, steps };
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
