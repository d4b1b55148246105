// What each micro-operation does to the state: one atomic step each, with its
// footprint (for DPOR), a readable label (for traces) and invariant checks.
// Xen semantics (Credit1, 4.11 era) are described at each action.

import type { Outcome } from './engine';
import { type Footprint, unionFp } from './footprint';
import { checkVcpu, worse } from './invariants';
import { type MicroOp, PREV, SILENT } from './program';
import { gBlockedFp, gSilent, gStep, gWaits } from './sharedActions';
import type { SharedKind } from './sharedProgram';
import { type Layout, lockName, lowestBit, rqInsertTail, rqRemove, type State } from './state';
import { type Action, type Ctx, type Result, Step } from './step';

const lockedBy = (L: Layout, s: State, c: number): number => s[L.lock(c)]!;

/** The vCPU an op works on: its own, or the scheduler's prev register. */
function target(ctx: Ctx, s: State, t: number, op: MicroOp): number {
  return op.v === PREV ? s[ctx.L.prev(t)]! : op.v;
}

/** Outcomes of thread t's next step: null when finished, [] when blocked on a lock. */
export function stepThread(ctx: Ctx, s: State, t: number): Outcome<State>[] | null {
  const { L } = ctx;
  const ops = ctx.threads[t]!.ops;
  const pc = s[L.pc(t)]!;
  if (pc >= ops.length) return null;
  const op = ops[pc]!;
  let steps: Result | Result[] | null;
  if (op.g) steps = gStep(new Step(ctx, s, t), op, pc);
  else {
    // Blocked on a lock someone holds: the action would return null; skip building the step.
    const need = waitsFor(L, s, t, op, ctx);
    if (need >= 0 && s[L.lock(need)]! >= 0) return [];
    const act = ACTIONS[op.k as XenKind];
    steps = act(new Step(ctx, s, t), op, target(ctx, s, t, op), pc);
  }
  if (steps === null) return [];
  const list: Result[] = steps[0] instanceof Step ? [steps as Result] : (steps as Result[]);
  return list.map(([st, next]) => finish(st, next, op));
}

/** What a thread blocked on a lock would touch if the lock were free now (DPOR's blocked-step races). */
export function blockedFp(ctx: Ctx, s: State, t: number): Footprint | undefined {
  const { L } = ctx;
  const op = ctx.threads[t]!.ops[s[L.pc(t)]!];
  if (!op) return undefined;
  if (op.g) return gWaits(ctx, s, t, op) >= 0 ? gBlockedFp(ctx, s, t, op) : undefined;
  const c = waitsFor(L, s, t, op, ctx);
  if (c < 0) return undefined;
  const free = new Int16Array(s);
  free[L.lock(c)] = -1;
  const outs = stepThread(ctx, free, t);
  if (!outs || outs.length === 0) return undefined;
  return outs.map((o) => o.fp).reduce(unionFp);
}

/** The pCPU whose lock thread t's next op needs, or -1. */
export function waitsFor(L: Layout, s: State, t: number, op: MicroOp, ctx: Ctx): number {
  const rp = s[L.rp(t)]!,
    nc = s[L.nc(t)]!;
  switch (op.k) {
    case 'acqV':
      return rp;
    case 'desched':
      return s[L.cur(op.a)]! >= 0 ? op.a : -1;
    case 'pick':
      return s[L.rqLen(op.a)]! > 0 ? op.a : -1;
    case 'wakeAtomic':
    case 'sleepAtomic':
      return s[L.proc(target(ctx, s, t, op))]!;
    case 'migLock1':
      return Math.min(rp, nc);
    case 'migBody':
      return rp === nc ? -1 : Math.max(rp, nc);
    default:
      return -1;
  }
}

function finish(st: Step, next: number, op: MicroOp): Outcome<State> {
  const { L } = st;
  const n = st.n;
  n[L.pc(st.t)] = advanceSilent(st.ctx, n, st.t, next);
  if (n[L.pc(st.t)]! >= st.ctx.threads[st.t]!.ops.length) {
    for (let c = 0; c < L.np; c++) {
      if (n[L.lock(c)] === st.t)
        st.violation = worse(st.violation, {
          invariant: 'INV5',
          message: `${st.ctx.names.threads[st.t]} ends holding ${lockName(st.p(c))}`,
        });
    }
  }
  judge(st);
  const out: Outcome<State> = { state: n, fp: st.fp, label: st.parts.join('; ') };
  if (op.src) out.src = op.src;
  if (op.text !== undefined) out.text = op.text;
  if (st.violation) out.violation = st.violation;
  return out;
}

