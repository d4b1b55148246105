// XSR001 old-migration-sequence: the pre-2018 initiator sequence.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic, Related } from '../diagnostics';
import { fixOldSequence } from '../fix/oldSequence';
import type { FunctionLocks } from '../locks/analyze';
import { oldSequences } from '../migration/oldSequence';
import { finishName, startName } from '../xen/migration';
import { finding, lineNo } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR001',
  slug: 'old-migration-sequence',
  severity: 'error',
  summary: 'The pre-2018 migration sequence: _VPF_migrating set under the lock, sleep and vcpu_migrate() after the unlock.',
  fix: 'Rewrites to lock, vcpu_migrate_start() in place of the flag write, unlock, unconditional vcpu_migrate_finish().',
};

export const xsr001: Rule = {
  meta,
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    const out: CoreDiagnostic[] = [];
    for (const seq of oldSequences(file, fn).sequences) {
      const w = seq.writes[0]!;
      const related: Related[] = [{ start: seq.lock.at, end: seq.lock.at, message: `${seq.lock.name} taken here` }];
      for (const u of seq.unlocks) related.push({ start: u.start, end: u.end, message: `${seq.lock.name} released here` });
      for (const s of seq.sleeps) related.push({ start: s.start, end: s.end, message: 'separate sleep after the unlock' });
      related.push({ start: seq.migrate.start, end: seq.migrate.end, message: 'old vcpu_migrate() call' });
      const sites =
        seq.writes.length > 1
          ? ` (${seq.writes.length} flag writes, lines ${seq.writes.map((x) => lineNo(file, x.start)).join(', ')})`
          : '';
      const fix = fixOldSequence(file, fn, seq);
      const d = finding(meta, fn, {
        start: w.start,
        end: w.end,
        related,
        fixable: !!fix,
        message: `old migration sequence${sites}: _VPF_migrating is set under ${seq.lock.name} but the vCPU is only put to sleep after the unlock (line ${lineNo(file, seq.migrate.start)}), so context_saved() can migrate it while it still sits on a runqueue; use ${startName(seq.era)}() under the lock and ${finishName(seq.era)}() after it.`,
      });
      if (fix) {
        d.edits = fix;
        d.fixTitle = `Rewrite to ${startName(seq.era)}() / ${finishName(seq.era)}()`;
      }
      out.push(d);
    }
    return out;
  },
};
