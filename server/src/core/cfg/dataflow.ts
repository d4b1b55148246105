// A forward dataflow over a CFG whose facts are sets of path states
// (disjuncts). Each node keeps at most `maxDisjuncts` distinct states; past
// that they are merged by the domain (the merge loses path correlation but
// stays sound for must/may). Used for the lock state and by the protocol rules.
import type { Cfg, CfgEdge, CfgNode } from './types';

export interface Domain<S> {
  key(s: S): string;
  /**
   * Optional: whether two states have the same key, answered without making
   * keys (true only when `key(a) === key(b)`). Most joins see one state twice.
   */
  same?(a: S, b: S): boolean;
  merge(states: readonly S[]): S;
  /** States after the node executes, from one state before it. */
  transfer(node: CfgNode, s: S): S[];
  /**
   * Optional: the node leaves every state as it is (`transfer` would return
   * `[s]` and report nothing), so the solve does not ask.
   */
  passes?(node: CfgNode): boolean;
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
   * the sending node's id; undefined where it sends none (an empty list when
   * no node sends any: read only, shared). What a statement
   * leaves behind on its own path, before the join mixes it with the others'.
   */
  intoJoins: (S[] | undefined)[];
  /**
   * States each node sent straight to the exit, by the index of the edge in
   * its `succ` (the exit edges' only): exactly its final states transferred
   * and taken along those edges. Undefined for a node that sent none, and for
   * the nodes in `merged`.
   */
  intoExit: (S[][] | undefined)[];
  /** Nodes whose states a merge replaced after some were sent on (what they sent is not their final states' transfer). */
  merged?: ReadonlySet<number>;
}

/**
 * Work a solve may do before it gives up (state transfers weighted by the
 * states' size, and the states they produce): deterministic, so the same text
 * always gets the same answer. The costliest function of Xen's xen/common
 * (do_domctl's big switch) needs about 45,000.
 */
const DEFAULT_WORK_BUDGET = 400_000;

/**
 * States a node has seen that are looked through one by one (domain.same) for
 * a state arriving again; past this many, by key in a set.
 */
const SEEN_BY_COMPARISON = 24;

/** The states before a node no path reaches (shared: a solve of a long function has many such nodes). */
const NO_STATES: never[] = [];

/** A node's flags in the solve: in the worklist; holding a list shared with another node. */
const QUEUED = 1;
const SHARED = 2;

