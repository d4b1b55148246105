// The lock helpers of both Xen API eras, and the predicates that state a lock
// is held, as data: part of the core's vocabulary of Xen operations (see
// ./migration.ts for the migration operations). Users add their own helpers
// through a JSON config (CLI `--config`, LSP setting `xsr.locks.extraHelpers`);
// `parseHelperConfig` validates it and names the malformed entry.

import type { IrqEffect } from './interrupts';

export type LockKind = 'sched' | 'spin' | 'rwlock' | 'rcu';
type HelperOp = 'acquire' | 'tryacquire' | 'release' | 'acquireDouble' | 'releaseDouble';

/**
 * What a helper's return value says about the lock (for a tryacquire: how a
 * caller tells success from failure):
 * - `lock`: the lock pointer it took (NULL when a trylock failed);
 * - `object`: the object whose lock it took (NULL or ERR_PTR when it took nothing);
 * - `status`: 0 when it took the lock, an error (non-zero) when not;
 * - `bool`: true when it took the lock.
 */
export type ReturnConvention = 'lock' | 'object' | 'status' | 'bool';

export interface LockHelper {
  /** Function or macro name, exact. */
  name: string;
  op: HelperOp;
  lock: LockKind;
  /**
   * Argument naming the lock: for scheduler helpers the vCPU/unit/pCPU
   * expression (`sched(arg)`), for spin/rw/rcu the lock's address.
   */
  arg: number;
  /** Scheduler releases: the argument holding the lock pointer the acquire returned. */
  ptrArg?: number;
  /** Double lock/unlock: the second lock pointer argument. */
  arg2?: number;
  /** rwlocks: read or write side. */
  mode?: 'r' | 'w';
  /** The helper returns the lock pointer it took (NULL when a trylock failed): `returns: 'lock'`. */
  returnsLock?: boolean;
  /** What the return value says (see ReturnConvention). */
  returns?: ReturnConvention;
  /**
   * The lock's expression when it is not simply an argument: `{0}` is argument
   * 0, `{&1}` argument 1 without its leading `&` (`&d` → `d`), `{ret}` the
   * returned object (the variable the call is assigned to), `{ret:0}` that
   * variable when there is one, else argument 0. E.g.
   * `rcu_lock_domain_by_id`: `{ret}->rcu_lock`.
   */
  lockName?: string;
  /** What it does to the interrupt state. */
  irq?: IrqEffect;
  /** For `save`/`restore`: the argument naming the flags variable (absent on a save: the value returned is the flags). */
  flagsArg?: number;
}

function schedHelpers(prefix: 'vcpu' | 'pcpu' | 'unit'): LockHelper[] {
  return [
    { name: `${prefix}_schedule_lock`, op: 'acquire', lock: 'sched', arg: 0, returnsLock: true },
    { name: `${prefix}_schedule_lock_irq`, op: 'acquire', lock: 'sched', arg: 0, returnsLock: true, irq: 'disable' },
    { name: `${prefix}_schedule_lock_irqsave`, op: 'acquire', lock: 'sched', arg: 0, returnsLock: true, irq: 'save', flagsArg: 1 },
    { name: `${prefix}_schedule_unlock`, op: 'release', lock: 'sched', arg: 1, ptrArg: 0 },
    { name: `${prefix}_schedule_unlock_irq`, op: 'release', lock: 'sched', arg: 1, ptrArg: 0, irq: 'enable' },
    { name: `${prefix}_schedule_unlock_irqrestore`, op: 'release', lock: 'sched', arg: 2, ptrArg: 0, irq: 'restore', flagsArg: 1 },
  ];
}

