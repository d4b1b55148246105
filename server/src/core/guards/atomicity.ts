// Atomicity across an unlock (XSR014), on the lock discipline: values read
// from a location its lock guards (or pointers looked up in a list it
// guards) while the lock is held, then used to decide or to write after the
// lock was released on that path; a value re-locked and written back without
// a re-check (a lost update); a time stamp sampled before a lock and compared
// inside it with state the lock guards; a scheduler lock released through a
// freshly re-read pointer instead of the one that was locked; and words
// updated with non-atomic bit operations where other sites use atomic ones
// with no lock in common.
import type { CfgNode } from '../cfg/types';
import type { FunctionLocks } from '../locks/analyze';
import { LockNamer } from '../locks/names';
import { originOf } from '../locks/origin';
import type { Assignment } from '../syntax/expr';
import { tokenize } from '../syntax/tokens';
import { containerOf, isDebugCheck, isDiagnosticOutput, listOp, protectedIteration } from '../xen/accessOps';
import { CallsAnswer } from './callsMemo';
import { type BitUpdate, collectedFacts, type FunctionFacts } from './collect';
import { isHeaderPath, type LockDiscipline, soleDefinitionSeen } from './discipline';
import { identsUsed } from './nodeTokens';
import { callSamplesTime, comparedWithNow, handedTimeStamp, samplesTime } from './timeStamps';

interface Range {
  start: number;
  end: number;
}

/** A value used after its lock was released (`stale`), written back after a re-lock without a re-check (`relocked`), or a time stamp from before the lock (`now`). */
export interface StaleUse {
  kind: 'stale' | 'relocked' | 'now';
  fn: FunctionFacts;
  /** The local holding the value. */
  v: string;
  /** Type-level lock. */
  lock: string;
  /** Where the value was read (or NOW() sampled). */
  read: Range;
  /** The guarded location read (for `now`: the one compared with). */
  loc: string;
  /** The value is a pointer looked up in a list the lock guards. */
  lookup?: boolean;
  /** stale/relocked: where the lock was released; now: where it was taken. */
  unlock: Range;
  /** relocked: where it was taken again. */
  relock?: Range;
  use: Range;
  /** now: the stamp is handed to this call, which compares it (through the functions after it). */
  via?: string[];
  /** What the use does: decides a branch, stores the value, writes through the pointer, compares. */
  how: 'decides' | 'stores' | 'writes-through' | 'dereferences' | 'writes-back' | 'compares';
}

/** A scheduler lock released through a pointer read again at the release (`spin_unlock(get_sched_res(cpu)->schedule_lock)`). */
export interface RereadRelease {
  fn: FunctionFacts;
  call: string;
  arg: string;
  release: Range;
  /** The lock (canonical) the analysis says this releases. */
  lock: string;
  /** The acquire: a helper that returned the lock pointer, or a raw acquire through the same pointer. */
  acquire: Range & { call: string; returnsLock: boolean };
  /** For a raw acquire: where the pointer may have been re-routed in between (an install, or a call that installs). */
  rerouted?: Range & { what: string };
}

/**
 * A non-atomic bit update of a word that other sites update atomically, with
 * no lock common to all of them; or (`plain`) a non-atomic update of a word
 * that another site updates non-atomically too, under locks that exclude
 * neither (`|=` under one lock, `&=` under another: Credit1's flags before
 * be65075094).
 */
export interface MixedBitUpdate {
  fn: FunctionFacts;
  site: BitUpdate;
  atomic: { fn: FunctionFacts; site: BitUpdate }[];
  /** The other plain updates sharing no lock with this one (when no site is atomic), each with the locks it holds. */
  plain?: { fn: FunctionFacts; site: BitUpdate; locks: readonly string[] }[];
  /** With `plain`: the locks this update holds. */
  locks?: readonly string[];
}

interface Fact {
  kind: 'value' | 'now';
  v: string;
  lock: string;
  loc: string;
  lookup?: boolean;
  read: Range;
  /** Where the critical section the value was read in began (the lock's acquire). */
  section?: number;
  /** Every location the read went through (`unit->res->master_cpu`: the unit's res, the resource's master_cpu). */
  through?: readonly string[];
  status: 'held' | 'released' | 'relocked';
  unlock?: Range;
  relock?: Range;
  /** now: type-level locks that may be held where it was sampled. */
  before?: ReadonlySet<string>;
}

const IDENT = /^[A-Za-z_]\w*$/;
const NO_IDENTS: ReadonlyMap<string, Range[]> = new Map();
const NO_FACTS: readonly Fact[] = [];
/** Facts kept per node: past this the analysis of the function stops adding (it stays sound for what it reports). */
const MAX_FACTS = 96;
/** Worklist steps per function. */
const MAX_STEPS = 20_000;

const factKey = (f: Fact): string =>
  `${f.kind}|${f.v}|${f.lock}|${f.read.start}|${f.status}|${f.unlock?.start ?? ''}|${f.relock?.start ?? ''}`;

/**
 * valueIdents per node (the stale-use dataflow visits a node once per change
 * of its facts, and asks again when it reports): nodes are immutable, their
 * text is the file's, which a node's analysis never outlives.
 */
const identsOfNode = new WeakMap<CfgNode, ReadonlyMap<string, Range[]>>();
function valueIdents(text: string, n: CfgNode): ReadonlyMap<string, Range[]> {
  let m = identsOfNode.get(n);
  if (!m) identsOfNode.set(n, (m = computeValueIdents(text, n)));
  return m;
}

/** Identifiers a node's text uses as values, outside diagnostic output and debug checks: name → offsets. */
function computeValueIdents(text: string, n: CfgNode): Map<string, Range[]> {
  const skip = n.facts.calls.filter((c) => isDiagnosticOutput(c.name) || isDebugCheck(c.name));
  const tokens = tokenize(text.slice(n.start, n.end), n.start);
  const out = new Map<string, Range[]>();
  tokens.forEach((t, i) => {
    if (t.kind !== 'ident') return;
    const prev = tokens[i - 1]?.text;
    const next = tokens[i + 1]?.text;
    if (prev === '->' || prev === '.' || next === '(') return;
    if (skip.some((c) => c.start <= t.start && t.end <= c.end)) return;
    const list = out.get(t.text) ?? [];
    list.push({ start: t.start, end: t.end });
    out.set(t.text, list);
  });
  return out;
}

/** The identifiers used as values on an assignment's right-hand side (asked repeatedly per assignment: remembered). */
const rhsIdentsOf = new WeakMap<Assignment, ReadonlySet<string>>();
function rhsIdents(text: string, a: Assignment): ReadonlySet<string> {
  let set = rhsIdentsOf.get(a);
  if (!set) rhsIdentsOf.set(a, (set = identsIn(text, rhsRange(text, a))));
  return set;
}

