// XSR013 forbidden-in-atomic: a call that must not run with interrupts off
// or a lock held (the table with each entry's reason is xen/interrupts.ts),
// made where the path has interrupts off or holds such a lock for certain.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { entryIrqWords } from './irqWords';
import { finding, lineNo } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR013',
  slug: 'forbidden-in-atomic',
  severity: 'error',
  summary: 'A call that must not run with interrupts disabled or a spinlock held, made inside such a region.',
};

function check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  for (const e of fn.irqEvents) {
    if (e.k !== 'forbidden') continue;
    const entered = e.since === fn.syntax.start;
    const where =
      e.why === 'irqOff'
        ? entered
          ? `with interrupts disabled (${fn.syntax.name}() is entered so: ${entryIrqWords(fn)})`
          : `with interrupts disabled (since line ${lineNo(file, e.since)})`
        : `with ${e.lock} held (${entered ? 'held on entry' : `taken at line ${lineNo(file, e.since)}`})`;
    out.push(
      finding(meta, fn, {
        start: e.start,
        end: e.end,
        message: `${e.via}() called ${where}: ${e.reason}`,
        related: entered
          ? []
          : [{ start: e.since, end: e.since, message: e.why === 'irqOff' ? 'interrupts disabled here' : `${e.lock} taken here` }],
      }),
    );
  }
  return out;
}

export const xsr013: Rule = { meta, check };
