// Renders a path through the state graph as the contract's TraceStep list.

import type { PathStep } from './engine';
import { stateView } from './state';
import type { TraceStep } from './types';
import type { XenSystem } from './xenSystem';

export function renderTrace(sys: XenSystem, path: PathStep[]): TraceStep[] {
  const { L, names } = sys.ctx;
  let s = sys.initial();
  return path.map(({ thread, outcome }, i) => {
    const o = sys.step(s, thread)?.[outcome];
    if (!o) throw new Error(`trace replay: thread ${names.threads[thread]} cannot move at step ${i + 1}`);
    s = o.state;
    const step: TraceStep = { step: i + 1, thread: names.threads[thread]!, action: o.label, state: stateView(L, s, names) };
    if (o.src) {
      step.file = o.src.file;
      step.line = o.src.line;
    }
    if (o.text !== undefined) step.text = o.text;
    return step;
  });
}
