// XSR005 redundant-sleep-or-recheck: around a start/finish pair, a separate
// vcpu_sleep_nosync() (the start already sleeps the vCPU under the lock) or a
// pause_flags migrating test (the finish tests the flag itself).
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic } from '../diagnostics';
import { fixRedundant } from '../fix/protocolFixes';
import type { FunctionLocks } from '../locks/analyze';
import { graphOf, isMigratingTest, migrationKindsIn, opsAt } from '../migration/view';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR005',
  slug: 'redundant-sleep-or-recheck',
  severity: 'warning',
  summary: 'A separate vcpu_sleep_nosync() or pause_flags re-check around a start/finish pair.',
  fix: 'Removes the sleep, or unwraps the re-check around the finish.',
};

export const xsr005: Rule = {
  meta,
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    const kinds = migrationKindsIn(fn);
    if (!kinds.has('migrateStart') && !kinds.has('migrateFinish')) return [];
    const g = graphOf(fn);
    const nodes = g.reachableNodes();
    const starts = nodes.filter((n) => opsAt(n, 'migrateStart').length);
    const finishes = nodes.filter((n) => opsAt(n, 'migrateFinish').length);
    if (starts.length === 0 && finishes.length === 0) return [];
    // "Around the pair": after a start, or before a finish.
    const around = new Set<number>();
    for (const s of starts) for (const id of g.reachable(s.id)) around.add(id);
    for (const f of finishes) for (const id of g.reaching(f.id)) around.add(id);
    const out: CoreDiagnostic[] = [];
    for (const n of nodes) {
      if (!around.has(n.id)) continue;
      const sleep = n.kind === 'stmt' ? opsAt(n, 'sleep')[0] : undefined;
      if (sleep) {
        const fix = fixRedundant(file, fn, n, 'sleep');
        const d = finding(meta, fn, {
          start: sleep.start,
          end: sleep.end,
          tags: ['unnecessary'],
          fixable: !!fix,
          related: [...starts, ...finishes].map((x) => ({ start: x.start, end: x.end, message: 'the start/finish pair' })),
          message: `separate ${sleep.name}() around a migrate start/finish pair: the start already calls vcpu_sleep_nosync_locked() under the lock, so this only retakes the lock for nothing.`,
        });
        if (fix) {
          d.edits = fix;
          d.fixTitle = `Remove the redundant ${sleep.name}()`;
        }
        out.push(d);
      } else if (isMigratingTest(file, n)) {
        const fix = fixRedundant(file, fn, n, 'recheck');
        const d = finding(meta, fn, {
          start: n.start,
          end: n.end,
          tags: ['unnecessary'],
          fixable: !!fix,
          related: [...starts, ...finishes].map((x) => ({ start: x.start, end: x.end, message: 'the start/finish pair' })),
          message: `pause_flags migrating re-check around a migrate start/finish pair: the finish returns at once when the flag is clear or the vCPU runs, so the test is redundant and only invites races.`,
        });
        if (fix) {
          d.edits = fix;
          d.fixTitle = 'Remove the redundant re-check';
        }
        out.push(d);
      }
    }
    return out;
  },
};
