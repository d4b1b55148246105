// XSR002 migrate-start-unlocked: a start reached where the vCPU's (unit's)
// scheduler lock is not held on every path. Scheduler-lock names alias
// (`sched(v)`, `sched(v->processor)`, `sched(cpu)`), so a must-held lock whose
// name mentions the started expression counts, and so does the only
// must-held scheduler lock unless it is named after another vCPU or unit.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic, Related } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { covers, functionText, graphOf, migrationKindsIn, mustSched, opsAt } from '../migration/view';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR002',
  slug: 'migrate-start-unlocked',
  severity: 'error',
  summary: "A migrate start reached without the vCPU's (unit's) scheduler lock held.",
};

export const xsr002: Rule = {
  meta,
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    if (!migrationKindsIn(fn).has('migrateStart')) return [];
    const out: CoreDiagnostic[] = [];
    const g = graphOf(fn);
    const text = functionText(file, fn);
    for (const node of g.reachableNodes()) {
      for (const op of opsAt(node, 'migrateStart')) {
        const target = op.entity;
        const held = mustSched(fn.before[node.id]!);
        if (covers(held, target, text)) continue;
        const related: Related[] = [];
        for (const s of fn.before[node.id]!) {
          for (const h of s.held)
            if (h.kind === 'sched' && !related.some((r) => r.start === h.at))
              related.push({ start: h.at, end: h.at, message: `${h.name} taken here${h.maybe ? ' (on some paths only)' : ''}` });
        }
        const why =
          held.length === 0
            ? 'no scheduler lock is held on every path here'
            : `only ${held.map((h) => h.name).join(', ')} is held here, not the lock of ${target}`;
        out.push(
          finding(meta, fn, {
            start: op.start,
            end: op.end,
            related,
            message: `${op.name}(${target}) needs the scheduler lock of ${target}, but ${why}: the flag write and the runqueue removal would race with the scheduler.`,
          }),
        );
      }
    }
    return out;
  },
};
