// Builds the transition system of a Model: compiled threads (initiators first,
// then one scheduler thread per pCPU), the initial state, and the end checks.

import { blockedFp, type Ctx, stepThread, waitsFor } from './actions';
import type { TransitionSystem, Violation } from './engine';
import { MAX_OBJECTS } from './footprint';
import { checkLost } from './invariants';
import { type CompiledThread, compileScheduler, compileThread, type Model, SILENT } from './program';
import { Layout, lockName, rqInsertTail, type State, stateKey } from './state';

export interface XenSystem extends TransitionSystem<State> {
  readonly ctx: Ctx;
  readonly notes: string[];
}

function schedulerThreadName(pcpu: string): string {
  return `pCPU ${pcpu}`;
}

export interface BuildOptions {
  /**
   * Offer symmetry reduction (canon()): initiators with identical programs are
   * interchangeable. Default true; searches decide whether to use it.
   */
  symmetry?: boolean;
}

export function buildSystem(model: Model, opts: BuildOptions = {}): XenSystem {
  const notes: string[] = [];
  const pcpus = model.pcpus;
  const vcpus = model.vcpus.map((v) => v.name);
  if (pcpus.length === 0 || vcpus.length === 0) throw new Error('model needs at least one pCPU and one vCPU');
  const vIndex = (name?: string): number => {
    if (name === undefined) return 0;
    const i = vcpus.indexOf(name);
    if (i < 0) throw new Error(`unknown vCPU ${name}`);
    return i;
  };
  const pIndex = (name: string): number => {
    const i = pcpus.indexOf(name);
    if (i < 0) throw new Error(`unknown pCPU ${name}`);
    return i;
  };
  const threads = model.threads.map((p) => compileThread(p, vIndex, notes));
  const schedOn = model.schedulers.pcpus ?? pcpus;
  for (const p of schedOn) threads.push(compileScheduler(pIndex(p), schedulerThreadName(p), model.schedulers));
  const names = { pcpus, vcpus, threads: threads.map((t) => t.name) };
  if (new Set(names.threads).size !== names.threads.length) throw new Error('thread names must be unique');
  const L = new Layout(vcpus.length, pcpus.length, threads.length);
  if (L.objects > MAX_OBJECTS) throw new Error(`model too large: ${L.objects} shared objects (max ${MAX_OBJECTS})`);
  if (pcpus.length > 15) throw new Error('at most 15 pCPUs');
  const ctx: Ctx = { L, names, threads };

  const initial = (): State => {
    const s = new Int16Array(L.size).fill(-1);
    model.vcpus.forEach((v, i) => {
      const c = pIndex(v.processor);
      s[L.proc(i)] = c;
      s[L.flag(i)] = v.migrating ? 1 : 0;
      s[L.run(i)] = v.running ? 1 : 0;
      s[L.qmask(i)] = 0;
      if (v.running) {
        if (s[L.cur(c)]! >= 0) throw new Error(`two vCPUs running on ${v.processor}`);
        s[L.cur(c)] = i;
      }
    });
    pcpus.forEach((_, c) => {
      s[L.rqLen(c)] = 0;
    });
    model.vcpus.forEach((v, i) => {
      if (v.queued) rqInsertTail(L, s, pIndex(v.processor), i);
    });
    model.vcpus.forEach((v, i) => {
      s[L.on(i)] = v.running ? pIndex(v.processor) : -1;
    });
    threads.forEach((th, t) => {
      let pc = 0;
      while (pc < th.ops.length && SILENT.has(th.ops[pc]!.k)) pc = th.ops[pc]!.k === 'jump' ? th.ops[pc]!.a : th.ops[pc]!.a;
      s[L.pc(t)] = pc;
    });
    return s;
  };

  const atEnd = (s: State): Violation | null => {
    const blocked: string[] = [];
    threads.forEach((th, t) => {
      const op = th.ops[s[L.pc(t)]!];
      if (!op) return;
      const c = waitsFor(L, s, t, op, ctx);
      const holder = c >= 0 ? s[L.lock(c)]! : -1;
      blocked.push(
        c >= 0 ? `${th.name} waits for ${lockName(pcpus[c]!)}${holder >= 0 ? ` held by ${names.threads[holder]}` : ''}` : th.name,
      );
    });
    if (blocked.length) return { invariant: 'INV5', message: `deadlock: ${blocked.join('; ')}` };
    return checkLost(L, s, names) ?? null;
  };

  const classes = opts.symmetry === false ? [] : symmetryClasses(threads.slice(0, model.threads.length));
  const canon = classes.length === 0 ? undefined : makeCanon(L, classes, threads.length);
  const orbitSize = classes.length === 0 ? undefined : makeOrbitSize(L, classes, threads.length);

  return {
    ...(canon ? { canon, orbitSize } : {}),
    ctx,
    notes,
    threadNames: names.threads,
    initial,
    step: (s, t) => stepThread(ctx, s, t),
    blockedFp: (s, t) => blockedFp(ctx, s, t),
    key: stateKey,
    atEnd,
  };
}

