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
  /** Why it is assumed held on entry: the function's name, an ASSERT at `at`, or a release at `at` of a lock not taken here. */
  because?: EntryReason;
  /** Held on some of the merged paths only. */
  maybe?: boolean;
  /**
   * With `maybe`: held exactly on the merged paths where one of these branch
   * facts holds (they are equivalent there). A later test of one of them
   * decides the lock again: `if ( c ) spin_lock(&l); … if ( c ) spin_unlock(&l);`
   * stays correlated after the paths were merged.
   */
  when?: readonly Fact[];
  /** Taken this many times (a retake is reported; each release undoes one). */
  depth?: number;
  /**
   * Handed on: the path stored its owner where it outlives the function
   * (`act->trans_domain = td`, `act->src_domid = td->domain_id`) for another
   * function to release. Held still, but returning with it is no leak.
   */
  handed?: boolean;
  /** How it was taken as far as interrupts go (`spin_lock_irq`: irq), for a release with the other variant. */
  irqVariant?: IrqVariant;
  /** Only another name of a held lock on this path (`rp->lock` when `lp == rp`): never taken under this name. */
  alias?: boolean;
}

export interface EntryReason {
  how: 'name' | 'assert' | 'release';
  /** Offset of the ASSERT or release. */
  at?: number;
}

export interface VarBinding {
  /** Variable name (`lock`, `old_lock`). */
  v: string;
  /** Canonical name of the lock it points at. */
  lock: string;
  /** held: points at a lock this path holds; null: a failed trylock; ptr: an unheld lock's address. */
  status: 'held' | 'null' | 'ptr';
  /** The variable holds a status (0 when the lock was taken), not a pointer: its truth means failure. */
  zeroIsHeld?: boolean;
}

export interface Fact {
  /** Canonical text of a condition atom. */
  atom: string;
  value: boolean;
}

/** How a lock was taken, as far as interrupts go. `pair`: the double-lock helper (irqsave on one of the two). */
export type IrqVariant = 'plain' | 'irq' | 'irqsave' | 'pair';

/**
 * Interrupts on this path: enabled or disabled, with where that became so
 * (`at`: an offset; the function's start when it was entered that way).
 * Absent from a state: unknown.
 */
export interface IrqState {
  on: boolean;
  at: number;
  /** Entered so: the caller set it (an `_irq` unlock then turns on what the caller turned off). */
  entry?: boolean;
}

/** What an `_irqsave`/`local_irq_save` stored in a flags variable: the state to go back to (absent: unknown). */
export interface SavedIrq {
  v: string;
  irq?: IrqState;
}

export interface PathState {
  held: readonly HeldLock[];
  /** Interrupt state (issue 13); absent: unknown. */
  irq?: IrqState;
  /** Flags variables holding a saved interrupt state. */
  saved?: readonly SavedIrq[];
  vars: readonly VarBinding[];
  facts: readonly Fact[];
  /** Locks released on this path and not taken again (for double-release checks). */
  released: readonly string[];
  /** Only a release build runs this path: it went past the `ASSERT_UNREACHABLE()` at this offset. */
  releaseOnly?: number;
}

/**
 * Every path state has all the fields, in this order (an absent one is
 * undefined), and is made from this one or by mergeStates, then by spreads:
 * so all states share one object shape, and reading a state's fields is
 * monomorphic. States with fields added or deleted in different orders took
 * hundreds of shapes, and every read of one went through a slow lookup.
 */
export const EMPTY_STATE: PathState = {
  held: [],
  vars: [],
  facts: [],
  released: [],
  irq: undefined,
  saved: undefined,
  releaseOnly: undefined,
};

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

/** Key parts of held-lock lists: a state that changes only its facts or variables keeps its list, and its part. */
const heldKeys = new WeakMap<readonly HeldLock[], string>();

