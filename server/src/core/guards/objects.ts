// Objects private to a function: one it allocated (or was handed by every
// caller while still private) is nobody else's until it is published
// (stored where others can reach it, linked into a list, handed to code we
// cannot see); one it frees is being torn down. Accesses of such an
// object's own fields are initialisation or teardown, not shared accesses.
import type { CfgNode } from '../cfg/types';
import type { FunctionLocks } from '../locks/analyze';
import { originOf } from '../locks/origin';
import { type FunctionDefine, functionDefines, madeOfDefines } from '../syntax/defines';
import { TextMemo } from '../syntax/textMemo';
import { isAllocator, isDeallocator, isDebugCheck, isLockless, keepsNoPointer, listOp } from '../xen/accessOps';

export interface ObjectLifetimes {
  /** Local → the offsets between which its object is private (allocated here, not yet published). */
  fresh: Map<string, { from: number; until: number }>;
  /** Locals (and parameters) whose objects the function frees. */
  dying: Set<string>;
  /** The function returns an object it allocated and did not publish (an allocator of its own). */
  returnsFresh: boolean;
  /**
   * A local walking a chain of private objects (`u = head; … u = u->next;`,
   * head a chain built here through a cursor): the offsets between which what
   * it points to is one of them.
   */
  walks: { v: string; from: number; until: number }[];
}

/** What the local `v` points to is private to the function at offset `at` (a fresh object, or one on a private chain). */
export function privateAt(lt: ObjectLifetimes, v: string, at: number): boolean {
  const f = lt.fresh.get(v);
  if (f && f.from <= at && at < f.until) return true;
  return lt.walks.some((w) => w.v === v && w.from <= at && at < w.until);
}

/**
 * Parameters the function links somewhere shared: `rcu_assign_pointer(*pd, d)`,
 * a list link of one of its elements, a store made under a lock. A caller
 * handing it a private object publishes the object there.
 */
export function linkedParams(fn: FunctionLocks): ReadonlySet<string> {
  // Read from the result as computed (names only: where the function sits does not matter), once per result.
  const { base } = originOf(fn);
  let out = linkedOf.get(base);
  if (!out) linkedOf.set(base, (out = paramsLinkedIn(base)));
  return out;
}

const linkedOf = new WeakMap<FunctionLocks, ReadonlySet<string>>();

