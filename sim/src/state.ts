// The simulator state as one flat Int16Array (cheap to copy, hash and compare),
// its layout, runqueue helpers and the contract's StateView rendering.

import type { StateView } from './types';

export type State = Int16Array;

/** Fields per vCPU: v->processor, _VPF_migrating, is_running, pCPU it is current on (-1), runqueue bitmask. */
const VF = 5;
/** Fields per thread before the per-vCPU lock registers: pc, prev, read processor, picked new pCPU. */
const TF = 4;

/** Sizes of the general part of a model: locations, locks (rwlocks among them), registers per thread. */
export interface GeneralSizes {
  nLoc: number;
  nLock: number;
  nRw: number;
  nReg: number;
}

const NO_GENERAL: GeneralSizes = { nLoc: 0, nLock: 0, nRw: 0, nReg: 0 };

/**
 * Layout: per vCPU its fields, per pCPU its fields, then the general
 * locations' values and lock owners, then per thread its registers: pc, the
 * Xen registers, a lock register per vCPU, the general registers and the mask
 * of rwlocks it holds for reading (thread-local, so symmetry permutes them
 * with the thread).
 */
export class Layout {
  readonly vb: number;
  readonly pf: number;
  readonly gb: number;
  readonly tb: number;
  readonly tf: number;
  readonly size: number;
  constructor(
    readonly nv: number,
    readonly np: number,
    readonly nt: number,
    readonly g: GeneralSizes = NO_GENERAL,
  ) {
    this.vb = VF * nv;
    this.pf = 3 + nv; // cur, lock owner, runqueue length, runqueue slots
    this.gb = this.vb + np * this.pf;
    this.tb = this.gb + g.nLoc + g.nLock;
    this.tf = TF + nv + g.nReg + 1;
    this.size = this.tb + nt * this.tf;
  }
  // general locations and locks
  gLoc(i: number): number {
    return this.gb + i;
  }
  gOwner(k: number): number {
    return this.gb + this.g.nLoc + k;
  }
  reg(t: number, r: number): number {
    return this.tb + t * this.tf + TF + this.nv + r;
  }
  rmask(t: number): number {
    return this.tb + t * this.tf + this.tf - 1;
  }
  // vCPU fields
  proc(i: number): number {
    return VF * i;
  }
  flag(i: number): number {
    return VF * i + 1;
  }
  run(i: number): number {
    return VF * i + 2;
  }
  on(i: number): number {
    return VF * i + 3;
  }
  qmask(i: number): number {
    return VF * i + 4;
  }
  // pCPU fields
  cur(c: number): number {
    return this.vb + c * this.pf;
  }
  lock(c: number): number {
    return this.vb + c * this.pf + 1;
  }
  rqLen(c: number): number {
    return this.vb + c * this.pf + 2;
  }
  rqSlot(c: number, k: number): number {
    return this.vb + c * this.pf + 3 + k;
  }
  // thread registers
  pc(t: number): number {
    return this.tb + t * this.tf;
  }
  prev(t: number): number {
    return this.tb + t * this.tf + 1;
  }
  rp(t: number): number {
    return this.tb + t * this.tf + 2;
  }
  nc(t: number): number {
    return this.tb + t * this.tf + 3;
  }
  lk(t: number, i: number): number {
    return this.tb + t * this.tf + TF + i;
  }
  // Footprint object numbers: 5 per vCPU, then 3 per pCPU (runqueue, curr, lock),
  // then one per general location, one per lock, one per (rwlock, thread) reader slot.
  get objects(): number {
    return VF * this.nv + 3 * this.np + this.g.nLoc + this.g.nLock + this.g.nRw * this.nt;
  }
  oLoc(i: number): number {
    return VF * this.nv + 3 * this.np + i;
  }
  oGLock(k: number): number {
    return VF * this.nv + 3 * this.np + this.g.nLoc + k;
  }
  oReader(rank: number, t: number): number {
    return VF * this.nv + 3 * this.np + this.g.nLoc + this.g.nLock + rank * this.nt + t;
  }
  oProc(i: number): number {
    return VF * i;
  }
  oFlag(i: number): number {
    return VF * i + 1;
  }
  oRun(i: number): number {
    return VF * i + 2;
  }
  oOn(i: number): number {
    return VF * i + 3;
  }
  oQ(i: number): number {
    return VF * i + 4;
  }
  oRq(c: number): number {
    return VF * this.nv + 3 * c;
  }
  oCur(c: number): number {
    return VF * this.nv + 3 * c + 1;
  }
  oLock(c: number): number {
    return VF * this.nv + 3 * c + 2;
  }
}

export function stateKey(s: State): string {
  return String.fromCharCode.apply(null, s as unknown as number[]);
}

export function rqInsertTail(L: Layout, s: State, c: number, v: number): void {
  const len = s[L.rqLen(c)]!;
  s[L.rqSlot(c, len)] = v;
  s[L.rqLen(c)] = len + 1;
  s[L.qmask(v)] = s[L.qmask(v)]! | (1 << c);
}

export function rqRemove(L: Layout, s: State, c: number, v: number): void {
  const len = s[L.rqLen(c)]!;
  let k = 0;
  while (k < len && s[L.rqSlot(c, k)] !== v) k++;
  if (k === len) return;
  for (; k + 1 < len; k++) s[L.rqSlot(c, k)] = s[L.rqSlot(c, k + 1)]!;
  s[L.rqSlot(c, len - 1)] = -1;
  s[L.rqLen(c)] = len - 1;
  s[L.qmask(v)] = s[L.qmask(v)]! & ~(1 << c);
}

export function lowestBit(mask: number): number {
  return 31 - Math.clz32(mask & -mask);
}

export interface Names {
  pcpus: string[];
  vcpus: string[];
  threads: string[];
}

export function lockName(pcpu: string): string {
  return `sched(${pcpu})`;
}

export function stateView(L: Layout, s: State, n: Names): StateView {
  const view: StateView = { processor: {}, running: {}, runq: {}, flags: {}, locks: {} };
  n.vcpus.forEach((v, i) => {
    view.processor[v] = n.pcpus[s[L.proc(i)]!]!;
    const flags: string[] = [];
    if (s[L.flag(i)]) flags.push('migrating');
    if (s[L.run(i)]) flags.push('is_running');
    view.flags[v] = flags;
  });
  n.pcpus.forEach((p, c) => {
    const cur = s[L.cur(c)]!;
    view.running[p] = cur >= 0 ? n.vcpus[cur]! : null;
    const q: string[] = [];
    for (let k = 0; k < s[L.rqLen(c)]!; k++) q.push(n.vcpus[s[L.rqSlot(c, k)]!]!);
    view.runq[p] = q;
    const owner = s[L.lock(c)]!;
    if (owner >= 0) view.locks[lockName(p)] = n.threads[owner]!;
  });
  return view;
}
