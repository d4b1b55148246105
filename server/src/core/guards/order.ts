// Cycles in the lock-order graph: each simple cycle once (a possible
// deadlock between the sites of its edges). Strongly connected components
// first (Tarjan), then the simple cycles inside each, bounded in length and
// number (a real lock graph has a handful of locks per component).
import type { FunctionFacts } from './collect';

export interface OrderSite {
  fn: FunctionFacts;
  start: number;
  end: number;
  line: number;
  /** The callee through which the inner lock is taken, if not directly. */
  via?: string;
}

export interface OrderEdge {
  outer: string;
  inner: string;
  /** The sites (each place once, in the order found). */
  readonly sites: readonly OrderSite[];
}

/**
 * An edge found by the discipline: where its nesting was seen (a function,
 * and the index of the call through which the inner lock is taken, or
 * `-1 - i` for its `i`th acquisition), its sites made when first read. Only
 * a cycle's edges (XSR016) and `xsr guards` read sites; an edge per nesting
 * of every function was made on every keystroke, one object per nesting.
 */
export class FoundEdge implements OrderEdge {
  private readonly fns: FunctionFacts[] = [];
  private readonly ats: number[] = [];
  private readonly vias: (string | undefined)[] = [];
  private made: OrderSite[] | undefined;

  constructor(
    readonly outer: string,
    readonly inner: string,
  ) {}

  /** The nesting seen in `fn` at `at` (see the class), taken through `via` when a call. */
  seen(fn: FunctionFacts, at: number, via: string | undefined): void {
    this.fns.push(fn);
    this.ats.push(at);
    this.vias.push(via);
  }

  get sites(): readonly OrderSite[] {
    if (this.made) return this.made;
    const out: OrderSite[] = [];
    for (let i = 0; i < this.fns.length; i++) {
      const fn = this.fns[i]!;
      const at = this.ats[i]!;
      let site: OrderSite;
      if (at < 0) {
        const a = fn.acquisitions[-at - 1]!;
        site = { fn, start: a.start, end: a.start, line: a.line };
      } else {
        const c = fn.calls[at]!;
        site = { fn, start: c.start, end: c.end, line: c.line, via: this.vias[i]! };
      }
      if (!out.some((s) => s.fn === fn && s.start === site.start)) out.push(site);
    }
    return (this.made = out);
  }
}

export interface Cycle {
  edges: OrderEdge[];
}

const MAX_LENGTH = 4;
const MAX_CYCLES = 50;

export function findCycles(edges: readonly OrderEdge[]): Cycle[] {
  const adj = new Map<string, OrderEdge[]>();
  for (const e of edges) {
    const list = adj.get(e.outer) ?? [];
    list.push(e);
    adj.set(e.outer, list);
  }
  const out: Cycle[] = [];
  for (const scc of components(adj)) {
    if (scc.length < 2) continue;
    const inScc = new Set(scc);
    const nodes = [...scc].sort();
    for (const start of nodes) {
      // Cycles through `start` whose other nodes sort after it: each cycle once.
      const path: OrderEdge[] = [];
      const onPath = new Set<string>([start]);
      const dfs = (at: string): void => {
        if (out.length >= MAX_CYCLES) return;
        for (const e of adj.get(at) ?? []) {
          if (!inScc.has(e.inner)) continue;
          if (e.inner === start) {
            out.push({ edges: [...path, e] });
            continue;
          }
          if (e.inner < start || onPath.has(e.inner) || path.length + 1 >= MAX_LENGTH) continue;
          path.push(e);
          onPath.add(e.inner);
          dfs(e.inner);
          onPath.delete(e.inner);
          path.pop();
        }
      };
      dfs(start);
    }
  }
  return out;
}

/** Tarjan's strongly connected components (iterative). */
function components(adj: ReadonlyMap<string, readonly OrderEdge[]>): string[][] {
  const nodes = new Set<string>();
  for (const [k, list] of adj) {
    nodes.add(k);
    for (const e of list) nodes.add(e.inner);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      const succ = adj.get(top.v) ?? [];
      if (top.i < succ.length) {
        const w = succ[top.i++]!.inner;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const scc: string[] = [];
        for (;;) {
          const w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
          if (w === top.v) break;
        }
        out.push(scc);
      }
    }
  }
  return out;
}
