// XSR003 migrate-finish-locked: a finish reached where some path holds a
// scheduler lock. The finish takes two scheduler locks itself.
import type { FileAnalysis, Rule } from '../analyzer';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { FINISH_CALLS, Graph, callsNamed, diagnostic, maySched } from './protocol';

export const xsr003: Rule = {
  codes: ['XSR003'],
  check(_file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    const out: CoreDiagnostic[] = [];
    for (const node of new Graph(fn).reachableNodes()) {
      for (const call of callsNamed(node, FINISH_CALLS)) {
        const held = maySched(fn.before[node.id]!);
        if (held.length === 0) continue;
        const names = held.map((h) => h.name).join(', ');
        out.push(diagnostic(fn, {
          code: 'XSR003', start: call.start, end: call.end,
          related: held.map((h) => ({ start: h.at, end: h.at, message: `${h.name} taken here` })),
          message: `${call.name}() is reached while ${names} may be held: it takes the old and new pCPU's scheduler locks itself, so holding one here can deadlock or self-deadlock.`,
        }));
      }
    }
    return out;
  },
};
