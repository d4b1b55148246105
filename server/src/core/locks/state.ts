// One path's lock state (a disjunct of the dataflow): the locks held, what
// lock-pointer variables point at, and branch facts used to keep correlated
// branches (`if ( migrate ) start; … if ( migrate ) finish;`) path-sensitive.
import type { LockKind } from '../xen/lockHelpers';

export interface HeldLock {
  /** Canonical name (`sched(v)`, `prv->lock:r`, `rcu(sched_res_rculock)`). */
  name: string;
  kind: LockKind;
  /** Offset where it was taken (or the function start for locks held on entry). */
  at: number;
  /** Held because the caller holds it (stated by `_locked`/ASSERT or inferred). */
  entry?: boolean;
  /** Held on some of the merged paths only. */
  maybe?: boolean;
  /** Taken this many times (a retake is reported; each release undoes one). */
  depth?: number;
}

export interface VarBinding {
  /** Variable name (`lock`, `old_lock`). */
  v: string;
  /** Canonical name of the lock it points at. */
  lock: string;
  /** held: points at a lock this path holds; null: a failed trylock; ptr: an unheld lock's address. */
  status: 'held' | 'null' | 'ptr';
}

interface Fact {
  /** Canonical text of a condition atom. */
  atom: string;
  value: boolean;
}

export interface PathState {
  held: readonly HeldLock[];
  vars: readonly VarBinding[];
  facts: readonly Fact[];
  /** Locks released on this path and not taken again (for double-release checks). */
  released: readonly string[];
}

export const EMPTY_STATE: PathState = { held: [], vars: [], facts: [], released: [] };

/** Keys of state objects (states are immutable and often passed on unchanged). */
const keys = new WeakMap<PathState, string>();

export function stateKey(s: PathState): string {
  let k = keys.get(s);
  if (k === undefined) {
    k = computeKey(s);
    keys.set(s, k);
  }
  return k;
}

function computeKey(s: PathState): string {
  let k = '';
  for (const h of s.held) k += `${h.name}@${h.at}${h.entry ? 'e' : ''}${h.maybe ? '?' : ''}${h.depth ? `*${h.depth}` : ''};`;
  k += '|';
  for (const b of s.vars) k += `${b.v}=${b.lock}/${b.status};`;
  k += '|';
  for (const f of s.facts) k += `${f.atom}=${f.value ? 1 : 0};`;
  k += '|';
  k += s.released.join(';');
  return k;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function withHeld(s: PathState, lock: HeldLock): PathState {
  const held = s.held
    .filter((h) => h.name !== lock.name)
    .concat(lock)
    .sort(byName);
  return { ...s, held, released: s.released.filter((r) => r !== lock.name) };
}

export function withoutHeld(s: PathState, name: string): PathState {
  const h = s.held.find((x) => x.name === name);
  if (h && h.depth && h.depth > 1) {
    const rest: HeldLock = { ...h, depth: h.depth - 1 };
    if (rest.depth === 1) delete rest.depth;
    return { ...s, held: s.held.map((x) => (x === h ? rest : x)) };
  }
  const released = s.released.includes(name) ? s.released : [...s.released, name].sort();
  return { ...s, held: s.held.filter((h) => h.name !== name), released };
}

export function findHeld(s: PathState, name: string): HeldLock | undefined {
  return s.held.find((h) => h.name === name);
}

export function binding(s: PathState, v: string): VarBinding | undefined {
  return s.vars.find((b) => b.v === v);
}

export function withBinding(s: PathState, b: VarBinding): PathState {
  const vars = s.vars
    .filter((x) => x.v !== b.v)
    .concat(b)
    .sort((x, y) => (x.v < y.v ? -1 : x.v > y.v ? 1 : 0));
  return { ...s, vars };
}

export function withoutBinding(s: PathState, v: string): PathState {
  if (!s.vars.some((b) => b.v === v)) return s;
  return { ...s, vars: s.vars.filter((b) => b.v !== v) };
}

export function withFact(s: PathState, atom: string, value: boolean): PathState {
  const facts = s.facts
    .filter((f) => f.atom !== atom)
    .concat({ atom, value })
    .sort((a, b) => (a.atom < b.atom ? -1 : a.atom > b.atom ? 1 : 0));
  return { ...s, facts };
}

/** Drops facts whose atom mentions any of `idents` (after an assignment to them). */
export function forgetFacts(s: PathState, idents: ReadonlySet<string>): PathState {
  if (s.facts.length === 0) return s;
  const facts = s.facts.filter((f) => !mentions(f.atom, idents));
  return facts.length === s.facts.length ? s : { ...s, facts };
}

function mentions(atom: string, idents: ReadonlySet<string>): boolean {
  for (const id of idents) if (atom.includes(id) && new RegExp(`(^|[^\\w])${id}([^\\w]|$)`).test(atom)) return true;
  return false;
}

/**
 * Merges many disjuncts into one (when a node exceeds the disjunct bound): locks
 * held on every path stay definite, the rest become `maybe`.
 */
export function mergeStates(states: readonly PathState[]): PathState {
  if (states.length === 1) return states[0]!;
  const count = new Map<string, number>();
  const first = new Map<string, HeldLock>();
  for (const s of states) {
    for (const h of s.held) {
      if (!h.maybe) count.set(h.name, (count.get(h.name) ?? 0) + 1);
      if (!first.has(h.name)) first.set(h.name, h);
    }
  }
  const held: HeldLock[] = [];
  for (const [name, h] of first) {
    const definite = (count.get(name) ?? 0) === states.length;
    const m: HeldLock = { name, kind: h.kind, at: h.at };
    if (h.entry) m.entry = true;
    if (!definite) m.maybe = true;
    held.push(m);
  }
  held.sort(byName);
  const common = <T>(lists: (readonly T[])[], key: (t: T) => string): T[] => {
    const [head, ...rest] = lists;
    const keys = rest.map((l) => new Set(l.map(key)));
    return (head ?? []).filter((x) => keys.every((ks) => ks.has(key(x))));
  };
  const vars = common(
    states.map((s) => s.vars),
    (b) => `${b.v}=${b.lock}/${b.status}`,
  );
  const facts = common(
    states.map((s) => s.facts),
    (f) => `${f.atom}=${f.value}`,
  );
  // Released on every merged path only: a double release is reported when certain.
  const released = common(
    states.map((s) => s.released),
    (r) => r,
  );
  return { held, vars, facts, released };
}
