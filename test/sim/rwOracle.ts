// Brute-force oracle for the engine tests: enumerates every interleaving of a
// read/write program and counts its Mazurkiewicz traces by a canonical form
// (per object: writes in order, the reads between two writes as a set).

import type { RwThread } from '../../sim/src/index';

export interface OracleCounts {
  interleavings: number;
  traces: number;
}

export function bruteForce(threads: RwThread[]): OracleCounts {
  const traces = new Set<string>();
  let interleavings = 0;
  const pcs = threads.map(() => 0);
  const owner = new Map<string, number>();
  const events: { t: number; i: number }[] = [];
  const walk = (): void => {
    let moved = false;
    threads.forEach((th, t) => {
      const op = th.ops[pcs[t]!];
      if (!op) return;
      if ((op.op === 'lock' || op.op === 'cs') && owner.has(op.l)) return;
      moved = true;
      if (op.op === 'lock') owner.set(op.l, t);
      if (op.op === 'unlock') owner.delete(op.l);
      events.push({ t, i: pcs[t]! });
      pcs[t]!++;
      walk();
      pcs[t]!--;
      events.pop();
      if (op.op === 'lock') owner.delete(op.l);
      if (op.op === 'unlock') owner.set(op.l, t);
    });
    if (!moved) {
      interleavings++;
      traces.add(canonical(threads, events));
    }
  };
  walk();
  return { interleavings, traces: traces.size };
}

function canonical(threads: RwThread[], events: { t: number; i: number }[]): string {
  const perObj = new Map<string, string[]>();
  const readGroup = new Map<string, string[]>();
  const flush = (obj: string) => {
    const g = readGroup.get(obj);
    if (g && g.length) perObj.get(obj)!.push(`{${g.sort().join(',')}}`);
    readGroup.set(obj, []);
  };
  const access = (obj: string, id: string, write: boolean) => {
    if (!perObj.has(obj)) {
      perObj.set(obj, []);
      readGroup.set(obj, []);
    }
    if (!write) readGroup.get(obj)!.push(id);
    else {
      flush(obj);
      perObj.get(obj)!.push(id);
    }
  };
  for (const { t, i } of events) {
    const op = threads[t]!.ops[i]!;
    const id = `${t}.${i}`;
    // A whole-section step reads the lock (needs it free) and writes its variable.
    if (op.op === 'cs') {
      access(`l:${op.l}`, id, false);
      access(`v:${op.x}`, id, true);
      continue;
    }
    access(op.op === 'read' || op.op === 'write' ? `v:${op.x}` : `l:${op.l}`, id, op.op !== 'read');
  }
  for (const obj of perObj.keys()) flush(obj);
  // Events left out of the sequence (deadlock) are identified by the per-thread prefix lengths.
  const lengths = threads.map((_, t) => events.filter((e) => e.t === t).length).join(',');
  return (
    [...perObj.entries()]
      .sort()
      .map(([k, v]) => `${k}=${v.join(' ')}`)
      .join(';') + `|${lengths}`
  );
}

/** Deterministic PRNG (mulberry32) so failures are reproducible. */
export { rng } from '../shared/rng';

export function randomProgram(rand: () => number): RwThread[] {
  const nThreads = 2 + Math.floor(rand() * 2);
  const vars = ['x', 'y', 'z'];
  const threads: RwThread[] = [];
  for (let t = 0; t < nThreads; t++) {
    const ops: RwThread['ops'] = [];
    const n = 1 + Math.floor(rand() * (nThreads === 2 ? 4 : 2));
    // Nested locks in a random order (m then n, or n then m): deadlocks happen.
    const locks = rand() < 0.4 ? (rand() < 0.5 ? ['m'] : rand() < 0.5 ? ['m', 'n'] : ['n', 'm']) : [];
    for (const l of locks) ops.push({ op: 'lock', l });
    for (let i = 0; i < n; i++) {
      const x = vars[Math.floor(rand() * vars.length)]!;
      const dice = rand();
      ops.push(dice < 0.4 ? { op: 'read', x } : dice < 0.8 ? { op: 'write', x } : { op: 'cs', l: rand() < 0.7 ? 'm' : 'n', x });
      if (i === 0) for (const l of [...locks].reverse()) ops.push({ op: 'unlock', l });
    }
    threads.push({ name: `T${t}`, ops });
  }
  return threads;
}