/**
 * Runs the thread-local deterministic ops (jumps, local computations,
 * branches on locals) that follow a step, as part of it. A program that loops
 * through such ops forever (no step in the loop) ends there.
 */
export function advanceSilent(ctx: Ctx, s: State, t: number, pc: number): number {
  const ops = ctx.threads[t]!.ops;
  for (let guard = 0; pc < ops.length && SILENT.has(ops[pc]!.k); guard++) {
    if (guard > 4 * ops.length + 16) return ops.length;
    const op = ops[pc]!;
    if (op.k === 'jump') pc = op.a;
    else if (op.g) pc = gSilent(ctx, s, t, op, pc);
    else pc = s[ctx.L.prev(t)]! < 0 ? op.a : pc + 1; // ifPrev
  }
  return pc;
}

/**
 * Check INV1-3 for every vCPU whose state the step wrote or whose lock it freed,
 * unless that lock is held (then we are inside a critical section). The check's
 * reads join the footprint, so every execution DPOR explores judges the same
 * values. A write by the holder of v's lock needs no reads: nobody else can
 * change v->processor or the lock while it holds it.
 */
function judge(st: Step): void {
  const { L, n, t } = st;
  const freed = st.released | (st.section >= 0 ? 1 << st.section : 0);
  let mask = st.touched;
  if (freed) {
    for (let u = 0; u < L.nv; u++) {
      st.read(L.oProc(u));
      if (freed & (1 << n[L.proc(u)]!)) mask |= 1 << u;
    }
  }
  for (let u = 0; u < L.nv; u++) {
    if (!(mask & (1 << u))) continue;
    const c = n[L.proc(u)]!;
    if (n[L.lock(c)] === t) continue;
    for (const o of [L.oProc(u), L.oFlag(u), L.oRun(u), L.oOn(u), L.oQ(u)]) st.read(o);
    if (!(freed & (1 << c))) {
      st.read(L.oLock(c));
      if (n[L.lock(c)]! >= 0) continue;
    }
    st.violation = worse(st.violation, checkVcpu(L, n, u, st.ctx.names));
  }
}

const fnOf = (op: MicroOp, dflt: string) => op.fn ?? dflt;

/** Credit1's sleep hook after vcpu_sleep_nosync_locked's runnable test. */
function sleepCore(st: Step, v: number): void {
  const { L, n } = st;
  st.read(L.oFlag(v));
  if (!n[L.flag(v)]) {
    st.say(`${st.vn(v)} runnable: nothing to do`);
    return;
  }
  st.read(L.oProc(v));
  st.read(L.oOn(v));
  const proc = n[L.proc(v)]!;
  if (n[L.on(v)] === proc) {
    st.say(`${st.vn(v)} running on ${st.p(proc)}: raise reschedule`);
    return;
  }
  st.read(L.oQ(v));
  const q = n[L.qmask(v)]!;
  if (q === 0) {
    st.say(`${st.vn(v)} not queued: nothing to do`);
    return;
  }
  const c = lowestBit(q);
  rqRemove(L, n, c, v);
  st.write(L.oRq(c));
  st.write(L.oQ(v), v);
  st.say(`remove ${st.vn(v)} from ${st.p(c)}'s runqueue`);
}

/** Credit1's wake: runnable, not current on its pCPU, not queued: insert on v->processor's runqueue. */
function wakeCore(st: Step, v: number): void {
  const { L, n } = st;
  st.read(L.oFlag(v));
  if (n[L.flag(v)]) {
    st.say(`${st.vn(v)} not runnable: nothing to do`);
    return;
  }
  st.read(L.oProc(v));
  st.read(L.oOn(v));
  st.read(L.oQ(v));
  const proc = n[L.proc(v)]!;
  if (n[L.on(v)] === proc) {
    st.say(`${st.vn(v)} already running`);
    return;
  }
  if (n[L.qmask(v)] !== 0) {
    st.say(`${st.vn(v)} already queued`);
    return;
  }
  rqInsertTail(L, n, proc, v);
  st.write(L.oRq(proc));
  st.write(L.oQ(v), v);
  st.say(`insert ${st.vn(v)} on ${st.p(proc)}'s runqueue`);
}

