// Builds the transition system of a Model: compiled threads (initiators first,
// then one scheduler thread per pCPU), the initial state, and the end checks.

import { MAX_OBJECTS } from './footprint';
import type { TransitionSystem, Violation } from './engine';
import { blockedFp, stepThread, waitsFor, type Ctx } from './actions';
import { checkLost } from './invariants';
import { compileScheduler, compileThread, SILENT, type Model } from './program';
import { Layout, lockName, rqInsertTail, stateKey, type State } from './state';

export interface XenSystem extends TransitionSystem<State> {
  readonly ctx: Ctx;
  readonly notes: string[];
}

export function schedulerThreadName(pcpu: string): string {
  return `pCPU ${pcpu}`;
}

export function buildSystem(model: Model): XenSystem {
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
    pcpus.forEach((_, c) => { s[L.rqLen(c)] = 0; });
    model.vcpus.forEach((v, i) => { if (v.queued) rqInsertTail(L, s, pIndex(v.processor), i); });
    model.vcpus.forEach((v, i) => { s[L.on(i)] = v.running ? pIndex(v.processor) : -1; });
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
      blocked.push(c >= 0 ? `${th.name} waits for ${lockName(pcpus[c]!)}${holder >= 0 ? ` held by ${names.threads[holder]}` : ''}` : th.name);
    });
    if (blocked.length) return { invariant: 'INV5', message: `deadlock: ${blocked.join('; ')}` };
    return checkLost(L, s, names) ?? null;
  };

  return {
    ctx, notes,
    threadNames: names.threads,
    initial,
    step: (s, t) => stepThread(ctx, s, t),
    blockedFp: (s, t) => blockedFp(ctx, s, t),
    key: stateKey,
    atEnd,
  };
}
