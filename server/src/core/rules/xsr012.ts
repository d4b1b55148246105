// XSR012 irq-enabled-in-irq-off-context: interrupts turned back on (an `_irq`
// unlock, local_irq_enable) in a function entered with them off, or an `_irq`
// lock taken where they are off already (its ASSERT fails in debug builds and
// its unlock turns them on). The events come from locks/irq.ts.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { entryIrqWords } from './irqWords';
import { finding, lineNo } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR012',
  slug: 'irq-enabled-in-irq-off-context',
  severity: 'error',
  summary: 'An _irq unlock or local_irq_enable in a function entered with interrupts disabled.',
  fix: 'use the _irqsave/_irqrestore pair',
};

function check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  for (const e of fn.irqEvents) {
    if (e.k !== 'irqReenable') continue;
    const acquire = /_lock_irq$|_trylock_irq$/.test(e.via);
    if (!acquire && e.lock === '' && e.entry && handsBack(fn)) continue;
    const context = e.entry
      ? `${fn.syntax.name}() is entered with interrupts disabled (${entryIrqWords(fn)})`
      : `interrupts are already disabled here (since line ${lineNo(file, e.offAt)})`;
    const message = acquire
      ? `${e.via}() with interrupts already disabled: ${context}; it ASSERTs they are enabled in debug builds, and its unlock turns them on behind the caller's back: use the _irqsave/_irqrestore pair`
      : `${e.via}() turns interrupts back on, but ${context}: use the _irqsave/_irqrestore pair`;
    out.push(
      finding(meta, fn, {
        start: e.start,
        end: e.end,
        message,
        related: e.entry ? [] : [{ start: e.offAt, end: e.offAt, message: 'interrupts disabled here' }],
      }),
    );
  }
  return out;
}

/**
 * A function Xen enters with interrupts off and no lock held (a rendezvous
 * callback) that turns them on for a while and off again on every path
 * before it returns (4.1-4.13 rcu_barrier_action: ASSERT off, enable, wait
 * for softirqs, disable) hands back what it got, and no lock of a caller's
 * is held meanwhile: nothing is turned on behind anyone's back.
 */
function handsBack(fn: FunctionLocks): boolean {
  const exit = fn.before[fn.cfg.exit] ?? [];
  return !!fn.entryIrqBare && exit.length > 0 && exit.every((s) => s.irq && !s.irq.on && s.held.length === 0);
}

export const xsr012: Rule = { meta, check };
