// XSR015 unprotected-iteration: a list walked outside the lock that keeps it
// stable (`for_each_domain` outside `rcu_read_lock(&domlist_read_lock)`,
// `for_each_cpupool` outside `cpupool_lock`, a guarded list without its
// guard), and a per-CPU scheduler lock taken raw through its pointer, which
// switch_sched can re-route between the read and the acquire.
import type { FileAnalysis } from '../analysis';
import { FolderFindings, locationLabel, noFunctionFindings, plural, relatedAt, runDiscipline, siteLabel } from './guardWords';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR015',
  slug: 'unprotected-iteration',
  severity: 'error',
  summary:
    'A protected list walked outside its lock, or a per-CPU schedule_lock pointer locked raw instead of through the helper that re-validates it.',
};

const lockCall = (l: string): string =>
  l.startsWith('rcu(') ? `rcu_read_lock(&${l.slice(4, -1)})` : l === 'sched(cpu)' ? "the pCPU's scheduler lock" : l;

function checkFolder(files: readonly FileAnalysis[]): { file: FileAnalysis; diagnostics: ReturnType<typeof finding>[] }[] {
  const d = runDiscipline(files);
  if (!d) return [];
  const out = new FolderFindings();
  for (const it of d.iterations) {
    if (!it.fn.reported) continue;
    const file = it.fn.file;
    let message: string;
    const related = [];
    if (it.kind === 'protected') {
      message = `${it.macro}() walks ${it.what} outside ${it.locks.map(lockCall).join(' or ')}: an element can be unlinked and freed under the walk.`;
    } else if (it.kind === 'guarded') {
      const g = it.guard!;
      message = `${it.macro}() walks ${locationLabel(it.what)} without ${g.lock}, which is held at ${g.held} of its ${plural(g.total - 1, 'other access', 'other accesses')}: a concurrent list_del() can leave the walk on a freed or looping element.`;
      for (const x of g.guarded.slice(0, 3))
        related.push(relatedAt(file, x.fn, x.start, x.end, `${g.lock} held here (${siteLabel(x.fn, x.start)})`));
    } else {
      message = `${it.macro}(${it.what}) takes the pCPU's scheduler lock through a pointer that switch_sched can re-route between the read and the acquire: use the pcpu_/unit_schedule_lock helpers, which re-check it.`;
    }
    out.add(file, finding(meta, it.fn.fn, { start: it.start, end: it.end, related, message }));
  }
  // A walk in a helper whose callers reach it, from an entry point, without the lock.
  for (const u of d.unmet) {
    const it = u.requirement.iteration;
    if (!it || !u.caller.reported) continue;
    const file = u.caller.file;
    const held = u.entry.held.length ? `holding only ${u.entry.held.join(', ')}` : 'holding nothing';
    out.add(
      file,
      finding(meta, u.caller.fn, {
        start: u.call.start,
        end: u.call.end,
        related: [relatedAt(file, it.fn, it.start, it.end, `${it.macro}() walks ${it.list} here (${siteLabel(it.fn, it.start)})`)],
        message: `${u.callee.name}() leads to ${it.macro}() walking ${it.list} (${siteLabel(it.fn, it.start)}), but ${u.caller.name}() is an entry point (${u.entry.via}) entered ${held} and takes none of ${(u.requirement.alternatives ?? [u.requirement.lock]).map(lockCall).join(' or ')} before the call: an element can be unlinked and freed under the walk.`,
      }),
    );
  }
  return out.shares();
}

export const xsr015: Rule = { meta, check: noFunctionFindings, checkFolder };
