// Order without a lock: a plain access made before a release of a
// synchronisation object and one made after an acquire of it cannot run at
// the same time, whichever locks they hold. Two shapes (xen/ordering.ts):
//
// - a publication flag: a global set to a non-zero constant right after a
//   write barrier (`smp_wmb(); ready = 1;`, or `smp_store_release(&ready,
//   1)`). What the setting function does before that (on no path after it)
//   is set-up; a node a reader reaches only when its test of the flag said
//   "set" (`if ( !ready ) return;`), or a function every caller calls only
//   from such nodes, runs after it.
// - a rendezvous mask: a global mask a CPU clears its own bit of with an
//   atomic bit operation (`cpumask_clear_cpu(cpu, &mask)`, cpu the running
//   CPU) after writing its slots; the CPU that waits until the mask is empty
//   (`while ( !cpumask_empty(&mask) ) cpu_relax();`) reads after it.
//
// A flag set first and the data written after it, a CPU writing after it
// cleared its bit, a reader that never tests the flag: none of these is
// ordered, and each stays an unguarded access.
import type { CfgNode } from '../cfg/types';
import { atomicBitClear, emptinessTest, isMarkedLoad, isOwnCpuId, isStoreRelease, isWriteBarrier } from '../xen/ordering';
import { type CallFact, collectedFacts, type FunctionFacts } from './collect';

type Kind = 'flag' | 'mask';

export interface Ordering {
  /** Objects the function releases later on every path through the node (it is set-up for them). */
  before(f: FunctionFacts, node: number): ReadonlySet<string>;
  /** Objects seen released before the node runs (tested by the function, or by every caller before the call). */
  after(f: FunctionFacts, node: number): ReadonlySet<string>;
  /** The access (`per_cpu(x, cpu)` with cpu the running CPU, `this_cpu(x)`) is the running CPU's own slot. */
  ownSlot(f: FunctionFacts, start: number, end: number, node: number): boolean;
}

const NONE: ReadonlySet<string> = new Set();
const IDENT = /^[A-Za-z_]\w*$/;

/** The ordering of the functions analysed together; `external`: functions called from code we cannot see. */
export function orderingOf(
  functions: ReadonlyMap<string, FunctionFacts>,
  callers: ReadonlyMap<string, readonly { caller: FunctionFacts; call: CallFact }[]>,
  external: (f: FunctionFacts) => boolean,
  /** Remember each function's releases for the next run (a lone file, which an editor analyses again after each edit). */
  remember = true,
): Ordering {
  // Releases: function → object → the release nodes.
  const releases = new Map<FunctionFacts, Map<string, number[]>>();
  const kinds = new Map<string, Kind>();
  for (const f of functions.values()) {
    const found = remember ? releasesOf(f) : releasesIn(f);
    if (found.size === 0) continue;
    releases.set(f, new Map([...found].map(([x, r]) => [x, r.nodes])));
    for (const [x, r] of found) kinds.set(x, r.kind);
  }
  const beforeMemo = new Map<FunctionFacts, Map<number, Set<string>>>();
  const before = (f: FunctionFacts, node: number): ReadonlySet<string> => {
    const own = releases.get(f);
    if (!own) return NONE;
    let m = beforeMemo.get(f);
    if (!m) {
      m = new Map();
      for (const [x, nodes] of own) {
        const later = reachable(f.fn.cfg.nodes, nodes);
        for (const n of f.fn.cfg.nodes) {
          if (later.has(n.id)) continue;
          const s = m.get(n.id) ?? new Set<string>();
          m.set(n.id, s.add(x));
        }
      }
      beforeMemo.set(f, m);
    }
    return m.get(node) ?? NONE;
  };
  // In-function gates: function → object → the nodes reached only after a test saw it released.
  const gated = new Map<FunctionFacts, Map<string, Set<number>>>();
  if (kinds.size)
    for (const f of functions.values()) {
      const text = f.file.text.slice(f.fn.syntax.bodyStart, f.fn.syntax.bodyEnd);
      for (const [x, kind] of kinds) {
        if (!new RegExp(`\\b${x}\\b`).test(text)) continue;
        const g = gatedNodes(f, x, kind);
        if (g.size === 0) continue;
        const m = gated.get(f) ?? new Map<string, Set<number>>();
        gated.set(f, m.set(x, g));
      }
    }
  // Whole functions called only from gated nodes (a fixpoint: a callee of such a function is one too).
  const calledAfter = new Map<string, Set<FunctionFacts>>();
  const afterIn = (f: FunctionFacts, x: string, node: number): boolean =>
    (gated.get(f)?.get(x)?.has(node) ?? false) || (calledAfter.get(x)?.has(f) ?? false);
  for (const x of kinds.keys()) {
    const set = new Set<FunctionFacts>();
    calledAfter.set(x, set);
    for (let changed = true; changed;) {
      changed = false;
      for (const f of functions.values()) {
        if (set.has(f) || external(f)) continue;
        const sites = callers.get(f.key) ?? [];
        if (sites.length > 0 && sites.every((s) => afterIn(s.caller, x, s.call.node))) {
          set.add(f);
          changed = true;
        }
      }
    }
  }
  const after = (f: FunctionFacts, node: number): ReadonlySet<string> => {
    let out: Set<string> | undefined;
    for (const x of kinds.keys()) if (afterIn(f, x, node)) (out ??= new Set()).add(x);
    return out ?? NONE;
  };
  return { before, after, ownSlot };
}

