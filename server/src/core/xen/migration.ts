// What each Xen migration operation is, in every spelling of both API eras:
// the one place the rules, the fixes, the editor queries (hover notes, code
// lenses) and the model extraction learn it from. A `_VPF_migrating` write
// looks the same to XSR001 as to the simulator's model, because both read
// `migrationOps` below.
import type { CallSite, ExprFacts } from '../syntax/expr';

/** The API era of a migration call: vCPUs before 4.13, scheduling units since. */
export type Era = 'vcpu' | 'unit';

export type MigrationOpKind =
  /** `_VPF_migrating` set on a vCPU: `set_bit`, `__set_bit`, `sched_set_pause_flags*`, `pause_flags |= VPF_migrating`. */
  | 'setMigrating'
  /** `vcpu_migrate_start` / `sched_unit_migrate_start` (the 2018 fix). */
  | 'migrateStart'
  /** `vcpu_migrate_finish` / `sched_unit_migrate_finish`. */
  | 'migrateFinish'
  /** The pre-2018 `vcpu_migrate()`. */
  | 'oldMigrate'
  /** `vcpu_sleep_nosync` / `sched_unit_sleep_nosync` (takes the scheduler lock itself). */
  | 'sleep'
  /** `vcpu_sleep_nosync_locked` (the caller holds the lock). */
  | 'sleepLocked'
  /** `vcpu_wake` / `sched_unit_wake`. */
  | 'wake';

export interface MigrationOp {
  kind: MigrationOpKind;
  /** The vCPU or unit expression the operation acts on (canonical text). */
  entity: string;
  era: Era;
  /** The operation's text range (the call, or the `|=` assignment). */
  start: number;
  end: number;
  /** The callee (or `|=` for the assignment spelling). */
  name: string;
}

const CALLS: ReadonlyMap<string, { kind: MigrationOpKind; era: Era }> = new Map([
  ['vcpu_migrate_start', { kind: 'migrateStart', era: 'vcpu' }],
  ['sched_unit_migrate_start', { kind: 'migrateStart', era: 'unit' }],
  ['vcpu_migrate_finish', { kind: 'migrateFinish', era: 'vcpu' }],
  ['sched_unit_migrate_finish', { kind: 'migrateFinish', era: 'unit' }],
  ['vcpu_migrate', { kind: 'oldMigrate', era: 'vcpu' }],
  ['vcpu_sleep_nosync', { kind: 'sleep', era: 'vcpu' }],
  ['sched_unit_sleep_nosync', { kind: 'sleep', era: 'unit' }],
  ['vcpu_sleep_nosync_locked', { kind: 'sleepLocked', era: 'vcpu' }],
  ['vcpu_wake', { kind: 'wake', era: 'vcpu' }],
  ['sched_unit_wake', { kind: 'wake', era: 'unit' }],
] as const);

/** Bit setters whose first argument is the bit and second the word's address. */
const BIT_SETTERS = new Set(['set_bit', '__set_bit']);
/** Xen's pause-flag helpers: `(vcpu, bit)`. */
const FLAG_SETTERS = new Set(['sched_set_pause_flags', 'sched_set_pause_flags_atomic']);

const MIGRATING = /(^|[^\w])_?VPF_migrating([^\w]|$)/;

export const OLD_MIGRATE = 'vcpu_migrate';

export function startName(era: Era): string {
  return era === 'unit' ? 'sched_unit_migrate_start' : 'vcpu_migrate_start';
}

export function finishName(era: Era): string {
  return era === 'unit' ? 'sched_unit_migrate_finish' : 'vcpu_migrate_finish';
}

/** The migration operation a call performs, if any. */
export function migrationCall(c: CallSite): MigrationOp | undefined {
  const known = CALLS.get(c.name);
  // (A literal, not a spread of `known`: every operation then has one shape, made without copying through a spread.)
  if (known) return { kind: known.kind, era: known.era, entity: c.args[0]?.text ?? '', start: c.start, end: c.end, name: c.name };
  if (BIT_SETTERS.has(c.name) && c.args[0]?.text === '_VPF_migrating') {
    const m = /^&\(?(.+?)\)?->pause_flags$/.exec(c.args[1]?.text ?? '');
    if (m) return { kind: 'setMigrating', entity: m[1]!, era: 'vcpu', start: c.start, end: c.end, name: c.name };
  }
  if (FLAG_SETTERS.has(c.name) && c.args[1]?.text === '_VPF_migrating' && c.args[0]) {
    return { kind: 'setMigrating', entity: c.args[0].text, era: 'vcpu', start: c.start, end: c.end, name: c.name };
  }
  return undefined;
}

