// XSR001 old-migration-sequence: the pre-2018 initiator sequence.
import type { FileAnalysis, Rule } from '../analyzer';
import type { CoreDiagnostic, Related } from '../diagnostics';
import { fixOldSequence } from '../fix/oldSequence';
import type { FunctionLocks } from '../locks/analyze';
import { oldSequences } from './oldSequence';
import { diagnostic, finishName, lineNo, startName } from './protocol';

export const xsr001: Rule = {
  codes: ['XSR001'],
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    const out: CoreDiagnostic[] = [];
    for (const seq of oldSequences(file, fn).sequences) {
      const w = seq.writes[0]!;
      const related: Related[] = [{ start: seq.lock.at, end: seq.lock.at, message: `${seq.lock.name} taken here` }];
      for (const u of seq.unlocks) related.push({ start: u.start, end: u.end, message: `${seq.lock.name} released here` });
      for (const s of seq.sleeps) related.push({ start: s.start, end: s.end, message: 'separate sleep after the unlock' });
      related.push({ start: seq.migrate.start, end: seq.migrate.end, message: 'old vcpu_migrate() call' });
      const sites = seq.writes.length > 1 ? ` (${seq.writes.length} flag writes, lines ${seq.writes.map((x) => lineNo(file, x.start)).join(', ')})` : '';
      const fix = fixOldSequence(file, fn, seq);
      const d = diagnostic(fn, {
        code: 'XSR001', start: w.start, end: w.end, related, fixable: !!fix,
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