export function solve<S>(
  cfg: Cfg,
  domain: Domain<S>,
  init: S,
  maxDisjuncts = 12,
  workBudget = DEFAULT_WORK_BUDGET,
  shape: CfgShape = cfgShape(cfg),
): DataflowResult<S> {
  const n = cfg.nodes.length;
  // Every node starts with the one shared empty list (add gives a node a list of its own, never pushes to it).
  const before: S[][] = new Array<S[]>(n);
  for (let i = 0; i < n; i++) before[i] = NO_STATES;
  // The states each node has seen (`before`'s list until a merge replaces it), and their keys once there
  // are many (see add). Both are rare (a merge, a node past SEEN_BY_COMPARISON states): made when first needed.
  let seenStates: (S[] | undefined)[] | undefined;
  let keys: (Set<string> | undefined)[] | undefined;
  // Per node: visits, queued flag, states already propagated (below). Plain
  // arrays of small integers: a typed array past 64 bytes gets a backing store
  // outside the heap, which costs more than the solve of a typical function.
  const visits = zeros(n);
  // Rank in reverse postorder and number of predecessors (the caller's, when it solves the CFG more than once).
  const { rank, preds } = shape;
  // A priority worklist in reverse postorder keeps loops converging quickly
  // (a binary heap of ranks; the QUEUED flag avoids duplicates).
  const heap: number[] = [];
  // Per node: QUEUED, SHARED (see add), in one array of small integers.
  const flags = zeros(n);
  const push = (id: number): void => {
    if (flags[id]! & QUEUED) return;
    flags[id]! |= QUEUED;
    heap.push(id);
    for (let i = heap.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if (rank[heap[up]!]! <= rank[heap[i]!]!) break;
      const t = heap[up]!;
      heap[up] = heap[i]!;
      heap[i] = t;
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
        const t = heap[m]!;
        heap[m] = heap[i]!;
        heap[i] = t;
        i = m;
      }
    }
    flags[top]! &= ~QUEUED;
    return top;
  };
  // States of each node already propagated: a revisit transfers only the new
  // ones (each state crosses a node once, unless a merge replaced the list).
  const done = zeros(n);
  // A node reached by exactly the one state its predecessor holds alone (a
  // statement that changed nothing: most of a function) shares that
  // predecessor's one-state list rather than a list of its own; the lists are
  // kept with the result, and these were most of them. A shared list (SHARED
  // on every node holding it) is copied before a state is added to it.
  let merged: Set<number> | undefined;
  const add = (id: number, s: S, from: number): void => {
    let list = before[id]!;
    if (list.length === 0) {
      const theirs = from < 0 ? NO_STATES : before[from]!;
      if (theirs.length === 1 && theirs[0] === s) {
        before[id] = theirs;
        flags[id]! |= SHARED;
        flags[from]! |= SHARED;
      }
      // A list made to measure: a push into an empty array reserves room for 17.
      else before[id] = [s];
      push(id);
      return;
    }
    // Has the node seen a state with this key? Most nodes see a few states: compared field by field
    // (domain.same), no key string made; a node that has seen many (a loop head merging round after
    // round) looks keys up in a set, made when it first gets there.
    const seen = seenStates?.[id] ?? list;
    let seenKeys = keys?.[id];
    if (!seenKeys && (!domain.same || seen.length > SEEN_BY_COMPARISON)) {
      seenKeys = (keys ??= new Array<Set<string> | undefined>(n))[id] = new Set<string>();
      for (const x of seen) seenKeys.add(domain.key(x));
    }
    if (seenKeys) {
      // A state the node holds now comes again (paths meeting at a join or loop head): no key needed.
      if (domain.same && list.length <= maxDisjuncts) for (const x of list) if (x === s || domain.same(x, s)) return;
      const k = domain.key(s);
      if (seenKeys.has(k)) return;
      seenKeys.add(k);
    } else {
      for (const x of seen) if (x === s || domain.same!(x, s)) return;
      if (seen !== list) seen.push(s);
    }
    if (flags[id]! & SHARED) {
      list = before[id] = list.slice();
      flags[id]! &= ~SHARED;
    }
    list.push(s);
    // Bound the disjuncts: past the limit (or when a loop keeps producing new
    // states) collapse them into one merged state.
    if (list.length > maxDisjuncts || visits[id]! > 64) {
      const down = (before[id] = mergeDown(domain, list, visits[id]! > 64 ? 1 : maxDisjuncts));
      // The list merged away stays what the node has seen (its states and the merged ones).
      if (seenKeys) for (const m of down) seenKeys.add(domain.key(m));
      else {
        const all = (seenStates ??= new Array<S[] | undefined>(n))[id] ?? (seenStates[id] = list);
        for (const m of down) if (!all.some((x) => x === m || domain.same!(x, m))) all.push(m);
      }
      done[id] = 0;
      (merged ??= new Set()).add(id);
    }
    push(id);
  };
  // Made with the first state sent into a join: a function without joins (straight-line code) keeps the
  // shared empty list with its result, not a list of holes as long as the function.
  let intoJoins: (S[] | undefined)[] | undefined;
  const intoExit: (S[][] | undefined)[] = new Array(n);
  add(cfg.entry, init, -1);
  let steps = 0;
  let work = 0;
  // One state leaving node `from` along each of its edges.
  const send = (from: number, node: CfgNode, o: S): void => {
    const succ = node.succ;
    for (let j = 0; j < succ.length; j++) {
      const e = succ[j]!;
      const r = domain.edge(node, e, o);
      if (r === undefined) continue;
      if (preds[e.to]! > 1) {
        const joined = (intoJoins ??= new Array<S[] | undefined>(n))[from];
        if (joined) joined.push(r);
        else intoJoins[from] = [r];
      }
      if (e.to === cfg.exit) {
        const sent = (intoExit[from] ??= new Array<S[]>(succ.length));
        const onEdge = sent[j];
        if (onEdge) onEdge.push(r);
        else sent[j] = [r];
      }
      add(e.to, r, from);
    }
  };
  while (heap.length > 0) {
    const next = pop();
    visits[next]!++;
    steps++;
    const node = cfg.nodes[next]!;
    const passes = domain.passes?.(node) ?? false;
    // A node that is its own successor adds to the list being walked here, and the walk must see what
    // it adds (as it always has): a list it shares is made its own first.
    if (flags[next]! & SHARED)
      for (const e of node.succ)
        if (e.to === next) {
          before[next] = before[next]!.slice();
          flags[next]! &= ~SHARED;
          break;
        }
    const list = before[next]!;
    const from = done[next]!;
    done[next] = list.length;
    for (let i = from; i < list.length; i++) {
      const s = list[i]!;
      if (passes) {
        // What transfer would do, without the call and its one-state list.
        work += (domain.weight ? domain.weight(s) : 1) + 1;
        send(next, node, s);
        continue;
      }
      const out = domain.transfer(node, s);
      work += (domain.weight ? domain.weight(s) : 1) + out.length;
      for (const o of out) send(next, node, o);
    }
    if (work > workBudget) return { before, steps, exhausted: true, intoJoins: intoJoins ?? NO_STATES, intoExit: [] };
  }
  // The lists of several states were grown by push (room for 17 or more): kept with the result to the end
  // of a run, they are copied to measure. (Only one-state lists are ever shared between nodes.)
  for (let id = 0; id < n; id++) if (before[id]!.length > 1) before[id] = before[id]!.slice();
  if (intoJoins) for (let id = 0; id < n; id++) if (intoJoins[id] && intoJoins[id]!.length > 1) intoJoins[id] = intoJoins[id]!.slice();
  if (!merged) return { before, steps, intoJoins: intoJoins ?? NO_STATES, intoExit };
  for (const id of merged) intoExit[id] = undefined;
  return { before, steps, intoJoins: intoJoins ?? NO_STATES, intoExit, merged };
}

