// Pointers Xen guarantees are never NULL wherever hypervisor code runs:
// `current` (the running vCPU) and its domain. A pointer known to be NULL on
// a path (a lock call that took nothing returned it) is not equal to one of
// them, which the lock analysis reads to tell which paths pass a test such as
// `if ( current->domain != hdl ) goto out;` (locks/transfer.ts, `atomValue`).

const NEVER_NULL: ReadonlySet<string> = new Set(['current', 'current->domain']);

/** Whether the expression (as a condition's atom spells it: no blanks) is a pointer that is never NULL. */
export function isNeverNull(expr: string): boolean {
  return NEVER_NULL.has(expr);
}
