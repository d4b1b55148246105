// The lock-state transfer function: what one CFG node's calls and assignments
// do to one path's state, and which branch edges a path can take.
import type { Cfg, CfgEdge, CfgNode } from '../cfg/types';
import type { Assignment, CallSite } from '../syntax/expr';
import { assertMacrosOf } from '../syntax/jumpMacros';
import { canonicalText } from '../syntax/tokens';
import { forbiddenCall, irqPrimitive } from '../xen/interrupts';
import {
  failureTestOf,
  heldPredicate,
  type HelperTable,
  type LockHelper,
  type LockKind,
  type ReturnConvention,
  returnConvention,
} from '../xen/lockHelpers';
import { isNeverNull } from '../xen/pointers';
import { comparison, conditionOf, constantTruth, evaluate, implied, notReached, parseCondition, relatedFacts } from './condition';
import { type Guard, guardAllows, guardOf } from './guardedRelease';
import { checkForbidden, irqAfterHelper, type IrqEvent, irqPrimitiveCall, takenVariant } from './irq';
import { type LockNamer, substitute } from './names';
import {
  binding,
  bound,
  decideGuards,
  type Fact,
  findHeld,
  forgetFacts,
  type HeldLock,
  type IrqVariant,
  MAX_FACTS,
  mergeStates,
  type PathState,
  withBinding,
  withFact,
  withFactList,
  withHeld,
  withHeldList,
  withIrqState,
  withoutBinding,
  withoutHeld,
  withReleaseOnly,
} from './state';
import { type FunctionSummary, type LockEffect, RETURNED, type SummaryLookup } from './summary';

export type LockEvent =
  | { k: 'retake'; lock: string; start: number; end: number; heldAt: number }
  | { k: 'doubleRelease'; lock: string; start: number; end: number }
  /** Released where this path does not hold it: the caller's, unless other paths took it here (start/end: the release). */
  | { k: 'requires'; lock: string; kind: LockKind; start?: number; end?: number; assert?: boolean }
  /** A lock named through a local variable released where this path does not hold it. */
  | { k: 'unheldRelease'; lock: string; start: number; end: number }
  | IrqEvent;

export interface TransferContext {
  source: string;
  /** Every path from the entry to the exit passes this node (it dominates the exit). */
  unconditional(node: CfgNode): boolean;
  table: HelperTable;
  namer: LockNamer;
  summaries: SummaryLookup;
  /** Atoms tested by two or more conditions: the only ones worth remembering as facts. */
  trackedAtoms: ReadonlySet<string>;
  /** Guarded releases of this analysis (guardedRelease.ts; they read summaries, which can change between analyses). */
  guardCache?: Map<CfgNode, Guard | null>;
  companionCache?: Map<string, Set<string>>;
  /** Per cond node id: what its branch edges read, made on the first path crossing one in this analysis (see EdgePlan). */
  edgePlans?: (EdgePlan | undefined)[];
  /** The text's ASSERT wrapper macros (assertWrappers). */
  assertMacros?: ReturnType<typeof assertMacrosOf>;
  /** Per callee name: whether a call to it does nothing to a path (see inertCall). */
  inertNames?: Map<string, boolean>;
  /** Per node id: what its calls are, resolved on its first transfer in this analysis (see NodePlan). */
  plans?: (NodePlan | undefined)[];
  /** Receives events while solving (see reportingPass). */
  events?: (e: LockEvent, node: CfgNode) => void;
  /** Locks some path of this function releases (a lock never released here is handed to the caller when held at an exit). */
  released: Set<string>;
  cfg: Cfg;
  /** Each node's number of predecessors (the solve's, cfg/dataflow.ts: cfgShape). */
  preds: readonly number[];
  /** Set when a path had to forget a branch fact (state.ts, MAX_FACTS): correlations were lost. */
  factsOverflow?: boolean;
  /**
   * The function's local variables (declared in its body, not parameters). A
   * lock named through one is not the caller's: releasing it unheld says
   * nothing about what the caller holds.
   */
  locals: ReadonlySet<string>;
}

const IDENT = /^[A-Za-z_]\w*$/;

/**
 * Paths one statement may split into (trylocks each split a path in two):
 * past this they are merged into one, which keeps what every path agrees on
 * (a sound "may" answer) instead of growing without bound.
 */
const MAX_SPLIT = 64;

/**
 * What a node's calls are, resolved once per node and analysis instead of
 * looked up by name for every path crossing it (the helper table, interrupt
 * primitives, forbidden calls, ASSERT wrappers, summaries): most calls do
 * nothing to a lock state, and a node whose calls all do nothing and which
 * assigns nothing passes every path on as it is.
 */
interface NodePlan {
  /** Per call (same index as `node.facts.calls`): the call cannot change a path's state nor report anything. */
  inert: boolean[];
  /** Per call: a trylock-like call in a condition (it may not run on a path, by short-circuit evaluation). */
  skippable: boolean[];
  /** Per assignment: what it does to a path; undefined when a lock call on its right-hand side bound its variable (that call's transfer did it). */
  assigns: (AssignPlan | undefined)[];
  /** The node leaves every path as it is. */
  passes: boolean;
}