/** Per statement's facts (immutable; the rules ask each statement several times, for each kind). */
const opsCache = new WeakMap<ExprFacts, readonly MigrationOp[]>();
const NO_OPS: readonly MigrationOp[] = [];

/** Every migration operation of a statement's facts, in source order (calls, then `|=` writes). */
export function migrationOps(facts: ExprFacts): readonly MigrationOp[] {
  // Most statements perform none: answered without an entry in the cache (every statement of every function is asked).
  if (!mayMigrate(facts)) return NO_OPS;
  let ops = opsCache.get(facts);
  if (!ops) opsCache.set(facts, (ops = computeOps(facts)));
  return ops;
}

/** Never added to: the kinds of the many bodies that perform no migration operation. */
const NO_KINDS: ReadonlySet<MigrationOpKind> = new Set();

/** The kinds of the migration operations the statements perform (one walk over their facts). */
export function migrationKindsOf(statements: readonly { facts: ExprFacts }[]): ReadonlySet<MigrationOpKind> {
  let found: Set<MigrationOpKind> | undefined;
  for (const n of statements) for (const op of migrationOps(n.facts)) (found ??= new Set()).add(op.kind);
  return found ?? NO_KINDS;
}

/** The callees of every operation's spelling (one lookup per call: every call of every statement is asked). */
const CALLEES: ReadonlySet<string> = new Set([...CALLS.keys(), ...BIT_SETTERS, ...FLAG_SETTERS]);

/** Whether the statement calls an operation's function or performs a `|=`: what computeOps needs to find anything. */
function mayMigrate(facts: ExprFacts): boolean {
  for (const c of facts.calls) if (CALLEES.has(c.name)) return true;
  for (const a of facts.assignments) if (a.op === '|=') return true;
  return false;
}

function computeOps(facts: ExprFacts): readonly MigrationOp[] {
  if (facts.calls.length === 0 && facts.assignments.length === 0) return NO_OPS;
  const out: MigrationOp[] = [];
  for (const c of facts.calls) {
    const op = migrationCall(c);
    if (op) out.push(op);
  }
  out.push(...flagAssignments(facts));
  return out.sort((x, y) => x.start - y.start);
}

/** The `X->pause_flags |= VPF_migrating` spelling of a flag write (an assignment, evaluated after the statement's calls). */
function flagAssignments(facts: ExprFacts): MigrationOp[] {
  const out: MigrationOp[] = [];
  for (const a of facts.assignments) {
    if (a.op !== '|=') continue;
    const m = /^(.+)->pause_flags$/.exec(a.lhs);
    if (m && MIGRATING.test(a.rhs)) out.push({ kind: 'setMigrating', entity: m[1]!, era: 'vcpu', start: a.start, end: a.end, name: '|=' });
  }
  return out;
}

/** The statement's operations of one kind. */
export function opsOfKind(facts: ExprFacts, kind: MigrationOpKind): readonly MigrationOp[] {
  const ops = migrationOps(facts);
  return ops.length === 0 ? NO_OPS : ops.filter((o) => o.kind === kind);
}

/** A condition's canonical text tests the migrating flag (`v->pause_flags & VPF_migrating`, `test_bit(_VPF_migrating, …)`). */
export function testsMigrating(conditionText: string): boolean {
  return MIGRATING.test(conditionText) && /pause_flags/.test(conditionText);
}

/** A condition atom names the migrating flag. */
export function isMigratingAtom(atom: string): boolean {
  return MIGRATING.test(atom);
}

/** A condition atom is a vCPU's running state (`v->is_running`). */
export function isRunningAtom(atom: string): boolean {
  return /->is_running$/.test(atom);
}

/** The statement clears a vCPU's running state (`prev->is_running = 0`), as context_saved() does. */
export function clearsRunning(statementText: string): boolean {
  return /\bis_running\s*=\s*(?:0|false)\b/.test(statementText);
}

/** `context_saved` and the 4.13+ `unit_context_saved`: the scheduler's end of a context switch. */
export function isContextSaved(functionName: string): boolean {
  return /^(unit_)?context_saved$/.test(functionName);
}