function identsIn(text: string, r: Range): Set<string> {
  return new Set(
    tokenize(text.slice(r.start, r.end), r.start)
      .filter((t, i, all) => t.kind === 'ident' && all[i - 1]?.text !== '->' && all[i - 1]?.text !== '.' && all[i + 1]?.text !== '(')
      .map((t) => t.text),
  );
}

/**
 * A value fact is born only from a guarded location read with its lock held,
 * a lookup call made under a lock, or a NOW() sample: a function with none
 * of them has nothing to report (and its CFG is not read at all). Asked of
 * every function, and most answer no: plain loops, no closure made per
 * function.
 */
function factCanBeBorn(d: LockDiscipline, f: FunctionFacts, index: Callees): boolean {
  for (const a of f.accesses) {
    const g = d.guardOf.get(a.loc);
    if (g === undefined) continue;
    const lock = d.aliases.get(g.lock) ?? g.lock;
    for (const h of f.heldAt(a.node)) if ((d.aliases.get(h) ?? h) === lock) return true;
  }
  for (const c of f.calls) {
    // (The callee first: most calls return no pointer, and their held sets are never needed.)
    const callee = index.of(f.path, c.callee);
    if (callee !== undefined && callee !== f && returnsPointer(callee) && f.heldAt(c.node).length > 0) return true;
  }
  for (const c of f.calls) if (callSamplesTime(f, c.callee, index.resolve)) return true;
  return false;
}

