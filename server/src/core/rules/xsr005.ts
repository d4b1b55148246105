// XSR005 redundant-sleep-or-recheck: around a start/finish pair, a separate
// vcpu_sleep_nosync() (the start already sleeps the vCPU under the lock) or a
// pause_flags migrating test (the finish tests the flag itself).
import type { FileAnalysis, Rule } from '../analyzer';
import type { CoreDiagnostic } from '../diagnostics';
import { fixRedundant } from '../fix/protocolFixes';
import type { FunctionLocks } from '../locks/analyze';
import { FINISH_CALLS, Graph, SLEEP_CALL, START_CALLS, callsNamed, diagnostic, firstCall, isMigratingTest } from './protocol';

export const xsr005: Rule = {
  codes: ['XSR005'],
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    const g = new Graph(fn);
    const nodes = g.reachableNodes();
    const starts = nodes.filter((n) => callsNamed(n, START_CALLS).length);
    const finishes = nodes.filter((n) => callsNamed(n, FINISH_CALLS).length);
    if (starts.length === 0 && finishes.length === 0) return [];
    // "Around the pair": after a start, or before a finish.
    const around = new Set<number>();
    for (const s of starts) for (const id of g.reachable(s.id)) around.add(id);
    for (const f of finishes) for (const id of g.reaching(f.id)) around.add(id);
    const out: CoreDiagnostic[] = [];
    for (const n of nodes) {
      if (!around.has(n.id)) continue;
      const sleep = n.kind === 'stmt' ? firstCall(n, SLEEP_CALL) : undefined;
      if (sleep) {
        const fix = fixRedundant(file, fn, n, 'sleep');
        const d = diagnostic(fn, {
          code: 'XSR005', start: sleep.start, end: sleep.end, tags: ['unnecessary'], fixable: !!fix,
          related: [...starts, ...finishes].map((x) => ({ start: x.start, end: x.end, message: 'the start/finish pair' })),
          message: `separate ${SLEEP_CALL}() around a migrate start/finish pair: the start already calls vcpu_sleep_nosync_locked() under the lock, so this only retakes the lock for nothing.`,
        });
        if (fix) {
          d.edits = fix;
          d.fixTitle = `Remove the redundant ${SLEEP_CALL}()`;
        }
        out.push(d);
      } else if (isMigratingTest(file, n)) {
        const fix = fixRedundant(file, fn, n, 'recheck');
        const d = diagnostic(fn, {
          code: 'XSR005', start: n.start, end: n.end, tags: ['unnecessary'], fixable: !!fix,
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
