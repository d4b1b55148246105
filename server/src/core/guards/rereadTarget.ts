// XSR014 (b) for the object a scheduler lock helper is keyed on: the lock is
// taken for a field read (`unit_schedule_lock_irq(v->sched_unit)`) and
// released with the same field read again (`unit_schedule_unlock_irq(lock,
// v->sched_unit)`), while the analysed code changes that field without the
// scheduler lock. The release then names another unit than the one locked
// (its ASSERT fires, or it unlocks through another resource). Reported only
// with evidence: the code changes the field without the lock for objects of
// a kind (`if ( is_idle_vcpu(vprev) ) vprev->sched_unit = …`), and an
// analysed caller hands the function an object of that kind
// (`vcpu_runstate_get(idle_vcpu[cpu], …)`). Other changes without the lock
// (setting up or tearing down an object, which the analysis cannot tell from
// a move) prove nothing: a guest vCPU's unit does not move under its lock.
import type { CfgNode } from '../cfg/types';
import { objectKindOf, objectKindTest } from '../xen/accessOps';
import type { HelperTable } from '../xen/lockHelpers';
import { CallsAnswer } from './callsMemo';
import { collectedFacts, type FunctionFacts } from './collect';
import type { LockDiscipline } from './discipline';
import { SCHED_LOCK } from './lockIds';

interface Range {
  start: number;
  end: number;
}

export interface RereadTarget {
  fn: FunctionFacts;
  /** The release and the expression it names the object by. */
  call: string;
  arg: string;
  release: Range;
  acquire: Range & { call: string };
  /** The field read again (type level). */
  loc: string;
  /** The changes of the field without the scheduler lock made for objects of the kind. */
  changes: { fn: FunctionFacts; start: number; end: number }[];
  /** The kind of object the change is made for, and the call that hands this function one. */
  kind: { what: string; caller: FunctionFacts; start: number; end: number };
}