/** Per function: the stale uses of XSR014 (a), (c). */
export function staleUses(d: LockDiscipline, f: FunctionFacts): readonly StaleUse[] {
  const { fn, file } = f;
  // `__init` code runs at boot, before anything can race with it.
  if (!fn.touchesLocks || fn.degraded || f.boot) return NO_USES;
  const hit = rememberedStale(d, f);
  if (hit) return hit;
  const index = callees(d);
  if (!factCanBeBorn(d, f, index)) {
    rememberStale(d, f, NO_USES);
    return NO_USES;
  }
  const text = file.text;
  const alias = (l: string): string => d.aliases.get(l) ?? l;
  const guardLock = (loc: string): string | undefined => {
    const g = d.guardOf.get(loc);
    return g ? alias(g.lock) : undefined;
  };
  const { resolve } = index;
  // Held sets per node, computed when first asked (most nodes of most functions never are).
  const mustSets: (ReadonlySet<string> | undefined)[] = [];
  const maySets: (ReadonlySet<string> | undefined)[] = [];
  const mustAt = (id: number): ReadonlySet<string> => (mustSets[id] ??= new Set(f.heldAt(id).map(alias)));
  const nodes = fn.cfg.nodes;
  // The states as computed (a moved view copies its states when first read): what is read of them here is
  // where paths go and which locks they hold by name, the same wherever the function sits.
  const states = originOf(fn).base.before;
  const mayAt = (id: number): ReadonlySet<string> => {
    let set = maySets[id];
    if (!set) {
      const s = new Set<string>();
      for (const st of states[id] ?? []) for (const h of st.held) if (!h.alias) s.add(alias(f.lockId(h.name)));
      maySets[id] = set = s;
    }
    return set;
  };
  const locals = localsOf(fn);
  const accessesAt = new Map<number, FunctionFacts['accesses']>();
  for (const a of f.accesses) {
    const l = accessesAt.get(a.node) ?? [];
    l.push(a);
    accessesAt.set(a.node, l);
  }
  const found = new Map<string, StaleUse>();
  const report = (u: StaleUse): void => {
    // One finding per value read and release: its first use.
    const k = `${u.kind}|${u.v}|${u.read.start}|${u.unlock.start}`;
    const old = found.get(k);
    if (!old || u.use.start < old.use.start) found.set(k, u);
  };
  const range = (n: CfgNode): Range => ({ start: n.start, end: n.end });

  const transfer = (n: CfgNode, inFacts: readonly Fact[]): Fact[] => {
    // The identifiers matter only to facts coming in (most nodes of most functions see none).
    const idents = inFacts.length && n.end > n.start ? valueIdents(text, n) : NO_IDENTS;
    const acc = accessesAt.get(n.id) ?? [];
    const decides = n.kind === 'cond' || n.kind === 'switch';
    // Uses first (`x = x + 1` uses the old x).
    const keep: Fact[] = [];
    for (const fact of inFacts) {
      const at = idents.get(fact.v);
      if (!at) {
        keep.push(fact);
        continue;
      }
      if (fact.kind === 'now') {
        const here =
          decides || n.facts.assignments.some((a) => rhsIdents(text, a).has(fact.v))
            ? acc.find(
                (a) =>
                  a.kind === 'read' &&
                  compared(guardLock(a.loc), mustAt(n.id), fact.before!) &&
                  comparedWithNow(text, n, fact.v, a, decides),
              )
            : undefined;
        // Or handed to a callee that compares it (a few calls deep).
        const cmp = here
          ? { loc: here.loc, lock: guardLock(here.loc)! }
          : handedTimeStamp(f, n, fact.v, guardLock, resolve, (l) => compared(l, mustAt(n.id), fact.before!));
        const taken = cmp ? takenAt(f, n.id, cmp.lock, alias) : undefined;
        if (cmp && taken)
          report({
            kind: 'now',
            fn: f,
            v: fact.v,
            lock: cmp.lock,
            read: fact.read,
            loc: cmp.loc,
            unlock: taken,
            use: range(n),
            how: 'compares',
            ...('chain' in cmp ? { via: [cmp.call, ...cmp.chain.slice(1)] } : {}),
          });
        keep.push(fact);
        continue;
      }
      if (fact.status === 'released' && !mayAt(n.id).has(fact.lock)) {
        const how = useOf(f, text, n, fact, locals, decides, acc, guardLock);
        if (how)
          report({
            kind: 'stale',
            fn: f,
            v: fact.v,
            lock: fact.lock,
            read: fact.read,
            loc: fact.loc,
            ...(fact.lookup ? { lookup: true } : {}),
            unlock: fact.unlock!,
            use: how.at,
            how: how.how,
          });
        keep.push(fact);
        continue;
      }
      if (fact.status === 'relocked' && mustAt(n.id).has(fact.lock)) {
        // A test of the value under the lock again re-validates it.
        if (decides) continue;
        const back = n.facts.assignments.find(
          (a) =>
            rhsIdents(text, a).has(fact.v) &&
            acc.some((x) => x.kind === 'write' && x.loc === fact.loc && x.start >= a.start && x.end <= a.end),
        );
        if (back)
          report({
            kind: 'relocked',
            fn: f,
            v: fact.v,
            lock: fact.lock,
            read: fact.read,
            loc: fact.loc,
            unlock: fact.unlock!,
            relock: fact.relock!,
            use: { start: back.start, end: back.end },
            how: 'writes-back',
          });
      }
      keep.push(fact);
    }
    // A value the section committed (stored where L guards, or handed to a callee that writes what L guards) is its decision, not a snapshot.
    let facts = keep.filter((fact) => {
      // (An element handed on under the lock is still an element the lock keeps alive.)
      if (fact.kind !== 'value' || fact.lookup || fact.status !== 'held' || !idents.has(fact.v)) return true;
      const stored = n.facts.assignments.some(
        (a) =>
          rhsIdents(text, a).has(fact.v) &&
          acc.some((x) => x.kind === 'write' && x.start >= a.start && x.end <= a.end && guardLock(x.loc) === fact.lock),
      );
      const handed = n.facts.calls.some((c) => {
        if (!c.args.some((a) => a.text === fact.v)) return false;
        const callee = calleeOf(d, f, c.name);
        return !!callee && [...writesOf(d, callee)].some((l) => guardLock(l) === fact.lock);
      });
      return !stored && !handed;
    });
    // Kills and new values.
    for (const a of n.facts.assignments) {
      if (!IDENT.test(a.lhs) || !locals.has(a.lhs)) continue;
      if (a.op !== '=') continue;
      const copies = IDENT.test(a.rhs) ? facts.filter((x) => x.v === a.rhs) : [];
      facts = facts.filter((x) => x.v !== a.lhs);
      if (samplesTime(f, a.rhs, resolve)) {
        facts.push({ kind: 'now', v: a.lhs, lock: '', loc: '', read: { start: a.start, end: a.end }, status: 'held', before: mayAt(n.id) });
        continue;
      }
      for (const c of copies) facts.push({ ...c, v: a.lhs });
      if (copies.length) continue;
      const r = rhsRange(text, a);
      for (const x of acc) {
        if (x.start < r.start || x.end > r.end) continue;
        if (!(x.kind === 'read' || (x.kind === 'ref' && (x.list || x.iterate)))) continue;
        const what = valueOf(text, n, r, x);
        if (!what) continue;
        const lock = guardLock(x.loc);
        if (!lock || !mustAt(n.id).has(lock)) continue;
        const lookup = what === 'lookup' || x.kind === 'ref';
        const section = acquiredAt(f, n.id, lock, alias);
        if (advisory(d, f, section)) continue;
        facts.push({
          kind: 'value',
          v: a.lhs,
          lock,
          loc: x.loc,
          ...(lookup ? { lookup } : {}),
          ...(section !== undefined ? { section } : {}),
          through: acc.filter((y) => y.start >= x.start && y.end <= x.end).map((y) => y.loc),
          read: { start: x.start, end: x.end },
          status: 'held',
        });
      }
    }
    // `c = find_by_id(…)` under L, where the callee reads what L guards and leaves L to its caller: a lookup under L.
    for (const a of n.facts.assignments) {
      if (a.op !== '=' || !IDENT.test(a.lhs) || !locals.has(a.lhs) || a.rhsCall === undefined) continue;
      const call = n.facts.calls[a.rhsCall];
      const callee = call ? calleeOf(d, f, call.name) : undefined;
      if (!call || !callee || callee === f || !returnsPointer(callee)) continue;
      const leftToCaller = (y: FunctionFacts['accesses'][number]): boolean => {
        const l = guardLock(y.loc);
        return l !== undefined && mustAt(n.id).has(l) && !callee.acquisitions.some((q) => alias(q.lock) === l);
      };
      // The list it walks names the lookup best; any location the lock guards will do.
      const x = callee.accesses.find((y) => (y.iterate || y.list) && leftToCaller(y)) ?? callee.accesses.find(leftToCaller);
      // Or a walk of a list the callee requires its callers to protect (`for_each_cpupool` under cpupool_lock).
      const walk = x ? undefined : protectedWalk(callee, (l) => mustAt(n.id).has(alias(l)));
      if (!x && !walk) continue;
      const lock = x ? guardLock(x.loc)! : alias(walk!.lock);
      const loc = x ? x.loc : walk!.list;
      const section = acquiredAt(f, n.id, lock, alias);
      if (advisory(d, f, section)) continue;
      facts = facts.filter((y) => y.v !== a.lhs);
      facts.push({
        kind: 'value',
        v: a.lhs,
        lock,
        loc,
        lookup: true,
        ...(section !== undefined ? { section } : {}),
        read: { start: call.start, end: call.end },
        status: 'held',
      });
    }
    // A list walk under the lock: its cursor is a pointer looked up under it.
    if (n.loopMacro) {
      const call = n.facts.calls.find((c) => c.name === n.loopMacro);
      const cursor = call?.args[0]?.text;
      const walk = acc.find((x) => x.iterate);
      const lock = walk ? guardLock(walk.loc) : undefined;
      if (cursor && IDENT.test(cursor) && locals.has(cursor) && walk && lock && mustAt(n.id).has(lock)) {
        facts = facts.filter((x) => x.v !== cursor);
        facts.push({
          kind: 'value',
          v: cursor,
          lock,
          loc: walk.loc,
          lookup: true,
          read: { start: walk.start, end: walk.end },
          status: 'held',
        });
      }
    }
    // Handed by address to a call: it may be written there. (Only facts can be killed: with none, no argument is read;
    // an argument not starting with `&` is not read further.)
    if (facts.length)
      for (const c of n.facts.calls)
        for (const arg of c.args) {
          if (!arg.text.startsWith('&')) continue;
          const m = /^&([A-Za-z_]\w*)$/.exec(arg.text);
          if (m) facts = facts.filter((x) => x.v !== m[1]);
        }
    return facts;
  };

  // Writes of guarded locations, with the object they are on (the local the path starts from).
  const writes = f.accesses.filter((x) => x.kind === 'write' && guardLock(x.loc) !== undefined);
  const objectOf = new Map<number, string | undefined>(f.accesses.map((x) => [x.start, x.base]));
  /**
   * The critical section changed the state it read (the same location, or
   * another field of the same object: a pin count, an owner, a marker): the
   * value is part of a hand-over the section made, not a snapshot.
   */
  const calleeWrites = (fact: Fact, until: number): boolean =>
    f.fn.cfg.nodes.some(
      (n) =>
        n.start >= (fact.section ?? fact.read.start) &&
        n.start < until &&
        mustAt(n.id).has(fact.lock) &&
        n.facts.calls.some((c) => {
          const callee = calleeOf(d, f, c.name);
          return !!callee && (fact.through ?? [fact.loc]).some((l) => writesOf(d, callee).has(l));
        }),
    );
  /** The section took the element off the structure it found it in (a call given it that writes that structure): it is the section's now. */
  const unlinked = (fact: Fact, until: number): boolean =>
    f.fn.cfg.nodes.some(
      (n) =>
        n.start >= fact.read.start &&
        n.start < until &&
        mustAt(n.id).has(fact.lock) &&
        n.facts.calls.some((c) => {
          if (!c.args.some((a) => new RegExp(`^&?\\(?${fact.v}\\b`).test(a.text))) return false;
          const list = listOp(c.name);
          if (list?.effect === 'write' && list.head === undefined) return true;
          const callee = calleeOf(d, f, c.name);
          return !!callee && writesOf(d, callee).has(fact.loc);
        }),
    );
  const claimed = (fact: Fact, until: number): boolean =>
    calleeWrites(fact, until) ||
    writes.some(
      (w) =>
        w.start >= (fact.section ?? fact.read.start) &&
        w.start < until &&
        guardLock(w.loc) === fact.lock &&
        mustAt(w.node).has(fact.lock) &&
        ((fact.through ?? [fact.loc]).includes(w.loc) || (w.base !== undefined && w.base === objectOf.get(fact.read.start))),
    );
  const edge = (from: CfgNode, to: number, fact: Fact): Fact | undefined => {
    if (fact.kind === 'now') {
      return fact;
    }
    if (fact.status !== 'released' && !mayAt(to).has(fact.lock)) {
      if (fact.status === 'held' && (fact.lookup ? unlinked(fact, from.end) : claimed(fact, from.end))) return undefined;
      return { ...fact, status: 'released', unlock: range(from) };
    }
    if (fact.status === 'released' && mustAt(to).has(fact.lock)) return { ...fact, status: 'relocked', relock: range(from) };
    return fact;
  };

  // Forward may-analysis: facts are unioned at joins. (A node's set is made when a fact first reaches it: most never get one.)
  // Each node's facts in the order first seen, and their keys (made when a fact first reaches the node: most
  // never get one). The transfer reads a node's list as it is (nothing is added to it while it does), not a copy.
  const inLists: (Fact[] | undefined)[] = [];
  const inKeys: (Set<string> | undefined)[] = [];
  const work: number[] = [fn.cfg.entry];
  const queued = new Set<number>(work);
  const visited = new Set<number>();
  let steps = 0;
  while (work.length && steps++ < MAX_STEPS) {
    const id = work.shift()!;
    queued.delete(id);
    const n = nodes[id]!;
    if (!(states[id]?.length ?? 0) && id !== fn.cfg.entry) continue;
    const out = transfer(n, inLists[id] ?? NO_FACTS);
    visited.add(id);
    for (const e of n.succ) {
      if (!(states[e.to]?.length ?? 0)) continue;
      let target = inLists[e.to];
      let keys = inKeys[e.to];
      let changed = false;
      for (const fact of out) {
        if (target && target.length >= MAX_FACTS) break;
        const g = edge(n, e.to, fact);
        if (!g) continue;
        const k = factKey(g);
        target ??= inLists[e.to] = [];
        keys ??= inKeys[e.to] = new Set();
        if (!keys.has(k)) {
          keys.add(k);
          target.push(g);
          changed = true;
        }
      }
      if ((changed || !visited.has(e.to)) && !queued.has(e.to)) {
        queued.add(e.to);
        work.push(e.to);
      }
    }
  }
  // A copy of the value used with it in one statement is one finding.
  const byUse = new Map<string, StaleUse>();
  // The nearest read before the use names it best.
  for (const u of [...found.values()].sort((a, b) => a.use.start - b.use.start || nearest(a, b)))
    if (!byUse.has(`${u.kind}|${u.use.start}`)) byUse.set(`${u.kind}|${u.use.start}`, u);
  const out = [...byUse.values()];
  rememberStale(d, f, out);
  return out;
}