/** Releases the lock the thread took for v with vcpu_schedule_lock. */
function unlockV(st: Step, v: number): void {
  const { L, n } = st;
  const c = n[L.lk(st.t, v)]!;
  if (c < 0 || n[L.lock(c)] !== st.t) {
    st.say(`unlock ${st.vn(v)}'s lock: not held`);
    st.violation = worse(st.violation, {
      invariant: 'INV5',
      message: `${st.ctx.names.threads[st.t]} releases ${st.vn(v)}'s scheduler lock without holding it`,
    });
    return;
  }
  st.release(c);
  n[L.lk(st.t, v)] = -1;
  st.say(`unlock ${lockName(st.p(c))}`);
}

function acquireOrBlock(st: Step, c: number): boolean {
  if (lockedBy(st.L, st.n, c) >= 0) return false;
  st.acquire(c);
  return true;
}

/** The migration body under both locks: re-check, give up, or move v->processor; then unlock both. */
function migBody(st: Step, op: MicroOp, v: number, pc: number): Result | null {
  const { L, n, t } = st;
  const fn = fnOf(op, 'vcpu_migrate');
  const old = n[L.rp(t)]!,
    nc = n[L.nc(t)]!;
  if (nc !== old) {
    const second = Math.max(old, nc);
    if (!acquireOrBlock(st, second)) return null;
    st.say(`${fn}: lock ${lockName(st.p(second))}`);
  }
  const unlock = () => {
    st.release(old);
    if (nc !== old) st.release(nc);
    return nc !== old ? `unlock ${lockName(st.p(old))}, ${lockName(st.p(nc))}` : `unlock ${lockName(st.p(old))}`;
  };
  st.read(L.oProc(v));
  if (n[L.proc(v)] !== old) {
    st.say(`${fn}: ${st.vn(v)} moved to ${st.p(n[L.proc(v)]!)}`)
      .say(unlock())
      .say('retry');
    return [st, op.a];
  }
  st.read(L.oRun(v));
  if (n[L.run(v)]) {
    st.say(`${fn}: ${st.vn(v)}->is_running: give up`).say(unlock());
    return [st, op.b];
  }
  st.read(L.oFlag(v));
  if (!n[L.flag(v)]) {
    st.say(`${fn}: _VPF_migrating already clear: give up`).say(unlock());
    return [st, op.b];
  }
  n[L.flag(v)] = 0;
  n[L.proc(v)] = nc;
  st.write(L.oFlag(v), v);
  st.write(L.oProc(v), v);
  st.say(`${fn}: clear _VPF_migrating, processor ${st.p(old)} -> ${st.p(nc)}`).say(unlock());
  return [st, pc + 1];
}

type XenKind = Exclude<MicroOp['k'], SharedKind>;

