// Builds the transition system of a Model: compiled threads (initiators first,
// then one scheduler thread per pCPU when the Xen scheduler model is in play),
// the initial states (one per combination of the initial values the model
// leaves open), and the end checks.

import { advanceSilent, blockedFp, stepThread } from './actions';
import { stuckViolation } from './deadlock';
import type { TransitionSystem, Violation } from './engine';
import { MAX_OBJECTS } from './footprint';
import { checkLost } from './invariants';
import { compileScheduler, compileThread, type Model } from './program';
import { domainValues, ExprCompiler, SharedIndex } from './shared';
import { Layout, rqInsertTail, type State, stateKey } from './state';
import type { Ctx } from './step';
import { makeCanon, makeOrbitSize, symmetryClasses } from './symmetry';

export interface XenSystem extends TransitionSystem<State> {
  readonly ctx: Ctx;
  readonly notes: string[];
  /** Every initial state (the product of the open initial values); initial() is the first. */
  initials(): State[];
  /** The name of a footprint object that is a general location (for race reports), else undefined. */
  locationOf(obj: number): string | undefined;
  /** Whether the Xen scheduler model is in play. */
  readonly xen: boolean;
}

/** Initial states past this many are refused (fix some values with `init`). */
const MAX_INITIAL_STATES = 4096;

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
  const xen = model.schedulers !== undefined;
  const pcpus = xen ? model.pcpus : [];
  const vcpus = xen ? model.vcpus.map((v) => v.name) : [];
  if (xen && (pcpus.length === 0 || vcpus.length === 0)) throw new Error('the scheduler model needs at least one pCPU and one vCPU');
  // Registers, branches and lets need the index even when the model shares no location.
  const ix = new SharedIndex(model.shared ?? { locations: [], locks: [] });
  // Expressions compile before the layout exists (it needs their register counts): they read it from here.
  const layout: { L?: Layout } = {};
  const compilers: ExprCompiler[] = [];
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
  const threads = model.threads.map((p) => {
    const shared = ix ? { ix, c: new ExprCompiler(ix, () => layout.L!) } : undefined;
    if (shared) compilers.push(shared.c);
    return compileThread(p, vIndex, notes, shared);
  });
  if (model.schedulers) {
    const schedOn = model.schedulers.pcpus ?? pcpus;
    for (const p of schedOn) threads.push(compileScheduler(pIndex(p), schedulerThreadName(p), model.schedulers));
  }
  const names = { pcpus, vcpus, threads: threads.map((t) => t.name) };
  if (new Set(names.threads).size !== names.threads.length) throw new Error('thread names must be unique');
  const general = {
    nLoc: ix?.spec.locations.length ?? 0,
    nLock: ix?.spec.locks.length ?? 0,
    nRw: ix?.rwRank.size ?? 0,
    nReg: Math.max(0, ...compilers.map((c) => c.regs.size)),
  };
  const L = new Layout(vcpus.length, pcpus.length, threads.length, general);
  layout.L = L;
  if (L.objects > MAX_OBJECTS) throw new Error(`model too large: ${L.objects} shared objects (max ${MAX_OBJECTS})`);
  if (pcpus.length > 15) throw new Error('at most 15 pCPUs');
  if (threads.length > 30) throw new Error('at most 30 threads');
  const ctx: Ctx = ix ? { L, names, threads, shared: ix } : { L, names, threads };

  const base = (): State => {
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
    // General registers start at 0, no rwlock is read-held, every general lock is free (-1 above).
    threads.forEach((_, t) => {
      for (let r = 0; r < general.nReg; r++) s[L.reg(t, r)] = 0;
      s[L.rmask(t)] = 0;
    });
    threads.forEach((_, t) => {
      s[L.pc(t)] = 0;
      s[L.pc(t)] = advanceSilent(ctx, s, t, 0);
    });
    return s;
  };

  const initials = initialStates(model, L, base);

  const atEnd = (s: State): Violation | null => stuckViolation(ctx, s) ?? checkLost(L, s, names) ?? null;

  const locationOf = (obj: number): string | undefined => {
    const i = obj - L.oLoc(0);
    return ix && i >= 0 && i < general.nLoc ? ix.spec.locations[i]!.name : undefined;
  };

  const classes = opts.symmetry === false ? [] : symmetryClasses(threads.slice(0, model.threads.length));
  const canon = classes.length === 0 ? undefined : makeCanon(L, classes, threads.length);
  const orbitSize = classes.length === 0 ? undefined : makeOrbitSize(L, classes, threads.length);

  return {
    ...(canon ? { canon, orbitSize } : {}),
    ctx,
    notes,
    xen,
    threadNames: names.threads,
    initial: () => initials[0]!,
    initials: () => initials,
    locationOf,
    step: (s, t) => stepThread(ctx, s, t),
    blockedFp: (s, t) => blockedFp(ctx, s, t),
    key: stateKey,
    atEnd,
  };
}

/**
 * The initial states: the base state with every combination of the values of
 * the general locations whose initial value the model leaves open.
 */
function initialStates(model: Model, L: Layout, base: () => State): State[] {
  const s0 = base();
  const open: { at: number; values: number[] }[] = [];
  (model.shared?.locations ?? []).forEach((loc, i) => {
    const values = domainValues(loc.domain);
    if (loc.init !== undefined) {
      if (!values.includes(loc.init)) throw new Error(`initial value ${loc.init} of ${loc.name} is outside its domain`);
      s0[L.gLoc(i)] = loc.init;
    } else if (values.length === 1) s0[L.gLoc(i)] = values[0]!;
    else open.push({ at: L.gLoc(i), values });
  });
  const count = open.reduce((n, o) => n * o.values.length, 1);
  if (count > MAX_INITIAL_STATES)
    throw new Error(`${count} combinations of initial values (more than ${MAX_INITIAL_STATES}): fix some with an initial value`);
  let states = [s0];
  for (const o of open) {
    states = states.flatMap((s) =>
      o.values.map((v) => {
        const n = new Int16Array(s);
        n[o.at] = v;
        return n;
      }),
    );
  }
  return states;
}
