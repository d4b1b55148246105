// XSR009 unguarded-access: a field, list head or global accessed without the
// lock that guards it at its other sites. The guard is learned from the code
// (core/guards: the lock must-held at a clear majority of the location's
// accesses outside initialisation and teardown). A write is an error; a read
// (or an address handed to a call) a warning, reported where the function is
// lock-aware there (it takes the guard elsewhere, or holds another lock at
// that point): a lone racy peek in lock-free code is a design choice, a read
// just outside the critical section of its own function is the classic bug.
// A write in a function whose callers are all outside the analysed files is
// reported on the same condition (what they hold cannot be said).
// A read the function repeats under the guard (the double-checked idiom), a
// read under another lock every write also holds, and list iterations
// (XSR015's) are not reported here.
import type { FileAnalysis } from '../analysis';
import type { Guard, LockDiscipline, Site } from '../guards/discipline';
import { FolderFindings, locationLabel, noFunctionFindings, plural, quote, relatedAt, runDiscipline, siteLabel } from './guardWords';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR009',
  slug: 'unguarded-access',
  severity: 'error',
  summary: 'A field, list head or global accessed without the lock that guards it at its other sites (learned from the code).',
};

/** The function takes the guard somewhere, or holds another lock here: it knows about locking at this point. */
function lockAware(d: LockDiscipline, g: Guard, s: Site): boolean {
  const alias = (l: string): string => d.aliases.get(l) ?? l;
  if (s.fn.acquisitions.some((a) => alias(a.lock) === g.lock)) return true;
  return [...s.held].some((l) => l !== g.lock && !l.startsWith('rcu('));
}

/**
 * A read under another lock that every write of the location holds as well:
 * a location written under both locks can be read under either (no writer
 * can run while the reader holds one of them).
 */
function readUnderWritersLock(g: Guard, s: Site): boolean {
  if (s.kind !== 'read') return false;
  const writes = [...g.guarded, ...g.unguarded].filter((x) => x.kind !== 'read');
  return [...s.held].some((l) => l !== g.lock && !l.startsWith('rcu(') && writes.every((w) => w.held.has(l)));
}

/**
 * Ordered by a publication or a handshake (guards/handshake.ts): a write made
 * before the function releases a flag or mask, when every other access of
 * the location is set-up before a release of it too, runs after an acquire
 * of it, or is (as this one) the running CPU's own per-CPU slot; a read made
 * after an acquire, when every write of the location is set-up before a
 * release of the same object.
 */
function ordered(d: LockDiscipline, g: Guard, s: Site): boolean {
  const o = d.ordering();
  const all = [...g.guarded, ...g.unguarded].filter((x) => x !== s);
  if (s.kind === 'read') {
    const writes = all.filter((x) => x.kind !== 'read');
    return writes.length > 0 && [...o.after(s.fn, s.node)].some((x) => writes.every((w) => o.before(w.fn, w.node).has(x)));
  }
  const own = (x: Site): boolean => o.ownSlot(x.fn, x.start, x.end, x.node);
  const mine = own(s);
  return [...o.before(s.fn, s.node)].some((x) =>
    all.every((y) => o.before(y.fn, y.node).has(x) || o.after(y.fn, y.node).has(x) || (mine && own(y))),
  );
}

export function reportedUnguarded(d: LockDiscipline, g: Guard): Site[] {
  return g.unguarded.filter(
    (s) =>
      s.fn.reported &&
      !s.iterate &&
      !s.rechecked &&
      !ordered(d, g, s) &&
      // A write where the callers (elsewhere) may hold the guard is said only when the function itself knows about it.
      (s.kind === 'write' ? d.contextKnown(s.fn) || lockAware(d, g, s) : lockAware(d, g, s) && !readUnderWritersLock(g, s)),
  );
}

function checkFolder(files: readonly FileAnalysis[]): { file: FileAnalysis; diagnostics: ReturnType<typeof finding>[] }[] {
  const d = runDiscipline(files);
  if (!d) return [];
  const out = new FolderFindings();
  for (const g of d.guards) {
    for (const s of reportedUnguarded(d, g)) {
      const file = s.fn.file;
      const what = s.kind === 'write' ? 'written' : s.kind === 'ref' ? 'handed to a call (its address)' : 'read';
      const others = g.total - 1;
      const example = g.guarded[0]!;
      const text = quote(file.text.slice(s.start, s.end));
      out.add(
        file,
        finding(meta, s.fn.fn, {
          start: s.start,
          end: s.end,
          severity: s.kind === 'write' ? 'error' : 'warning',
          related: g.guarded
            .slice(0, 3)
            .map((x) => relatedAt(file, x.fn, x.start, x.end, `${g.lock} held here (${siteLabel(x.fn, x.start)})`)),
          message: `${locationLabel(g.location)} is ${what} here${text} without ${g.lock}, which is held at ${g.held} of its ${plural(others, 'other access', 'other accesses')} (e.g. ${siteLabel(example.fn, example.start)}): a CPU holding it can see or make a half-done update.`,
        }),
      );
    }
  }
  return out.shares();
}

export const xsr009: Rule = { meta, check: noFunctionFindings, checkFolder };