// The stale uses of an edited file's unchanged functions, remembered. An edit
// changes one function; the others keep their facts (moved), and their stale
// uses are the same, moved, as long as everything the analysis reads beyond
// the function is the same: the discipline's guards, aliases and lock
// helpers, and the functions it calls, a few calls deep (what they write,
// return, compare; which function each name resolves to). So each run over
// one file (the editor's document) is compared with the file's previous run:
// the functions whose facts as collected (collect.ts, collectedFacts) are new
// or whose boot mark changed are changed, and so is every function that
// reaches one in at most CLOSURE_DEPTH calls; with the same functions by
// name, the others keep what the previous run found for them. The work per
// edit is a walk up from the edited function, not a key per function. Kept
// only for a discipline over one file: a folder's run analyses each function
// once.

/** How deep the analysis follows calls from the function: writesOf (4 below a callee), time stamps (4 below a callee). */
const CLOSURE_DEPTH = 6;
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;
const idOfObject = (o: object): number => {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
};

interface DisciplineKeys {
  /** This run over one file: its number; undefined for a run over several files (nothing remembered). */
  run?: number;
  /** The file's previous run (whose results may be reused). */
  previous?: number;
  /** Facts as collected whose answers may have changed since the previous run (all, when undefined). */
  changed?: ReadonlySet<FunctionFacts>;
}
const disciplineKeys = new WeakMap<LockDiscipline, DisciplineKeys>();

/** A file's last run over it alone: what the next run compares with. */
interface SoleRun {
  run: number;
  /** Guards (location → lock), aliases and helpers: what every function's answer reads beyond its call closure. */
  global: string;
  /**
   * The functions' keys and static-ness, in order (equal, every name
   * resolves to the same function), and each one's facts as collected and
   * boot mark: with equal keys, the function at an index is the same one.
   */
  keys: string[];
  statics: boolean[];
  origins: FunctionFacts[];
  boots: boolean[];
  /** Name → the facts as collected of the functions calling it (kept up to date from run to run, not rebuilt). */
  callers: Map<string, FunctionFacts[]>;
}
/** Per analyzer (its lock helpers) and file path, the last few (open documents). */
const soleRuns = new Map<string, SoleRun>();
const MAX_SOLE_RUNS = 16;
let nextRun = 0;