/** What the solve needs of a CFG's shape: each node's rank in reverse postorder and its number of predecessors. */
export interface CfgShape {
  rank: readonly number[];
  preds: readonly number[];
}

/**
 * The CFG's shape, made per solve (or once by a caller that solves one CFG
 * several times, as the lock analysis does): not remembered per CFG. Most
 * CFGs are solved once per run, and a shape kept with every CFG (two arrays,
 * an object and a weak-map entry each) survived to the end of a run, where
 * the garbage collector copied it, for the few solved again.
 */
export function cfgShape(cfg: Cfg): CfgShape {
  const n = cfg.nodes.length;
  const rank = ranksInReversePostorder(cfg);
  const preds = zeros(n);
  for (const node of cfg.nodes) for (const e of node.succ) preds[e.to]!++;
  return { rank, preds };
}

/** An array of `n` zeros (small integers, kept unboxed by the engine). */
function zeros(n: number): number[] {
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) a[i] = 0;
  return a;
}

/**
 * Each reachable node's rank in reverse postorder, as the worklist compares
 * them: `n - p` for the node finished `p`-th by the depth-first search
 * (reversePostorder's ranks plus a constant, so the same order), made in
 * place of the finishing order (no order list, no reversal). Unreachable
 * nodes, never queued, rank 0.
 */
function ranksInReversePostorder(cfg: Cfg): number[] {
  const n = cfg.nodes.length;
  const rank = finishingOrder(cfg);
  for (let id = 0; id < n; id++) if (rank[id]! > 0) rank[id] = n + 1 - rank[id]!;
  return rank;
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
  const finished = finishingOrder(cfg);
  let count = 0;
  for (const f of finished) if (f > 0) count++;
  // The node finished last first.
  const out = zeros(count);
  for (let id = 0; id < finished.length; id++) if (finished[id]! > 0) out[count - finished[id]!] = id;
  return out;
}

/**
 * A depth-first search from the entry: per node, `p + 1` for the node it
 * finished `p`-th (postorder), 0 for a node it never reached. No recursion (a
 * long function is deep), no callback, and its stack in two arrays made to
 * measure (each node is pushed at most once): every CFG is searched once per
 * analysis.
 */
function finishingOrder(cfg: Cfg): number[] {
  const n = cfg.nodes.length;
  // -1 while on the stack (seen, not finished).
  const order = zeros(n);
  // The stack: node ids and the next successor of each to visit.
  const ids = zeros(n);
  const at = zeros(n);
  let top = 0;
  ids[0] = cfg.entry;
  order[cfg.entry] = -1;
  let finished = 0;
  while (top >= 0) {
    const id = ids[top]!;
    const succ = cfg.nodes[id]!.succ;
    if (at[top]! < succ.length) {
      const to = succ[at[top]!++]!.to;
      if (order[to] === 0) {
        order[to] = -1;
        ids[++top] = to;
        at[top] = 0;
      }
    } else {
      order[id] = ++finished;
      top--;
    }
  }
  return order;
}