/** The primitive family `base_lock`, `base_lock_irq`, … of a spinlock or one side of an rwlock (`prefix` for `_spin_lock` & co). */
function plain(kind: 'spin' | 'rwlock', base: string, mode?: 'r' | 'w', prefix = ''): LockHelper[] {
  const m = mode ? { mode } : {};
  const b = `${prefix}${base}`;
  // `spin_lock_irqsave(l, flags)` stores into its second argument; `flags = _spin_lock_irqsave(l)` returns them.
  const saveTo = prefix ? {} : { flagsArg: 1 };
  return [
    { name: `${b}_lock`, op: 'acquire', lock: kind, arg: 0, ...m },
    { name: `${b}_lock_irq`, op: 'acquire', lock: kind, arg: 0, ...m, irq: 'disable' },
    { name: `${b}_lock_irqsave`, op: 'acquire', lock: kind, arg: 0, ...m, irq: 'save', ...saveTo },
    { name: `${b}_lock_bh`, op: 'acquire', lock: kind, arg: 0, ...m },
    { name: `${b}_trylock`, op: 'tryacquire', lock: kind, arg: 0, ...m, returns: 'bool' },
    { name: `${b}_unlock`, op: 'release', lock: kind, arg: 0, ...m },
    { name: `${b}_unlock_irq`, op: 'release', lock: kind, arg: 0, ...m, irq: 'enable' },
    { name: `${b}_unlock_irqrestore`, op: 'release', lock: kind, arg: 0, ...m, irq: 'restore', flagsArg: 1 },
    { name: `${b}_unlock_bh`, op: 'release', lock: kind, arg: 0, ...m },
  ];
}

const BUILTIN_HELPERS: readonly LockHelper[] = [
  ...schedHelpers('vcpu'),
  ...schedHelpers('pcpu'),
  ...schedHelpers('unit'),
  { name: 'pcpu_schedule_trylock', op: 'tryacquire', lock: 'sched', arg: 0, returnsLock: true },
  { name: 'sched_spin_lock_double', op: 'acquireDouble', lock: 'sched', arg: 0, arg2: 1, irq: 'save', flagsArg: 2 },
  { name: 'sched_spin_unlock_double', op: 'releaseDouble', lock: 'sched', arg: 0, arg2: 1, irq: 'restore', flagsArg: 2 },
  ...plain('spin', 'spin'),
  // The functions behind the macros (`*flags = _spin_lock_irqsave(lock)`), and the callback form.
  ...plain('spin', 'spin', undefined, '_'),
  { name: 'spin_lock_cb', op: 'acquire', lock: 'spin', arg: 0 },
  { name: '_spin_lock_cb', op: 'acquire', lock: 'spin', arg: 0 },
  { name: 'spin_trylock_irqsave', op: 'tryacquire', lock: 'spin', arg: 0, returns: 'bool', irq: 'save', flagsArg: 1 },
  // Recursive spinlocks: 4.11–4.18 spelling, and today's rspin_*/nrspin_* (and the functions behind them).
  { name: 'spin_lock_recursive', op: 'acquire', lock: 'spin', arg: 0 },
  { name: 'spin_unlock_recursive', op: 'release', lock: 'spin', arg: 0 },
  { name: 'spin_trylock_recursive', op: 'tryacquire', lock: 'spin', arg: 0, returns: 'bool' },
  { name: '_spin_lock_recursive', op: 'acquire', lock: 'spin', arg: 0 },
  { name: '_spin_unlock_recursive', op: 'release', lock: 'spin', arg: 0 },
  { name: '_spin_trylock_recursive', op: 'tryacquire', lock: 'spin', arg: 0, returns: 'bool' },
  ...plain('spin', 'rspin'),
  ...plain('spin', 'nrspin'),
  { name: '_rspin_lock', op: 'acquire', lock: 'spin', arg: 0 },
  { name: '_rspin_unlock', op: 'release', lock: 'spin', arg: 0 },
  { name: '_nrspin_lock', op: 'acquire', lock: 'spin', arg: 0 },
  { name: '_nrspin_unlock', op: 'release', lock: 'spin', arg: 0 },
  ...plain('rwlock', 'read', 'r'),
  ...plain('rwlock', 'write', 'w'),
  ...plain('rwlock', 'read', 'r', '_'),
  ...plain('rwlock', 'write', 'w', '_'),
  // Per-CPU rwlocks: the lock is the second argument (`percpu_read_lock(grant_rwlock, &gt->lock)`).
  { name: 'percpu_read_lock', op: 'acquire', lock: 'rwlock', arg: 1, mode: 'r' },
  { name: 'percpu_read_unlock', op: 'release', lock: 'rwlock', arg: 1, mode: 'r' },
  { name: 'percpu_write_lock', op: 'acquire', lock: 'rwlock', arg: 1, mode: 'w' },
  { name: 'percpu_write_unlock', op: 'release', lock: 'rwlock', arg: 1, mode: 'w' },
  { name: 'rcu_read_lock', op: 'acquire', lock: 'rcu', arg: 0 },
  { name: 'rcu_read_unlock', op: 'release', lock: 'rcu', arg: 0 },
  // RCU references on a domain (its rcu_lock), each instance named after the domain variable.
  { name: 'rcu_lock_domain_by_id', op: 'tryacquire', lock: 'rcu', arg: 0, returns: 'object', lockName: '{ret}->rcu_lock' },
  { name: 'rcu_lock_domain_by_any_id', op: 'tryacquire', lock: 'rcu', arg: 0, returns: 'object', lockName: '{ret}->rcu_lock' },
  { name: 'rcu_lock_remote_domain_by_id', op: 'tryacquire', lock: 'rcu', arg: 1, returns: 'status', lockName: '{&1}->rcu_lock' },
  { name: 'rcu_lock_live_remote_domain_by_id', op: 'tryacquire', lock: 'rcu', arg: 1, returns: 'status', lockName: '{&1}->rcu_lock' },
  // Xen 4.0-4.4: a domain the caller may target (itself or one it is privileged for), 0 when taken.
  { name: 'rcu_lock_target_domain_by_id', op: 'tryacquire', lock: 'rcu', arg: 1, returns: 'status', lockName: '{&1}->rcu_lock' },
  { name: 'rcu_lock_domain', op: 'acquire', lock: 'rcu', arg: 0, returns: 'object', lockName: '{ret:0}->rcu_lock' },
  { name: 'rcu_lock_current_domain', op: 'acquire', lock: 'rcu', arg: 0, returns: 'object', lockName: '{ret}->rcu_lock' },
  { name: 'rcu_unlock_domain', op: 'release', lock: 'rcu', arg: 0, lockName: '{0}->rcu_lock' },
];

