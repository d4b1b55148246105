// XSR003 migrate-finish-locked: a finish reached where some path holds a
// scheduler lock. The finish takes two scheduler locks itself.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { graphOf, maySched, migrationKindsIn, opsAt } from '../migration/view';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR003',
  slug: 'migrate-finish-locked',
  severity: 'error',
  summary: 'A migrate finish reached while a scheduler lock is held.',
};

export const xsr003: Rule = {
  meta,
  check(_file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    if (!migrationKindsIn(fn).has('migrateFinish')) return [];
    const out: CoreDiagnostic[] = [];
    for (const node of graphOf(fn).reachableNodes()) {
      for (const op of opsAt(node, 'migrateFinish')) {
        const held = maySched(fn.before[node.id]!);
        if (held.length === 0) continue;
        const names = held.map((h) => h.name).join(', ');
        out.push(
          finding(meta, fn, {
            start: op.start,
            end: op.end,
            related: held.map((h) => ({ start: h.at, end: h.at, message: `${h.name} taken here` })),
            message: `${op.name}() is reached while ${names} may be held: it takes the old and new pCPU's scheduler locks itself, so holding one here can deadlock or self-deadlock.`,
          }),
        );
      }
    }
    return out;
  },
};
