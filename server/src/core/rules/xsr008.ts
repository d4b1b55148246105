// XSR008 old-migrate-call: vcpu_migrate() outside the initiator sequence
// (context_saved() behind a flag test). Safe, but the renamed finish tests the
// flag itself, so the call becomes an unconditional vcpu_migrate_finish().
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic } from '../diagnostics';
import { fixStrayMigrate } from '../fix/oldSequence';
import type { FunctionLocks } from '../locks/analyze';
import { oldSequences } from '../migration/oldSequence';
import { opsAt } from '../migration/view';
import { OLD_MIGRATE } from '../xen/migration';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR008',
  slug: 'old-migrate-call',
  severity: 'information',
  summary: 'The old vcpu_migrate() called outside the initiator sequence.',
  fix: 'Calls vcpu_migrate_finish() unconditionally instead.',
};

export const xsr008: Rule = {
  meta,
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    // The definition of vcpu_migrate() itself (a recursive retry would be its own business).
    if (fn.syntax.name === OLD_MIGRATE) return [];
    const out: CoreDiagnostic[] = [];
    for (const m of oldSequences(file, fn).strayMigrates) {
      const call = opsAt(m, 'oldMigrate')[0]!;
      const fix = fixStrayMigrate(file, fn, m);
      const d = finding(meta, fn, {
        start: call.start,
        end: call.end,
        fixable: !!fix,
        message: `old-API vcpu_migrate() called outside the initiator sequence: safe here, but the renamed vcpu_migrate_finish() tests the migrating flag and the running state itself, so it can be called unconditionally.`,
      });
      if (fix) {
        d.edits = fix.edits;
        d.fixTitle = `Call ${fix.name}() unconditionally`;
      }
      out.push(d);
    }
    return out;
  },
};
