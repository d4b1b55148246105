// XSR014 stale-after-unlock: what a critical section learned is only true
// while its lock is held. A value read from a location the lock guards (or a
// pointer looked up in a list it guards) and used to decide or to write after
// the release; written back after a re-lock without a re-check (a lost
// update); a time stamp sampled before the lock and compared with state
// inside it; a scheduler lock released through its pointer read again instead
// of the lock that was locked; a word updated with non-atomic bit operations
// where others update it atomically without a common lock. The analysis is
// guards/atomicity.ts, on the folder's lock discipline.
import type { FileAnalysis } from '../analysis';
import { mixedBitUpdates, rereadReleases, type StaleUse, staleUses } from '../guards/atomicity';
import { rereadTargets } from '../guards/rereadTarget';
import { FolderFindings, locationLabel, noFunctionFindings, relatedAt, runDiscipline, siteLabel } from './guardWords';
import { finding, lineNo } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR014',
  slug: 'stale-after-unlock',
  severity: 'warning',
  summary:
    'A value read or a pointer looked up under a lock, used after that lock was released without re-validation; a lock released through a re-read pointer; a time stamp taken before the lock and compared inside it; non-atomic bit operations on a word others update atomically.',
};

const USE: Record<StaleUse['how'], string> = {
  decides: 'decides a branch on it',
  stores: 'stores it in shared memory',
  'writes-through': 'writes through it',
  dereferences: 'dereferences it',
  'writes-back': 'writes it back',
  compares: 'compares it with',
};

function staleMessage(file: FileAnalysis, u: StaleUse): string {
  const line = (o: number): number => lineNo(file, o);
  const where = locationLabel(u.loc);
  if (u.kind === 'now' && u.via)
    return `${u.v} was sampled by NOW() at line ${line(u.read.start)}, before ${u.lock} was taken at line ${line(u.unlock.start)}, and is handed here to ${u.via[0]}(), which compares it${u.via.length > 1 ? ` (in ${u.via[u.via.length - 1]}())` : ''} with ${where}, which ${u.lock} guards: a CPU that held the lock in between can have stored a later time, so the difference can be negative.`;
  if (u.kind === 'now')
    return `${u.v} was sampled by NOW() at line ${line(u.read.start)}, before ${u.lock} was taken at line ${line(u.unlock.start)}, and is compared here with ${where}, which ${u.lock} guards: a CPU that held the lock in between can have stored a later time, so the difference can be negative.`;
  if (u.kind === 'relocked')
    return `${u.v} was read from ${where} at line ${line(u.read.start)} under ${u.lock}, which was released at line ${line(u.unlock.start)} and taken again at line ${line(u.relock!.start)}; this writes it back without checking it again: an update made while the lock was dropped is lost.`;
  if (u.lookup)
    return `${u.v} was looked up in ${where} at line ${line(u.read.start)} under ${u.lock}, released at line ${line(u.unlock.start)}; this ${USE[u.how]} without ${u.lock}: another CPU can have unlinked or freed it in between (look it up again under the lock, or keep the lock).`;
  return `${u.v} was read from ${where} at line ${line(u.read.start)} under ${u.lock}, released at line ${line(u.unlock.start)}; this ${USE[u.how]} without ${u.lock}: another CPU can have changed it in between (re-read it under the lock, or keep the lock).`;
}

/** How an update reads in a message: the operator, or the bit operation called. */
const op = (b: { op: string }): string => (b.op === '|=' || b.op === '&=' || b.op === '^=' ? b.op : `${b.op}()`);

