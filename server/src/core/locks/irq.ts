// The interrupt state along a path (issue 13), next to the held locks: what
// `_irq`/`_irqsave` lock variants and `local_irq_*` do to it, where a lock is
// taken with interrupts on or off (Xen's check_lock() rule, checked across a
// folder by XSR011), interrupts turned back on that the caller had turned off (XSR012),
// and calls that must not run with interrupts off or a lock held (XSR013).
import type { CfgNode } from '../cfg/types';
import type { CallSite } from '../syntax/expr';
import { forbiddenCall, type IrqEffect, irqPrimitive } from '../xen/interrupts';
import type { LockHelper, LockKind } from '../xen/lockHelpers';
import { type HeldLock, type IrqState, type IrqVariant, type PathState, type SavedIrq, withHeldList, withIrqState } from './state';

export type IrqEvent =
  /**
   * A lock taken with interrupts disabled (`safe`) or enabled: one site of check_lock()'s rule; `safe`
   * undefined: a plain acquire where the state is not known (no vote; XSR011 breaks a tie with them).
   */
  | { k: 'irqAcquire'; lock: string; kind: LockKind; safe: boolean | undefined; start: number; end: number; via: string }
  /** Interrupts turned on (an `_irq` unlock, local_irq_enable) or an `_irq` lock taken, where they are off since `offAt`. */
  | { k: 'irqReenable'; lock: string; start: number; end: number; via: string; offAt: number; entry: boolean }
  /** A call that must not run here (interrupts off since `since`, or `lock` held). */
  | {
      k: 'forbidden';
      lock: string;
      start: number;
      end: number;
      via: string;
      why: 'irqOff' | 'spinlock' | 'schedLock';
      since: number;
      reason: string;
    };

export interface IrqContext {
  events?: ((e: IrqEvent, node: CfgNode) => void) | undefined;
}

/**
 * How a helper's lock is taken as far as interrupts go, as irqAfterHelper
 * marks it (undefined for RCU, which it leaves alone). The transfer builds the
 * locks it takes with it, so that no second copy of the lock and its path is
 * made here for each acquire.
 */
export const takenVariant = (h: LockHelper): IrqVariant | undefined => (h.lock === 'rcu' ? undefined : variantOf(h));

const variantOf = (h: LockHelper): IrqVariant =>
  h.op === 'acquireDouble' || h.op === 'releaseDouble'
    ? 'pair'
    : h.irq === 'disable' || h.irq === 'enable'
      ? 'irq'
      : h.irq
        ? 'irqsave'
        : 'plain';

/** The flags variable an irqsave/irqrestore names (`&flags`, `*flags`, `flags` → `flags`). */
function flagsVar(call: CallSite, flagsArg: number | undefined, assigned: string | undefined): string | undefined {
  const text = flagsArg !== undefined ? call.args[flagsArg]?.text : assigned;
  const m = text ? /^[&*(\s]*([A-Za-z_]\w*)\)?$/.exec(text.trim()) : undefined;
  return m?.[1];
}

/** The state after an interrupt effect: `save` stores the current state in the flags variable first; `restore` goes back to it. */
function applyEffect(s: PathState, effect: IrqEffect, at: number, flags: string | undefined): PathState {
  switch (effect) {
    case 'disable':
      return withIrqState(s, { on: false, at });
    case 'enable':
      return withIrqState(s, { on: true, at });
    case 'save': {
      if (!flags) return withIrqState(s, { on: false, at });
      const entry: SavedIrq = s.irq ? { v: flags, irq: s.irq } : { v: flags };
      return withIrqState(s, { on: false, at }, [...(s.saved ?? []).filter((x) => x.v !== flags), entry]);
    }
    case 'restore': {
      const saved = flags ? s.saved?.find((x) => x.v === flags) : undefined;
      // (Unknown: undefined.)
      return withIrqState(s, saved?.irq);
    }
  }
}

/**
 * A lock helper's effect on interrupts, applied to each state it produced
 * from `s` (for a trylock only where it took the lock), with the events the
 * rules read. `ci`: the call's index in the node (its value may be stored in a
 * variable: `flags = _spin_lock_irqsave(l)`).
 */