function keysOf(d: LockDiscipline): DisciplineKeys {
  let k = disciplineKeys.get(d);
  if (!k) {
    k = {};
    const path = onePath(d.functions.values());
    if (path !== undefined) {
      const guards = [...d.guardOf].map(([loc, g]) => `${loc}=${g.lock}`).join(';');
      const aliases = [...d.aliases].map(([a, b]) => `${a}=${b}`).join(';');
      const global = `${aliases}|${guards}`;
      const run = ++nextRun;
      // A fresh analysis of the same path by another analyzer (a test's reference) is another chain of runs.
      const sole = `${idOfObject(d.helpers)}|${path}`;
      const last = soleRuns.get(sole);
      let next: SoleRun;
      if (last && sameKeys(last, d.functions)) {
        // The last run's record, updated in place for the functions that are not the same facts any more (the
        // edited one): on an edit nothing is built per function.
        next = last;
        const { run: previous, global: previousGlobal } = last;
        next.run = run;
        next.global = global;
        const changed: FunctionFacts[] = [];
        let i = 0;
        for (const f of d.functions.values()) {
          const c = collectedFacts(f);
          const old = last.origins[i]!;
          if (old !== c) unindexCalls(last.callers, old);
          if (old !== c || last.boots[i] !== f.boot) changed.push(c);
          i++;
        }
        i = 0;
        for (const f of d.functions.values()) {
          const c = collectedFacts(f);
          if (last.origins[i] !== c) {
            indexCalls(last.callers, c);
            last.origins[i] = c;
          }
          last.boots[i] = f.boot;
          i++;
        }
        if (previousGlobal === global) {
          k.previous = previous;
          k.changed = changedClosure(last.callers, changed);
        }
      } else {
        const fs = [...d.functions.values()];
        const origins = fs.map(collectedFacts);
        const callers = new Map<string, FunctionFacts[]>();
        for (const c of origins) indexCalls(callers, c);
        next = {
          run,
          global,
          keys: fs.map((f) => f.key),
          statics: fs.map((f) => f.isStatic),
          origins,
          boots: fs.map((f) => f.boot),
          callers,
        };
      }
      k.run = run;
      soleRuns.delete(sole);
      if (soleRuns.size >= MAX_SOLE_RUNS) soleRuns.delete(soleRuns.keys().next().value!);
      soleRuns.set(sole, next);
    }
    disciplineKeys.set(d, k);
  }
  return k;
}

/** The path of every function, when they all have one (a run over one file). */
function onePath(functions: Iterable<FunctionFacts>): string | undefined {
  let path: string | undefined;
  for (const f of functions) {
    if (path === undefined) path = f.path;
    else if (f.path !== path) return undefined;
  }
  return path;
}

/** The same functions by key and static-ness, in the same order (compared in place). */
function sameKeys(last: SoleRun, functions: ReadonlyMap<string, FunctionFacts>): boolean {
  if (last.keys.length !== functions.size) return false;
  let i = 0;
  for (const f of functions.values()) {
    if (last.keys[i] !== f.key || last.statics[i] !== f.isStatic) return false;
    i++;
  }
  return true;
}

/** The names a function calls (every call of its CFG, debug checks too), read once per lock result as computed. */
const calledNamesOf = new WeakMap<FunctionLocks, string[]>();
function calledNames(fn: FunctionLocks): string[] {
  const { base } = originOf(fn);
  let out = calledNamesOf.get(base);
  if (!out) {
    const names = new Set<string>();
    for (const n of base.cfg.nodes) for (const c of n.facts.calls) names.add(c.name);
    calledNamesOf.set(base, (out = [...names]));
  }
  return out;
}

function indexCalls(callers: Map<string, FunctionFacts[]>, c: FunctionFacts): void {
  for (const name of calledNames(c.fn)) {
    const list = callers.get(name);
    if (list) list.push(c);
    else callers.set(name, [c]);
  }
}

function unindexCalls(callers: Map<string, FunctionFacts[]>, c: FunctionFacts): void {
  for (const name of calledNames(c.fn)) {
    const list = callers.get(name);
    const i = list ? list.indexOf(c) : -1;
    if (i >= 0) list!.splice(i, 1);
  }
}

/**
 * The changed functions and every function that reaches one in at most
 * CLOSURE_DEPTH calls (what the analysis of a function reads of its
 * callees), as facts as collected. Calls are followed by name: a call of a
 * name counts as a call of every function of that name (a superset of what
 * it resolves to, which is safe here).
 */
function changedClosure(callers: ReadonlyMap<string, readonly FunctionFacts[]>, changed: readonly FunctionFacts[]): Set<FunctionFacts> {
  const out = new Set(changed);
  let level = changed;
  for (let depth = 0; depth < CLOSURE_DEPTH && level.length; depth++) {
    const next: FunctionFacts[] = [];
    for (const h of level)
      for (const g of callers.get(h.name) ?? []) {
        if (out.has(g)) continue;
        out.add(g);
        next.push(g);
      }
    level = next;
  }
  return out;
}

/** Per facts as collected: the uses found, where the function started then, and the last run they held for. */
const staleMemos = new WeakMap<FunctionFacts, { run: number; start: number; uses: readonly StaleUse[] }>();

/** No stale use (most functions): one array for all, nobody changes it. */
const NO_USES: readonly StaleUse[] = [];

/**
 * The remembered stale uses of `f` (moved to where it is), when they still
 * hold; undefined when they are to be found (and then rememberStale'd). A
 * folder's run remembers nothing. Nothing is made for a function that has
 * none (most): this is asked of every function on every edit.
 */
function rememberedStale(d: LockDiscipline, f: FunctionFacts): readonly StaleUse[] | undefined {
  const keys = keysOf(d);
  const { run } = keys;
  if (run === undefined) return undefined;
  const origin = collectedFacts(f);
  const m = staleMemos.get(origin);
  // Found or confirmed in this run, or in the previous one and nothing it reads changed since.
  const valid = m !== undefined && (m.run === run || (m.run === keys.previous && keys.changed !== undefined && !keys.changed.has(origin)));
  if (!valid) return undefined;
  // Still valid in this run (the next one compares with this one).
  m.run = run;
  if (m.uses.length === 0) return NO_USES;
  const o = f.fn.syntax.start - m.start;
  if (o === 0) return m.uses.map((u) => ({ ...u, fn: f }));
  const at = (r: Range): Range => ({ start: r.start + o, end: r.end + o });
  return m.uses.map((u) => ({
    ...u,
    fn: f,
    read: at(u.read),
    unlock: at(u.unlock),
    use: at(u.use),
    ...(u.relock ? { relock: at(u.relock) } : {}),
  }));
}

/** Remembers the stale uses found for `f` in this run (over one file: a folder's run remembers nothing). */
function rememberStale(d: LockDiscipline, f: FunctionFacts, uses: readonly StaleUse[]): void {
  const { run } = keysOf(d);
  if (run !== undefined) staleMemos.set(collectedFacts(f), { run, start: f.fn.syntax.start, uses });
}

