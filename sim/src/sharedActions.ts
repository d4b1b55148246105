// What the general micro-operations do to the state, one atomic step each:
// reads and writes of locations (a C `+=` is a read step and a write step),
// atomic read-modify-writes, list insertions and removals, spin and rw locks,
// trylocks and assertions. Their footprints carry the data-race bookkeeping
// (plain or atomic, see footprint.ts) and the lock roles DPOR needs.
//
// rwlocks: a writer owns the lock object; a reader sets its own reader slot
// (a footprint object per thread) and only reads the lock object, so two
// read-acquires commute while a write-acquire conflicts with every reader.

import { addAccess, addLockOp, addRead, emptyFp, type Footprint, markLockRole } from './footprint';
import type { MicroOp } from './program';
import { domainValues, holds, showValue } from './shared';
import { READ_ONLY_ATOMICS } from './sharedProgram';
import type { State } from './state';
import { type Ctx, type Result, Step } from './step';

type G = NonNullable<MicroOp['g']>;

const locName = (ctx: Ctx, i: number): string => ctx.shared!.spec.locations[i]!.name;
const lockNameOf = (ctx: Ctx, k: number): string => ctx.shared!.spec.locks[k]!.name;

/** Whether the location keeps a value (else it is tracked for races only). */
const valued = (ctx: Ctx, i: number): boolean => ctx.shared!.spec.locations[i]!.domain.kind !== 'none';

function shown(ctx: Ctx, i: number, v: number): string {
  return String(showValue(ctx.shared!.spec.locations[i]!.domain, v));
}

/** The lock and mode a lock op means in state s (mode 'x' on an rwlock is a write). */
function lockOf(ctx: Ctx, s: State, t: number, g: G): { k: number; rw: number | undefined; mode: 'x' | 'r' | 'w' } {
  const k = g.lock ? g.lock(s, t) : -1;
  const rw = k >= 0 ? ctx.shared!.rwRank.get(k) : undefined;
  const mode = rw === undefined ? 'x' : g.mode === 'r' ? 'r' : 'w';
  return { k, rw, mode };
}

/** Can thread t take lock k in this mode now? */
function available(ctx: Ctx, s: State, k: number, rw: number | undefined, mode: 'x' | 'r' | 'w'): boolean {
  const { L } = ctx;
  if (s[L.gOwner(k)]! >= 0) return false;
  if (mode === 'r' || rw === undefined) return true;
  for (let u = 0; u < L.nt; u++) if (s[L.rmask(u)]! & (1 << rw)) return false;
  return true;
}

/** The footprint of taking lock k (also what a blocked acquire would touch). */
function acquireFp(ctx: Ctx, fp: Footprint, t: number, k: number, rw: number | undefined, mode: 'x' | 'r' | 'w'): void {
  const { L } = ctx;
  const obj = L.oGLock(k);
  if (rw !== undefined && mode === 'r') {
    // A reader needs no writer (it reads the lock object, like a critical section run in one step) and marks its slot.
    addRead(fp, obj);
    markLockRole(fp, obj);
    fp.sec = obj;
    addLockOp(fp, L.oReader(rw, t), false);
    return;
  }
  addLockOp(fp, obj, true);
  if (rw !== undefined) {
    for (let u = 0; u < L.nt; u++) {
      addRead(fp, L.oReader(rw, u));
      markLockRole(fp, L.oReader(rw, u));
    }
  }
}

function take(st: Step, k: number, rw: number | undefined, mode: 'x' | 'r' | 'w', trylock = false): void {
  const { L, n, t } = st;
  acquireFp(st.ctx, st.fp, t, k, rw, mode);
  // A trylock that succeeds could have failed had the holder's release come later (and vice versa): its
  // conflicts with other lock operations are races to reverse, not the order a blocking acquire imposes.
  if (trylock) {
    st.fp.l0 = 0;
    st.fp.l1 = 0;
    st.fp.sec = -1;
  }
  if (rw !== undefined && mode === 'r') n[L.rmask(t)] = n[L.rmask(t)]! | (1 << rw);
  else n[L.gOwner(k)] = t;
}