/**
 * A scheduler-lock helper keyed on a vCPU or unit (`vcpu_schedule_lock_irq(v)`,
 * `unit_schedule_unlock(lock, unit)`): the lock of the pCPU the vCPU is on,
 * which the migration model knows as "v's lock".
 */
export function vcpuLockOp(helper: LockHelper | undefined): 'acquire' | 'release' | undefined {
  if (!helper || helper.lock !== 'sched' || !/^(vcpu|unit)_schedule_/.test(helper.name)) return undefined;
  return helper.op === 'acquire' ? 'acquire' : helper.op === 'release' ? 'release' : undefined;
}

/**
 * `IS_ERR_OR_NULL(p)`, `IS_ERR(p)`: tests that a call returning a locked
 * object (or NULL / ERR_PTR when it took nothing) failed. The tested variable.
 */
export function failureTestOf(atom: string): string | undefined {
  // (Asked of every atom a path evaluates: most are no such test, told by their first characters.)
  if (!atom.startsWith('IS_ERR')) return undefined;
  return /^(?:IS_ERR_OR_NULL|IS_ERR)\(([A-Za-z_]\w*)\)$/.exec(atom)?.[1];
}

export interface HeldPredicate {
  lock: LockKind;
  mode?: 'r' | 'w';
}

/** Predicates that, inside ASSERT(), state that a lock is held. */
const HELD_PREDICATES: ReadonlyMap<string, HeldPredicate> = new Map<string, HeldPredicate>([
  ['spin_is_locked', { lock: 'spin' }],
  ['rw_is_locked', { lock: 'rwlock', mode: 'r' }],
  ['rw_is_write_locked', { lock: 'rwlock', mode: 'w' }],
  ['rcu_read_lock_held', { lock: 'rcu' }],
]);

/** What `name(lock)` inside an ASSERT states, if it is a held-lock predicate. */
export function heldPredicate(name: string): HeldPredicate | undefined {
  return HELD_PREDICATES.get(name);
}

export class HelperTable {
  private readonly byName = new Map<string, LockHelper>();

  constructor(extra: readonly LockHelper[] = []) {
    for (const h of BUILTIN_HELPERS) this.byName.set(h.name, h);
    for (const h of extra) this.byName.set(h.name, h);
  }

  get(name: string): LockHelper | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A stable fingerprint (cache keys must change when user helpers change). */
  readonly fingerprint = (): string => JSON.stringify([...this.byName.values()].filter((h) => !BUILTIN_HELPERS.includes(h)));
}

