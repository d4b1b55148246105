// The story of a trace in a few sentences, built from what each step changed
// ("X (vcpu_set_affinity) marks v for migration under sched(A). pCPU A
// (context_saved) … moves v to B … Step 11 breaks INV1: …"), and the steps and
// state entries that break the invariant, which the panel marks. Pure.
import { threadLabel } from '../../server/src/contracts/webview/stepText';
import type { ReplayResult, ReplayState, ReplayStep } from '../../server/src/contracts/webview/trace';
import { rowId, stateRows } from './stateDiff';

/** What one step (`at`, its index) did, in words: a lock taken or dropped, or a change of the state. */
type Effect = ({ k: 'take' | 'drop'; lock: string } | { k: 'do'; text: string }) & { at: number };

const EMPTY: ReplayState = { processor: {}, running: {}, runq: {}, flags: {}, locks: {} };
const MAX_EPISODES = 5;

function flagText(v: string, f: string, set: boolean): string {
  if (f === 'migrating') return set ? `marks ${v} for migration` : `clears ${v}'s migrating flag`;
  if (f === 'is_running') return `${set ? 'sets' : 'clears'} ${v}->is_running`;
  return `${set ? 'sets' : 'clears'} ${v}'s ${f} flag`;
}

/**
 * The effects of step `at` going from `before` to `after` (the first step
 * knows no state before it: only its locks count): the locks it takes, what
 * it changes under them, the locks it drops.
 */
function effects(at: number, before: ReplayState | undefined, after: ReplayState): Effect[] {
  const out: Effect[] = [];
  const b = before ?? EMPTY;
  for (const [lock, holder] of Object.entries(after.locks)) {
    if (b.locks[lock] !== holder) out.push({ k: 'take', lock, at });
  }
  const drops: Effect[] = [];
  for (const [lock, holder] of Object.entries(b.locks)) {
    if (after.locks[lock] !== holder) drops.push({ k: 'drop', lock, at });
  }
  if (!before) return [...out, ...drops];
  const doing = (text: string): void => void out.push({ k: 'do', text, at });
  for (const [c, now] of Object.entries(after.running)) {
    const was = b.running[c] ?? null;
    if (was === now) continue;
    if (was && !now) doing(`deschedules ${was} from ${c}`);
    else if (!was && now) doing(`runs ${now} on ${c}`);
    else doing(`switches ${c} from ${was} to ${now}`);
  }
  for (const [c, q] of Object.entries(after.runq)) {
    const was = b.runq[c] ?? [];
    for (const v of q) if (!was.includes(v)) doing(`queues ${v} on ${c}`);
    for (const v of was) if (!q.includes(v)) doing(`takes ${v} off ${c}'s runqueue`);
  }
  for (const [v, c] of Object.entries(after.processor)) if (b.processor[v] !== c) doing(`moves ${v} to ${c}`);
  for (const [v, f] of Object.entries(after.flags)) {
    const was = b.flags[v] ?? [];
    for (const x of f) if (!was.includes(x)) doing(flagText(v, x, true));
    for (const x of was) if (!f.includes(x)) doing(flagText(v, x, false));
  }
  for (const [x, val] of Object.entries(after.vars ?? {})) if ((b.vars ?? {})[x] !== val) doing(`sets ${x} to ${String(val)}`);
  return [...out, ...drops];
}

/** A flag test the step decided (`pause_flags & VPF_migrating set -> …`): what the thread saw. */
function seen(step: ReplayStep): string | undefined {
  const m = /^(?:\w+: )?(.+ (?:set|clear)) -> /.exec(step.action);
  return m ? `sees ${m[1]}` : undefined;
}

function list(parts: readonly string[], last = ' and '): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')}${last}${parts[parts.length - 1]}`;
}

interface Phrase {
  text: string;
  /** The step it starts at. */
  at: number;
}

/** Phrases of an episode's effects: a lock taken, used and dropped becomes "… under L". */
function phrases(fx: readonly Effect[]): Phrase[] {
  const out: Phrase[] = [];
  for (let i = 0; i < fx.length; i++) {
    const e = fx[i]!;
    if (e.k === 'do') {
      out.push({ text: e.text, at: e.at });
      continue;
    }
    if (e.k === 'drop') {
      out.push({ text: `drops ${e.lock}`, at: e.at });
      continue;
    }
    const end = fx.findIndex((x, j) => j > i && x.k === 'drop' && x.lock === e.lock);
    const inner = end < 0 ? [] : phrases(fx.slice(i + 1, end));
    if (end < 0 || inner.length === 0) {
      out.push({ text: end < 0 ? `takes ${e.lock}` : `takes and drops ${e.lock}`, at: e.at });
      if (end >= 0) i = end;
      continue;
    }
    out.push({ text: `${list(inner.map((p) => p.text))} under ${e.lock}`, at: e.at });
    i = end;
  }
  return out;
}

/** What an episode did: what one step does together joined by "and", the steps in turn by commas and a last "then". */
function sequence(said: readonly Phrase[]): string {
  const steps: string[][] = [];
  let at = -1;
  for (const p of said) {
    if (p.at !== at || steps.length === 0) steps.push([]);
    steps[steps.length - 1]!.push(p.text);
    at = p.at;
  }
  return list(
    steps.map((s) => list(s)),
    ', then ',
  );
}