/** The general lock thread t's next op waits for, or -1 (not a lock op, or the lock is available). */
export function gWaits(ctx: Ctx, s: State, t: number, op: MicroOp): number {
  if (op.k !== 'gLock' || !op.g) return -1;
  const { k, rw, mode } = lockOf(ctx, s, t, op.g);
  return k >= 0 && !available(ctx, s, k, rw, mode) ? k : -1;
}

/** What a blocked acquire would touch if the lock were free. */
export function gBlockedFp(ctx: Ctx, s: State, t: number, op: MicroOp): Footprint | undefined {
  if (!op.g) return undefined;
  const { k, rw, mode } = lockOf(ctx, s, t, op.g);
  if (k < 0) return undefined;
  const fp = emptyFp();
  acquireFp(ctx, fp, t, k, rw, mode);
  return fp;
}

/** The locks thread t holds (names; a read hold is `name:r`). */
export function gHeldBy(ctx: Ctx, s: State, t: number): string[] {
  const ix = ctx.shared;
  if (!ix) return [];
  const out: string[] = [];
  ix.spec.locks.forEach((l, k) => {
    if (s[ctx.L.gOwner(k)] === t) out.push(l.name);
    else if (holds(ctx.L, ix, s, t, k)) out.push(`${l.name}:r`);
  });
  return out;
}

/** The threads holding lock k (its owner, or its readers). */
export function gHolders(ctx: Ctx, s: State, k: number): number[] {
  const { L } = ctx;
  const owner = s[L.gOwner(k)]!;
  if (owner >= 0) return [owner];
  const rw = ctx.shared!.rwRank.get(k);
  const out: number[] = [];
  if (rw !== undefined) for (let u = 0; u < L.nt; u++) if (s[L.rmask(u)]! & (1 << rw)) out.push(u);
  return out;
}

export function gLockName(ctx: Ctx, k: number): string {
  return lockNameOf(ctx, k);
}

/**
 * The locks thread t holds now, owned and read-held (bit masks): the general
 * locks, then the Xen model's pCPU scheduler locks (bits past 30 are not
 * counted: fewer locks known only means less state caching).
 */
function heldMasks(ctx: Ctx, s: State, t: number, fp: Footprint): void {
  const ix = ctx.shared!;
  const { L } = ctx;
  let hx = 0,
    hs = 0;
  const n = Math.min(31, ix.spec.locks.length);
  for (let k = 0; k < n; k++) {
    if (s[L.gOwner(k)] === t) hx |= 1 << k;
    else if (holds(L, ix, s, t, k)) hs |= 1 << k;
  }
  for (let c = 0; c < L.np && n + c < 31; c++) if (s[L.lock(c)] === t) hx |= 1 << (n + c);
  fp.hx = hx;
  fp.hs = hs;
}

/** A silent op (local computation or branch) applied to n; returns the next pc. */
export function gSilent(ctx: Ctx, n: State, t: number, op: MicroOp, pc: number): number {
  const g = op.g!;
  if (op.k === 'gLet') {
    n[ctx.L.reg(t, g.reg)] = g.e1!(n, t);
    return pc + 1;
  }
  return g.e1!(n, t) ? pc + 1 : op.a;
}