function computeKey(s: PathState): string {
  let held = heldKeys.get(s.held);
  if (held === undefined) {
    // Joined, not appended: `+=` builds a rope of one node per piece, which a long list keeps alive in every key.
    const parts: string[] = [];
    for (const h of s.held) {
      let p = `${h.name}@${h.at}${h.entry ? 'e' : ''}${h.maybe ? '?' : ''}${h.handed ? 'h' : ''}${h.depth ? `*${h.depth}` : ''}`;
      if (h.when) for (const f of h.when) p += `[${f.atom}=${f.value ? 1 : 0}]`;
      parts.push(p);
    }
    held = parts.length ? parts.join(';') + ';' : '';
    heldKeys.set(s.held, held);
  }
  const parts: string[] = [held, '|'];
  for (const b of s.vars) parts.push(`${b.v}=${b.lock}/${b.status};`);
  parts.push('|');
  for (const f of s.facts) parts.push(`${f.atom}=${f.value ? 1 : 0};`);
  parts.push('|', s.released.join(';'));
  if (s.releaseOnly !== undefined) parts.push(`|R${s.releaseOnly}`);
  if (s.irq) parts.push(`|I${irqKey(s.irq)}`);
  if (s.saved?.length) for (const x of s.saved) parts.push(`|S${x.v}=${x.irq ? irqKey(x.irq) : '?'}`);
  return parts.join('');
}

/**
 * `stateKey(a) === stateKey(b)`, without making the keys: the same fields
 * compared one by one (parts shared by both, as states passed on share their
 * lists, compare at once).
 */
export function sameKey(a: PathState, b: PathState): boolean {
  if (a === b) return true;
  if (a.releaseOnly !== b.releaseOnly || !sameIrq(a.irq, b.irq)) return false;
  if (a.held !== b.held) {
    if (a.held.length !== b.held.length) return false;
    for (let i = 0; i < a.held.length; i++) if (!sameHeldKey(a.held[i]!, b.held[i]!)) return false;
  }
  if (a.vars !== b.vars) {
    if (a.vars.length !== b.vars.length) return false;
    for (let i = 0; i < a.vars.length; i++) {
      const x = a.vars[i]!;
      const y = b.vars[i]!;
      if (x !== y && (x.v !== y.v || x.lock !== y.lock || x.status !== y.status)) return false;
    }
  }
  if (!sameFacts(a.facts, b.facts)) return false;
  if (a.released !== b.released) {
    if (a.released.length !== b.released.length) return false;
    for (let i = 0; i < a.released.length; i++) if (a.released[i] !== b.released[i]) return false;
  }
  const sa = a.saved?.length ? a.saved : undefined;
  const sb = b.saved?.length ? b.saved : undefined;
  if (sa !== sb) {
    if (!sa || !sb || sa.length !== sb.length) return false;
    for (let i = 0; i < sa.length; i++) {
      const x = sa[i]!;
      const y = sb[i]!;
      if (x !== y && (x.v !== y.v || (x.irq ? !y.irq || !sameIrq(x.irq, y.irq) : !!y.irq))) return false;
    }
  }
  return true;
}

/** The parts of a held lock its key has. */
function sameHeldKey(x: HeldLock, y: HeldLock): boolean {
  if (x === y) return true;
  return (
    x.name === y.name &&
    x.at === y.at &&
    !!x.entry === !!y.entry &&
    !!x.maybe === !!y.maybe &&
    !!x.handed === !!y.handed &&
    (x.depth || 0) === (y.depth || 0) &&
    sameFacts(x.when ?? NO_FACTS, y.when ?? NO_FACTS)
  );
}

const NO_FACTS: readonly Fact[] = [];

function sameFacts(a: readonly Fact[], b: readonly Fact[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && (a[i]!.atom !== b[i]!.atom || a[i]!.value !== b[i]!.value)) return false;
  return true;
}

function sameIrq(a: IrqState | undefined, b: IrqState | undefined): boolean {
  if (a === b) return true;
  return !!a && !!b && a.on === b.on && a.at === b.at && !!a.entry === !!b.entry;
}

const irqKey = (i: IrqState): string => `${i.on ? 1 : 0}@${i.at}${i.entry ? 'e' : ''}`;

/** The merge of interrupt states: kept when every path agrees (where it changed may differ: the first is kept), else unknown. */
function mergeIrq(states: readonly PathState[]): IrqState | undefined {
  const first = states[0]?.irq;
  if (!first) return undefined;
  for (const s of states) if (!s.irq || s.irq.on !== first.on || !!s.irq.entry !== !!first.entry) return undefined;
  return first;
}