/** Each node's predecessors. */
function predecessors(nodes: readonly CfgNode[]): number[][] {
  const out: number[][] = nodes.map(() => []);
  for (const n of nodes) for (const e of n.succ) out[e.to]?.push(n.id);
  return out;
}

/** Nodes reachable from `from` (the nodes themselves included). */
function reachable(
  nodes: readonly CfgNode[],
  from: readonly number[],
  keep: (n: CfgNode, branch?: boolean) => boolean = () => true,
): Set<number> {
  const seen = new Set<number>(from);
  const work = [...from];
  while (work.length) {
    const n = nodes[work.pop()!];
    if (!n) continue;
    for (const e of n.succ) if (!seen.has(e.to) && keep(n, e.branch)) work.push((seen.add(e.to), e.to));
  }
  return seen;
}

type Releases = ReadonlyMap<string, { kind: Kind; nodes: number[] }>;
/** releasesIn per facts as collected (collect.ts, collectedFacts). */
const releasesMemo = new WeakMap<FunctionFacts, Releases>();

/**
 * releasesIn, once per facts as collected: the answer is node ids and object
 * names, the same wherever an edit moved the function, and reading a moved
 * function's nodes would copy them (incremental/shift.ts) on every edit.
 */
function releasesOf(f: FunctionFacts): Releases {
  const origin = collectedFacts(f);
  let r = releasesMemo.get(origin);
  if (!r) releasesMemo.set(origin, (r = releasesIn(origin)));
  return r;
}

/** No release (most functions: one empty answer for all). */
const NO_RELEASES: Releases = new Map();

/** The function's releases: a flag set right after a write barrier, its own bit of a mask cleared atomically. */
function releasesIn(f: FunctionFacts): Releases {
  // (Only the nodes collect.ts saw store a constant, store-release or clear a bit: the others add nothing.)
  if (f.releaseSites.length === 0) return NO_RELEASES;
  const out = new Map<string, { kind: Kind; nodes: number[] }>();
  const add = (x: string, kind: Kind, node: number): void => {
    const r = out.get(x) ?? { kind, nodes: [] };
    if (r.kind === kind) out.set(x, { kind, nodes: [...r.nodes, node] });
  };
  const nodes = f.fn.cfg.nodes;
  const global = (x: string): boolean => IDENT.test(x) && !f.env.has(x);
  for (const id of f.releaseSites) {
    const n = nodes[id]!;
    for (const a of n.facts.assignments) {
      if (a.op !== '=' || !global(a.lhs) || !/^(?:[1-9]\d*[uUlL]*|true)$/.test(a.rhs.trim())) continue;
      let preds = predecessorsOf.get(f);
      if (!preds) predecessorsOf.set(f, (preds = predecessors(nodes)));
      const p = preds[n.id] ?? [];
      if (p.length > 0 && p.every((i) => isBarrierStatement(nodes[i]))) add(a.lhs, 'flag', n.id);
    }
    for (const c of n.facts.calls) {
      const target = isStoreRelease(c.name) ? addressOf(c.args[0]?.text) : undefined;
      if (target && global(target)) add(target, 'flag', n.id);
      const clear = atomicBitClear(c.name);
      const mask = clear && addressOf(c.args[clear.mask]?.text);
      const bit = clear && c.args[clear.bit]?.text;
      if (mask && bit && global(mask) && (isOwnCpuId(bit) || (IDENT.test(bit) && ownCpuVariable(f, bit, n.id)))) add(mask, 'mask', n.id);
    }
  }
  return out;
}

/** A statement that is a write barrier call and nothing else. */
function isBarrierStatement(n: CfgNode | undefined): boolean {
  return (
    n !== undefined &&
    n.kind === 'stmt' &&
    n.facts.calls.length === 1 &&
    isWriteBarrier(n.facts.calls[0]!.name) &&
    n.facts.assignments.length === 0
  );
}

/** `&x` → x. */
function addressOf(arg: string | undefined): string | undefined {
  const m = /^&\s*([A-Za-z_]\w*)$/.exec(arg?.trim() ?? '');
  return m?.[1];
}

/**
 * Nodes of f reached only when a test of x said it was released: the
 * function's paths with, at each condition testing x, only the branches it
 * takes while x is not released; what they miss is gated.
 */
