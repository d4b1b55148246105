// Lock identities at type level, so that sites in different functions
// compare: `prv->lock` in any credit function is `csched_private.lock`, every
// scheduler lock (through a helper or the raw pointer) is `sched(cpu)`,
// `rcu(domlist_read_lock)` stays itself, a global lock is its name. The
// canonical names the lock analysis gives (core/locks/names.ts) are resolved
// with the function's declarations; a lock whose type cannot be resolved
// keeps its text, qualified by the function (it compares with nothing else).
import { ExpressionScanner, type Variable } from '../types/expressions';
import type { TypeTable } from '../types/typeTable';

export const SCHED_LOCK = 'sched(cpu)';
/** What a switch_sched hook is entered holding: the pCPU's scheduler lock it is replacing. */
export const REPLACED_SCHED_LOCK = 'sched(cpu) being replaced';

/** `struct csched_private.lock` → `csched_private.lock`. */
export function lockLabel(loc: string): string {
  return loc.replace(/^(struct|union) /, '');
}

export function typeLevelLock(name: string, table: TypeTable, env: ReadonlyMap<string, Variable>, fn: string): string {
  if (name.startsWith('sched(')) return SCHED_LOCK;
  const base = name.replace(/:[rw]$/, '');
  const rcu = /^rcu\((.*)\)$/.exec(base);
  const expr = rcu ? rcu[1]! : base;
  const v = ExpressionScanner.locate(table, env, expr, { undefinedStructs: true });
  const resolved = v.loc && !v.addr ? lockLabel(v.loc) : undefined;
  if (rcu) return `rcu(${resolved ?? expr})`;
  if (resolved) return resolved;
  return /^[A-Za-z_]\w*$/.test(expr) && !env.has(expr) ? expr : `${expr} (in ${fn})`;
}