export function irqAfterHelper(
  ctx: IrqContext,
  node: CfgNode,
  call: CallSite,
  ci: number,
  helper: LockHelper,
  s: PathState,
  out: PathState[],
): PathState[] {
  // (`out` is the transfer's own list, made for this call: it is updated in place.)
  if (helper.lock === 'rcu') return out;
  const variant = variantOf(helper);
  // The flags variable, which only a save or a restore reads (most helpers neither: no lookup, no match).
  const flags =
    helper.irq === 'save' || helper.irq === 'restore'
      ? flagsVar(
          call,
          helper.flagsArg,
          helper.flagsArg === undefined ? node.facts.assignments.find((x) => x.rhsCall === ci)?.lhs : undefined,
        )
      : undefined;
  const acquiring = helper.op === 'acquire' || helper.op === 'tryacquire' || helper.op === 'acquireDouble';
  // By name, once per call: a function holding hundreds of locks must not compare every pair per call.
  let beforeByName: HeldByName | undefined;
  const heldBefore = (): HeldByName => (beforeByName ??= new HeldByName(s.held));
  for (let i = 0; i < out.length; i++) out[i] = afterOne(out[i]!);
  return out;

  function afterOne(r: PathState): PathState {
    let next = r;
    if (acquiring) {
      const taken = r.held.filter((h) => {
        const before = heldBefore().get(h.name);
        return !before || (h.depth ?? 1) > (before.depth ?? 1);
      });
      if (taken.length === 0) return r;
      // An `_irq` acquire where interrupts are off already (a retake is XSR007's, not this).
      if (helper.irq === 'disable' && s.irq && !s.irq.on) {
        const fresh = taken.find((h) => !heldBefore().get(h.name));
        if (fresh)
          ctx.events?.(
            { k: 'irqReenable', lock: fresh.name, start: call.start, end: call.end, via: call.name, offAt: s.irq.at, entry: !!s.irq.entry },
            node,
          );
      }
      // check_lock(): an `_irq`/`_irqsave` acquire is irq-safe; a plain one is what the state says; a trylock with interrupts off is no vote.
      const safe = variant !== 'plain' ? true : s.irq ? !s.irq.on : undefined;
      const vote = !(helper.op === 'tryacquire' && variant === 'plain' && safe !== false);
      for (const h of taken) {
        if (vote)
          ctx.events?.({ k: 'irqAcquire', lock: h.name, kind: h.kind, safe, start: call.start, end: call.end, via: call.name }, node);
      }
      // The locks taken carry how they were taken (a new state only when one of them did not yet).
      if (taken.some((h) => h.irqVariant !== variant))
        next = withHeldList(
          next,
          next.held.map((h) => (taken.includes(h) ? withVariant(h, variant) : h)),
        );
    } else if (helper.op === 'release') {
      // The caller's own `_irq` lock released with `_irq` (a helper that drops and retakes it) ends the
      // caller's region as the caller would: only a lock of this function's turning interrupts on is wrong.
      if (helper.irq === 'enable' && s.irq && !s.irq.on && s.irq.entry) {
        const heldAfter = r.held === s.held ? heldBefore() : new HeldByName(r.held);
        const released = s.held.filter((h) => {
          const x = heldAfter.get(h.name);
          return !(x && (x.depth ?? 1) >= (h.depth ?? 1));
        });
        if (!released.some((h) => h.entry))
          ctx.events?.(
            {
              k: 'irqReenable',
              lock: released[0]?.name ?? '',
              start: call.start,
              end: call.end,
              via: call.name,
              offAt: s.irq.at,
              entry: true,
            },
            node,
          );
      }
    }
    return helper.irq ? applyEffect(next, helper.irq, call.start, flags) : next;
  }
}

/**
 * The deepest entry of each lock name of a held list (a lock held twice, as a
 * nested rwlock read, is one name): a map past a few locks, a scan below
 * (most paths hold one or two, and a map per call and path costs more).
 */
class HeldByName {
  private readonly map: Map<string, HeldLock> | undefined;
  constructor(private readonly held: readonly HeldLock[]) {
    if (held.length > 8) this.map = byName(held);
  }

  get(name: string): HeldLock | undefined {
    if (this.map) return this.map.get(name);
    let x: HeldLock | undefined;
    for (const h of this.held) if (h.name === name && (!x || (h.depth ?? 1) > (x.depth ?? 1))) x = h;
    return x;
  }
}

/** The deepest entry of each lock name (a lock held twice, as a nested rwlock read, is one name). */
function byName(held: readonly HeldLock[]): Map<string, HeldLock> {
  const m = new Map<string, HeldLock>();
  for (const h of held) {
    const x = m.get(h.name);
    if (!x || (h.depth ?? 1) > (x.depth ?? 1)) m.set(h.name, h);
  }
  return m;
}

function withVariant(h: HeldLock, v: IrqVariant): HeldLock {
  return h.irqVariant === v ? h : { ...h, irqVariant: v };
}

/** `local_irq_disable()` & co.: their effect on the state (undefined for other calls). */
export function irqPrimitiveCall(ctx: IrqContext, node: CfgNode, call: CallSite, s: PathState): PathState | undefined {
  const p = irqPrimitive(call.name);
  if (!p) return undefined;
  if (p.effect === 'enable' && s.irq && !s.irq.on && s.irq.entry)
    ctx.events?.({ k: 'irqReenable', lock: '', start: call.start, end: call.end, via: call.name, offAt: s.irq.at, entry: true }, node);
  return applyEffect(s, p.effect, call.start, flagsVar(call, p.flagsArg, undefined));
}

/** A call that must not run in this state: reported, the state goes on unchanged. */
export function checkForbidden(ctx: IrqContext, node: CfgNode, call: CallSite, s: PathState): void {
  const f = forbiddenCall(call.name);
  if (!f || !ctx.events) return;
  if (f.when.includes('irqOff') && s.irq && !s.irq.on) {
    ctx.events(
      { k: 'forbidden', lock: '', start: call.start, end: call.end, via: call.name, why: 'irqOff', since: s.irq.at, reason: f.reason },
      node,
    );
    return;
  }
  const spin = (h: HeldLock): boolean => !h.maybe && (h.kind === 'spin' || h.kind === 'rwlock' || h.kind === 'sched');
  const held = f.when.includes('spinlock')
    ? s.held.find(spin)
    : f.when.includes('schedLock')
      ? s.held.find((h) => !h.maybe && h.kind === 'sched')
      : undefined;
  if (held)
    ctx.events(
      {
        k: 'forbidden',
        lock: held.name,
        start: call.start,
        end: call.end,
        via: call.name,
        why: f.when.includes('spinlock') ? 'spinlock' : 'schedLock',
        since: held.at,
        reason: f.reason,
      },
      node,
    );
}

/** The state a function starts in when it is entered with interrupts `on` or off (unknown when undefined). */
export function enteredWith(on: boolean | undefined, at: number): IrqState | undefined {
  return on === undefined ? undefined : { on, at, entry: true };
}
