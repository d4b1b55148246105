// The lock helpers of both Xen API eras, and the predicates that state a lock
// is held, as data: part of the core's vocabulary of Xen operations (see
// ./migration.ts for the migration operations). Users add their own helpers
// through a JSON config (CLI `--config`, LSP setting `xsr.locks.extraHelpers`);
// `parseHelperConfig` validates it and names the malformed entry.

export type LockKind = 'sched' | 'spin' | 'rwlock' | 'rcu';
type HelperOp = 'acquire' | 'tryacquire' | 'release' | 'acquireDouble' | 'releaseDouble';

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
  /** The helper returns the lock pointer it took (NULL when a trylock failed). */
  returnsLock?: boolean;
}

function schedHelpers(prefix: 'vcpu' | 'pcpu' | 'unit'): LockHelper[] {
  return [
    { name: `${prefix}_schedule_lock`, op: 'acquire', lock: 'sched', arg: 0, returnsLock: true },
    { name: `${prefix}_schedule_lock_irq`, op: 'acquire', lock: 'sched', arg: 0, returnsLock: true },
    { name: `${prefix}_schedule_lock_irqsave`, op: 'acquire', lock: 'sched', arg: 0, returnsLock: true },
    { name: `${prefix}_schedule_unlock`, op: 'release', lock: 'sched', arg: 1, ptrArg: 0 },
    { name: `${prefix}_schedule_unlock_irq`, op: 'release', lock: 'sched', arg: 1, ptrArg: 0 },
    { name: `${prefix}_schedule_unlock_irqrestore`, op: 'release', lock: 'sched', arg: 2, ptrArg: 0 },
  ];
}

function plain(kind: 'spin' | 'rwlock', base: string, mode?: 'r' | 'w'): LockHelper[] {
  const m = mode ? { mode } : {};
  return [
    { name: `${base}_lock`, op: 'acquire', lock: kind, arg: 0, ...m },
    { name: `${base}_lock_irq`, op: 'acquire', lock: kind, arg: 0, ...m },
    { name: `${base}_lock_irqsave`, op: 'acquire', lock: kind, arg: 0, ...m },
    { name: `${base}_lock_bh`, op: 'acquire', lock: kind, arg: 0, ...m },
    { name: `${base}_trylock`, op: 'tryacquire', lock: kind, arg: 0, ...m },
    { name: `${base}_unlock`, op: 'release', lock: kind, arg: 0, ...m },
    { name: `${base}_unlock_irq`, op: 'release', lock: kind, arg: 0, ...m },
    { name: `${base}_unlock_irqrestore`, op: 'release', lock: kind, arg: 0, ...m },
    { name: `${base}_unlock_bh`, op: 'release', lock: kind, arg: 0, ...m },
  ];
}

const BUILTIN_HELPERS: readonly LockHelper[] = [
  ...schedHelpers('vcpu'),
  ...schedHelpers('pcpu'),
  ...schedHelpers('unit'),
  { name: 'pcpu_schedule_trylock', op: 'tryacquire', lock: 'sched', arg: 0, returnsLock: true },
  { name: 'sched_spin_lock_double', op: 'acquireDouble', lock: 'sched', arg: 0, arg2: 1 },
  { name: 'sched_spin_unlock_double', op: 'releaseDouble', lock: 'sched', arg: 0, arg2: 1 },
  ...plain('spin', 'spin'),
  { name: 'spin_lock_recursive', op: 'acquire', lock: 'spin', arg: 0 },
  { name: 'spin_unlock_recursive', op: 'release', lock: 'spin', arg: 0 },
  { name: 'spin_trylock_recursive', op: 'tryacquire', lock: 'spin', arg: 0 },
  { name: '_spin_lock', op: 'acquire', lock: 'spin', arg: 0 },
  { name: '_spin_lock_irq', op: 'acquire', lock: 'spin', arg: 0 },
  { name: '_spin_unlock', op: 'release', lock: 'spin', arg: 0 },
  { name: '_spin_unlock_irq', op: 'release', lock: 'spin', arg: 0 },
  ...plain('rwlock', 'read', 'r'),
  ...plain('rwlock', 'write', 'w'),
  { name: 'rcu_read_lock', op: 'acquire', lock: 'rcu', arg: 0 },
  { name: 'rcu_read_unlock', op: 'release', lock: 'rcu', arg: 0 },
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
    for (const key of ['arg', 'ptrArg', 'arg2'] as const) {
      if (e[key] !== undefined && (!Number.isInteger(e[key]) || (e[key] as number) < 0))
        problems.push(`"${key}" must be a non-negative integer`);
    }
    if (e.mode !== undefined && e.mode !== 'r' && e.mode !== 'w') problems.push('"mode" must be "r" or "w"');
    if (problems.length) {
      errors.push(`${label}: ${problems.join('; ')}`);
      return;
    }
    const h: LockHelper = { name: e.name as string, op: op as HelperOp, lock: e.lock as LockKind, arg: (e.arg as number | undefined) ?? 0 };
    if (e.ptrArg !== undefined) h.ptrArg = e.ptrArg as number;
    if (e.arg2 !== undefined) h.arg2 = e.arg2 as number;
    if (e.mode !== undefined) h.mode = e.mode as 'r' | 'w';
    if (e.returnsLock === true) h.returnsLock = true;
    helpers.push(h);
  });
  return { helpers, errors };
}
