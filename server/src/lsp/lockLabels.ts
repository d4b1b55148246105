// How held locks read in the editor: the inlay-hint label (`🔒 sched(v),
// prv->lock?`, `🔓` when none), its tooltip, and "taken at line N".
import { type HeldSets, lockOrigin, type LockRef } from '../core/index';

const isEmpty = (s: HeldSets): boolean => s.must.length === 0 && s.may.length === 0;

/** `🔒 sched(v), prv->lock?` (may-only locks marked `?`), `🔓` when none. */
export function label(s: HeldSets): string {
  if (isEmpty(s)) return '🔓';
  const names = [...s.must.map((r) => ({ n: r.name, q: '' })), ...s.may.map((r) => ({ n: r.name, q: '?' }))].sort((a, b) =>
    a.n < b.n ? -1 : a.n > b.n ? 1 : 0,
  );
  return `🔒 ${names.map((x) => x.n + x.q).join(', ')}`;
}

/** Where a lock was taken (1-based line), or why the caller is assumed to hold it. */
export function takenAt(r: LockRef): string {
  return lockOrigin(r);
}

export function tooltip(s: HeldSets): string {
  if (isEmpty(s)) return 'no lock held';
  const where = (r: LockRef, mayOnly: boolean): string => `${r.name} ${takenAt(r)}${mayOnly ? ' (on some paths only)' : ''}`;
  return [...s.must.map((r) => where(r, false)), ...s.may.map((r) => where(r, true))].join('\n');
}