/** Outcomes of a general op; null when it blocks. */
export function gStep(st: Step, op: MicroOp, pc: number): Result | Result[] | null {
  const g = op.g!;
  const { ctx, L, n, t } = st;
  const ix = ctx.shared!;
  if (g.loc >= 0) heldMasks(ctx, n, t, st.fp);
  switch (op.k) {
    case 'gRead': {
      const v = n[L.gLoc(g.loc)]!;
      addAccess(st.fp, L.oLoc(g.loc), false, g.how);
      if (g.reg >= 0) n[L.reg(t, g.reg)] = v;
      const what = g.how === 'atomic' ? 'atomic read' : 'read';
      const why = g.how === 'sync' ? ' (the lock helper finds its lock)' : '';
      return [st.say(`${what} ${locName(ctx, g.loc)}${valued(ctx, g.loc) ? ` = ${shown(ctx, g.loc, v)}` : ''}${why}`), pc + 1];
    }
    case 'gWrite': {
      const norm = ix.norm[g.loc]!;
      const values = g.e1 ? [norm(g.e1(n, t))] : domainValues(ix.spec.locations[g.loc]!.domain);
      const many = values.length > 1;
      return values.map((v): Result => {
        const b = many ? new Step(ctx, n, t) : st;
        if (many) heldMasks(ctx, n, t, b.fp);
        b.n[L.gLoc(g.loc)] = v;
        addAccess(b.fp, L.oLoc(g.loc), true, g.how);
        const value = valued(ctx, g.loc) ? ` = ${shown(ctx, g.loc, v)}` : '';
        return [
          b.say(
            `${g.how === 'atomic' ? 'atomic write' : 'write'} ${locName(ctx, g.loc)}${value}${many ? ' (a value the model does not know)' : ''}`,
          ),
          pc + 1,
        ];
      });
    }
    case 'gAtomic':
      return [atomic(st, g), pc + 1];
    case 'gList': {
      const old = n[L.gLoc(g.loc)]!;
      const bit = g.elem >= 0 ? 1 << g.elem : 0;
      n[L.gLoc(g.loc)] = g.lfn === 'add' ? old | bit : old & ~bit;
      addAccess(st.fp, L.oLoc(g.loc), true, 'plain');
      const d = ix.spec.locations[g.loc]!.domain;
      const elem = d.kind === 'set' ? d.elements[g.elem] : (g.elemName ?? 'an element');
      const name = locName(ctx, g.loc);
      return [st.say(g.lfn === 'add' ? `list_add ${elem} to ${name}` : `list_del ${elem} from ${name}`), pc + 1];
    }
    case 'gLock': {
      const { k, rw, mode } = lockOf(ctx, n, t, g);
      if (k < 0) return [st.say('lock through a pointer the model does not know: skipped'), pc + 1];
      if (!available(ctx, n, k, rw, mode)) return null;
      take(st, k, rw, mode);
      if (g.reg >= 0) n[L.reg(t, g.reg)] = k + 1;
      return [st.say(`${mode === 'r' ? 'read_lock' : mode === 'w' ? 'write_lock' : 'lock'} ${lockNameOf(ctx, k)}`), pc + 1];
    }
    case 'gTry': {
      const { k, rw, mode } = lockOf(ctx, n, t, g);
      if (k < 0) return [st.say('trylock through a pointer the model does not know: fails'), pc + 1];
      if (available(ctx, n, k, rw, mode)) {
        take(st, k, rw, mode, true);
        if (g.reg >= 0) n[L.reg(t, g.reg)] = k + 1;
        return [st.say(`trylock ${lockNameOf(ctx, k)}: taken`), pc + 1];
      }
      // A failed trylock only looked at the lock: it races with the holder's acquire and release.
      addRead(st.fp, L.oGLock(k));
      if (rw !== undefined && mode !== 'r') for (let u = 0; u < L.nt; u++) addRead(st.fp, L.oReader(rw, u));
      if (g.reg >= 0) n[L.reg(t, g.reg)] = 0;
      return [st.say(`trylock ${lockNameOf(ctx, k)}: busy`), pc + 1];
    }
    case 'gUnlock': {
      unlock(st, g);
      if (st.violation?.assertion && op.src) Object.assign(st.violation.assertion, { file: op.src.file, line: op.src.line });
      return [st, pc + 1];
    }
    case 'gAssert': {
      const ok = g.e1!(n, t) !== 0;
      const text = op.text ?? 'ASSERT';
      if (!ok) {
        const where = op.src ? ` at ${op.src.file}:${op.src.line}` : '';
        st.violation = {
          invariant: 'ASSERT',
          message: `${text.replace(/;$/, '')} fails in ${ctx.names.threads[t]}${where}`,
          assertion: { ...(op.src ? { file: op.src.file, line: op.src.line } : {}), text },
        };
      }
      return [st.say(`${text.replace(/;$/, '')} ${ok ? 'holds' : 'FAILS'}`), pc + 1];
    }
    case 'gLet':
    case 'gBranch': {
      // Only reached when the silent-op guard stopped (see advanceSilent): run it as a local step.
      const next = gSilent(ctx, n, t, op, pc);
      return [st.say(op.k === 'gLet' ? 'local computation' : `branch ${next === pc + 1 ? 'taken' : 'not taken'}`), next];
    }
    default:
      throw new Error(`not a general op: ${op.k}`);
  }
}