const RETURNS: readonly ReturnConvention[] = ['lock', 'object', 'status', 'bool'];
const IRQ_EFFECTS: readonly IrqEffect[] = ['disable', 'enable', 'save', 'restore'];

/** How a caller tells whether the helper took its lock, from its return value. */
export function returnConvention(h: LockHelper): ReturnConvention | undefined {
  return h.returns ?? (h.returnsLock ? 'lock' : undefined);
}

const OPS: readonly HelperOp[] = ['acquire', 'tryacquire', 'release', 'acquireDouble', 'releaseDouble'];
const KINDS: readonly LockKind[] = ['sched', 'spin', 'rwlock', 'rcu'];

export interface ConfigResult {
  helpers: LockHelper[];
  /** One message per malformed entry, naming it. */
  errors: string[];
}

/**
 * Validates user helpers: `{ "helpers": [ { "name": "my_lock", "op": "acquire",
 * "lock": "spin", "arg": 0 } ] }` or the bare array. Malformed entries are
 * reported and skipped; good ones are kept.
 */
export function parseHelperConfig(value: unknown, source = 'config'): ConfigResult {
  const errors: string[] = [];
  const helpers: LockHelper[] = [];
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { helpers?: unknown }).helpers)
      ? (value as { helpers: unknown[] }).helpers
      : undefined;
  if (!list) {
    return { helpers, errors: [`${source}: expected an array of lock helpers or an object with a "helpers" array`] };
  }
  list.forEach((entry: unknown, i: number) => {
    const where = `${source}: helpers[${i}]`;
    if (!entry || typeof entry !== 'object') {
      errors.push(`${where}: expected an object, got ${JSON.stringify(entry)}`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const label = typeof e.name === 'string' ? `${where} ("${e.name}")` : where;
    const problems: string[] = [];
    if (typeof e.name !== 'string' || !/^[A-Za-z_]\w*$/.test(e.name)) problems.push('"name" must be a C identifier');
    const op = e.op ?? e.kind;
    if (typeof op !== 'string' || !OPS.includes(op as HelperOp)) problems.push(`"op" must be one of ${OPS.join(', ')}`);
    if (typeof e.lock !== 'string' || !KINDS.includes(e.lock as LockKind)) problems.push(`"lock" must be one of ${KINDS.join(', ')}`);
    for (const key of ['arg', 'ptrArg', 'arg2', 'flagsArg'] as const) {
      if (e[key] !== undefined && (!Number.isInteger(e[key]) || (e[key] as number) < 0))
        problems.push(`"${key}" must be a non-negative integer`);
    }
    if (e.mode !== undefined && e.mode !== 'r' && e.mode !== 'w') problems.push('"mode" must be "r" or "w"');
    if (e.returns !== undefined && !RETURNS.includes(e.returns as ReturnConvention))
      problems.push(`"returns" must be one of ${RETURNS.join(', ')}`);
    if (e.lockName !== undefined && (typeof e.lockName !== 'string' || !/^[\w{}&>.()*[\] :-]+$/.test(e.lockName)))
      problems.push('"lockName" must be an expression template such as "{ret}->rcu_lock" or "{0}->lock"');
    if (e.irq !== undefined && !IRQ_EFFECTS.includes(e.irq as IrqEffect)) problems.push(`"irq" must be one of ${IRQ_EFFECTS.join(', ')}`);
    if (problems.length) {
      errors.push(`${label}: ${problems.join('; ')}`);
      return;
    }
    const h: LockHelper = { name: e.name as string, op: op as HelperOp, lock: e.lock as LockKind, arg: (e.arg as number | undefined) ?? 0 };
    if (e.ptrArg !== undefined) h.ptrArg = e.ptrArg as number;
    if (e.arg2 !== undefined) h.arg2 = e.arg2 as number;
    if (e.mode !== undefined) h.mode = e.mode as 'r' | 'w';
    if (e.returnsLock === true) h.returnsLock = true;
    if (e.returns !== undefined) h.returns = e.returns as ReturnConvention;
    if (e.lockName !== undefined) h.lockName = e.lockName as string;
    if (e.irq !== undefined) h.irq = e.irq as IrqEffect;
    if (e.flagsArg !== undefined) h.flagsArg = e.flagsArg as number;
    helpers.push(h);
  });
  return { helpers, errors };
}