const ROOT = /^\(?\s*([A-Za-z_]\w*)\s*->/;

/** A scheduler release naming its object through a field among the function's calls (asked once per facts as collected). */
const namesByField = new CallsAnswer((f, helpers) =>
  f.calls.some((c) => {
    const h = helpers.get(c.callee);
    return !!h && h.lock === 'sched' && h.op === 'release' && h.ptrArg !== undefined && ROOT.test(c.args[h.arg] ?? '');
  }),
);

/**
 * A scheduler release of a function naming its object by a field read
 * again, locked by an acquire keyed on the same expression with no
 * assignment of the expression's root in between: what rereadTargets finds
 * in the function alone, before it asks the other functions.
 */
interface Candidate {
  call: string;
  arg: string;
  root: string;
  release: Range;
  acquire: Range & { call: string };
  /** The field read again (type level). */
  loc: string;
}

const NO_CANDIDATES: readonly Candidate[] = [];

/**
 * The candidates per facts as collected (collect.ts, collectedFacts), with
 * the lock helpers they were found with, at the placement the facts were
 * collected at. An edit moves every function below it: reading a moved
 * function's CFG made a shifted copy of its nodes (incremental/shift.ts), on
 * every keystroke, for each function that names an object by a field in a
 * scheduler release.
 */
const candidatesOf = new WeakMap<FunctionFacts, { helpers: HelperTable; found: readonly Candidate[] }>();

function candidates(d: LockDiscipline, f: FunctionFacts): readonly Candidate[] {
  const c = collectedFacts(f);
  const known = candidatesOf.get(c);
  if (known && known.helpers === d.helpers) return known.found;
  const found = candidatesIn(d.helpers, c);
  candidatesOf.set(c, { helpers: d.helpers, found });
  return found;
}

/** The candidates of `f` (its own CFG, accesses and calls: nothing of other functions). */
function candidatesIn(helpers: HelperTable, f: FunctionFacts): readonly Candidate[] {
  let out: Candidate[] | undefined;
  for (const n of f.fn.cfg.nodes)
    for (const c of n.facts.calls) {
      const h = helpers.get(c.name);
      if (!h || h.lock !== 'sched' || h.op !== 'release' || h.ptrArg === undefined) continue;
      const arg = c.args[h.arg];
      const root = arg ? ROOT.exec(arg.text)?.[1] : undefined;
      if (!arg || !root) continue;
      // The field the argument ends in (`v->sched_unit`: vcpu.sched_unit); none resolved, nothing to say (asked first: it is the cheapest test).
      const field = f.accesses.find((x) => x.node === n.id && x.kind === 'read' && x.start === arg.start && x.end === arg.end);
      if (!field) continue;
      const acquire = acquireFor(helpers, f, arg.text, c.start);
      if (!acquire || assignedBetween(f, root, acquire.start, c.start)) continue;
      (out ??= []).push({ call: c.name, arg: arg.text, root, release: { start: c.start, end: c.end }, acquire, loc: field.loc });
    }
  return out ?? NO_CANDIDATES;
}

/** None (most functions, asked on every edit): one array for all, nobody changes it. */
const NO_TARGETS: readonly RereadTarget[] = [];

/** Per function: scheduler releases naming their object by a field read again that can change under the lock. */
export function rereadTargets(d: LockDiscipline, f: FunctionFacts): readonly RereadTarget[] {
  const { fn } = f;
  if (!fn.touchesLocks || fn.degraded || f.boot) return NO_TARGETS;
  // Only a scheduler release naming its object through a field can be one: most functions have none (their CFG is then not read).
  if (!namesByField.of(f, d.helpers, d.sole)) return NO_TARGETS;
  const found = candidates(d, f);
  if (found.length === 0) return NO_TARGETS;
  // Where the function is now, from where its facts were collected.
  const o = fn.syntax.start - collectedFacts(f).fn.syntax.start;
  const out: RereadTarget[] = [];
  for (const x of found) {
    // A change made only for objects of a kind, and an object of that kind handed to this function.
    const changes = unlockedChanges(d, x.loc);
    for (const what of new Set(changes.map((y) => y.kind))) {
      const handed = what ? handedKind(d, f, x.root, what) : undefined;
      if (!what || !handed) continue;
      out.push({
        fn: f,
        call: x.call,
        arg: x.arg,
        release: { start: x.release.start + o, end: x.release.end + o },
        acquire: { start: x.acquire.start + o, end: x.acquire.end + o, call: x.acquire.call },
        loc: x.loc,
        changes: changes.filter((y) => y.kind === what),
        kind: { what, ...handed },
      });
      break;
    }
  }
  return out;
}

/** The scheduler acquire before `before` keyed on the same expression. */
function acquireFor(helpers: HelperTable, f: FunctionFacts, arg: string, before: number): (Range & { call: string }) | undefined {
  for (const n of f.fn.cfg.nodes)
    for (const c of n.facts.calls) {
      if (c.start >= before) continue;
      const h = helpers.get(c.name);
      if (h?.lock === 'sched' && (h.op === 'acquire' || h.op === 'tryacquire') && c.args[h.arg]?.text === arg)
        return { start: c.start, end: c.end, call: c.name };
    }
  return undefined;
}

function assignedBetween(f: FunctionFacts, v: string, from: number, to: number): boolean {
  return f.fn.cfg.nodes.some((n) => n.start > from && n.start < to && n.facts.assignments.some((a) => a.lhs === v));
}

const changesOf = new WeakMap<LockDiscipline, Map<string, { fn: FunctionFacts; start: number; end: number; kind?: string }[]>>();

/**
 * Writes of the location in analysed code that may run concurrently (not
 * boot code, not the setup of an object nobody sees yet) with no scheduler
 * lock held; each with the kind of object it writes when it names one
 * (`idle_vcpu[cpu]->f`) or runs only for one (under `if ( is_idle_vcpu(x) )`).
 */
function unlockedChanges(d: LockDiscipline, loc: string): { fn: FunctionFacts; start: number; end: number; kind?: string }[] {
  let memo = changesOf.get(d);
  if (!memo) changesOf.set(d, (memo = new Map()));
  const known = memo.get(loc);
  if (known) return known;
  const shared = d.sitesOf(loc);
  const out: { fn: FunctionFacts; start: number; end: number; kind?: string }[] = [];
  for (const g of d.functions.values()) {
    if (g.boot) continue;
    for (const w of g.accesses) {
      if (w.kind !== 'write' || w.loc !== loc) continue;
      if (!shared.some((s) => s.fn === g && s.start === w.start)) continue;
      if (d.heldAt(g, w.node).has(SCHED_LOCK)) continue;
      const target = g.file.text.slice(w.start, w.end);
      const root = ROOT.exec(target)?.[1];
      const kind = objectKindOf(target)?.what ?? (root ? kindTestedFor(g, w.node, root) : undefined);
      out.push({ fn: g, start: w.start, end: w.end, ...(kind ? { kind } : {}) });
    }
  }
  memo.set(loc, out);
  return out;
}

/** The node runs only when a condition testing the object's kind (`is_idle_vcpu(x)`) holds: its true edge dominates the node. */
function kindTestedFor(g: FunctionFacts, node: number, x: string): string | undefined {
  const nodes = g.fn.cfg.nodes;
  for (const cond of nodes) {
    if (cond.kind !== 'cond') continue;
    const test = cond.facts.calls.find((c) => objectKindTest(c.name) && c.args[0]?.text === x);
    const kind = test ? objectKindTest(test.name) : undefined;
    if (!kind) continue;
    const yes = cond.succ.find((e) => e.branch === true);
    if (yes && !reachableWithout(nodes, g.fn.cfg.entry, node, cond.id, yes.to)) return kind.what;
  }
  return undefined;
}

/** Whether `target` is reachable from `entry` without taking the edge `from` → `to`. */
function reachableWithout(nodes: readonly CfgNode[], entry: number, target: number, from: number, to: number): boolean {
  const seen = new Set<number>([entry]);
  const work = [entry];
  while (work.length) {
    const id = work.pop()!;
    if (id === target) return true;
    for (const e of nodes[id]!.succ) {
      if ((id === from && e.to === to) || seen.has(e.to)) continue;
      seen.add(e.to);
      work.push(e.to);
    }
  }
  return false;
}

/** An analysed caller hands the function, as parameter `param`, an object of the kind (`idle_vcpu[cpu]`, or a local assigned from it). */
function handedKind(
  d: LockDiscipline,
  f: FunctionFacts,
  param: string,
  what: string,
): { caller: FunctionFacts; start: number; end: number } | undefined {
  const index = f.fn.syntax.params.indexOf(param);
  if (index < 0) return undefined;
  for (const g of d.functions.values()) {
    if (g.boot) continue;
    for (const c of g.calls) {
      if (c.callee !== f.name || (f.isStatic && g.path !== f.path)) continue;
      const a = c.args[index];
      if (!a) continue;
      const named =
        objectKindOf(a)?.what === what ||
        g.fn.cfg.nodes.some((n) => n.facts.assignments.some((x) => x.lhs === a && objectKindOf(x.rhs)?.what === what));
      if (named) return { caller: g, start: c.start, end: c.end };
    }
  }
  return undefined;
}