function paramsLinkedIn(fn: FunctionLocks): Set<string> {
  const params = new Set(fn.syntax.params.filter((p): p is string => !!p));
  const out = new Set<string>();
  for (const n of fn.cfg.nodes) {
    for (const a of n.facts.assignments) {
      const rhs = bare(a.rhs);
      if (params.has(rhs) && !IDENT.test(a.lhs) && (fn.before[n.id] ?? []).some((p) => p.held.length > 0)) out.add(rhs);
    }
    for (const c of n.facts.calls) {
      const args = c.args.map((a) => bare(a.text));
      if (c.name === 'rcu_assign_pointer' && args[1] && params.has(args[1])) out.add(args[1]);
      const list = listOp(c.name);
      if (list?.elem !== undefined && list.head !== undefined && list.effect === 'write') {
        const m = /^&\s*([A-Za-z_]\w*)->/.exec(args[list.elem] ?? '');
        if (m && params.has(m[1]!)) out.add(m[1]!);
      }
    }
  }
  return out;
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
/**
 * objectLifetimes of `fn`, read from the result it is a moved view of (an
 * edit above it moved it: its statements are the same, at other offsets), so
 * a moved function's CFG is never copied for it; remembered per result with
 * what else the answer depends on (an edit re-asks every function).
 */
export function objectLifetimes(
  fn: FunctionLocks,
  allocates: (name: string) => boolean,
  analysed: (name: string) => boolean,
  freshParams: ReadonlySet<string> = new Set(),
  links: (name: string, arg: number) => boolean = () => false,
  source?: string,
  /** calleeFlags with these closures, when the caller remembers them (every function of a file asks about the same callees). */
  flagsOf: (name: string, args: number) => string = (name, args) => calleeFlags(name, args, allocates, analysed, links),
  /** The function's PrivateSources, when the caller has them. */
  sources?: PrivateSources,
): ObjectLifetimes {
  // Most functions allocate, free and chain nothing and are handed nothing private: nothing is private in them,
  // known without their callees' flags or a walk of their statements. (Asked before the function's origin is read,
  // when the caller has its sources: every function asks on every edit, and on the editor's edit loop all of them
  // answered here; the origin object and a closure per question were all this allocated, 11 MB over 200 edits.)
  if (freshParams.size === 0 && sources?.none(allocates)) return NOTHING_PRIVATE;
  const { base, delta } = originOf(fn);
  if (freshParams.size === 0 && sources === undefined && sourcesOfResult(base).none(allocates)) return NOTHING_PRIVATE;
  // The base result's offsets, in the text the function sits in now.
  const text = source === undefined ? undefined : (s: number, e: number): string => source.slice(s + delta.offset, e + delta.offset);
  // Which callees allocate, are analysed, link which argument; which parameters are private.
  const flags: string[] = [];
  for (const [c, n] of calleeArgs(base)) flags.push(flagsOf(c, n));
  const key = `${flags.join(',')}|${[...freshParams].join(',')}`;
  const known = lastLifetimes.get(base);
  const out = known?.key === key ? known.out : lifetimesIn(base, allocates, analysed, freshParams, links, text);
  if (known?.out !== out) lastLifetimes.set(base, { key, out });
  if (delta.offset === 0 || (out.fresh.size === 0 && out.walks.length === 0)) return out;
  // (An object private to the end stays so: Infinity moved is Infinity.)
  const fresh = new Map([...out.fresh].map(([v, r]) => [v, { from: r.from + delta.offset, until: r.until + delta.offset }]));
  const walks = out.walks.map((w) => ({ v: w.v, from: w.from + delta.offset, until: w.until + delta.offset }));
  return { ...out, fresh, walks };
}

/** No object is private to a function: shared (nobody changes an answer once given). */
const NOTHING_PRIVATE: ObjectLifetimes = { fresh: new Map(), dying: new Set(), returnsFresh: false, walks: [] };

/**
 * What could make an object private in a function with no private parameter
 * (lifetimesIn's only sources): the function is an allocator itself, a local
 * is assigned a call's result (an allocator's, if the callee is one), points
 * into a local (`pp = &head`: a chain), or something is freed. Read node by
 * node, by whoever walks all of a function's nodes anyway (guards/collect).
 */
export class PrivateSources {
  private always: boolean;
  private readonly assignedCalls: string[] = [];

  constructor(fnName: string) {
    this.always = isAllocator(fnName);
  }

  /** Every node of the function (reachable or not) is added. */
  add(n: CfgNode): void {
    for (const a of n.facts.assignments) {
      if (a.op !== '=') continue;
      const call = a.rhsCall !== undefined ? n.facts.calls[a.rhsCall] : undefined;
      if (call && IDENT.test(a.lhs)) {
        this.assignedCalls.push(call.name);
        // A local assigned what an allocator by name returns: asked here, once per function as collected, not by
        // none() on every edit (a fifth of lifetimesOf's time on the bench's edit loop).
        if (isAllocator(call.name)) this.always = true;
      }
      if (a.rhs.includes('&') && /^&\s*[A-Za-z_]\w*$/.test(bare(a.rhs))) this.always = true;
    }
    for (const c of n.facts.calls) if (isDeallocator(c.name)) this.always = true;
  }

  /** Nothing can be private while no analysed callee allocates (none(allocates) when `allocates` says no to every name). */
  noneByItself(): boolean {
    return !this.always;
  }

  /** Nothing can be private (no parameter is: the caller says). */
  none(allocates: (name: string) => boolean): boolean {
    // (`always` includes a local assigned an allocator's result, by its name: add() asks.)
    if (this.always) return false;
    // (A loop, not `some` with a closure: asked of every function on every edit.)
    const calls = this.assignedCalls;
    for (let i = 0; i < calls.length; i++) if (allocates(calls[i]!)) return false;
    return true;
  }
}

/** Per result as computed, when the caller has not read them already. */
const sourcesOf = new WeakMap<FunctionLocks, PrivateSources>();

function sourcesOfResult(fn: FunctionLocks): PrivateSources {
  let s = sourcesOf.get(fn);
  if (!s) {
    s = new PrivateSources(fn.syntax.name);
    for (const n of fn.cfg.nodes) s.add(n);
    sourcesOf.set(fn, s);
  }
  return s;
}

/** What objectLifetimes' answer depends on about a callee called with up to `args` arguments: it allocates, is analysed, links which argument. */
export function calleeFlags(
  name: string,
  args: number,
  allocates: (name: string) => boolean,
  analysed: (name: string) => boolean,
  links: (name: string, arg: number) => boolean,
): string {
  let k = (isAllocator(name) || allocates(name) ? 'A' : '') + (analysed(name) ? 'S' : '');
  for (let i = 0; i < args; i++) if (links(name, i)) k += i;
  return k;
}

const lastLifetimes = new WeakMap<FunctionLocks, { key: string; out: ObjectLifetimes }>();
const calleeArgsOf = new WeakMap<FunctionLocks, Map<string, number>>();

/** Each callee of the function with the most arguments one of its calls passes. */
function calleeArgs(fn: FunctionLocks): Map<string, number> {
  let m = calleeArgsOf.get(fn);
  if (!m) {
    m = new Map();
    for (const n of fn.cfg.nodes) for (const c of n.facts.calls) m.set(c.name, Math.max(m.get(c.name) ?? 0, c.args.length));
    calleeArgsOf.set(fn, m);
  }
  return m;
}

function lifetimesIn(
  fn: FunctionLocks,
  allocates: (name: string) => boolean,
  analysed: (name: string) => boolean,
  freshParams: ReadonlySet<string>,
  links: (name: string, arg: number) => boolean,
  text: ((start: number, end: number) => string) | undefined,
): ObjectLifetimes {
  const locals = new Set<string>();
  for (const n of fn.cfg.nodes) for (const d of n.declares ?? []) locals.add(d);
  const out: ObjectLifetimes = { fresh: new Map(), dying: new Set(), returnsFresh: false, walks: [] };
  for (const p of freshParams) out.fresh.set(p, { from: fn.syntax.start, until: Infinity });
  const nodes = fn.cfg.nodes.filter((n) => n.end > n.start).sort((a, b) => a.start - b.start);
  const chain = new Chains(out, locals);
  // `q = p + pad`: pointer arithmetic stays inside p's object (private with it; publishing it publishes p).
  const derivedFrom = new Map<string, string>();
  const publish = (v: string, at: number, depth = 0): void => {
    const f = out.fresh.get(v);
    if (f && f.until === Infinity && at >= f.from) f.until = at;
    chain.end(v, at);
    const whole = derivedFrom.get(v);
    if (whole !== undefined && depth < 8) publish(whole, at, depth + 1);
  };
  // Private as an object of its own (what a holder can hold), or also as one on a private chain being walked.
  const freshAt = (v: string, at: number): boolean => {
    const f = out.fresh.get(v);
    return f !== undefined && f.from <= at && at < f.until;
  };
  const privateAt = (v: string, at: number): boolean => freshAt(v, at) || chain.walking(v, at);
  // The objects the function returns: one it allocated and returns is being constructed (see `constructed`).
  const returned = new Set(nodes.filter((n) => n.kind === 'return' && n.returnText && IDENT.test(n.returnText)).map((n) => n.returnText!));
  const constructed = (v: string): boolean => returned.has(v) && out.fresh.has(v) && !freshParams.has(v);
  const lockHeld = (n: CfgNode): boolean => (fn.before[n.id] ?? []).some((p) => p.held.length > 0);
  // The body of an allocator of the vocabulary (`_xmalloc`, `_xrealloc`): by its contract, the memory it returns is
  // nobody else's, from where the local it returns gets its value (a block taken off the pool's free list, the
  // caller's own block re-padded) on.
  const results = new Set<string>();
  if (isAllocator(fn.syntax.name))
    for (const v of returned) {
      const first = locals.has(v) ? nodes.flatMap((n) => n.facts.assignments).find((a) => a.lhs === v && a.op === '=') : undefined;
      if (first) {
        out.fresh.set(v, { from: first.start, until: Infinity });
        results.add(v);
      }
    }
  // Constructed objects handed to code we cannot see or named by a global: not an allocator's result for the callers.
  const exposed = new Set<string>();
  // `holder->field = obj` with the holder private: obj is reachable only through it (private while it is).
  const heldBy: { obj: string; holder: string }[] = [];
  for (const n of nodes) {
    // A loop macro naming a walking local as an argument moves it to the loop's elements.
    if (n.loopMacro && text) chain.reassignedIn(text(n.start, n.end), n.start);
    for (const a of n.facts.assignments) {
      const call = a.rhsCall !== undefined ? n.facts.calls[a.rhsCall] : undefined;
      const rhs = bare(a.rhs);
      // A chain of private objects built or walked through locals: neither a publication nor a new object.
      if (chain.assign(a, privateAt, freshAt, heldBy)) continue;
      chain.reassigned(a.lhs, a.start);
      if (a.op === '=' && IDENT.test(a.lhs) && call && (isAllocator(call.name) || allocates(call.name))) {
        // (An allocator's own result stays what it was: private since its first value.)
        const open = results.has(a.lhs) && out.fresh.get(a.lhs)?.until === Infinity;
        if (!open) out.fresh.set(a.lhs, { from: a.start, until: Infinity });
        continue;
      }
      const offset = /^([A-Za-z_]\w*)\s*(?:\+(?!\+)|-(?![->]))\s*[^=]+$/.exec(rhs)?.[1];
      if (a.op === '=' && locals.has(a.lhs) && offset !== undefined && offset !== a.lhs && freshAt(offset, a.start)) {
        out.fresh.set(a.lhs, { from: a.start, until: Infinity });
        heldBy.push({ obj: a.lhs, holder: offset });
        derivedFrom.set(a.lhs, offset);
        continue;
      }
      const holder = /^([A-Za-z_]\w*)\s*(?:->|\.)/.exec(a.lhs)?.[1];
      if (IDENT.test(rhs) && holder !== undefined && holder !== rhs && freshAt(holder, a.start) && freshAt(rhs, a.start)) {
        heldBy.push({ obj: rhs, holder });
        continue;
      }
      // A constructor's object stored in a plain global outside any lock (a name for it, `hardware_domain = d`) is not
      // yet handed to concurrent code: that takes a lock or a barrier (a list link, rcu_assign_pointer).
      if (IDENT.test(rhs) && IDENT.test(a.lhs) && !locals.has(a.lhs) && constructed(rhs) && !lockHeld(n)) {
        exposed.add(rhs);
        continue;
      }
      // Stored anywhere but in a local: published.
      if (IDENT.test(rhs) && !(IDENT.test(a.lhs) && locals.has(a.lhs))) publish(rhs, a.start);
      // `svc = priv`: one object under two names.
      if (IDENT.test(a.lhs) && IDENT.test(rhs) && out.dying.has(rhs)) out.dying.add(a.lhs);
    }
    for (const c of n.facts.calls) {
      handleCall(out, c, analysed, publish, constructed, exposed);
      // An analysed callee that links its parameter somewhere shared publishes what it is handed.
      c.args.forEach((arg, i) => {
        const v = bare(arg.text);
        if (IDENT.test(v) && links(c.name, i)) publish(v, c.start);
      });
    }
    if (n.kind === 'return' && n.returnText && IDENT.test(n.returnText)) {
      const f = out.fresh.get(n.returnText);
      if (f && f.until === Infinity && !freshParams.has(n.returnText) && !exposed.has(n.returnText)) out.returnsFresh = true;
    }
  }
  // An object stored in a private holder is published with it.
  chain.finish();
  for (let changed = true; changed;) {
    changed = false;
    for (const { obj, holder } of heldBy) {
      const o = out.fresh.get(obj);
      const h = out.fresh.get(holder);
      if (o && h && h.until < o.until) {
        o.until = h.until;
        changed = true;
      }
    }
  }
  // A walk of a chain ends where its head is published.
  for (const w of out.walks) w.until = Math.min(w.until, chain.headUntil(w));
  // A freed object was private under every name it went by.
  for (const n of nodes)
    for (const a of n.facts.assignments)
      if (IDENT.test(a.lhs) && out.dying.has(a.lhs) && IDENT.test(bare(a.rhs))) out.dying.add(bare(a.rhs));
  return out;
}

/**
 * A chain of private objects a function builds and walks through locals:
 * `pp = &head;` makes pp a cursor onto the local head (the chain, private
 * until the head is stored elsewhere), `*pp = obj;` puts a private object on
 * it (held by the head, not published), `pp = &obj->next;` names the link
 * field. Then `u = head;` and `u = u->next;` (through a link field) walk it:
 * what u points to is one of the chain's objects until u is stored somewhere
 * shared, assigned anything else, or the head is published. A walk through
 * any other field, or of a head already published, is no walk.
 */
class Chains {
  /** Cursor local → the head local it points into. */
  private readonly cursors = new Map<string, string>();
  /** Link fields (`next_in_list`). */
  private readonly fields = new Set<string>();
  /** Open walks: local → its walk record (and the head it walks). */
  private readonly open = new Map<string, { w: { v: string; from: number; until: number }; head: string }>();
  private readonly heads = new Map<{ v: string; from: number; until: number }, string>();
  /** Objects put on a chain, with where the local naming them is next assigned (they are private until then). */
  private readonly held: { obj: string; from: number }[] = [];
  private readonly reassignments: { v: string; at: number }[] = [];

  constructor(
    private readonly out: ObjectLifetimes,
    private readonly locals: ReadonlySet<string>,
  ) {}

  walking(v: string, at: number): boolean {
    const o = this.open.get(v);
    return o !== undefined && o.w.from <= at && at < o.w.until;
  }

  /** Handles a chain assignment; true when it was one (nothing else to do with it). */
  assign(
    a: { lhs: string; rhs: string; op: string; start: number },
    privateAt: (v: string, at: number) => boolean,
    freshAt: (v: string, at: number) => boolean,
    heldBy: { obj: string; holder: string }[],
  ): boolean {
    if (a.op !== '=') return false;
    const rhs = bare(a.rhs);
    const local = (v: string): boolean => IDENT.test(v) && this.locals.has(v);
    // `pp = &head`
    const head = /^&\s*([A-Za-z_]\w*)$/.exec(rhs)?.[1];
    if (local(a.lhs) && head !== undefined && local(head)) {
      this.cursors.set(a.lhs, head);
      if (!this.out.fresh.has(head)) this.out.fresh.set(head, { from: a.start, until: Infinity });
      return true;
    }
    // `pp = &obj->next` with obj private
    const link = /^&\s*([A-Za-z_]\w*)\s*->\s*([A-Za-z_]\w*)$/.exec(rhs);
    if (link && this.cursors.has(a.lhs) && privateAt(link[1]!, a.start)) {
      this.fields.add(link[2]!);
      return true;
    }
    // `*pp = obj` with obj private
    const cursor = /^\*\s*([A-Za-z_]\w*)$/.exec(a.lhs)?.[1];
    if (cursor !== undefined && this.cursors.has(cursor) && IDENT.test(rhs) && freshAt(rhs, a.start)) {
      heldBy.push({ obj: rhs, holder: this.cursors.get(cursor)! });
      this.held.push({ obj: rhs, from: a.start });
      return true;
    }
    if (!local(a.lhs)) return false;
    // `u = head` of a private chain
    if ([...this.cursors.values()].includes(rhs) && privateAt(rhs, a.start)) {
      this.startWalk(a.lhs, rhs, a.start);
      return true;
    }
    // `u = w->next` with w walking
    const step = /^([A-Za-z_]\w*)\s*->\s*([A-Za-z_]\w*)$/.exec(rhs);
    if (step && this.fields.has(step[2]!) && this.walking(step[1]!, a.start)) {
      if (step[1] !== a.lhs) this.startWalk(a.lhs, this.open.get(step[1]!)!.head, a.start);
      return true;
    }
    return false;
  }

  private startWalk(v: string, head: string, at: number): void {
    this.end(v, at);
    const w = { v, from: at, until: Infinity };
    this.out.walks.push(w);
    this.heads.set(w, head);
    this.open.set(v, { w, head });
  }

  /** v is stored somewhere shared (or assigned anything else) at `at`: its walk ends. */
  end(v: string, at: number): void {
    const o = this.open.get(v);
    if (o && o.w.until === Infinity && at >= o.w.from) o.w.until = at;
  }

  reassigned(v: string, at: number): void {
    if (!IDENT.test(v)) return;
    this.end(v, at);
    this.reassignments.push({ v, at });
  }

  /** A loop macro's text: every local it names as an argument is reassigned by it. */
  reassignedIn(text: string, at: number): void {
    const open = text.indexOf('(');
    if (open < 0) return;
    for (const arg of text.slice(open + 1, text.lastIndexOf(')')).split(',')) {
      const v = arg.trim();
      if (this.locals.has(v)) this.reassigned(v, at);
    }
  }

  /** An object put on a chain stays private under its own name only until that name is assigned again. */
  finish(): void {
    for (const h of this.held) {
      const f = this.out.fresh.get(h.obj);
      if (!f) continue;
      const next = this.reassignments.filter((r) => r.v === h.obj && r.at > h.from).reduce((m, r) => Math.min(m, r.at), Infinity);
      f.until = Math.min(f.until, next);
    }
  }

  /** Where the head a walk walks is published. */
  headUntil(w: { v: string; from: number; until: number }): number {
    const head = this.heads.get(w);
    return head === undefined ? Infinity : (this.out.fresh.get(head)?.until ?? Infinity);
  }
}

/** A function-like macro's parameters and body (continuation lines joined) in a file's text (its first definition). */
function macroDefinition(text: string, name: string): { params: string[]; body: string } | undefined {
  return definitionsMemo.get(text, () => madeOfDefines(macrosOfDefines, functionDefines(text), functionMacros)).get(name);
}

/** Every function-like macro a text defines, by name (the first definition), once per text (the lifetimes ask for each callee of each function). */
const definitionsMemo = new TextMemo<Map<string, { params: string[]; body: string }>>(64);

/** functionMacros by list of defines (madeOfDefines). */
const macrosOfDefines = new WeakMap<readonly FunctionDefine[], Map<string, { params: string[]; body: string }>>();

function functionMacros(defines: readonly FunctionDefine[]): Map<string, { params: string[]; body: string }> {
  const out = new Map<string, { params: string[]; body: string }>();
  for (const d of defines)
    if (!out.has(d.name)) out.set(d.name, { params: d.params.split(',').map((p) => p.trim()), body: d.body.replace(/\\\r?\n/g, ' ') });
  return out;
}

/**
 * A function-like macro of the file (`#define nr_frames(gt) ((gt)->nr)`) that
 * only reads fields through its arguments and assigns nothing: handing it a
 * pointer keeps no pointer.
 */
export function readOnlyMacro(text: string, name: string): boolean {
  const m = macroDefinition(text, name);
  if (!m) return false;
  const body = m.body;
  if (/(^|[^=!<>])=(?!=)|\+\+|--/.test(body.replace(/->/g, '.'))) return false;
  const params = m.params.filter((p) => IDENT.test(p));
  return params.every((p) => {
    const uses = [...body.matchAll(new RegExp(`\\b${p}\\b(\\)?)(\\s*->)?`, 'g'))];
    return uses.every((u) => u[2] !== undefined);
  });
}

function handleCall(
  out: ObjectLifetimes,
  c: CfgNode['facts']['calls'][number],
  analysed: (name: string) => boolean,
  publish: (v: string, at: number) => void,
  constructed: (v: string) => boolean,
  exposed: Set<string>,
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
  // Handed to code we cannot see: it may keep the pointer. Not an object being constructed (returned by the
  // function that allocated it): the code it is handed to during construction (arch and XSM hooks that fill in
  // its parts) is part of the construction; the constructor publishes it by linking it somewhere shared.
  if (analysed(c.name)) return;
  for (const a of args)
    if (IDENT.test(a) && constructed(a)) exposed.add(a);
    else if (IDENT.test(a)) publish(a, c.start);
}

type Lookup = { params: readonly string[]; returns: readonly string[] };

/** `q->…`, `(q)->…`, `q[…]` with `q` the name: a part of what q points to. */
const partOf = (e: string, q: string): boolean => new RegExp(`^[&(\\s]*${q}\\s*\\)?\\s*(->|\\[)`).test(e);

/**
 * A lookup into its first argument: every return of the function (an inline
 * helper such as `evtchn_from_port(d, p)`) is a part of the object its first
 * parameter points to, directly or through another such lookup or a macro of
 * `text` that only dereferences it (`bucket_from_port(d, p) + …`). What
 * it returns for a private object is private too.
 */
export function lookupInto(fn: Lookup, text: string, callee: (name: string) => Lookup | undefined, depth = 0): boolean {
  const p = fn.params[0];
  if (!p || !IDENT.test(p) || fn.returns.length === 0 || depth > 3) return false;
  return fn.returns.every((r) => {
    const e = r.trim();
    if (partOf(e, p)) return true;
    const m = /^[&(\s]*([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)\s*[,)]/.exec(e);
    if (!m || m[2] !== p) return false;
    const c = callee(m[1]!);
    return c ? lookupInto(c, text, callee, depth + 1) : macroInto(text, m[1]!, depth + 1);
  });
}

/** A function-like macro of `text` whose first parameter is only dereferenced, or handed first to another such macro. */
function macroInto(text: string, name: string, depth: number): boolean {
  if (depth > 3) return false;
  const m = macroDefinition(text, name);
  const q = m?.params[0];
  if (!m || !q || !IDENT.test(q)) return false;
  const body = m.body;
  const uses = [...body.matchAll(new RegExp(`\\b${q}\\b`, 'g'))];
  return (
    uses.length > 0 &&
    uses.every((u) => {
      const rest = body.slice(u.index);
      if (/^\w+\s*\)?\s*(->|\[)/.test(rest)) return true;
      const call = /([A-Za-z_]\w*)\s*\(\s*\(?\s*$/.exec(body.slice(0, u.index));
      return call !== null && call[1] !== name && macroInto(text, call[1]!, depth + 1);
    })
  );
}