function checkFolder(files: readonly FileAnalysis[]): { file: FileAnalysis; diagnostics: ReturnType<typeof finding>[] }[] {
  const d = runDiscipline(files);
  if (!d) return [];
  const out = new FolderFindings();
  for (const f of d.functions.values()) {
    if (!f.reported) continue;
    const file = f.file;
    for (const u of staleUses(d, f)) {
      const related = [
        relatedAt(file, f, u.read.start, u.read.end, u.kind === 'now' ? `${u.v} sampled here` : `${u.v} read here under ${u.lock}`),
      ];
      related.push(relatedAt(file, f, u.unlock.start, u.unlock.end, u.kind === 'now' ? `${u.lock} taken here` : `${u.lock} released here`));
      if (u.relock) related.push(relatedAt(file, f, u.relock.start, u.relock.end, `${u.lock} taken again here`));
      out.add(file, finding(meta, f.fn, { start: u.use.start, end: u.use.end, related, message: staleMessage(file, u) }));
    }
    for (const r of rereadReleases(d, f)) {
      const taken = `${r.acquire.call}() at line ${lineNo(file, r.acquire.start)}`;
      const message = r.acquire.returnsLock
        ? `${r.call}(${r.arg}) reads the lock pointer again to release it, but ${r.lock} was taken by ${taken}, which returns the lock it took precisely because the pointer can be re-routed (switch_sched): release that returned lock.`
        : `${r.call}(${r.arg}) reads the lock pointer again to release it, but between the acquire (${taken}) and here ${r.rerouted!.what} at line ${lineNo(file, r.rerouted!.start)}: the release can unlock the new lock and leave the one taken held.`;
      const related = [relatedAt(file, f, r.acquire.start, r.acquire.end, `${r.lock} taken here`)];
      if (r.rerouted) related.push(relatedAt(file, f, r.rerouted.start, r.rerouted.end, r.rerouted.what));
      out.add(file, finding(meta, f.fn, { start: r.release.start, end: r.release.end, related, message }));
    }
    for (const r of rereadTargets(d, f)) {
      const sites = r.changes.slice(0, 3);
      const why = `changes without the scheduler lock for ${r.kind.what} (${sites.map((x) => siteLabel(x.fn, x.start)).join(', ')}), and this function is handed one (${siteLabel(r.kind.caller, r.kind.start)})`;
      const related = [
        relatedAt(file, f, r.acquire.start, r.acquire.end, `locked for ${r.arg} here`),
        ...sites.map((x) => relatedAt(file, x.fn, x.start, x.end, `${locationLabel(r.loc)} changed here without the scheduler lock`)),
        relatedAt(file, r.kind.caller, r.kind.start, r.kind.end, `handed ${r.kind.what} here`),
      ];
      out.add(
        file,
        finding(meta, f.fn, {
          start: r.release.start,
          end: r.release.end,
          related,
          message: `${r.call}() names what it releases by ${r.arg} read again, but the lock was taken by ${r.acquire.call}(${r.arg}) at line ${lineNo(file, r.acquire.start)}, and ${locationLabel(r.loc)} ${why}: the release can name another object than the one locked (keep the one locked in a local).`,
        }),
      );
    }
  }
  for (const m of mixedBitUpdates(d)) {
    const file = m.fn.file;
    if (m.plain) {
      const o = m.plain[0]!;
      out.add(
        file,
        finding(meta, m.fn.fn, {
          start: m.site.start,
          end: m.site.end,
          related: m.plain
            .slice(0, 3)
            .map((x) => relatedAt(file, x.fn, x.site.start, x.site.end, `${op(x.site)} here (${siteLabel(x.fn, x.site.start)})`)),
          message: `${op(m.site)} on ${locationLabel(m.site.loc)} is a plain read-modify-write under ${(m.locks ?? []).join(', ')}, but ${op(o.site)} in ${siteLabel(o.fn, o.site.start)} updates the same word under ${o.locks.join(', ')}, and neither lock excludes the other update: a bit set or cleared there between the read and the write here is lost (use atomic bit operations, or one lock).`,
        }),
      );
      continue;
    }
    const a = m.atomic[0]!;
    const others = m.atomic.length === 1 ? 'another site updates' : `${m.atomic.length} other sites update`;
    out.add(
      file,
      finding(meta, m.fn.fn, {
        start: m.site.start,
        end: m.site.end,
        related: m.atomic
          .slice(0, 3)
          .map((x) => relatedAt(file, x.fn, x.site.start, x.site.end, `${x.site.op}() here (${siteLabel(x.fn, x.site.start)})`)),
        message: `${op(m.site)} on ${locationLabel(m.site.loc)} is a plain read-modify-write, but ${others} it with atomic bit operations and no lock held at all of them (e.g. ${a.site.op}() in ${siteLabel(a.fn, a.site.start)}): a bit set or cleared there between the read and the write here is lost.`,
      }),
    );
  }
  return out.shares();
}

export const xsr014: Rule = { meta, check: noFunctionFindings, checkFolder };
