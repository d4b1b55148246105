// Symmetry reduction: initiator threads with identical programs are
// interchangeable. canon() maps a state to the representative of its orbit
// under permutations of such threads; orbitSize() counts the orbit.

import type { CompiledThread } from './program';
import { type Layout, type State, stateKey } from './state';

/**
 * Groups of interchangeable initiator threads: identical compiled programs
 * (same micro-operations on the same vCPUs, locations and locks; source
 * positions and texts do not matter). Scheduler threads are tied to their
 * pCPU and never interchangeable.
 */
export function symmetryClasses(threads: CompiledThread[]): number[][] {
  const byProgram = new Map<string, number[]>();
  threads.forEach((th, t) => {
    const sig = JSON.stringify(th.ops.map((o) => [o.k, o.v, o.a, o.b, o.targets ?? null, o.g?.sig ?? null]));
    const g = byProgram.get(sig);
    if (g) g.push(t);
    else byProgram.set(sig, [t]);
  });
  return [...byProgram.values()].filter((g) => g.length > 1);
}

/** The locks each thread owns, as one number per thread (Xen pCPU locks, then the general locks). */
function fillHeld(L: Layout, s: State, held: Float64Array): void {
  held.fill(0);
  for (let c = 0; c < L.np; c++) {
    const o = s[L.lock(c)]!;
    if (o >= 0) held[o] = held[o]! + 2 ** c;
  }
  for (let k = 0; k < L.g.nLock; k++) {
    const o = s[L.gOwner(k)]!;
    if (o >= 0) held[o] = held[o]! + 2 ** (L.np + k);
  }
}

/**
 * canon(): sorts the local states (pc and registers, then the locks owned) of
 * the threads of each class, moves them into the class's slots in that order
 * and renames lock owners. Every invariant and every step is blind to thread
 * identity beyond these fields, so s and its representative have isomorphic
 * futures (the thread renaming is perm). Read holds of rwlocks are in the
 * thread's own registers and move with it.
 */
export function makeCanon(L: Layout, classes: number[][], T: number): (s: State, perm: Int8Array) => string {
  const held = new Float64Array(T);
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
    for (let t = 0; t < T; t++) perm[t] = t;
    fillHeld(L, s, held);
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
    for (let k = 0; k < L.g.nLock; k++) {
      const o = s[L.gOwner(k)]!;
      if (o >= 0) tmp[L.gOwner(k)] = perm[o]!;
    }
    return stateKey(tmp);
  };
}

/**
 * Size of s's orbit under the renamings canon() quotients by: per class of k
 * threads, k! / Π m! where the m are the multiplicities of identical local
 * states (registers and locks held); those swaps leave s unchanged.
 */
export function makeOrbitSize(L: Layout, classes: number[][], T: number): (s: State) => number {
  const held = new Float64Array(T);
  const same = (s: State, a: number, b: number): boolean => {
    const pa = L.pc(a),
      pb = L.pc(b);
    for (let k = 0; k < L.tf; k++) if (s[pa + k] !== s[pb + k]) return false;
    return held[a] === held[b];
  };
  return (s) => {
    fillHeld(L, s, held);
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
