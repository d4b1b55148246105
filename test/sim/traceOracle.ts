// An independent count of the Mazurkiewicz traces of a transition system:
// enumerate every complete interleaving (stateless, no reduction) and
// identify each by a canonical form of its dependence order: per shared
// object, the writes in order with the reads between two writes as a set
// (two steps are dependent when one writes an object the other reads or
// writes), plus each thread's own sequence of outcomes. Two interleavings
// are equivalent exactly when these agree. Knows nothing of DPOR.

/** The part of a transition system the count needs (structural: the oracle imports nothing of the engine). */
interface Steps<S> {
  readonly threadNames: string[];
  initial(): S;
  initials?(): S[];
  step(s: S, t: number): { state: S; fp: { r0: number; r1: number; w0: number; w1: number } }[] | null;
}

export interface TraceCount {
  interleavings: number;
  traces: number;
}

interface Ev {
  id: string;
  r: [number, number];
  w: [number, number];
}

export function countTraces<S>(sys: Steps<S>, limit = 2_000_000): TraceCount {
  const roots = sys.initials ? sys.initials() : [sys.initial()];
  const T = sys.threadNames.length;
  const forms = new Set<string>();
  let interleavings = 0;
  const events: Ev[] = [];
  const seq = new Array<number>(T).fill(0);
  const outcomes: number[][] = Array.from({ length: T }, () => []);
  let root = 0;
  const walk = (s: S): void => {
    if (interleavings > limit) throw new Error(`more than ${limit} interleavings: too many to enumerate`);
    let moved = false;
    for (let t = 0; t < T; t++) {
      const outs = sys.step(s, t);
      if (!outs) continue;
      outs.forEach((o, i) => {
        moved = true;
        events.push({ id: `${t}.${seq[t]}`, r: [o.fp.r0, o.fp.r1], w: [o.fp.w0, o.fp.w1] });
        seq[t]!++;
        outcomes[t]!.push(i);
        walk(o.state);
        outcomes[t]!.pop();
        seq[t]!--;
        events.pop();
      });
    }
    if (!moved) {
      interleavings++;
      forms.add(`${root}|${canonical(events)}|${outcomes.map((o) => o.join('.')).join(',')}`);
    }
  };
  roots.forEach((s0, i) => {
    root = i;
    walk(s0);
  });
  return { interleavings, traces: forms.size };
}

function canonical(events: Ev[]): string {
  const perObj = new Map<number, string[]>();
  const readers = new Map<number, string[]>();
  const flush = (o: number): void => {
    const g = readers.get(o);
    if (g && g.length) perObj.get(o)!.push(`{${g.sort().join(',')}}`);
    readers.set(o, []);
  };
  const touch = (e: Ev, o: number, writes: boolean): void => {
    if (!perObj.has(o)) {
      perObj.set(o, []);
      readers.set(o, []);
    }
    if (writes) {
      flush(o);
      perObj.get(o)!.push(e.id);
    } else readers.get(o)!.push(e.id);
  };
  for (const e of events) {
    for (let word = 0; word < 2; word++) {
      const w = e.w[word]!;
      let any = e.r[word]! | w;
      while (any !== 0) {
        const low = any & -any;
        const o = word * 32 + 31 - Math.clz32(low);
        touch(e, o, (w & low) !== 0);
        any &= any - 1;
      }
    }
  }
  for (const o of perObj.keys()) flush(o);
  return [...perObj.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([o, v]) => `${o}=${v.join(' ')}`)
    .join(';');
}

type Fp = { r0: number; r1: number; w0: number; w1: number };

function conflict(a: Fp, b: Fp): boolean {
  return ((a.w0 & (b.r0 | b.w0)) | (b.w0 & a.r0)) !== 0 || ((a.w1 & (b.r1 | b.w1)) | (b.w1 & a.r1)) !== 0;
}

/**
 * The same count without enumerating every interleaving: a depth-first
 * search over all enabled steps (no persistent sets, no race analysis) with
 * Godefroid's sleep sets in a fixed order of steps reaches the
 * lexicographically least interleaving of each trace exactly once; the
 * complete executions it reaches are the traces. Checked against the
 * enumeration on small models, used on larger ones.
 */
export function countTracesBySleepSets<S>(sys: Steps<S>): number {
  const roots = sys.initials ? sys.initials() : [sys.initial()];
  const T = sys.threadNames.length;
  let traces = 0;
  interface Letter {
    t: number;
    fp: Fp;
  }
  const walk = (s: S, sleep: Letter[]): void => {
    const letters: { t: number; i: number; fp: Fp; state: S }[] = [];
    for (let t = 0; t < T; t++) sys.step(s, t)?.forEach((o, i) => letters.push({ t, i, fp: o.fp, state: o.state }));
    if (letters.length === 0) {
      traces++;
      return;
    }
    const done: Letter[] = [];
    for (const l of letters) {
      // A letter asleep: a step of that thread with that footprint (its outcomes are distinct letters).
      if (sleep.some((x) => x.t === l.t && sameFp(x.fp, l.fp))) continue;
      const keep = [...sleep, ...done].filter((x) => x.t !== l.t && !conflict(x.fp, l.fp));
      walk(l.state, keep);
      done.push({ t: l.t, fp: l.fp });
    }
  };
  for (const s0 of roots) walk(s0, []);
  return traces;
}

function sameFp(a: Fp, b: Fp): boolean {
  return a.r0 === b.r0 && a.r1 === b.r1 && a.w0 === b.w0 && a.w1 === b.w1;
}
