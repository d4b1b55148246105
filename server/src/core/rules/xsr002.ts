// XSR002 migrate-start-unlocked: a start reached where the vCPU's (unit's)
// scheduler lock is not held on every path. Scheduler-lock names alias
// (`sched(v)`, `sched(v->processor)`, `sched(cpu)`), so a must-held lock whose
// name mentions the started expression counts, and so does the only
// must-held scheduler lock unless it is named after another vCPU or unit.
import type { FileAnalysis, Rule } from '../analyzer';
import type { CoreDiagnostic, Related } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import {
  Graph, START_CALLS, callsNamed, covers, diagnostic, functionText, mustSched,
} from './protocol';

export const xsr002: Rule = {
  codes: ['XSR002'],
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    const out: CoreDiagnostic[] = [];
    const g = new Graph(fn);
    const text = functionText(file, fn);
    for (const node of g.reachableNodes()) {
      for (const call of callsNamed(node, START_CALLS)) {
        const target = call.args[0]?.text ?? '';
        const held = mustSched(fn.before[node.id]!);
        if (covers(held, target, text)) continue;
        const related: Related[] = [];
        for (const s of fn.before[node.id]!) {
          for (const h of s.held) if (h.kind === 'sched' && !related.some((r) => r.start === h.at)) related.push({ start: h.at, end: h.at, message: `${h.name} taken here${h.maybe ? ' (on some paths only)' : ''}` });
        }
        const why = held.length === 0 ? 'no scheduler lock is held on every path here' : `only ${held.map((h) => h.name).join(', ')} is held here, not the lock of ${target}`;
        out.push(diagnostic(fn, {
          code: 'XSR002', start: call.start, end: call.end, related,
          message: `${call.name}(${target}) needs the scheduler lock of ${target}, but ${why}: the flag write and the runqueue removal would race with the scheduler.`,
        }));
      }
    }
    return out;
  },
};
