// A step under construction, and the context every action reads: the
// layout, the names and the compiled threads. Shared by the Xen actions
// (actions.ts) and the general ones (sharedActions.ts).

import type { Violation } from './engine';
import { addLockOp, addRead, addSection, addWrite, emptyFp, type Footprint } from './footprint';
import type { CompiledThread, MicroOp } from './program';
import type { SharedIndex } from './shared';
import type { Layout, Names, State } from './state';

export interface Ctx {
  L: Layout;
  names: Names;
  threads: CompiledThread[];
  /** The general part of the model (locations, locks), when it has one. */
  shared?: SharedIndex;
}

/** A step under construction. */
export class Step {
  readonly n: State;
  readonly fp: Footprint = emptyFp();
  touched = 0; // vCPUs whose protected state this step wrote
  released = 0; // pCPUs whose lock this step released
  section = -1; // pCPU whose whole critical section this step runs
  violation: Violation | undefined;
  parts: string[] = [];
  constructor(
    readonly ctx: Ctx,
    s: State,
    readonly t: number,
  ) {
    this.n = new Int16Array(s);
  } // not slice(): its species lookup is slow
  get L(): Layout {
    return this.ctx.L;
  }
  p(c: number): string {
    return this.ctx.names.pcpus[c]!;
  }
  vn(v: number): string {
    return this.ctx.names.vcpus[v]!;
  }
  say(text: string): this {
    this.parts.push(text);
    return this;
  }
  read(obj: number): void {
    addRead(this.fp, obj);
  }
  write(obj: number, v?: number): void {
    addWrite(this.fp, obj);
    if (v !== undefined) this.touched |= 1 << v;
  }
  acquire(c: number): void {
    addLockOp(this.fp, this.L.oLock(c), true);
    this.n[this.L.lock(c)] = this.t;
  }
  /** Runs a whole critical section of c's lock as this step; false when the lock is taken. */
  enter(c: number): boolean {
    if (this.n[this.L.lock(c)]! >= 0) return false;
    addSection(this.fp, this.L.oLock(c));
    this.section = c;
    return true;
  }
  release(c: number): void {
    addLockOp(this.fp, this.L.oLock(c), false);
    this.n[this.L.lock(c)] = -1;
    this.released |= 1 << c;
  }
}

export type Result = [Step, number];
export type Action = (st: Step, op: MicroOp, v: number, pc: number) => Result | Result[] | null;
