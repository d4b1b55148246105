// The text form of a simulation result, for the command line and for LSP
// clients that show text (the `xsr.simulate` command returns it beside the
// JSON): what was modelled, the verdict with its details (the two racing
// steps, the failing assertion, the lock cycle), a step table with one column
// per acting thread and the state changes of each step (the variables'
// values included), then the statistics and notes.
import type { SimResult, StateView, TraceStep } from '../../../../sim/src/types';

/** How the caller colours words (the CLI's terminal styles; plain text by default). */
type Paint = (style: 'bold' | 'red' | 'green' | 'yellow' | 'dim', text: string) => string;

export interface SimTextOptions {
  title: string;
  paint?: Paint;
  /** Makes text from files and names safe for the output (the CLI strips control characters). */
  safe?: (text: string) => string;
}

const COL = 34;

export function simulationText(r: SimResult, o: SimTextOptions): string {
  const paint: Paint = o.paint ?? ((_s, t) => t);
  const safe = o.safe ?? ((t: string) => t);
  const out: string[] = [];
  out.push(paint('bold', safe(o.title)));
  out.push(safe(modelLine(r)));
  const verdict =
    r.result === 'violation'
      ? paint('red', `VIOLATION of ${r.invariant}`)
      : r.result === 'verified'
        ? paint('green', 'VERIFIED')
        : r.result === 'nothing-to-check'
          ? paint('yellow', 'NOTHING TO CHECK')
          : paint('yellow', 'LIMIT');
  out.push(`result: ${verdict}: ${safe(r.message)}`);
  for (const d of details(r)) out.push(safe(d));
  if (r.trace.length) {
    // One column per thread that acts in the trace (idle threads would only add blank columns).
    const acting = new Set(r.trace.map((s) => s.thread));
    const lanes = (r.threads ?? [...acting]).filter((t) => acting.has(t));
    const mark = (s: TraceStep): string => (r.race && (s.step === r.race.first || s.step === r.race.second) ? '*' : ' ');
    out.push('');
    out.push(['step', ...lanes.map((l) => cell(safe(l))), 'changes'].join(' | '));
    out.push(['----', ...lanes.map(() => '-'.repeat(COL)), '-------'].join('-|-'));
    let prev: StateView | undefined;
    for (const s of r.trace) {
      const cells = lanes.map((l) => cell(l === s.thread ? safe(action(s)) : ''));
      out.push([`${mark(s)}${String(s.step).padStart(3)}`, ...cells, safe(changes(prev, s.state))].join(' | '));
      prev = s.state;
    }
  }
  out.push('');
  out.push(
    `stats: ${r.stats.states} states, ${r.stats.transitions} transitions${r.stats.executions !== undefined ? `, ${r.stats.executions} executions` : ''}, ${r.stats.ms} ms, reduction ${r.stats.reduction}`,
  );
  for (const n of r.notes ?? []) out.push(`note: ${safe(n)}`);
  for (const s of r.model?.skipped ?? []) if (!(r.notes ?? []).includes(s)) out.push(`skipped: ${safe(s)}`);
  return out.join('\n');
}

/** What the model is made of, on one line. */
function modelLine(r: SimResult): string {
  const m = r.model;
  if (!m) return `model: threads ${(r.threads ?? []).join(', ')}`;
  const threads = m.threads.map((t) => (t.name.endsWith(`:${t.function}`) || t.name === t.function ? t.name : `${t.name} (${t.function})`));
  return `model: threads ${threads.join(', ')}; locations ${m.locations.length ? m.locations.join(', ') : 'none'}`;
}

/** The verdict's details: where the race is, which assertion fails, the lock cycle. */
function details(r: SimResult): string[] {
  const out: string[] = [];
  const at = (n: number): string => {
    const s = r.trace[n - 1];
    return s ? `step ${n} (${s.thread}${s.line !== undefined ? `, line ${s.line}` : ''}: ${s.action})` : `step ${n}`;
  };
  if (r.race) out.push(`race on ${r.race.location}: ${at(r.race.first)} and ${at(r.race.second)}`);
  if (r.assertion) {
    const where = r.assertion.file ? ` at ${r.assertion.file}${r.assertion.line !== undefined ? `:${r.assertion.line}` : ''}` : '';
    out.push(`assertion: ${r.assertion.text}${where}`);
  }
  if (r.cycle)
    out.push(`lock cycle: ${r.cycle.map((c) => `${c.thread} holds ${c.holds.join(', ') || 'nothing'}, wants ${c.wants}`).join('; ')}`);
  return out;
}

/** The step's source line first (as the replay panel shows it), so a long action never truncates it away. */
function action(s: TraceStep): string {
  return s.line !== undefined ? `L${s.line} ${s.action}` : s.action;
}

function cell(text: string): string {
  return text.length > COL ? `${text.slice(0, COL - 1)}…` : text.padEnd(COL);
}

/** What differs from the previous step's state, in a few words. */
function changes(prev: StateView | undefined, cur: StateView): string {
  const before: StateView = prev ?? { processor: {}, running: {}, runq: {}, flags: {}, locks: {} };
  const parts: string[] = [];
  for (const [v, p] of Object.entries(cur.processor)) if (before.processor[v] !== p) parts.push(`${v}->processor=${p}`);
  for (const [c, v] of Object.entries(cur.running)) if (before.running[c] !== v) parts.push(`curr(${c})=${v ?? '-'}`);
  for (const [c, q] of Object.entries(cur.runq))
    if (JSON.stringify(before.runq[c]) !== JSON.stringify(q)) parts.push(`runq(${c})=[${q.join(',')}]`);
  for (const [v, f] of Object.entries(cur.flags))
    if (JSON.stringify(before.flags[v]) !== JSON.stringify(f)) parts.push(`${v}.flags={${f.join(',')}}`);
  for (const [name, value] of Object.entries(cur.vars ?? {})) if (prev?.vars?.[name] !== value) parts.push(`${name}=${String(value)}`);
  const locks = new Set([...Object.keys(before.locks), ...Object.keys(cur.locks)]);
  for (const l of locks) if (before.locks[l] !== cur.locks[l]) parts.push(cur.locks[l] ? `${l}:${cur.locks[l]}` : `${l} free`);
  return parts.join(' ');
}