/**
 * The access is what the right-hand side's value comes from: not an index
 * (`a[p->i]`), not an argument of a call whose result is the value
 * (`f(p->x)`), except an entry lookup in a list (`list_first_entry(&p->q, …)`).
 */
function valueOf(text: string, n: CfgNode, rhs: Range, x: Range): 'value' | 'lookup' | undefined {
  let depth = 0;
  let paren = 0;
  for (const t of tokenize(text.slice(rhs.start, x.start), rhs.start)) {
    if (t.text === '[') depth++;
    else if (t.text === ']') depth--;
    else if (t.text === '(') paren++;
    else if (t.text === ')') paren--;
  }
  if (depth > 0) return undefined;
  // `c ? a : b`: what c reads chooses the value, it is not the value.
  const after = tokenize(text.slice(x.end, rhs.end), x.end);
  let p = paren;
  for (const t of after) {
    if (t.text === '(') p++;
    else if (t.text === ')') p--;
    else if (t.text === '?' && p <= 0) return undefined;
  }
  let out: 'value' | 'lookup' = 'value';
  for (const c of n.facts.calls) {
    if (c.start < rhs.start || c.end > rhs.end) continue;
    // The access of `list_first_entry(&p->q, …)` is the whole call.
    if (c.start === x.start && listOp(c.name)?.type !== undefined) out = 'lookup';
    const inArgs = c.args.some((a) => a.start <= x.start && x.end <= a.end);
    if (!inArgs) continue;
    if (listOp(c.name)?.type === undefined && !containerOf(c.name)) return undefined;
    out = 'lookup';
  }
  return out;
}

/** Which analysed function a call names (a static one of the caller's file first), per discipline. */
class Callees {
  private readonly byName: ReadonlyMap<string, readonly FunctionFacts[]>;
  /** What a name of several functions answered, per caller's file and name. */
  private readonly answers = new Map<string, Map<string, FunctionFacts | null>>();

  constructor(d: LockDiscipline) {
    this.byName = d.functionsNamed;
  }

  /** `of` as the time stamps' callers ask it (one function for the run, not one per function analysed). */
  readonly resolve = (caller: FunctionFacts, name: string): FunctionFacts | undefined => this.of(caller.path, name);

  of(path: string, name: string): FunctionFacts | undefined {
    // Asked for every call of every function: most names are no analysed function or one only, answered from
    // the names alone (what lookup() says of a list of one), with no question remembered.
    const all = this.byName.get(name);
    if (all === undefined) return undefined;
    if (all.length === 1) return soleDefinitionSeen(all[0]!, path);
    let answers = this.answers.get(path);
    if (!answers) this.answers.set(path, (answers = new Map()));
    let r = answers.get(name);
    if (r === undefined) answers.set(name, (r = Callees.lookup(all, path) ?? null));
    return r ?? undefined;
  }

  private static lookup(all: readonly FunctionFacts[], path: string): FunctionFacts | undefined {
    // Then a global one, then a header's static inline (seen by every file that includes it).
    return all.find((g) => g.isStatic && g.path === path) ?? all.find((g) => !g.isStatic) ?? all.find((g) => isHeaderPath(g.path));
  }
}

const calleesOf = new WeakMap<LockDiscipline, Callees>();
function callees(d: LockDiscipline): Callees {
  let c = calleesOf.get(d);
  if (!c) calleesOf.set(d, (c = new Callees(d)));
  return c;
}

/** The analysed function a call names (a static one of the caller's file first). */
function calleeOf(d: LockDiscipline, f: FunctionFacts, name: string): FunctionFacts | undefined {
  return callees(d).of(f.path, name);
}

/** Per run (its discipline: the callees are the run's), per function: moved facts are one object from run to run (collect.ts's movedView). */
const writeSetsByRun = new WeakMap<LockDiscipline, WeakMap<FunctionFacts, ReadonlySet<string>>>();
const WRITE_DEPTH = 4;

/** Locations a function writes, itself or through the analysed functions it calls (a few calls deep). */
function writesOf(d: LockDiscipline, f: FunctionFacts, depth = 0, seen = new Set<FunctionFacts>()): ReadonlySet<string> {
  let writeSets = writeSetsByRun.get(d);
  if (!writeSets) writeSetsByRun.set(d, (writeSets = new WeakMap()));
  const known = writeSets.get(f);
  if (known) return known;
  const out = new Set(f.accesses.filter((x) => x.kind === 'write').map((x) => x.loc));
  seen.add(f);
  if (depth < WRITE_DEPTH)
    for (const c of f.calls) {
      const g = calleeOf(d, f, c.callee);
      if (g && !seen.has(g)) for (const l of writesOf(d, g, depth + 1, seen)) out.add(l);
    }
  if (depth === 0) writeSets.set(f, out);
  return out;
}

/** A walk of a protected list (`for_each_cpupool`) in the function, under a lock it leaves to its callers. */
function protectedWalk(f: FunctionFacts, held: (lock: string) => boolean): { lock: string; list: string } | undefined {
  for (const n of f.fn.cfg.nodes) {
    const p = n.loopMacro ? protectedIteration(n.loopMacro) : undefined;
    const lock = p?.locks.find((l) => held(l) && !f.acquisitions.some((q) => q.lock === l));
    if (p && lock) return { lock, list: p.list };
  }
  return undefined;
}

/** `v->f` in the node, outside diagnostic output and debug checks. */
function dereferences(text: string, n: CfgNode, v: string): boolean {
  return identsUsed(text, n).some((x) => x.text === v && x.next === '->' && x.prev !== '->' && x.prev !== '.');
}

/** `static struct cpupool *cpupool_find_by_id(…)`: the function returns a pointer. */
/** Per function: every lookup call of every caller asks (the answer reads the header's text). */
const returnsPointerOf = new WeakMap<FunctionFacts, boolean>();
function returnsPointer(f: FunctionFacts): boolean {
  let r = returnsPointerOf.get(f);
  if (r === undefined) returnsPointerOf.set(f, (r = headerReturnsPointer(f)));
  return r;
}

function headerReturnsPointer(f: FunctionFacts): boolean {
  const header = f.file.text.slice(f.fn.syntax.start, f.fn.syntax.bodyStart);
  const at = nameBeforeParen(header, f.name);
  return at > 0 && /\*\s*$/.test(header.slice(0, at));
}