function mergeSaved(states: readonly PathState[]): SavedIrq[] | undefined {
  const first = states[0]?.saved;
  if (!first?.length) return undefined;
  const out: SavedIrq[] = [];
  for (const x of first) {
    const all = states.map((s) => s.saved?.find((y) => y.v === x.v));
    if (all.some((y) => !y)) continue;
    const agree = all.every((y) => (y!.irq?.on ?? null) === (x.irq?.on ?? null) && !!y!.irq?.entry === !!x.irq?.entry);
    out.push(agree ? x : { v: x.v });
  }
  return out.length ? out : undefined;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * `list` without the items of `item`'s key, plus `item`, sorted by key: what
 * `list.filter(…).concat(item).sort(…)` (a stable sort) gives, in one pass
 * that puts `item` before the first greater key of a list already sorted (the
 * lists of a state are kept so); a list that is not is sorted as before.
 */
function withSorted<T>(list: readonly T[], item: T, key: (t: T) => string): T[] {
  const k = key(item);
  // A list of none or one (most: a path holds a lock or two) made by a literal, to measure: one grown
  // by push from empty has room for 17, and the states the solve keeps are kept to the end of a run.
  if (list.length === 0) return [item];
  if (list.length === 1) {
    const x = list[0]!;
    const kx = key(x);
    return kx === k ? [item] : k < kx ? [item, x] : [x, item];
  }
  const out: T[] = [];
  let placed = false;
  let sorted = true;
  let prev: string | undefined;
  for (const x of list) {
    const kx = key(x);
    if (kx === k) continue;
    if (prev !== undefined && prev > kx) sorted = false;
    prev = kx;
    if (!placed && k < kx) {
      out.push(item);
      placed = true;
    }
    out.push(x);
  }
  if (!placed) out.push(item);
  if (sorted) return out;
  out.splice(out.indexOf(item), 1);
  out.push(item);
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Every state but EMPTY_STATE and mergeStates' is made here, by this one
 * object literal with every field in EMPTY_STATE's order: all states then
 * share one shape (hidden class) and the analysis's reads of their fields
 * stay monomorphic. Spreads (`{ ...s, held }`) made a new shape per site and
 * per shape of their source, a dozen or more, and every read of a field went
 * through a slow lookup. The wrappers below name the field they replace.
 */
function made(
  held: readonly HeldLock[],
  vars: readonly VarBinding[],
  facts: readonly Fact[],
  released: readonly string[],
  irq: IrqState | undefined,
  saved: readonly SavedIrq[] | undefined,
  releaseOnly: number | undefined,
): PathState {
  return { held, vars, facts, released, irq, saved, releaseOnly };
}

/** `s` holding `held` (and having released `released`). */
export const withHeldList = (s: PathState, held: readonly HeldLock[], released = s.released): PathState =>
  made(held, s.vars, s.facts, released, s.irq, s.saved, s.releaseOnly);
const withVarList = (s: PathState, vars: readonly VarBinding[]): PathState =>
  made(s.held, vars, s.facts, s.released, s.irq, s.saved, s.releaseOnly);
/** `s` knowing the branch facts `facts`. */
export const withFactList = (s: PathState, facts: readonly Fact[]): PathState =>
  made(s.held, s.vars, facts, s.released, s.irq, s.saved, s.releaseOnly);
/** `s` with interrupts as `irq` says (undefined: unknown), and the saved states `saved`. */
export const withIrqState = (s: PathState, irq: IrqState | undefined, saved = s.saved): PathState =>
  made(s.held, s.vars, s.facts, s.released, irq, saved, s.releaseOnly);
/** `s` moved (incremental/shift.ts): its offsets in `held`, `irq`, `saved` and `releaseOnly` are another placement's. */
export const withPositions = (
  s: PathState,
  held: readonly HeldLock[],
  irq: IrqState | undefined,
  saved: readonly SavedIrq[] | undefined,
  releaseOnly: number | undefined,
): PathState => made(held, s.vars, s.facts, s.released, irq, saved, releaseOnly);
/** `s` past the `ASSERT_UNREACHABLE()` at `at`. */
export const withReleaseOnly = (s: PathState, at: number): PathState => made(s.held, s.vars, s.facts, s.released, s.irq, s.saved, at);

const nameOf = (h: HeldLock): string => h.name;
const varOf = (b: VarBinding): string => b.v;
const itself = (r: string): string => r;

export function withHeld(s: PathState, lock: HeldLock): PathState {
  const held = withSorted(s.held, lock, nameOf);
  const released = s.released.includes(lock.name) ? s.released.filter((r) => r !== lock.name) : s.released;
  return withHeldList(s, held, released);
}

export function withoutHeld(s: PathState, name: string): PathState {
  const h = s.held.find((x) => x.name === name);
  if (h && h.depth && h.depth > 1) {
    const rest: HeldLock = { ...h, depth: h.depth - 1 };
    if (rest.depth === 1) delete rest.depth;
    return withHeldList(
      s,
      s.held.map((x) => (x === h ? rest : x)),
    );
  }
  const released = s.released.includes(name) ? s.released : withSorted(s.released, name, itself);
  return withHeldList(
    s,
    s.held.filter((h) => h.name !== name),
    released,
  );
}

export function findHeld(s: PathState, name: string): HeldLock | undefined {
  return s.held.find((h) => h.name === name);
}

export function binding(s: PathState, v: string): VarBinding | undefined {
  return s.vars.find((b) => b.v === v);
}

/** A binding, made by one literal per shape (spreads of bindings made a shape per site). */
export function bound(v: string, lock: string, status: VarBinding['status'], zeroIsHeld?: boolean): VarBinding {
  return zeroIsHeld ? { v, lock, status, zeroIsHeld: true } : { v, lock, status };
}

export function withBinding(s: PathState, b: VarBinding): PathState {
  // The same binding again (a pointer assigned in a loop): the same state, so no new key to compute.
  const old = s.vars.find((x) => x.v === b.v);
  if (old && old.lock === b.lock && old.status === b.status && old.zeroIsHeld === b.zeroIsHeld) return s;
  return withVarList(s, withSorted(s.vars, b, varOf));
}

export function withoutBinding(s: PathState, v: string): PathState {
  if (!s.vars.some((b) => b.v === v)) return s;
  return withVarList(
    s,
    s.vars.filter((b) => b.v !== v),
  );
}

/**
 * Branch facts one path remembers. Facts only refine (they prune infeasible
 * edges), so forgetting one is sound; without a bound a function testing
 * hundreds of correlated flags would copy hundreds of facts per statement.
 */
export const MAX_FACTS = 32;

export function withFact(s: PathState, atom: string, value: boolean): PathState {
  // Sorted by atom: insert in place (binary search), replacing an old value.
  const facts = s.facts;
  let lo = 0;
  let hi = facts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (facts[mid]!.atom < atom) lo = mid + 1;
    else hi = mid;
  }
  const same = facts[lo]?.atom === atom;
  if (same && facts[lo]!.value === value) return s;
  if (!same && facts.length >= MAX_FACTS) return s;
  const next = facts.slice();
  next.splice(lo, same ? 1 : 0, { atom, value });
  return withFactList(s, next);
}

/** Drops facts (and lock guards) whose atom mentions any of `idents` (after an assignment to them). */
export function forgetFacts(s: PathState, idents: ReadonlySet<string>): PathState {
  let r = s;
  // (Most assignments touch no fact the path knows: looked for first, no list copied.)
  if (s.facts.some((f) => mentions(f.atom, idents)))
    r = withFactList(
      r,
      s.facts.filter((f) => !mentions(f.atom, idents)),
    );
  if (s.held.some((h) => h.when?.some((f) => mentions(f.atom, idents)))) {
    r = withHeldList(
      r,
      r.held.map((h) => {
        if (!h.when?.some((f) => mentions(f.atom, idents))) return h;
        const when = h.when.filter((f) => !mentions(f.atom, idents));
        const out: HeldLock = { ...h };
        if (when.length) out.when = when;
        else delete out.when;
        return out;
      }),
    );
  }
  return r;
}

/**
 * A branch fact was learned: locks guarded by it are decided. The guard's
 * value taken: held for certain (the fact's own path); the other: not held.
 */
export function decideGuards(s: PathState, atom: string, value: boolean): PathState {
  if (!s.held.some((h) => h.when?.some((f) => f.atom === atom))) return s;
  const held: HeldLock[] = [];
  for (const h of s.held) {
    const g = h.when?.find((f) => f.atom === atom);
    if (!g) held.push(h);
    else if (g.value === value) {
      const sure: HeldLock = { ...h };
      delete sure.maybe;
      delete sure.when;
      held.push(sure);
    }
  }
  return withHeldList(s, held);
}

/**
 * The atom reads one of the expressions (a variable, or a member path such as
 * `old_q->tail`, as an access: `old_q->tail` is read by `old_q->tail==0` but
 * not by `old_q!=q`, and `old_q` by both).
 */
function mentions(atom: string, exprs: ReadonlySet<string>): boolean {
  for (const e of exprs) {
    if (!atom.includes(e)) continue;
    const esc = e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|[^\\w.>])${esc}(?![\\w])`).test(atom)) return true;
  }
  return false;
}

/**
 * The branch facts that tell, in every merged state, whether `name` is held:
 * true where it is held, false where it is not (or a guard it already had).
 */
function guardsOf(
  name: string,
  states: readonly PathState[],
  heldMaps: readonly ReadonlyMap<string, HeldLock>[],
  factMaps: readonly ReadonlyMap<string, boolean>[],
): Fact[] {
  let candidates: Fact[] | undefined;
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    const h = heldMaps[i]!.get(name);
    // Does this state agree that `c` tells: held for sure where its facts say c, not held where they say !c, or its own guard c.
    const agrees = (c: Fact): boolean =>
      !h
        ? factMaps[i]!.get(c.atom) === !c.value
        : h.maybe
          ? !!h.when?.some((f) => f.atom === c.atom && f.value === c.value)
          : factMaps[i]!.get(c.atom) === c.value;
    if (!candidates) {
      candidates = !h ? s.facts.map((f) => ({ atom: f.atom, value: !f.value })) : h.maybe ? (h.when ?? []).slice() : s.facts.slice();
    } else candidates = candidates.filter(agrees);
    if (candidates.length === 0) return [];
  }
  return candidates ?? [];
}

/** The fields mergeStates builds a lock with (its `m` below). */
const REBUILT: ReadonlySet<string> = new Set(['name', 'kind', 'at', 'entry', 'because', 'irqVariant', 'maybe', 'when', 'handed']);

/** `h` is what mergeStates would build from it, were it on every merged path. */
function rebuiltAsIs(h: HeldLock): boolean {
  for (const k in h) if (!REBUILT.has(k)) return false;
  // A definite lock's guards are dropped by the merge; a may-lock's kept (guardsOf: all agree on its own).
  return !!h.maybe || h.when === undefined;
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
  // A lock object every path shares (no merged branch touched it), with only the fields the merge rebuilds,
  // is what the merge would build: keep that very object, so a merge of long states allocates only for the
  // locks the branches changed. (A field the merge does not rebuild, such as `alias` or `depth`, disables this.)
  const same = new Map<string, number>();
  for (const s of states) for (const h of s.held) if (h === first.get(h.name)) same.set(h.name, (same.get(h.name) ?? 0) + 1);
  const held: HeldLock[] = [];
  // Per merged state, its held locks and facts by name (built once: a merge of long states stays linear).
  let heldMaps: Map<string, HeldLock>[] | undefined;
  let factMaps: Map<string, boolean>[] | undefined;
  for (const [name, h] of first) {
    if (same.get(name) === states.length && rebuiltAsIs(h)) {
      held.push(h);
      continue;
    }
    const definite = (count.get(name) ?? 0) === states.length;
    const m: HeldLock = { name, kind: h.kind, at: h.at };
    if (h.entry) m.entry = true;
    // Why it is held on entry is the function's, the same on every path.
    if (h.because) m.because = h.because;
    if (h.irqVariant) m.irqVariant = h.irqVariant;
    heldMaps ??= states.map((s) => new Map(s.held.map((x) => [x.name, x])));
    // Handed on only when every merged path holding it handed it on.
    if (
      heldMaps.every((byName) => {
        const x = byName.get(name);
        return !x || !!x.handed;
      })
    )
      m.handed = true;
    if (!definite) {
      m.maybe = true;
      factMaps ??= states.map((s) => new Map(s.facts.map((f) => [f.atom, f.value])));
      const when = guardsOf(name, states, heldMaps, factMaps);
      if (when.length) m.when = when;
    }
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
  // Release-build-only when every merged path is.
  const releaseOnly = states.every((s) => s.releaseOnly !== undefined) ? states[0]!.releaseOnly : undefined;
  // Released on every merged path only: a double release is reported when certain.
  const released = common(
    states.map((s) => s.released),
    (r) => r,
  );
  // All the fields, in EMPTY_STATE's order (one shape for every state).
  return { held, vars, facts, released, irq: mergeIrq(states), saved: mergeSaved(states), releaseOnly };
}