function atomic(st: Step, g: G): Step {
  const { ctx, L, n, t } = st;
  const norm = ctx.shared!.norm[g.loc]!;
  const old = n[L.gLoc(g.loc)]!;
  const a = g.e1 ? g.e1(n, t) : 1;
  const b = g.e2 ? g.e2(n, t) : 0;
  const bit = 1 << (a & 15);
  let next = old,
    result = 0;
  switch (g.afn!) {
    case 'setBit':
      next = old | bit;
      break;
    case 'clearBit':
      next = old & ~bit;
      break;
    case 'changeBit':
      next = old ^ bit;
      break;
    case 'testAndSetBit':
      result = old & bit ? 1 : 0;
      next = old | bit;
      break;
    case 'testAndClearBit':
      result = old & bit ? 1 : 0;
      next = old & ~bit;
      break;
    case 'testAndChangeBit':
      result = old & bit ? 1 : 0;
      next = old ^ bit;
      break;
    case 'testBit':
      result = old & bit ? 1 : 0;
      break;
    case 'read':
      result = old;
      break;
    case 'set':
      next = a;
      break;
    case 'add':
      next = old + a;
      break;
    case 'sub':
      next = old - a;
      break;
    case 'or':
      next = old | a;
      break;
    case 'andNot':
      next = old & ~a;
      break;
    case 'addReturn':
      next = old + a;
      result = norm(next);
      break;
    case 'subReturn':
      next = old - a;
      result = norm(next);
      break;
    case 'incAndTest':
      next = old + 1;
      result = norm(next) === 0 ? 1 : 0;
      break;
    case 'decAndTest':
      next = old - 1;
      result = norm(next) === 0 ? 1 : 0;
      break;
    case 'xchg':
      result = old;
      next = a;
      break;
    case 'cmpxchg':
      result = old;
      if (old === norm(a)) next = b;
      break;
  }
  const readOnly = READ_ONLY_ATOMICS.has(g.afn!);
  addAccess(st.fp, L.oLoc(g.loc), !readOnly, 'atomic');
  if (!readOnly) n[L.gLoc(g.loc)] = norm(next);
  if (g.reg >= 0) n[L.reg(t, g.reg)] = result;
  const name = locName(ctx, g.loc);
  const value = valued(ctx, g.loc) ? ` ${shown(ctx, g.loc, old)} -> ${shown(ctx, g.loc, n[L.gLoc(g.loc)]!)}` : '';
  return st.say(`${g.afn}(${name})${readOnly ? (valued(ctx, g.loc) ? ` = ${result}` : '') : value}`);
}

function unlock(st: Step, g: G): Step {
  const { ctx, L, n, t } = st;
  const { k, rw, mode } = lockOf(ctx, n, t, g);
  if (k < 0) return st.say('unlock through a pointer the model does not know: skipped');
  const name = lockNameOf(ctx, k);
  if (rw !== undefined && mode === 'r') {
    if (!(n[L.rmask(t)]! & (1 << rw))) return notHeld(st, name);
    n[L.rmask(t)] = n[L.rmask(t)]! & ~(1 << rw);
    addLockOp(st.fp, L.oReader(rw, t), false);
    return st.say(`read_unlock ${name}`);
  }
  if (n[L.gOwner(k)] !== t) return notHeld(st, name);
  n[L.gOwner(k)] = -1;
  addLockOp(st.fp, L.oGLock(k), false);
  return st.say(`unlock ${name}`);
}

/** Releasing a lock the thread does not hold (a stale lock pointer, a double unlock): Xen's debug checks stop there. */
function notHeld(st: Step, name: string): Step {
  const { ctx, L, n, t } = st;
  const k = ctx.shared!.lock(name);
  const owner = n[L.gOwner(k)]!;
  addRead(st.fp, L.oGLock(k));
  const by = owner >= 0 ? `, held by ${ctx.names.threads[owner]}` : '';
  st.violation = {
    invariant: 'ASSERT',
    message: `${ctx.names.threads[t]} releases ${name}, which it does not hold${by}`,
    assertion: { text: `spin_unlock(${name}): the lock is held by the caller` },
  };
  return st.say(`unlock ${name}: not held by ${ctx.names.threads[t]}${by}`);
}
