// Renders a path through the state graph as the contract's TraceStep list.

import type { PathStep } from './engine';
import { showValue } from './shared';
import { gHolders } from './sharedActions';
import { type State, stateView } from './state';
import type { Ctx } from './step';
import type { StateView, TraceStep } from './types';
import type { XenSystem } from './xenSystem';

export function renderTrace(sys: XenSystem, path: PathStep[]): TraceStep[] {
  const { names } = sys.ctx;
  const first = path[0];
  let s = first && first.thread < 0 ? sys.initials()[first.outcome]! : sys.initial();
  const steps = first && first.thread < 0 ? path.slice(1) : path;
  return steps.map(({ thread, outcome }, i) => {
    const o = sys.step(s, thread)?.[outcome];
    if (!o) throw new Error(`trace replay: thread ${names.threads[thread]} cannot move at step ${i + 1}`);
    s = o.state;
    const step: TraceStep = { step: i + 1, thread: names.threads[thread]!, action: o.label, state: viewOf(sys.ctx, s) };
    if (o.src) {
      step.file = o.src.file;
      step.line = o.src.line;
    }
    if (o.text !== undefined) step.text = o.text;
    return step;
  });
}

/** The initial values of the general locations a path starts from (what the trace's first step changes). */
export function initialVars(sys: XenSystem, path: PathStep[]): Record<string, number | string | boolean> | undefined {
  const first = path[0];
  const s = first && first.thread < 0 ? sys.initials()[first.outcome]! : sys.initial();
  return viewOf(sys.ctx, s).vars;
}

/** The contract's state view: the Xen scheduler state, plus the general locations' values and locks. */
function viewOf(ctx: Ctx, s: State): StateView {
  const view = stateView(ctx.L, s, ctx.names);
  const ix = ctx.shared;
  if (!ix) return view;
  const vars: Record<string, number | string | boolean> = {};
  ix.spec.locations.forEach((l, i) => {
    if (l.domain.kind !== 'none') vars[l.name] = showValue(l.domain, s[ctx.L.gLoc(i)]!);
  });
  if (Object.keys(vars).length) view.vars = vars;
  ix.spec.locks.forEach((l, k) => {
    const holders = gHolders(ctx, s, k);
    if (holders.length === 0) return;
    const reading = s[ctx.L.gOwner(k)]! < 0;
    view.locks[reading ? `${l.name}:r` : l.name] = holders.map((t) => ctx.names.threads[t]!).join(', ');
  });
  return view;
}