function gatedNodes(f: FunctionFacts, x: string, kind: Kind): Set<number> {
  const nodes = f.fn.cfg.nodes;
  const unreleased = new Map<number, boolean>();
  for (const n of nodes) {
    if (n.kind !== 'cond') continue;
    const v = valueUnreleased(f.file.text.slice(n.start, n.end), x, kind);
    if (v !== undefined) unreleased.set(n.id, v);
  }
  if (unreleased.size === 0) return new Set();
  const seen = reachable(nodes, [f.fn.cfg.entry], (n, branch) => {
    const v = unreleased.get(n.id);
    return v === undefined || branch === undefined || branch === v;
  });
  return new Set(nodes.filter((n) => !seen.has(n.id) && n.end > n.start).map((n) => n.id));
}

/**
 * The value a condition has while x is not released, when it is decided by
 * that alone: `!ready || …` is true, `ready && …` false; for a mask,
 * `!cpumask_empty(&mask)` is true (bits are left).
 */
function valueUnreleased(cond: string, x: string, kind: Kind): boolean | undefined {
  const text = stripParens(cond.replace(/^\s*(?:if|while)\b/, ''));
  const test = (t: string): boolean | undefined => {
    let e = stripParens(t);
    let negated = false;
    while (e.startsWith('!')) {
      negated = !negated;
      e = stripParens(e.slice(1));
    }
    const m = /^([A-Za-z_]\w*)\s*\(\s*(.*?)\s*\)$/s.exec(e);
    let plain: boolean | undefined;
    if (kind === 'flag') {
      // `ready`, `READ_ONCE(ready)`, `read_atomic(&ready)`: true when released.
      const operand = m && isMarkedLoad(m[1]!) ? m[2]!.replace(/^&\s*/, '') : e;
      if (operand === x) plain = false;
    } else if (m && emptinessTest(m[1]!) === 0 && addressOf(m[2]!.split(',')[0]) === x) {
      // `cpumask_empty(&mask)`: false while bits are left.
      plain = false;
    }
    return plain === undefined ? undefined : plain !== negated;
  };
  const any = topLevel(text, '||').map(test);
  if (any.includes(true)) return true;
  const all = topLevel(text, '&&').map(test);
  if (all.includes(false)) return false;
  return undefined;
}

function stripParens(t: string): string {
  let e = t.trim();
  while (e.startsWith('(') && e.endsWith(')') && closing(e, 0) === e.length - 1) e = e.slice(1, -1).trim();
  return e;
}

/** The index of the parenthesis closing the one at `open`. */
function closing(e: string, open: number): number {
  let depth = 0;
  for (let i = open; i < e.length; i++) {
    if (e[i] === '(') depth++;
    else if (e[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The operands of `op` at the top level of `e` (outside parentheses). */
function topLevel(e: string, op: '||' | '&&'): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < e.length; i++) {
    const c = e[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && e.startsWith(op, i)) {
      out.push(e.slice(from, i));
      from = i + 2;
      i++;
    }
  }
  out.push(e.slice(from));
  return out;
}

/** `per_cpu(x, cpu)` with cpu the running CPU at the node, or `this_cpu(x)`. */
function ownSlot(f: FunctionFacts, start: number, end: number, node: number): boolean {
  const text = f.file.text.slice(start, end);
  if (/^this_cpu\s*\(/.test(text)) return true;
  const m = /^per_cpu\s*\(\s*[A-Za-z_]\w*\s*,\s*(.+?)\s*\)$/s.exec(text);
  if (!m) return false;
  return isOwnCpuId(m[1]!) || (IDENT.test(m[1]!) && ownCpuVariable(f, m[1]!, node));
}

const predecessorsOf = new WeakMap<FunctionFacts, number[][]>();

/**
 * Every definition of the local `v` that reaches the node is
 * `v = smp_processor_id()` (a loop macro naming v, or reaching the entry
 * undefined, as a parameter does, is another value).
 */
function ownCpuVariable(f: FunctionFacts, v: string, node: number): boolean {
  const nodes = f.fn.cfg.nodes;
  let preds = predecessorsOf.get(f);
  if (!preds) predecessorsOf.set(f, (preds = predecessors(nodes)));
  const word = new RegExp(`\\b${v}\\b`);
  const defines = (n: CfgNode): 'own' | 'other' | undefined => {
    const a = n.facts.assignments.filter((x) => x.lhs === v);
    if (a.length) return a.every((x) => x.op === '=' && isOwnCpuId(x.rhs)) ? 'own' : 'other';
    if (n.loopMacro && word.test(f.file.text.slice(n.start, n.end))) return 'other';
    return undefined;
  };
  let found = false;
  const seen = new Set<number>();
  const work = [...(preds[node] ?? [])];
  while (work.length) {
    const id = work.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = nodes[id];
    if (!n) continue;
    const d = defines(n);
    if (d === 'other') return false;
    if (d === 'own') {
      found = true;
      continue;
    }
    if (id === f.fn.cfg.entry) return false;
    work.push(...(preds[id] ?? []));
  }
  return found;
}