/** What an assignment does to a path, as far as it depends on the assignment alone (see transferNode). */
interface AssignPlan {
  a: Assignment;
  /** The assigned name, whose facts are forgotten (`*p = …` assigns `p`): made when a path first has facts to forget. */
  forget: ReadonlySet<string> | undefined;
  /** The value is stored through this local pointer where it outlives the function (see handOn). */
  storedThrough: string | undefined;
  /** The left-hand side is a plain variable (the rest below applies only then). */
  ident: boolean;
  /** `held = true;` of a flag a later test reads: the value the path remembers. */
  flag: boolean | undefined;
  /** `old_q = q;` of a pair tested elsewhere: the facts it teaches (they compare equal), in order. */
  equal: readonly { atom: string; value: boolean }[] | undefined;
  /** The scheduler lock the value is the address of. */
  target: string | undefined;
  /** The right-hand side is a plain variable (a binding to copy). */
  rhsIdent: boolean;
}

function assignPlan(ctx: TransferContext, a: Assignment): AssignPlan {
  // Through a pointer (`act->x`, `*out`), not into a local struct (`op.x`) nor through a pointer to one (`op = &curop`).
  // (The pointer's root and what it was assigned are looked up only for such a store: most assignments are none.)
  const lhsRoot = /->|^\*/.test(a.lhs) ? rootName(a.lhs.replace(/^[*&(\s]+/, '')) : undefined;
  const outlives = !!lhsRoot && !/^&[A-Za-z_]\w*$/.test(ctx.namer.trace(lhsRoot));
  const ident = IDENT.test(a.lhs);
  const rhsIdent = IDENT.test(a.rhs);
  // Every field present (undefined when it does not apply), in one literal: the transfer reads these
  // plans for every path crossing the node, and plans of several shapes made those reads slow lookups.
  const plan: AssignPlan = {
    a,
    forget: undefined,
    storedThrough: outlives ? lhsRoot : undefined,
    ident,
    flag: undefined,
    equal: undefined,
    target: undefined,
    rhsIdent,
  };
  if (!ident) return plan;
  const truth = a.op === '=' && ctx.trackedAtoms.has(a.lhs) ? constantTruth(a.rhs) : undefined;
  if (truth !== undefined) plan.flag = truth;
  if (a.op === '=' && rhsIdent && ctx.trackedAtoms.has(`${a.lhs}==${a.rhs}`)) {
    const atom = `${a.lhs}==${a.rhs}`;
    plan.equal = [{ atom, value: true }, ...relatedFacts(atom, true)].filter((g) => ctx.trackedAtoms.has(g.atom));
  }
  const target = ctx.namer.schedPointer(a.rhs);
  if (target) plan.target = target;
  return plan;
}

/** The plan of a node that neither calls nor assigns. */
const PASSES: NodePlan = { inert: [], skippable: [], assigns: [], passes: true };

function planOf(ctx: TransferContext, node: CfgNode): NodePlan {
  const calls = node.facts.calls;
  const assignments = node.facts.assignments;
  if (calls.length === 0 && assignments.length === 0 && !node.debugStop) return PASSES;
  const plans = (ctx.plans ??= new Array<NodePlan | undefined>(ctx.cfg.nodes.length));
  let plan = plans[node.id];
  if (plan) return plan;
  // Calls that all do nothing, no assignment (the common statement): the shared plan, no arrays.
  if (assignments.length === 0 && !node.debugStop && calls.every((c) => inertCall(ctx, c))) return (plans[node.id] = PASSES);
  // Arrays made to measure (a push into an empty array reserves room for 17); the shared empty
  // ones where there is nothing to say (no skippable call, no assignment: most statements).
  const inert = new Array<boolean>(calls.length);
  let skippable: boolean[] | undefined;
  let allInert = true;
  for (let ci = 0; ci < calls.length; ci++) {
    const c = calls[ci]!;
    const x = inertCall(ctx, c);
    inert[ci] = x;
    allInert &&= x;
    if (node.kind === 'cond' && !x && isTrylockLike(ctx, c)) (skippable ??= new Array<boolean>(calls.length).fill(false))[ci] = true;
  }
  let assigns: (AssignPlan | undefined)[] = PASSES.assigns;
  if (assignments.length) {
    assigns = new Array<AssignPlan | undefined>(assignments.length);
    for (let ai = 0; ai < assignments.length; ai++) {
      const a = assignments[ai]!;
      let boundByCall = false;
      for (const c of calls) if (c.start >= a.start && c.end <= a.end && bindsResult(ctx, c)) boundByCall = true;
      assigns[ai] = boundByCall ? undefined : assignPlan(ctx, a);
    }
  }
  plan = { inert, skippable: skippable ?? PASSES.skippable, assigns, passes: !node.debugStop && assignments.length === 0 && allInert };
  plans[node.id] = plan;
  return plan;
}

/** applyCall returns the path unchanged and reports nothing, whatever the path: no lock, interrupt or ASSERT meaning, no summarised effect. */
function inertCall(ctx: TransferContext, call: CallSite): boolean {
  // A property of the name (in this analysis): asked once per name, not per call site.
  const names = (ctx.inertNames ??= new Map());
  let inert = names.get(call.name);
  if (inert === undefined) names.set(call.name, (inert = inertName(ctx, call.name)));
  return inert;
}

function inertName(ctx: TransferContext, name: string): boolean {
  if (ctx.table.get(name) || irqPrimitive(name) || forbiddenCall(name)) return false;
  if (name === 'ASSERT' || name === 'BUG_ON' || assertWrappers(ctx).has(name)) return false;
  const s = ctx.summaries.get(name);
  return (
    !s ||
    (s.releases.length === 0 &&
      s.mayReleases.length === 0 &&
      s.acquires.length === 0 &&
      !s.mayAcquires?.length &&
      s.irqExit === undefined &&
      !s.condReleases?.length &&
      s.condAcquires.length === 0)
  );
}

/** The text's ASSERT wrapper macros, looked up once per analysis (not per call and path). */
function assertWrappers(ctx: TransferContext): ReturnType<typeof assertMacrosOf> {
  return (ctx.assertMacros ??= assertMacrosOf(ctx.source));
}

/** The node passes every path on as it is (transferNode would return it alone, reporting nothing). */
export function passesUnchanged(ctx: TransferContext, node: CfgNode): boolean {
  return planOf(ctx, node).passes;
}

export function transferNode(ctx: TransferContext, node: CfgNode, s: PathState): PathState[] {
  const plan = planOf(ctx, node);
  if (plan.passes) return [s];
  // Past `ASSERT_UNREACHABLE()` only a release build runs on: the path says so from here.
  const first = node.debugStop && s.releaseOnly === undefined ? withReleaseOnly(s, node.start) : s;
  // Undefined while the path is still the one state `first` (most statements make one lock call, which
  // then returns the list this node returns: no list for the one state, none to copy its result into).
  let states: PathState[] | undefined;
  const calls = node.facts.calls;
  for (let ci = 0; ci < calls.length; ci++) {
    if (plan.inert[ci]) continue;
    const call = calls[ci]!;
    const skippable = plan.skippable.length !== 0 && plan.skippable[ci];
    if (states === undefined) {
      // A trylock right of a decided `||`/`&&` is never called on this path.
      if (skippable && notReached(conditionOf(node, ctx.source), callAtom(ctx, call), atomValue(first))) continue;
      const out = applyCall(ctx, node, ci, call, first);
      states = out.length > MAX_SPLIT ? [mergeStates(out)] : out;
      continue;
    }
    const next: PathState[] = [];
    for (const st of states) {
      // A trylock right of a decided `||`/`&&` is never called on this path.
      if (skippable && notReached(conditionOf(node, ctx.source), callAtom(ctx, call), atomValue(st))) next.push(st);
      else for (const r of applyCall(ctx, node, ci, call, st)) next.push(r);
    }
    states = next.length > MAX_SPLIT ? [mergeStates(next)] : next;
  }
  states ??= [first];
  // Plain assignments: pointer copies and scheduler-lock addresses; facts about
  // an assigned variable are forgotten.
  // (Each list here is the transfer's own, made for this node: updated in place.)
  if (node.facts.assignments.length) {
    for (let si = 0; si < states.length; si++) {
      let r = states[si]!;
      for (const p of plan.assigns) {
        // (Undefined: the variable was bound by the lock call on its right-hand side.)
        if (!p) continue;
        const a = p.a;
        // What was assigned is forgotten (a field write `old_q->tail = 0` leaves facts about `old_q` itself alone).
        if (r.facts.length || r.held.some((h) => h.when)) r = forgetFacts(r, (p.forget ??= new Set([a.lhs.replace(/^\*+/, '')])));
        if (p.storedThrough !== undefined) r = handOn(ctx, r, p.storedThrough, a.rhs);
        if (!p.ident) continue;
        // `held = true;`: a flag a later test reads (the path remembers its value).
        if (p.flag !== undefined) r = remember(ctx, r, a.lhs, p.flag);
        // `old_q = q;`: the two now compare equal (`if ( q != old_q )` later is false).
        if (p.equal) for (const g of p.equal) r = remember(ctx, r, g.atom, g.value);
        const target = p.target;
        const copied = p.rhsIdent ? binding(r, a.rhs) : undefined;
        if (target) r = withBinding(r, { v: a.lhs, lock: target, status: findHeld(r, target) ? 'held' : 'ptr' });
        // `lock = NULL`: a later `if ( lock != NULL )` is known false on this path.
        else if (a.rhs === 'NULL') r = withBinding(r, { v: a.lhs, lock: '', status: 'null' });
        else if (copied) r = withBinding(r, bound(a.lhs, copied.lock, copied.status, copied.zeroIsHeld));
        else r = withoutBinding(r, a.lhs);
      }
      states[si] = r;
    }
  }
  return states;
}

function applyCall(ctx: TransferContext, node: CfgNode, ci: number, call: CallSite, s: PathState): PathState[] {
  const helper = ctx.table.get(call.name);
  if (helper) return irqAfterHelper(ctx, node, call, ci, helper, s, applyHelper(ctx, node, ci, call, helper, s));
  const irq = irqPrimitiveCall(ctx, node, call, s);
  if (irq) return [irq];
  checkForbidden(ctx, node, call, s);
  if (call.name === 'ASSERT' || call.name === 'BUG_ON') return assume(ctx, call, applyAssert(ctx, node, call, s));
  const wrapper = assertWrappers(ctx).get(call.name);
  if (wrapper) {
    // `ASSERT_WRITELOCK(&l)` defined as `ASSERT(rw_is_write_locked(l))`: read as that ASSERT.
    const a = call.args[wrapper.param];
    if (a) return [applyAssert(ctx, node, { ...call, name: 'ASSERT', args: [{ ...a, text: `${wrapper.predicate}(${a.text})` }] }, s)];
  }
  const summary = ctx.summaries.get(call.name);
  if (summary) return applySummary(ctx, node, ci, call, summary, s);
  return [s];
}

function assignedVar(node: CfgNode, ci: number): string | undefined {
  const a = node.facts.assignments.find((x) => x.rhsCall === ci);
  return a && IDENT.test(a.lhs) ? a.lhs : undefined;
}

/**
 * `lock = cond ? NULL : vcpu_schedule_lock_irq(v);`: the call is one arm of a
 * conditional assigned to a variable, so the lock is taken exactly when the
 * variable is non-NULL (the variable to split on).
 */
function conditionalVar(node: CfgNode, call: CallSite): string | undefined {
  const a = node.facts.assignments.find(
    (x) => x.rhsCall === undefined && IDENT.test(x.lhs) && x.end >= call.end && x.start < call.start && x.rhs.includes('?'),
  );
  return a?.lhs;
}

function arg(call: CallSite, i: number | undefined): string {
  return i === undefined ? '' : (call.args[i]?.text ?? '');
}

/** The canonical name of the lock a helper call designates. */
function helperLockName(
  ctx: TransferContext,
  s: PathState,
  helper: LockHelper,
  call: CallSite,
  which: number,
  node?: CfgNode,
  ci?: number,
): string {
  if (helper.lockName) {
    // A template: `{ret}->rcu_lock` names the lock after the variable the result goes to.
    const assigned = node && ci !== undefined ? assignedVar(node, ci) : undefined;
    const expr = helper.lockName.replace(/\{(&?)(ret|\d+)(?::(\d+))?\}/g, (_m, amp: string, what: string, fallback?: string) => {
      const t =
        what !== 'ret'
          ? arg(call, Number(what))
          : (assigned ?? (fallback !== undefined ? arg(call, Number(fallback)) : callAtom(ctx, call)));
      return amp ? t.replace(/^&/, '') : t;
    });
    return ctx.namer.plain(expr, helper.lock, helper.mode);
  }
  const text = arg(call, which);
  if (helper.lock === 'sched' && (helper.op === 'acquire' || helper.op === 'tryacquire')) return ctx.namer.sched(text);
  return pointerName(ctx, s, text, helper.lock, helper.mode);
}

/** Name of the lock an address/pointer expression designates (variables resolved). */
function pointerName(ctx: TransferContext, s: PathState, text: string, kind: LockKind, mode?: 'r' | 'w'): string {
  const b = IDENT.test(text) ? binding(s, text) : undefined;
  if (b) return b.lock;
  if (IDENT.test(text)) {
    // Trace `lock = per_cpu(…).schedule_lock` assigned elsewhere in the function.
    const traced = ctx.namer.schedPointer(ctx.namer.trace(text));
    if (traced) return traced;
    if (kind === 'sched') return `sched(${text})`;
  }
  return ctx.namer.plain(text, kind, mode);
}

function acquire(
  ctx: TransferContext,
  node: CfgNode,
  call: CallSite,
  s: PathState,
  name: string,
  kind: LockKind,
  variant?: IrqVariant,
): PathState {
  const held = findHeld(s, name);
  const lock: HeldLock = { name, kind, at: call.start };
  if (held && !held.maybe) {
    if (!name.endsWith(':r')) ctx.events?.({ k: 'retake', lock: name, start: call.start, end: call.end, heldAt: held.at }, node);
    // Counted, so the matching releases do not look like double releases.
    lock.at = held.at;
    lock.depth = (held.depth ?? 1) + 1;
    if (held.entry) lock.entry = true;
  }
  if (variant) lock.irqVariant = variant;
  let r = markBindings(withHeld(s, lock), name, 'held');
  // A lock reached through `p->…` was taken, so `p` is not NULL on this path (`if ( d2 == NULL )` after a goto back).
  const root = /->/.test(name) ? rootName(name) : undefined;
  if (root && ctx.trackedAtoms.has(root) && !binding(r, root)) r = remember(ctx, r, root, true);
  return r;
}

/**
 * A callee releases `pgp->us.obj->obj_spinlock` (its parameter's path) while
 * this path holds `obj->obj_spinlock`, `obj` being a local the callee was
 * handed a way to reach: the same field of a struct, one such lock held and
 * not the name released, is read as that lock. Without it every call to a
 * helper that unlocks what it is given through another pointer would leave
 * the caller "holding" the lock forever.
 */
function sameFieldHeld(s: PathState, name: string, kind: LockKind): string | undefined {
  const field = lockField(name);
  if (!field || kind === 'sched' || kind === 'rcu') return undefined;
  const same = s.held.filter((h) => h.kind === kind && lockField(h.name) === field);
  return same.length === 1 ? same[0]!.name : undefined;
}

/** `a->b.lock:w` → `lock:w`: the member a lock is, with its mode; undefined for a lock that is no member. */
function lockField(name: string): string | undefined {
  return /(?:->|\.)([A-Za-z_]\w*(?::[rw])?)$/.exec(name)?.[1];
}

/**
 * `act->src_domid = td->domain_id;` with `rcu(td->rcu_lock)` held: the lock's
 * owner (a local) is stored where it outlives this function, in another
 * object, for the function that finishes the job to release. Writing the
 * owner's own fields (`td->x = td->y`) or into a local hands nothing on.
 */
function handOn(ctx: TransferContext, s: PathState, lhsRoot: string, rhs: string): PathState {
  if (s.held.length === 0) return s;
  let r = s;
  for (const h of s.held) {
    const owner = rootName(h.name);
    if (h.handed || h.entry || !owner || owner === lhsRoot || !ctx.locals.has(owner)) continue;
    if (!new RegExp(`\\b${owner}\\b`).test(rhs)) continue;
    r = withHeldList(
      r,
      r.held.map((x) => (x === h ? { ...h, handed: true } : x)),
    );
  }
  return r;
}

/** The variable a lock is named through (`old_q->lock`, `rcu(d)`, `sched(v->processor)` → old_q, d, v). */
export function rootName(lock: string): string | undefined {
  return /^(?:[a-z]+\()?&?\(?([A-Za-z_]\w*)/.exec(lock)?.[1];
}

/** Two lock names differ only in their root variable, and this path knows the two variables are equal. */
function sameLockOnPath(s: PathState, a: string, b: string): boolean {
  // Known only from a fact the path holds (most hold none).
  if (s.facts.length === 0) return false;
  const ra = rootName(a);
  const rb = rootName(b);
  if (!ra || !rb || ra === rb) return false;
  if (a.replace(new RegExp(`\\b${ra}\\b`), rb) !== b) return false;
  const eq = (atom: string): boolean => atom === `${ra}==${rb}` || atom === `${rb}==${ra}`;
  const ne = (atom: string): boolean => atom === `${ra}!=${rb}` || atom === `${rb}!=${ra}`;
  return s.facts.some((f) => (eq(f.atom) && f.value) || (ne(f.atom) && !f.value));
}

function markBindings(s: PathState, lock: string, status: 'held' | 'ptr'): PathState {
  let r = s;
  for (const b of s.vars)
    if (b.lock === lock && b.status !== 'null' && b.status !== status) r = withBinding(r, bound(b.v, b.lock, status, b.zeroIsHeld));
  return r;
}

function release(
  ctx: TransferContext,
  node: CfgNode,
  call: CallSite,
  s: PathState,
  name: string,
  kind: LockKind,
  fallbackSched?: string,
  viaCallee = false,
): PathState {
  let target = findHeld(s, name) ? name : undefined;
  if (!target && fallbackSched && findHeld(s, fallbackSched)) target = fallbackSched;
  if (!target && kind === 'sched') {
    // Scheduler-lock names alias (sched(v) and sched(cpu) may be one lock):
    // with exactly one scheduler lock held, that is the one released.
    const sched = s.held.filter((h) => h.kind === 'sched');
    if (sched.length === 1) target = sched[0]!.name;
  }
  if (!target && kind === 'rwlock') {
    const other = name.endsWith(':r') ? name.replace(/:r$/, ':w') : name.replace(/:w$/, ':r');
    if (findHeld(s, other)) target = other;
  }
  // `q->lock` released while `old_q->lock` is held and this path knows q == old_q: the same lock.
  target ??= s.held.find((h) => sameLockOnPath(s, h.name, name))?.name;
  if (!target && viaCallee) target = sameFieldHeld(s, name, kind);
  if (target) {
    ctx.released.add(target);
    let r = markBindings(withoutHeld(s, target), target, 'ptr');
    // `spin_unlock(&rp->lock)` where this path knows lp == rp: `lp->lock` was that lock too.
    for (const h of r.held) if (sameLockOnPath(s, h.name, target)) r = markBindings(withoutHeld(r, h.name), h.name, 'ptr');
    return r;
  }
  if (s.released.includes(name)) ctx.events?.({ k: 'doubleRelease', lock: name, start: call.start, end: call.end }, node);
  else if (ctx.locals.has(rootName(name) ?? '')) ctx.events?.({ k: 'unheldRelease', lock: name, start: call.start, end: call.end }, node);
  else ctx.events?.({ k: 'requires', lock: name, kind, start: call.start, end: call.end }, node);
  return s;
}

function applyHelper(ctx: TransferContext, node: CfgNode, ci: number, call: CallSite, helper: LockHelper, s: PathState): PathState[] {
  switch (helper.op) {
    case 'acquire': {
      const name = helperLockName(ctx, s, helper, call, helper.arg, node, ci);
      const variant = takenVariant(helper);
      if (conditionalVar(node, call))
        return split(ctx, node, ci, call, s, [{ name, kind: helper.lock, variant }], conditionalVar(node, call));
      let r = acquire(ctx, node, call, s, name, helper.lock, variant);
      const v = assignedVar(node, ci);
      if (v) r = withBinding(r, { v, lock: name, status: 'held' });
      return [r];
    }
    case 'tryacquire': {
      const name = helperLockName(ctx, s, helper, call, helper.arg, node, ci);
      return split(
        ctx,
        node,
        ci,
        call,
        s,
        [{ name, kind: helper.lock, variant: takenVariant(helper) }],
        undefined,
        returnConvention(helper),
      );
    }
    case 'release': {
      const ptr = helper.ptrArg !== undefined ? arg(call, helper.ptrArg) : undefined;
      if (helper.lock === 'sched') {
        const entity = ctx.namer.sched(arg(call, helper.arg));
        const name = ptr !== undefined && IDENT.test(ptr) && binding(s, ptr) ? binding(s, ptr)!.lock : entity;
        return [release(ctx, node, call, s, name, 'sched', entity)];
      }
      const named = helper.lockName ? helperLockName(ctx, s, helper, call, helper.arg, node, ci) : undefined;
      return [release(ctx, node, call, s, named ?? pointerName(ctx, s, arg(call, helper.arg), helper.lock, helper.mode), helper.lock)];
    }
    case 'acquireDouble':
    case 'releaseDouble': {
      const n1 = pointerName(ctx, s, arg(call, helper.arg), 'sched');
      const n2 = pointerName(ctx, s, arg(call, helper.arg2 ?? 1), 'sched');
      // Two pointers naming the same lock are taken once.
      const names = n1 === n2 ? [n1] : [n1, n2];
      let r = s;
      for (const n of names)
        r =
          helper.op === 'acquireDouble'
            ? acquire(ctx, node, call, r, n, 'sched', takenVariant(helper))
            : release(ctx, node, call, r, n, 'sched');
      return [r];
    }
  }
}

/** A trylock: one path where it was taken, one where it was not. */
function split(
  ctx: TransferContext,
  node: CfgNode,
  ci: number,
  call: CallSite,
  s: PathState,
  locks: readonly { name: string; kind: LockKind; variant?: IrqVariant | undefined }[],
  condVar?: string,
  convention?: ReturnConvention,
): PathState[] {
  const v = condVar ?? assignedVar(node, ci);
  // A status result is 0 (false) when the lock was taken; every other convention is true then.
  const status = convention === 'status';
  // One outcome for all the locks of the call: taken together, or none of them.
  let taken = s;
  for (const l of locks) {
    const lock: HeldLock = { name: l.name, kind: l.kind, at: call.start };
    if (l.variant) lock.irqVariant = l.variant;
    taken = markBindings(withHeld(taken, lock), l.name, 'held');
  }
  let failed = s;
  const first = locks[0]?.name ?? '';
  if (v) {
    taken = withBinding(taken, bound(v, first, 'held', status));
    failed = withBinding(failed, bound(v, first, 'null', status));
  } else {
    const atom = callAtom(ctx, call);
    taken = withFact(taken, atom, !status);
    failed = withFact(failed, atom, status);
  }
  return [taken, failed];
}

const callAtoms = new WeakMap<CallSite, string>();

/** A call's canonical text, the atom a condition names it by (once per call site). */
function callAtom(ctx: TransferContext, call: CallSite): string {
  let a = callAtoms.get(call);
  if (a === undefined) {
    a = canonicalText(ctx.source.slice(call.start, call.end));
    callAtoms.set(call, a);
  }
  return a;
}

/** The path learns a branch fact; a path that cannot hold one more marks the analysis as having lost correlations. */
function remember(ctx: TransferContext, s: PathState, atom: string, value: boolean): PathState {
  const r = withFact(s, atom, value);
  if (r === s && s.facts.length >= MAX_FACTS && !s.facts.some((x) => x.atom === atom)) ctx.factsOverflow = true;
  return r;
}

/** A call whose result the lock transfer binds to the variable it is assigned to (a helper, or a function taking a lock). */
function bindsResult(ctx: TransferContext, call: CallSite): boolean {
  if (ctx.table.has(call.name)) return true;
  const s = ctx.summaries.get(call.name);
  return !!s && (s.condAcquires.length > 0 || s.acquires.length > 0 || (s.condReleases?.length ?? 0) > 0);
}

function isTrylockLike(ctx: TransferContext, call: CallSite): boolean {
  return ctx.table.get(call.name)?.op === 'tryacquire' || !!ctx.summaries.get(call.name)?.condAcquires.length;
}

/**
 * An atom's truth value on a path: a lock-pointer variable is true when it
 * points at a lock, an error-pointer test (`IS_ERR_OR_NULL(act)`) true when
 * the call that set the variable did not take its lock; else the path's facts.
 */
function atomValue(s: PathState): (atom: string) => boolean | undefined {
  return (atom) => {
    if (IDENT.test(atom)) {
      const b = binding(s, atom);
      if (b) return b.zeroIsHeld ? b.status === 'null' : b.status !== 'null';
    }
    // `rc < 0`, `rc != 0`, `rc == 0` on a status from a lock helper.
    const c = comparison(atom);
    if (c && c.b === '0') {
      const b = binding(s, c.a);
      if (b?.zeroIsHeld && (c.op === '<' || c.op === '!=')) return b.status === 'null';
      if (b?.zeroIsHeld && (c.op === '==' || c.op === '>=')) return b.status !== 'null';
    }
    // A pointer a lock call returned NULL is not equal to one that never is NULL (xen/pointers.ts): after
    // `hdl = lock_dom_exc_handler()`, `if ( current->domain != hdl ) goto out;` leaves only the locked path.
    if (c && (c.op === '==' || c.op === '!=')) {
      const other = isNeverNull(c.b) ? c.a : isNeverNull(c.a) ? c.b : undefined;
      const b = other !== undefined && IDENT.test(other) ? binding(s, other) : undefined;
      if (b && !b.zeroIsHeld && b.status === 'null') return c.op === '!=';
    }
    const failed = failureTestOf(atom);
    if (failed) {
      const b = binding(s, failed);
      if (b) return b.status === 'null';
    }
    return s.facts.find((f) => f.atom === atom)?.value;
  };
}

/**
 * What the branch edges of a cond node read, once per node and analysis
 * instead of looked up (in maps keyed by node) for every path crossing an
 * edge: the condition, its own trylock-like calls (they read summaries, so per
 * analysis), and per branch the facts a path learns there.
 */
interface EdgePlan {
  cond: ReturnType<typeof conditionOf>;
  /** The trylock-like calls the condition makes itself. */
  own: string[];
  onFalse: readonly LearnedFact[] | undefined;
  onTrue: readonly LearnedFact[] | undefined;
  /** The node's guarded release (guardedRelease.ts), once asked: null when the heuristic does not cover it. */
  guard: Guard | null | undefined;
}

/** A fact a branch teaches, with what about its atom does not depend on the path. */
interface LearnedFact extends Fact {
  /** Tested elsewhere too: worth remembering (trackedAtoms). */
  tracked: boolean;
  /** A plain variable: a lock-pointer binding of it, when the path has one, says the same already. */
  ident: boolean;
}

const NO_ATOMS: string[] = [];

function edgePlanOf(ctx: TransferContext, node: CfgNode): EdgePlan {
  const plans = (ctx.edgePlans ??= new Array<EdgePlan | undefined>(ctx.cfg.nodes.length));
  let plan = plans[node.id];
  if (!plan) {
    // (None, as most conditions call none: the shared empty list.)
    let own: string[] | undefined;
    for (const c of node.facts.calls) if (isTrylockLike(ctx, c)) (own ??= []).push(callAtom(ctx, c));
    // Both branches' facts present from the start (undefined until a path takes the branch): one shape
    // for every plan, so the reads of them on every edge stay monomorphic.
    plans[node.id] = plan = {
      cond: conditionOf(node, ctx.source),
      own: own ?? NO_ATOMS,
      onFalse: undefined,
      onTrue: undefined,
      guard: undefined,
    };
  }
  return plan;
}

function learnedOn(ctx: TransferContext, node: CfgNode, plan: EdgePlan, branch: boolean): readonly LearnedFact[] {
  let learned = branch ? plan.onTrue : plan.onFalse;
  if (!learned) {
    // Each implied fact followed by the comparisons it decides, made as learned facts at once (no list of
    // plain facts to copy from). (A literal, not a spread of the fact: a spread amid a literal is made slowly.)
    const out: LearnedFact[] = [];
    const learn = (f: Fact): void => {
      out.push({ atom: f.atom, value: f.value, tracked: ctx.trackedAtoms.has(f.atom), ident: IDENT.test(f.atom) });
    };
    for (const f of edgeFacts(node, plan.cond, branch)) {
      learn(f);
      for (const g of relatedFacts(f.atom, f.value)) learn(g);
    }
    learned = out;
    if (branch) plan.onTrue = learned;
    else plan.onFalse = learned;
  }
  return learned;
}

/** `ASSERT(spin_is_locked(x))` states that x is held here (by the caller when not taken). */
function applyAssert(ctx: TransferContext, node: CfgNode, call: CallSite, s: PathState): PathState {
  if (call.name !== 'ASSERT') return s;
  const text = call.args[0]?.text ?? '';
  // The predicate's name is what comes before the first `(`: asked first (most ASSERTs state something
  // else), so the pattern runs only on the ones that may name a lock.
  const open = text.indexOf('(');
  const pred = open > 0 ? heldPredicate(text.slice(0, open)) : undefined;
  // (The pattern's name is that same text before the first `(`: the predicate found above is its.)
  const m = pred && /^([A-Za-z_]\w*)\((.*)\)$/.exec(text);
  if (!pred || !m) return s;
  const name = pointerName(ctx, s, m[2]!, pred.lock, pred.mode);
  const kind: LockKind = name.startsWith('sched(') ? 'sched' : pred.lock;
  if (findHeld(s, name) && !findHeld(s, name)!.maybe) return s;
  if (kind === 'sched' && s.held.some((h) => h.kind === 'sched' && !h.maybe)) return s;
  // An ASSERT under a branch (`if ( have_lock ) ASSERT(…); else lock(…);`) states what that branch
  // holds, not what every caller must: only one every path to the exit passes is a requirement.
  if (ctx.unconditional(node)) ctx.events?.({ k: 'requires', lock: name, kind, start: call.start, end: call.end, assert: true }, node);
  return withHeld(s, { name, kind, at: call.start, entry: true, because: { how: 'assert', at: call.start } });
}

/**
 * `ASSERT(dom0 != NULL)` / `BUG_ON(!p)`: the code past it may rely on the
 * condition (a debug build stops otherwise), so a path on which the path's
 * own facts make it false goes no further, and the others learn it.
 */
function assume(ctx: TransferContext, call: CallSite, s: PathState): PathState[] {
  const text = call.args[0]?.text;
  if (!text || call.args.length !== 1) return [s];
  const cond = parseCondition(text);
  const holds = call.name === 'ASSERT';
  const v = evaluate(cond, atomValue(s));
  if (v !== undefined && v !== holds) return [];
  let r = s;
  for (const f of implied(cond, holds)) {
    for (const g of [f, ...relatedFacts(f.atom, f.value)]) {
      if (ctx.trackedAtoms.has(g.atom) && !(IDENT.test(g.atom) && binding(r, g.atom))) r = remember(ctx, r, g.atom, g.value);
      r = decideGuards(r, g.atom, g.value);
    }
  }
  return [r];
}

function substituteEffect(summary: FunctionSummary, call: CallSite, e: LockEffect, returned?: string): string {
  const map = new Map<string, string>();
  // The returned object: the variable the call is assigned to (`act_b = acquire(…)` gives `act_b->lock`), else the call itself.
  if (e.lock.includes(RETURNED)) return e.lock.split(RETURNED).join(returned ?? '(ret)');
  summary.params.forEach((p, i) => {
    const a = call.args[i]?.text;
    if (p && a !== undefined) map.set(p, a);
  });
  // `*lock` in the callee with `&lock` passed: the caller's `lock`.
  const name = substitute(e.lock, map)
    .replace(/\*\(&([A-Za-z_]\w*)\)/g, '$1')
    .replace(/\(\*&([A-Za-z_]\w*)\)/g, '$1');
  return name;
}

function applySummary(
  ctx: TransferContext,
  node: CfgNode,
  ci: number,
  call: CallSite,
  summary: FunctionSummary,
  s: PathState,
): PathState[] {
  let r = s;
  // A callee's requirements are not lifted into this function's entry state: whether they are met is
  // a question about the call site (XSR010), not a fact about what this function's caller holds.
  const ret = assignedVar(node, ci) ?? callAtom(ctx, call);
  const nameOf = (e: LockEffect): string => ctx.namer.canonical(resolveVarName(r, substituteEffect(summary, call, e, ret)));
  for (const e of summary.releases) r = release(ctx, node, call, r, nameOf(e), e.kind, undefined, true);
  for (const e of summary.mayReleases) {
    const h = findHeld(r, nameOf(e));
    if (h) r = withHeld(r, { ...h, maybe: true });
  }
  for (const e of summary.acquires) {
    const name = nameOf(e);
    r = acquire(ctx, node, call, r, name, e.kind);
    // `act_b = acquire(…)`: `act_b` points at a locked object now (a later `if ( act_b != NULL )` is true).
    if (rootName(name) === ret && IDENT.test(ret)) r = withBinding(r, { v: ret, lock: name, status: 'held' });
  }
  for (const e of summary.mayAcquires ?? []) {
    const name = nameOf(e);
    if (!findHeld(r, name)) r = withHeld(r, { name, kind: e.kind, at: call.start, maybe: true });
  }
  // `spin_lock_irq` in the callee and kept held: interrupts are off here after the call.
  if (summary.irqExit !== undefined) r = withIrqState(r, { on: summary.irqExit, at: call.start });
  if (summary.condReleases?.length) return keptOrReleased(ctx, node, ci, call, r, summary.condReleases.map(nameOf));
  if (summary.condAcquires.length === 0) return [r];
  return split(
    ctx,
    node,
    ci,
    call,
    r,
    summary.condAcquires.map((e) => ({ name: nameOf(e), kind: e.kind })),
    undefined,
    summary.condConvention,
  );
}

/**
 * A callee that lets the locks go when it returns NULL/false and keeps them
 * otherwise: one path still holding them with a true result, one without them
 * with a false result (the caller's `if ( !next ) return;` picks the path).
 */
function keptOrReleased(
  ctx: TransferContext,
  node: CfgNode,
  ci: number,
  call: CallSite,
  s: PathState,
  names: readonly string[],
): PathState[] {
  let released = s;
  for (const n of names) if (findHeld(released, n)) released = markBindings(withoutHeld(released, n), n, 'ptr');
  if (released === s) return [s];
  let kept = s;
  const v = assignedVar(node, ci);
  if (v) {
    kept = withBinding(kept, { v, lock: names[0]!, status: 'held' });
    released = withBinding(released, { v, lock: names[0]!, status: 'null' });
  } else {
    const atom = callAtom(ctx, call);
    kept = withFact(kept, atom, true);
    released = withFact(released, atom, false);
  }
  for (const n of names) ctx.released.add(n);
  return [kept, released];
}

/** `sched(lock)` where `lock` is a bound pointer variable names that variable's lock. */
function resolveVarName(s: PathState, name: string): string {
  const m = /^sched\(([A-Za-z_]\w*)\)$/.exec(name);
  if (m) {
    const b = binding(s, m[1]!);
    if (b) return b.lock;
  }
  return name;
}

/**
 * The facts a path learns taking a branch of a condition node (learnedOn adds
 * the comparisons each decides). A property of the node and branch alone,
 * made once per analysis with the node's edge plan (see learnedOn). Not kept
 * on the CFG for later analyses: a folder's run analyses almost every
 * function once, and facts kept per branch of every condition were memory
 * each run carried to its end.
 */
function edgeFacts(node: CfgNode, cond: ReturnType<typeof conditionOf>, branch: boolean): readonly Fact[] {
  const learned = implied(cond, branch);
  // A counting loop left by its condition left with the counter at its bound (`if ( try == 3 )` after it).
  if (node.exitsAt && branch === false) learned.push({ atom: `${node.exitsAt.counter}==${node.exitsAt.bound}`, value: true });
  return learned;
}

/** Refines a path on a branch edge; undefined when the path cannot take it. */
export function transferEdge(ctx: TransferContext, node: CfgNode, edge: CfgEdge, s: PathState): PathState | undefined {
  if (edge.branch === undefined || node.kind !== 'cond' || node.start === node.end) return s;
  if (node.loopMacro) return s;
  const plan = edgePlanOf(ctx, node);
  const value = atomValue(s);
  // This condition's own trylock calls: the path knows whether each succeeded (none: nothing ran).
  const own = plan.own;
  const ran = own.length ? (atom: string): boolean => own.includes(atom) && s.facts.some((f) => f.atom === atom) : undefined;
  const v = evaluate(plan.cond, value, ran);
  if (v !== undefined && v !== edge.branch) return undefined;
  if (v === undefined) {
    // The node's guarded release, looked up once per analysis (null: none), not in a map per path and edge.
    let g = plan.guard;
    if (g === undefined) g = plan.guard = guardOf(ctx, node) ?? null;
    if (g && !guardAllows(g, edge.branch, s)) return undefined;
  }
  let r = s;
  // Locks held under a branch fact (`when`) are what a learned fact decides; a path holding none (most)
  // has nothing to decide, and remembering facts gives it none.
  let guarded = false;
  for (const h of s.held) if (h.when) guarded = true;
  for (const g of learnedOn(ctx, node, plan, edge.branch)) {
    if (g.tracked && !(g.ident && binding(r, g.atom))) r = remember(ctx, r, g.atom, g.value);
    if (guarded) r = decideGuards(r, g.atom, g.value);
  }
  // Facts about the condition's own calls served their purpose (a path that learned none keeps its list).
  if (own.length && r.facts.some((f) => own.includes(f.atom)))
    r = withFactList(
      r,
      r.facts.filter((f) => !own.includes(f.atom)),
    );
  return r;
}