/**
 * Groups of interchangeable initiator threads: identical compiled programs
 * (same micro-operations on the same vCPUs; source positions and texts do not
 * matter). Scheduler threads are tied to their pCPU and never interchangeable.
 */
function symmetryClasses(threads: CompiledThread[]): number[][] {
  const byProgram = new Map<string, number[]>();
  threads.forEach((th, t) => {
    const sig = JSON.stringify(th.ops.map((o) => [o.k, o.v, o.a, o.b, o.targets ?? null]));
    const g = byProgram.get(sig);
    if (g) g.push(t);
    else byProgram.set(sig, [t]);
  });
  return [...byProgram.values()].filter((g) => g.length > 1);
}

/**
 * canon(): sorts the local states (pc and registers, then the locks held) of
 * the threads of each class, moves them into the class's slots in that order
 * and renames lock owners. Every invariant and every step is blind to thread
 * identity beyond these fields, so s and its representative have isomorphic
 * futures (the thread renaming is perm).
 */
function makeCanon(L: Layout, classes: number[][], T: number): (s: State, perm: Int8Array) => string {
  const held = new Int32Array(T);
  const tmp = new Int16Array(L.size);
  const cmp = (s: State, a: number, b: number): number => {
    const pa = L.pc(a),
      pb = L.pc(b);
    for (let k = 0; k < L.tf; k++) {
      const d = s[pa + k]! - s[pb + k]!;
      if (d !== 0) return d;
    }
    return held[a]! - held[b]!;
  };
  const order: number[] = [];
  return (s, perm) => {
    for (let t = 0; t < T; t++) {
      perm[t] = t;
      held[t] = 0;
    }
    for (let c = 0; c < L.np; c++) {
      const o = s[L.lock(c)]!;
      if (o >= 0) held[o] = held[o]! | (1 << c);
    }
    let moved = false;
    for (const cls of classes) {
      order.length = 0;
      for (const t of cls) {
        let j = order.length;
        while (j > 0 && cmp(s, order[j - 1]!, t) > 0) j--;
        order.splice(j, 0, t);
      }
      for (let j = 0; j < cls.length; j++) {
        const t = order[j]!;
        perm[t] = cls[j]!;
        if (t !== cls[j]) moved = true;
      }
    }
    if (!moved) return stateKey(s);
    tmp.set(s);
    for (const cls of classes) {
      for (const t of cls) {
        const dst = perm[t]!;
        if (dst !== t) tmp.set(s.subarray(L.pc(t), L.pc(t) + L.tf), L.pc(dst));
      }
    }
    for (let c = 0; c < L.np; c++) {
      const o = s[L.lock(c)]!;
      if (o >= 0) tmp[L.lock(c)] = perm[o]!;
    }
    return stateKey(tmp);
  };
}

/**
 * Size of s's orbit under the renamings canon() quotients by: per class of k
 * threads, k! / Π m! where the m are the multiplicities of identical local
 * states (registers and locks held); those swaps leave s unchanged.
 */
function makeOrbitSize(L: Layout, classes: number[][], T: number): (s: State) => number {
  const held = new Int32Array(T);
  const same = (s: State, a: number, b: number): boolean => {
    const pa = L.pc(a),
      pb = L.pc(b);
    for (let k = 0; k < L.tf; k++) if (s[pa + k] !== s[pb + k]) return false;
    return held[a] === held[b];
  };
  return (s) => {
    held.fill(0);
    for (let c = 0; c < L.np; c++) {
      const o = s[L.lock(c)]!;
      if (o >= 0) held[o] = held[o]! | (1 << c);
    }
    let size = 1;
    for (const cls of classes) {
      // k! / Π m!, built up one thread at a time: the j-th thread multiplies by j / (its copies so far).
      for (let j = 0; j < cls.length; j++) {
        let copies = 1;
        for (let i = 0; i < j; i++) if (same(s, cls[i]!, cls[j]!)) copies++;
        size = (size * (j + 1)) / copies;
      }
    }
    return Math.round(size);
  };
}
