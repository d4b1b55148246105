// Objects private to a function: one it allocated (or was handed by every
// caller while still private) is nobody else's until it is published
// (stored where others can reach it, linked into a list, handed to code we
// cannot see); one it frees is being torn down. Accesses of such an
// object's own fields are initialisation or teardown, not shared accesses.
import type { CfgNode } from '../cfg/types';
import type { FunctionLocks } from '../locks/analyze';
import { originOf } from '../locks/origin';
import { isAllocator, isDeallocator, isDebugCheck, isLockless, keepsNoPointer, listOp } from '../xen/accessOps';

export interface ObjectLifetimes {
  /** Local → the offsets between which its object is private (allocated here, not yet published). */
  fresh: Map<string, { from: number; until: number }>;
  /** Locals (and parameters) whose objects the function frees. */
  dying: Set<string>;
  /** The function returns an object it allocated and did not publish (an allocator of its own). */
  returnsFresh: boolean;
}

const IDENT = /^[A-Za-z_]\w*$/;
/** `(struct foo *)p` → `p`. */
const bare = (t: string): string => t.replace(/^\([^()]*\)\s*/, '');

/**
 * `allocates(name)`: a call returning a private object (xzalloc & co, or an
 * analysed function that returns one). `analysed(name)`: a call whose body
 * we see (handing it the pointer does not publish it: the callee's accesses
 * are judged on their own, with its parameter private when every caller's
 * is). `freshParams`: parameters private on entry.
 */
function lifetimesIn(
  fn: FunctionLocks,
  allocates: (name: string) => boolean,
  analysed: (name: string) => boolean,
  freshParams: ReadonlySet<string> = new Set(),
): ObjectLifetimes {
  const locals = new Set<string>();
  for (const n of fn.cfg.nodes) for (const d of n.declares ?? []) locals.add(d);
  const out: ObjectLifetimes = { fresh: new Map(), dying: new Set(), returnsFresh: false };
  for (const p of freshParams) out.fresh.set(p, { from: fn.syntax.start, until: Infinity });
  const nodes = fn.cfg.nodes.filter((n) => n.end > n.start).sort((a, b) => a.start - b.start);
  const publish = (v: string, at: number): void => {
    const f = out.fresh.get(v);
    if (f && f.until === Infinity && at >= f.from) f.until = at;
  };
  for (const n of nodes) {
    for (const a of n.facts.assignments) {
      const call = a.rhsCall !== undefined ? n.facts.calls[a.rhsCall] : undefined;
      const rhs = bare(a.rhs);
      if (a.op === '=' && IDENT.test(a.lhs) && call && (isAllocator(call.name) || allocates(call.name))) {
        out.fresh.set(a.lhs, { from: a.start, until: Infinity });
        continue;
      }
      // Stored anywhere but in a local: published.
      if (IDENT.test(rhs) && !(IDENT.test(a.lhs) && locals.has(a.lhs))) publish(rhs, a.start);
      // `svc = priv`: one object under two names.
      if (IDENT.test(a.lhs) && IDENT.test(rhs) && out.dying.has(rhs)) out.dying.add(a.lhs);
    }
    for (const c of n.facts.calls) handleCall(out, c, analysed, publish);
    if (n.kind === 'return' && n.returnText && IDENT.test(n.returnText)) {
      const f = out.fresh.get(n.returnText);
      if (f && f.until === Infinity && !freshParams.has(n.returnText)) out.returnsFresh = true;
    }
  }
  // A freed object was private under every name it went by.
  for (const n of nodes)
    for (const a of n.facts.assignments)
      if (IDENT.test(a.lhs) && out.dying.has(a.lhs) && IDENT.test(bare(a.rhs))) out.dying.add(bare(a.rhs));
  return out;
}

/**
 * objectLifetimes of `fn`, read from the result it is a moved view of (an
 * edit above it moved it: its statements are the same, at other offsets), so
 * a moved function's CFG is never copied for it.
 */
export function objectLifetimes(
  fn: FunctionLocks,
  allocates: (name: string) => boolean,
  analysed: (name: string) => boolean,
  freshParams: ReadonlySet<string> = new Set(),
): ObjectLifetimes {
  const { base, delta } = originOf(fn);
  // What the answer depends on besides the statements: which callees allocate, which are analysed, which parameters are private.
  const callees = calleeNames(base);
  const key = `${callees.map((c) => (isAllocator(c) || allocates(c) ? 'A' : '') + (analysed(c) ? 'S' : '')).join(',')}|${[...freshParams].join(',')}`;
  const known = lastLifetimes.get(base);
  const out = known?.key === key ? known.out : lifetimesIn(base, allocates, analysed, freshParams);
  if (known?.out !== out) lastLifetimes.set(base, { key, out });
  if (delta.offset === 0) return out;
  // (An object private to the end stays so: Infinity moved is Infinity.)
  const fresh = new Map([...out.fresh].map(([v, r]) => [v, { from: r.from + delta.offset, until: r.until + delta.offset }]));
  return { ...out, fresh };
}

/** The last answer per lock result as computed, with what it depended on (an edit re-asks every function). */
const lastLifetimes = new WeakMap<FunctionLocks, { key: string; out: ObjectLifetimes }>();
const calleesOf = new WeakMap<FunctionLocks, string[]>();

function calleeNames(fn: FunctionLocks): string[] {
  let names = calleesOf.get(fn);
  if (!names) {
    const set = new Set<string>();
    for (const n of fn.cfg.nodes) for (const c of n.facts.calls) set.add(c.name);
    calleesOf.set(fn, (names = [...set]));
  }
  return names;
}

function handleCall(
  out: ObjectLifetimes,
  c: CfgNode['facts']['calls'][number],
  analysed: (name: string) => boolean,
  publish: (v: string, at: number) => void,
): void {
  const args = c.args.map((a) => bare(a.text));
  if (isDeallocator(c.name) && args[0] && IDENT.test(args[0])) {
    out.dying.add(args[0]);
    return;
  }
  if (isDebugCheck(c.name) || isLockless(c.name) || keepsNoPointer(c.name)) return;
  const list = listOp(c.name);
  if (list) {
    // Linking an object's element into a list publishes the object.
    if (list.elem !== undefined && list.head !== undefined && list.effect === 'write') {
      const m = /^&\s*([A-Za-z_]\w*)->/.exec(args[list.elem] ?? '');
      if (m) publish(m[1]!, c.start);
    }
    return;
  }
  if (c.name === 'rcu_assign_pointer' && args[1]) {
    publish(args[1], c.start);
    return;
  }
  // Handed to code we cannot see: it may keep the pointer.
  if (!analysed(c.name)) for (const a of args) if (IDENT.test(a)) publish(a, c.start);
}