const PAREN_AFTER = /\s*\(/y;

/** Where `\bname\s*(` first occurs in text (-1: nowhere), found without building a regular expression per name. */
function nameBeforeParen(text: string, name: string): number {
  // (No name: what the expression built from it would find; indexOf would find the empty name everywhere.)
  if (!name) return text.search(/\b\s*\(/);
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    // (A name starts with a word character: \b before it is a non-word character or the start.)
    if (at > 0 && /\w/.test(text[at - 1]!)) continue;
    PAREN_AFTER.lastIndex = at + name.length;
    if (PAREN_AFTER.test(text)) return at;
  }
  return -1;
}

/** A section entered through a trylock: the code goes on without the value when the lock is busy, so what it reads there is advice. */
function advisory(d: LockDiscipline, f: FunctionFacts, section: number | undefined): boolean {
  if (section === undefined) return false;
  const c = callAt(f, section);
  return !!c && d.helpers.get(c.call)?.op === 'tryacquire';
}

/** Of two reads for one use: the last one before the use first. */
function nearest(a: StaleUse, b: StaleUse): number {
  const before = (u: StaleUse): boolean => u.read.start < u.use.start;
  if (before(a) !== before(b)) return before(a) ? -1 : 1;
  return b.read.start - a.read.start;
}

/** The function's parameters and the locals it declares (names: read once per result as computed). */
const localsOfResult = new WeakMap<FunctionLocks, ReadonlySet<string>>();
function localsOf(fn: FunctionLocks): ReadonlySet<string> {
  const { base } = originOf(fn);
  let out = localsOfResult.get(base);
  if (!out) {
    const set = new Set<string>(base.syntax.params);
    for (const n of base.cfg.nodes) for (const x of n.declares ?? []) set.add(x);
    localsOfResult.set(base, (out = set));
  }
  return out;
}

/** The right-hand side's range of an assignment (`x = e`: e). */
function rhsRange(text: string, a: { start: number; end: number; op: string }): Range {
  const s = text.slice(a.start, a.end);
  const i = s.indexOf(a.op);
  return { start: i >= 0 ? a.start + i + a.op.length : a.start, end: a.end };
}

/** A location guarded by a lock held here that was not held where the time stamp was sampled. */
function compared(lock: string | undefined, held: ReadonlySet<string>, before: ReadonlySet<string>): boolean {
  return lock !== undefined && held.has(lock) && !before.has(lock);
}

/** The offset of the acquire of the lock (type level) held before `node` on this function's paths. */
function acquiredAt(f: FunctionFacts, node: number, lock: string, alias: (l: string) => string): number | undefined {
  // The innermost section: a scheduler lock taken here while the caller holds another one is the one the value was read under.
  let at: number | undefined;
  for (const st of f.fn.before[node] ?? [])
    for (const h of st.held) if (!h.alias && alias(f.lockId(h.name)) === lock && (at === undefined || h.at > at)) at = h.at;
  return at;
}

/** Where the lock (type level) held before `node` was taken on this function's paths. */
function takenAt(f: FunctionFacts, node: number, lock: string, alias: (l: string) => string): Range | undefined {
  for (const st of f.fn.before[node] ?? [])
    for (const h of st.held)
      if (!h.entry && !h.alias && alias(f.lockId(h.name)) === lock) {
        const n = f.fn.cfg.nodes.find((x) => x.start <= h.at && h.at < x.end);
        return n ? { start: n.start, end: n.end } : { start: h.at, end: h.at };
      }
  return undefined;
}

/**
 * How a statement uses a value: a condition decides on it (not on what a call
 * it is handed to returns); an assignment stores it in a location the same
 * lock guards, or writes through a pointer looked up under it.
 */
function useOf(
  f: FunctionFacts,
  text: string,
  n: CfgNode,
  fact: Fact,
  locals: ReadonlySet<string>,
  decides: boolean,
  acc: FunctionFacts['accesses'],
  guardLock: (loc: string) => string | undefined,
): { how: StaleUse['how']; at: Range } | undefined {
  const v = fact.v;
  const inCallArgs = (r: Range): boolean =>
    n.facts.calls.some((c) => !isDiagnosticOutput(c.name) && c.args.some((a) => a.start <= r.start && r.end <= a.end));
  if (fact.lookup) {
    // The lookup returned it locked by its own lock (`obj_new()` → obj->obj_spinlock): the object is pinned.
    const states = f.fn.before[n.id] ?? [];
    if (states.length && states.every((st) => st.held.some((h) => h.name.startsWith(`${v}->`)))) return undefined;
    // A looked-up element is used by dereferencing it; testing it for NULL or an error only says the lookup failed.
    for (const a of n.facts.assignments) {
      const root = /^\**\(?([A-Za-z_]\w*)/.exec(a.lhs)?.[1];
      if (root === v && a.lhs !== v && /^\(?\w+\)?(->|\[)/.test(a.lhs))
        return { how: 'writes-through', at: { start: a.start, end: a.end } };
    }
    if (dereferences(text, n, v)) return { how: decides ? 'decides' : 'dereferences', at: { start: n.start, end: n.end } };
    return undefined;
  }
  if (decides) {
    const at = valueIdents(text, n).get(v) ?? [];
    if (at.some((r) => !inCallArgs(r))) return { how: 'decides', at: { start: n.start, end: n.end } };
    return undefined;
  }
  for (const a of n.facts.assignments) {
    const root = /^\**\(?([A-Za-z_]\w*)/.exec(a.lhs)?.[1];
    // A local, or a member of a local struct (`topology.nr_vnodes`): the function's own memory.
    if (root !== undefined && locals.has(root) && !/->|^\*|\[/.test(a.lhs)) continue;
    const at = { start: a.start, end: a.end };
    if (fact.lookup && root === v && a.lhs !== v) return { how: 'writes-through', at };
    const guarded = acc.some((x) => x.kind === 'write' && x.start >= a.start && x.end <= a.end && guardLock(x.loc) === fact.lock);
    if (guarded && rhsIdents(text, a).has(v)) return { how: 'stores', at };
  }
  return undefined;
}

/** A raw release given a scheduler lock pointer loaded at the call among the function's calls (asked once per facts as collected). */
const releasesLoadedPointer = new CallsAnswer((f, helpers) =>
  f.calls.some((c) => {
    const h = helpers.get(c.callee);
    return !!h && h.lock === 'spin' && h.op === 'release' && /(->|\.)schedule_lock$/.test(c.args[h.arg] ?? '');
  }),
);

/** XSR014 (b): raw releases of a per-CPU scheduler lock through its pointer, read again at the release. */
export function rereadReleases(d: LockDiscipline, f: FunctionFacts): RereadRelease[] {
  const { fn } = f;
  if (!fn.touchesLocks || fn.degraded) return [];
  // Only a release given a scheduler lock pointer loaded there can be one: most functions have none (and then their CFG is not read).
  if (!releasesLoadedPointer.of(f, d.helpers, d.sole)) return [];
  const namer = LockNamer.of(fn.cfg);
  const out: RereadRelease[] = [];
  for (const n of fn.cfg.nodes) {
    for (const c of n.facts.calls) {
      const h = d.helpers.get(c.name);
      if (!h || h.lock !== 'spin' || h.op !== 'release') continue;
      const arg = c.args[h.arg]?.text ?? '';
      // Only a pointer load at the release itself (a local holding the locked value is the right one).
      if (arg.startsWith('&') || !/(->|\.)schedule_lock$/.test(arg) || !namer.schedPointer(arg)) continue;
      const released = releasedBy(f, n);
      const lock = released[0];
      if (!lock) continue;
      const acq = callAt(f, lock.at);
      if (!acq) continue;
      const helper = d.helpers.get(acq.call);
      const returnsLock = !!helper?.returnsLock;
      if (returnsLock) {
        out.push({ fn: f, call: c.name, arg, release: { start: c.start, end: c.end }, lock: lock.name, acquire: { ...acq, returnsLock } });
        continue;
      }
      if (helper?.lock !== 'spin' || acq.arg !== arg) continue;
      const rerouted = reroutedBetween(d, f, acq.start, c.start);
      if (rerouted)
        out.push({
          fn: f,
          call: c.name,
          arg,
          release: { start: c.start, end: c.end },
          lock: lock.name,
          acquire: { ...acq, returnsLock },
          rerouted,
        });
    }
  }
  return out;
}

/** Locks held before the node and held after it on none of its successors. */
function releasedBy(f: FunctionFacts, n: CfgNode): { name: string; at: number }[] {
  const before = f.fn.before[n.id] ?? [];
  const out: { name: string; at: number }[] = [];
  for (const st of before)
    for (const h of st.held) {
      if (h.entry || h.alias || out.some((x) => x.name === h.name)) continue;
      const still = n.succ.some((e) => (f.fn.before[e.to] ?? []).some((s) => s.held.some((x) => x.name === h.name && x.at === h.at)));
      if (!still) out.push({ name: h.name, at: h.at });
    }
  return out;
}

function callAt(f: FunctionFacts, at: number): (Range & { call: string; arg: string }) | undefined {
  for (const n of f.fn.cfg.nodes) {
    if (at < n.start || at >= n.end) continue;
    const c = n.facts.calls.find((x) => x.start === at);
    if (c) return { start: c.start, end: c.end, call: c.name, arg: c.args[0]?.text ?? '' };
  }
  return undefined;
}

/** Between two offsets: a store of a scheduler lock pointer, or a call of an analysed function that makes one. */
function reroutedBetween(d: LockDiscipline, f: FunctionFacts, from: number, to: number): (Range & { what: string }) | undefined {
  for (const n of f.fn.cfg.nodes) {
    if (n.start <= from || n.start >= to) continue;
    for (const a of n.facts.assignments)
      if (/(->|\.)schedule_lock$/.test(a.lhs)) return { start: a.start, end: a.end, what: `${a.lhs} is set` };
    for (const c of n.facts.calls) {
      const callee = [...d.functions.values()].find((g) => g.name === c.name && (!g.isStatic || g.path === f.path));
      if (callee && callee.schedAliases.length) return { start: c.start, end: c.end, what: `${c.name}() installs another lock` };
    }
  }
  return undefined;
}

/** XSR014 (d) over the run: non-atomic bit updates of words others update atomically, without a common lock. */
export function mixedBitUpdates(d: LockDiscipline): MixedBitUpdate[] {
  const byLoc = new Map<string, { fn: FunctionFacts; site: BitUpdate }[]>();
  for (const f of d.functions.values()) {
    if (f.boot) continue;
    for (const b of f.bitUpdates) {
      const key = `${b.scope ?? ''}\u0000${b.loc}`;
      const l = byLoc.get(key) ?? [];
      l.push({ fn: f, site: b });
      byLoc.set(key, l);
    }
  }
  const out: MixedBitUpdate[] = [];
  for (const list of byLoc.values()) {
    const loc = list[0]!.site.loc;
    const atomic = list.filter((x) => x.site.atomic);
    if (!atomic.length) {
      out.push(...plainUnderDisjointLocks(d, list));
      continue;
    }
    const shared = d.sitesOf(loc);
    for (const x of list) {
      if (x.site.atomic || !x.fn.reported) continue;
      // Initialisation, teardown and setup code (a private object) does not vote, and does not race either.
      if (!shared.some((s) => s.fn === x.fn && s.start >= x.site.start && s.end <= x.site.end)) continue;
      const held = d.heldAt(x.fn, x.site.node);
      const common = [...held].some((l) => !l.startsWith('rcu(') && atomic.every((a) => d.heldAt(a.fn, a.site.node).has(l)));
      if (common) continue;
      out.push({ fn: x.fn, site: x.site, atomic });
    }
  }
  return out;
}

/**
 * Plain read-modify-writes of one word, each under a lock, two of them under
 * locks that exclude neither: each can lose the other's bit. Only sites that
 * are shared accesses (not set-up or teardown) and hold some lock (lock-free
 * code is a design of its own) take part, and only where each side's lock
 * covers two sites at least.
 */
function plainUnderDisjointLocks(d: LockDiscipline, list: readonly { fn: FunctionFacts; site: BitUpdate }[]): MixedBitUpdate[] {
  const shared = d.sitesOf(list[0]!.site.loc);
  const sites = list
    .filter((x) => !x.site.atomic && x.fn.reported && shared.some((s) => s.fn === x.fn && s.start >= x.site.start && s.end <= x.site.end))
    .map((x) => ({ ...x, locks: [...d.heldAt(x.fn, x.site.node)].filter((l) => !l.startsWith('rcu(')) }))
    .filter((x) => x.locks.length > 0);
  const overlap = (x: { locks: readonly string[] }, y: { locks: readonly string[] }): boolean => y.locks.some((l) => x.locks.includes(l));
  // Two disciplines on one word, each followed at two sites at least: a lone update under another lock is the
  // location's odd access (XSR009's), and often set-up code (an insert hook initialising the word).
  const established = sites.filter((x) => sites.filter((y) => overlap(x, y)).length >= 2);
  const out: MixedBitUpdate[] = [];
  for (const x of established) {
    const apart = established.filter((y) => !overlap(x, y));
    if (apart.length) out.push({ fn: x.fn, site: x.site, atomic: [], plain: apart, locks: x.locks });
  }
  return out;
}