const ACTIONS: Record<XenKind, Action> = {
  readProc: (st, op, v, pc) => {
    st.read(st.L.oProc(v));
    const c = st.n[st.L.proc(v)]!;
    st.n[st.L.rp(st.t)] = c;
    return [st.say(`${fnOf(op, 'vcpu_schedule_lock')}: read ${st.vn(v)}->processor = ${st.p(c)}`), pc + 1];
  },
  acqV: (st, op, v, pc) => {
    const { L, n, t } = st;
    const c = n[L.rp(t)]!;
    if (!acquireOrBlock(st, c)) return null;
    st.read(L.oProc(v));
    if (n[L.proc(v)] !== c) {
      st.release(c);
      st.released = 0; // taken and dropped in one step: nothing to judge
      return [st.say(`lock ${lockName(st.p(c))}: ${st.vn(v)} moved to ${st.p(n[L.proc(v)]!)}, unlock and retry`), op.a];
    }
    n[L.lk(t, v)] = c;
    return [st.say(`lock ${lockName(st.p(c))}`), pc + 1];
  },
  unlockV: (st, _op, v, pc) => {
    unlockV(st, v);
    return [st, pc + 1];
  },
  setFlag: (st, _op, v, pc) => {
    st.n[st.L.flag(v)] = 1;
    st.write(st.L.oFlag(v), v);
    return [st.say('set _VPF_migrating'), pc + 1];
  },
  sleepLocked: (st, op, v, pc) => {
    st.say(`${fnOf(op, 'vcpu_sleep_nosync_locked')}:`);
    sleepCore(st, v);
    return [joinHead(st), pc + 1];
  },
  startBody: (st, _op, v, pc) => {
    st.n[st.L.flag(v)] = 1;
    st.write(st.L.oFlag(v), v);
    st.say('vcpu_migrate_start: set _VPF_migrating');
    sleepCore(st, v);
    return [st, pc + 1];
  },
  sleepAtomic: (st, _op, v, pc) => {
    const c = st.n[st.L.proc(v)]!;
    st.read(st.L.oProc(v));
    if (!st.enter(c)) return null;
    st.say(`vcpu_sleep_nosync: lock ${lockName(st.p(c))};`);
    sleepCore(st, v);
    return [joinHead(st).say(`unlock ${lockName(st.p(c))}`), pc + 1];
  },
  wakeAtomic: (st, _op, v, pc) => {
    const c = st.n[st.L.proc(v)]!;
    st.read(st.L.oProc(v));
    if (!st.enter(c)) return null;
    st.say(`vcpu_wake: lock ${lockName(st.p(c))};`);
    wakeCore(st, v);
    return [joinHead(st).say(`unlock ${lockName(st.p(c))}`), pc + 1];
  },
  ifFlag: (st, op, v, pc) => {
    st.read(st.L.oFlag(v));
    const set = st.n[st.L.flag(v)] !== 0;
    const what = op.fn === 'context_saved' ? (set ? `-> vcpu_migrate(${st.vn(v)})` : '') : set ? '-> taken' : '-> skipped';
    return [
      st.say(`${op.fn ? op.fn + ': ' : ''}pause_flags & VPF_migrating ${set ? 'set' : 'clear'} ${what}`.trimEnd()),
      set ? pc + 1 : op.a,
    ];
  },
  ifRunning: (st, op, v, pc) => {
    st.read(st.L.oRun(v));
    const set = st.n[st.L.run(v)] !== 0;
    return [st.say(`${st.vn(v)}->is_running ${set ? 'set -> taken' : 'clear -> skipped'}`), set ? pc + 1 : op.a];
  },
  choice: (st, op) =>
    (op.targets ?? []).map((target, k): Result => {
      const branch = new Step(st.ctx, st.n, st.t);
      return [branch.say(op.labels?.[k] ?? `unknown condition: branch ${k + 1} of ${op.targets!.length}`), target];
    }),
  jump: (st, op) => [st, op.a],
  ifPrev: (st, op, _v, pc) => [st, st.n[st.L.prev(st.t)]! < 0 ? op.a : pc + 1],
  migRead: (st, op, v, pc) => {
    const { L, n } = st;
    const fn = fnOf(op, 'vcpu_migrate');
    if (op.b === 1) {
      // vcpu_migrate_finish's lock-free early return
      st.read(L.oRun(v));
      st.read(L.oFlag(v));
      if (n[L.run(v)]) return [st.say(`${fn}: ${st.vn(v)}->is_running: return`), op.a];
      if (!n[L.flag(v)]) return [st.say(`${fn}: _VPF_migrating clear: return`), op.a];
    }
    st.read(L.oProc(v));
    const old = n[L.proc(v)]!;
    const others = [...Array(L.np).keys()].filter((c) => c !== old);
    // pick_cpu: any other pCPU (nondeterministic); with a single pCPU, the same one.
    return (others.length ? others : [old]).map((nc): Result => {
      const b = new Step(st.ctx, st.n, st.t);
      for (const o of op.b === 1 ? [L.oRun(v), L.oFlag(v), L.oProc(v)] : [L.oProc(v)]) b.read(o);
      b.n[L.rp(b.t)] = old;
      b.n[L.nc(b.t)] = nc;
      const pre = op.b === 1 ? `${st.vn(v)} not running, _VPF_migrating set; ` : '';
      return [b.say(`${fn}: ${pre}${st.vn(v)}->processor = ${st.p(old)}, pick_cpu -> ${st.p(nc)}`), pc + 1];
    });
  },
  migLock1: (st, op, _v, pc) => {
    const c = Math.min(st.n[st.L.rp(st.t)]!, st.n[st.L.nc(st.t)]!);
    return acquireOrBlock(st, c) ? [st.say(`${fnOf(op, 'vcpu_migrate')}: lock ${lockName(st.p(c))}`), pc + 1] : null;
  },
  migBody,
  desched: (st, op, _v, pc) => {
    const { L, n, t } = st;
    const c = op.a;
    const p = n[L.cur(c)]!; // cur(c) is written by c's scheduler thread only: a local read
    n[L.prev(t)] = p;
    // An idle pCPU has nothing to deschedule: no shared effect, so no lock step.
    if (p < 0) return [st.say(`schedule(${st.p(c)}): idle, nothing to deschedule`), pc + 1];
    if (!st.enter(c)) return null;
    n[L.cur(c)] = -1;
    n[L.on(p)] = -1;
    st.write(L.oOn(p), p);
    st.read(L.oFlag(p));
    st.say(`lock ${lockName(st.p(c))}`);
    if (!n[L.flag(p)]) {
      rqInsertTail(L, n, c, p);
      st.write(L.oRq(c));
      st.write(L.oQ(p), p);
      st.say(`schedule(${st.p(c)}): deschedule ${st.vn(p)}, runnable: requeue on ${st.p(c)}`);
    } else {
      st.say(`schedule(${st.p(c)}): deschedule ${st.vn(p)}, not runnable: off the runqueue`);
    }
    return [st.say(`unlock ${lockName(st.p(c))}`), pc + 1];
  },
  clearRun: (st, _op, v, pc) => {
    st.n[st.L.run(v)] = 0;
    st.write(st.L.oRun(v), v);
    return [st.say(`context_saved: clear ${st.vn(v)}->is_running`), pc + 1];
  },
  pick: (st, op, _v, pc) => {
    const { L, n } = st;
    const c = op.a;
    st.read(L.oRq(c));
    // An empty runqueue means "stay idle", a no-op: read without the lock. Inside
    // another thread's critical section the runqueue only shrinks, so "empty"
    // here is also what the locked read after that section would see.
    if (n[L.rqLen(c)] === 0) return [st.say(`schedule(${st.p(c)}): runqueue empty, stay idle`), pc + 1];
    if (!st.enter(c)) return null;
    st.say(`lock ${lockName(st.p(c))}`);
    const v = n[L.rqSlot(c, 0)]!;
    rqRemove(L, n, c, v);
    st.write(L.oRq(c));
    st.write(L.oQ(v), v);
    st.read(L.oOn(v));
    st.read(L.oRun(v));
    if (n[L.run(v)] || n[L.on(v)]! >= 0) {
      st.violation = {
        invariant: 'INV2',
        message: `${st.p(c)} picks ${st.vn(v)} while it is still running (is_running set${n[L.on(v)]! >= 0 ? `, current on ${st.p(n[L.on(v)]!)}` : ''})`,
      };
    }
    n[L.run(v)] = 1;
    n[L.cur(c)] = v;
    n[L.on(v)] = c;
    st.write(L.oRun(v), v);
    st.write(L.oOn(v), v);
    st.say(`schedule(${st.p(c)}): pick ${st.vn(v)} from the runqueue and run it`);
    return [st.say(`unlock ${lockName(st.p(c))}`), pc + 1];
  },
};

/** "fn:" followed by what it did reads better as one part. */
function joinHead(st: Step): Step {
  if (st.parts.length >= 2 && st.parts[st.parts.length - 2]!.endsWith(':')) {
    const what = st.parts.pop()!;
    st.parts[st.parts.length - 1] += ` ${what}`;
  }
  return st;
}