/** A thread's name for the story, with the function its steps run (`pCPU A (context_saved)`). */
function actor(r: ReplayResult, steps: readonly ReplayStep[]): string {
  const functions = new Map((r.model?.threads ?? []).map((t) => [t.name, t.function]));
  const label = threadLabel(steps[0]!.thread, functions);
  if (label !== steps[0]!.thread) return label;
  const fn = steps.map((s) => /^(\w+): /.exec(s.action)?.[1]).find((f) => f !== undefined);
  return fn ? `${label} (${fn})` : label;
}

const stepNo = (r: ReplayResult, index: number): number => r.trace[index]?.step ?? index + 1;

/** The last sentence: what breaks, and where. */
function ending(r: ReplayResult): string | undefined {
  if (r.result !== 'violation') return undefined;
  const last = r.trace.length ? `step ${stepNo(r, r.trace.length - 1)}` : 'the start';
  const msg = r.message.trim().replace(/\.$/, '');
  switch (r.invariant) {
    case 'RACE':
      return r.race
        ? `Steps ${r.race.first} and ${r.race.second} race on ${r.race.location}: neither holds a lock the other takes${msg ? ` (${msg})` : ''}.`
        : `${msg}.`;
    case 'ASSERT':
      return r.assertion ? `At ${last}, ${r.assertion.text} fails (line ${r.assertion.line}).` : `At ${last} an assertion fails: ${msg}.`;
    case 'DEADLOCK':
      return r.cycle?.length
        ? `Then no thread can go on: ${r.cycle.map((c) => `${c.thread} holds ${[c.holds].flat().join(', ') || 'nothing'} and waits for ${c.wants}`).join('; ')}.`
        : `Then no thread can go on: ${msg}.`;
    default:
      return `${last[0]!.toUpperCase()}${last.slice(1)} breaks ${r.invariant ?? 'an invariant'}${msg ? `: ${msg}` : ''}.`;
  }
}

/** The story of a violation trace in a few sentences (none for other results). */
export function storyOf(r: ReplayResult): string[] {
  if (r.result !== 'violation') return [];
  const episodes: string[] = [];
  for (let i = 0; i < r.trace.length;) {
    let j = i;
    while (j < r.trace.length && r.trace[j]!.thread === r.trace[i]!.thread) j++;
    const steps = r.trace.slice(i, j);
    const fx: Effect[] = [];
    steps.forEach((s, k) => {
      const change = effects(i + k, i + k > 0 ? r.trace[i + k - 1]!.state : undefined, s.state);
      const saw = seen(s);
      if (change.length === 0 && saw) fx.push({ k: 'do', text: saw, at: i + k });
      fx.push(...change);
    });
    const said = phrases(fx);
    if (said.length) episodes.push(`${actor(r, steps)} ${sequence(said)}.`);
    i = j;
  }
  const shown =
    episodes.length > MAX_EPISODES
      ? [episodes[0]!, `(${episodes.length - MAX_EPISODES + 1} more episodes.)`, ...episodes.slice(-(MAX_EPISODES - 2))]
      : episodes;
  const end = ending(r);
  return end ? [...shown, end] : shown;
}

/** The steps (by index) and state entries (row ids, at the breaking step) the panel marks, with why. */
export interface Marks {
  steps: Map<number, string>;
  rows: Set<string>;
}

const indexOfStep = (r: ReplayResult, step: number): number => r.trace.findIndex((s) => s.step === step);

export function marksOf(r: ReplayResult): Marks {
  const marks: Marks = { steps: new Map(), rows: new Set() };
  if (r.result !== 'violation' || r.trace.length === 0) return marks;
  const last = r.trace.length - 1;
  const changedAt = (i: number): string[] =>
    stateRows(r.trace[i]!.state, i > 0 ? r.trace[i - 1]!.state : undefined)
      .filter((x) => x.previous !== undefined)
      .map(rowId);
  switch (r.invariant) {
    case 'RACE': {
      if (!r.race) break;
      const a = indexOfStep(r, r.race.first);
      const b = indexOfStep(r, r.race.second);
      if (a >= 0) marks.steps.set(a, `race on ${r.race.location}: first access`);
      if (b >= 0) marks.steps.set(b, `race on ${r.race.location}: second access`);
      marks.rows.add(rowId({ group: 'vars', key: r.race.location }));
      break;
    }
    case 'DEADLOCK':
      marks.steps.set(last, 'deadlock');
      for (const c of r.cycle ?? []) for (const l of [...[c.holds].flat(), c.wants]) marks.rows.add(rowId({ group: 'locks', key: l }));
      break;
    default: {
      marks.steps.set(last, r.invariant === 'ASSERT' ? 'the assertion fails' : `breaks ${r.invariant ?? 'the invariant'}`);
      for (const id of changedAt(last)) marks.rows.add(id);
      // A lock still held at the end (INV5) changes nothing at the last step: mark the held locks.
      if (marks.rows.size === 0) for (const l of Object.keys(r.trace[last]!.state.locks)) marks.rows.add(rowId({ group: 'locks', key: l }));
    }
  }
  return marks;
}
