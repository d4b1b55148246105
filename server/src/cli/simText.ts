// The text form of a simulation: a step table with one column per thread and
// the state changes of each step, then the verdict and the statistics.
import type { Model, SimResult, StateView, TraceStep } from '../core/index';
import { paint, type Style, terminalSafe } from './output';

const COL = 34;

export function renderSimulation(r: SimResult, model: Model, title: string, style: Style): string {
  const out: string[] = [];
  out.push(paint(style, 'bold', terminalSafe(title)));
  out.push(
    `model: ${model.threads.length} initiator(s) ${model.threads.map((t) => t.name).join(', ')}; pCPUs ${model.pcpus.join(' ')}; context_saved: ${model.schedulers?.contextSaved ?? "none"} protocol`,
  );
  const verdict =
    r.result === 'violation'
      ? paint(style, 'red', `VIOLATION of ${r.invariant}`)
      : r.result === 'verified'
        ? paint(style, 'green', 'VERIFIED')
        : paint(style, 'yellow', 'LIMIT');
  out.push(`result: ${verdict}: ${terminalSafe(r.message)}`);
  if (r.trace.length) {
    // One column per thread that acts in the trace (idle threads would only add blank columns).
    const acting = new Set(r.trace.map((s) => s.thread));
    const lanes = (r.threads ?? [...acting]).filter((t) => acting.has(t));
    out.push('');
    out.push(['step', ...lanes.map((l) => cell(l)), 'changes'].join(' | '));
    out.push(['----', ...lanes.map(() => '-'.repeat(COL)), '-------'].join('-|-'));
    let prev: StateView | undefined;
    for (const s of r.trace) {
      const cells = lanes.map((l) => cell(l === s.thread ? action(s) : ''));
      out.push([String(s.step).padStart(4), ...cells, terminalSafe(changes(prev, s.state))].join(' | '));
      prev = s.state;
    }
  }
  out.push('');
  out.push(
    `stats: ${r.stats.states} states, ${r.stats.transitions} transitions${r.stats.executions !== undefined ? `, ${r.stats.executions} executions` : ''}, ${r.stats.ms} ms, reduction ${r.stats.reduction}`,
  );
  for (const n of r.notes ?? []) out.push(`note: ${terminalSafe(n)}`);
  return out.join('\n');
}

/** The step's source line first (as the replay panel shows it), so a long action never truncates it away. */
function action(s: TraceStep): string {
  return s.line !== undefined ? `L${s.line} ${s.action}` : s.action;
}

function cell(raw: string): string {
  const text = terminalSafe(raw);
  return text.length > COL ? `${text.slice(0, COL - 1)}…` : text.padEnd(COL);
}

/** What differs from the previous step's state, in a few words. */
function changes(prev: StateView | undefined, cur: StateView): string {
  if (!prev) return describe(cur);
  const parts: string[] = [];
  for (const [v, p] of Object.entries(cur.processor)) if (prev.processor[v] !== p) parts.push(`${v}->processor=${p}`);
  for (const [c, v] of Object.entries(cur.running)) if (prev.running[c] !== v) parts.push(`curr(${c})=${v ?? '-'}`);
  for (const [c, q] of Object.entries(cur.runq))
    if (JSON.stringify(prev.runq[c]) !== JSON.stringify(q)) parts.push(`runq(${c})=[${q.join(',')}]`);
  for (const [v, f] of Object.entries(cur.flags))
    if (JSON.stringify(prev.flags[v]) !== JSON.stringify(f)) parts.push(`${v}.flags={${f.join(',')}}`);
  const locks = new Set([...Object.keys(prev.locks), ...Object.keys(cur.locks)]);
  for (const l of locks) if (prev.locks[l] !== cur.locks[l]) parts.push(cur.locks[l] ? `${l}:${cur.locks[l]}` : `${l} free`);
  return parts.join(' ');
}

function describe(s: StateView): string {
  return changes({ processor: {}, running: {}, runq: {}, flags: {}, locks: {} }, s);
}
