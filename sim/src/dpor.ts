// Source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014,
// "Algorithm 1"), stateless. With sleep sets no two complete executions are
// Mazurkiewicz-equivalent, and source sets make sure every trace is reached, so
// the number of complete executions equals the number of traces.
//
// Happens-before uses vector clocks computed from footprints. Races are found
// when an event is executed, by scanning back for the last conflicting accesses.
// Locks get the usual special rule: a release and a later acquire are ordered
// (dependent) but never race (the acquire cannot run first); two acquires of the
// same lock race even though the first holder's release lies between them.
//
// State caching is *not* combined with DPOR (pruning at a visited state would skip
// the race detection its continuation needs); states are only counted.

import { dependent, isLocal, plainRace, unionFp, type Footprint } from './footprint';
import {
  Budget, emptyStats, record, type Found, type PathStep, type SearchLimits,
  type SearchResult, type TransitionSystem,
} from './engine';

interface Ev { tid: number; seq: number; fp: Footprint; vc: Int32Array }

interface Node<S> {
  state: S;
  outs: (ReturnType<TransitionSystem<S>['step']>)[];
  enabled: number;
  backtrack: number;
  done: number;
  sleep: number;
  sleepFp: (Footprint | undefined)[];
  /** Events per thread before this node. */
  seqBase: Int32Array;
  /** Depth of each thread's last event before this node, or -1. */
  lastEv: Int32Array;
}

export function dporSearch<S>(sys: TransitionSystem<S>, lim: SearchLimits, collectEnds = false): SearchResult {
  return new Dpor(sys, lim, collectEnds).run();
}

class Dpor<S> {
  private readonly T: number;
  private readonly nodes: Node<S>[] = [];
  private readonly events: Ev[] = [];
  private readonly path: PathStep[] = [];
  private readonly seen = new Set<string>();
  private readonly stats = emptyStats();
  private readonly found = new Map<string, Found>();
  private readonly budget: Budget;
  private readonly ends: Set<string> | undefined;
  private stop = false;

  constructor(private readonly sys: TransitionSystem<S>, private readonly lim: SearchLimits, collectEnds: boolean) {
    this.T = sys.threadNames.length;
    if (this.T > 30) throw new Error('DPOR supports at most 30 threads');
    this.budget = new Budget(lim);
    this.ends = collectEnds ? new Set() : undefined;
  }

  run(): SearchResult {
    const s0 = this.sys.initial();
    this.seen.add(this.sys.key(s0));
    this.stats.states = 1;
    this.nodes.push(this.makeNode(s0, new Int32Array(this.T), new Int32Array(this.T).fill(-1), 0, []));
    this.explore(0);
    const res: SearchResult = { stats: this.stats, found: this.found };
    if (this.budget.limit) res.limit = this.budget.limit;
    if (this.ends) res.endStates = this.ends;
    return res;
  }

  private makeNode(state: S, seqBase: Int32Array, lastEv: Int32Array, sleep: number, sleepFp: (Footprint | undefined)[]): Node<S> {
    const outs: Node<S>['outs'] = [];
    let enabled = 0;
    for (let t = 0; t < this.T; t++) {
      const o = this.sys.step(state, t);
      outs.push(o);
      if (o && o.length > 0) enabled |= 1 << t;
    }
    return { state, outs, enabled, backtrack: 0, done: 0, sleep, sleepFp, seqBase, lastEv };
  }

  private explore(d: number): void {
    const node = this.nodes[d]!;
    this.blockedRaces(d, node);
    if (node.enabled === 0) return this.atEnd(node, d);
    const avail = node.enabled & ~node.sleep;
    if (avail === 0) { this.stats.sleepBlocked++; return; }
    node.backtrack = 1 << this.firstChoice(node, avail);
    for (;;) {
      const cand = node.backtrack & ~node.done & ~node.sleep & node.enabled;
      if (cand === 0 || this.stop) return;
      const p = 31 - Math.clz32(cand & -cand);
      this.runThread(d, node, p);
      node.done |= 1 << p;
    }
  }

  /**
   * A thread blocked on a lock would acquire it after the holder: treat that
   * pending acquire as an event for race detection only, so the order in which
   * the two take the lock gets reversed (this is what finds deadlocks).
   */
  private blockedRaces(d: number, node: Node<S>): void {
    if (!this.sys.blockedFp) return;
    for (let t = 0; t < this.T; t++) {
      const o = node.outs[t];
      if (!o || o.length > 0) continue;
      const fp = this.sys.blockedFp(node.state, t);
      if (fp) this.makeEvent(d, node, t, fp);
    }
  }

  /** Prefer a thread whose step touches nothing shared: it alone is a persistent set. */
  private firstChoice(node: Node<S>, avail: number): number {
    for (let t = 0; t < this.T; t++) {
      if (!(avail & (1 << t))) continue;
      if (node.outs[t]!.every((o) => isLocal(o.fp))) return t;
    }
    return 31 - Math.clz32(avail & -avail);
  }

  private runThread(d: number, node: Node<S>, p: number): void {
    const outs = node.outs[p]!;
    let fpAll: Footprint | undefined;
    for (let i = 0; i < outs.length && !this.stop; i++) {
      const o = outs[i]!;
      fpAll = fpAll ? unionFp(fpAll, o.fp) : o.fp;
      this.events[d] = this.makeEvent(d, node, p, o.fp);
      this.path[d] = { thread: p, outcome: i };
      this.stats.transitions++;
      const key = this.sys.key(o.state);
      if (!this.seen.has(key)) { this.seen.add(key); this.stats.states++; }
      if (!this.budget.ok(this.stats.states)) { this.stop = true; return; }
      if (o.violation && record(this.found, o.violation, this.path.slice(0, d + 1), this.lim)) { this.stop = true; return; }
      this.nodes[d + 1] = this.child(node, p, d, o.state, o.fp);
      this.explore(d + 1);
    }
    node.sleep |= 1 << p;
    node.sleepFp[p] = fpAll;
  }

  private child(node: Node<S>, p: number, d: number, state: S, fp: Footprint): Node<S> {
    let sleep = 0;
    const sleepFp: (Footprint | undefined)[] = [];
    for (let q = 0; q < this.T; q++) {
      const qfp = node.sleepFp[q];
      if ((node.sleep & (1 << q)) && qfp && !dependent(qfp, fp)) { sleep |= 1 << q; sleepFp[q] = qfp; }
    }
    const seqBase = node.seqBase.slice();
    seqBase[p]!++;
    const lastEv = node.lastEv.slice();
    lastEv[p] = d;
    return this.makeNode(state, seqBase, lastEv, sleep, sleepFp);
  }

  private atEnd(node: Node<S>, d: number): void {
    this.stats.executions++;
    const v = this.sys.atEnd(node.state);
    if (v && record(this.found, v, this.path.slice(0, d), this.lim)) this.stop = true;
    this.ends?.add(this.sys.key(node.state));
  }

  /**
   * Vector clock of p's new event at depth d, and race detection against the
   * last conflicting accesses before it (older ones happen-before those).
   */
  private makeEvent(d: number, node: Node<S>, p: number, fp: Footprint): Ev {
    const seq = node.seqBase[p]! + 1;
    const prev = node.lastEv[p]!;
    const vc = prev >= 0 ? this.events[prev]!.vc.slice() : new Int32Array(this.T);
    const need0 = fp.r0 | fp.w0, need1 = fp.r1 | fp.w1;
    let closed0 = 0, closed1 = 0;
    // Lock races: an acquire races with the sections run since the last acquire
    // of that lock and with that acquire; a section races with the last acquire.
    const lockObj = fp.acq >= 0 ? fp.acq : fp.sec;
    let wantLock = lockObj >= 0;
    const plain: number[] = [];
    const lockCands: number[] = [];
    for (let j = d - 1; j >= 0; j--) {
      if ((need0 & ~closed0) === 0 && (need1 & ~closed1) === 0 && !wantLock) break;
      const e = this.events[j]!;
      const c0 = ((e.fp.w0 & need0) | (e.fp.r0 & fp.w0)) & ~closed0;
      const c1 = ((e.fp.w1 & need1) | (e.fp.r1 & fp.w1)) & ~closed1;
      if ((c0 | c1) !== 0 && e.tid !== p) {
        joinInto(vc, e.vc);
        if (plainRace(e.fp, fp)) plain.push(j);
      }
      closed0 |= e.fp.w0 & need0;
      closed1 |= e.fp.w1 & need1;
      if (wantLock && e.fp.acq === lockObj) {
        wantLock = false;
        if (e.tid !== p) lockCands.push(j);
      } else if (wantLock && fp.acq >= 0 && e.fp.sec === lockObj && e.tid !== p) {
        lockCands.push(j);
      }
    }
    vc[p] = seq;
    const ev: Ev = { tid: p, seq, fp, vc };
    for (const j of plain) if (this.isDirect(j, d, vc)) this.addBacktrack(j, d, ev);
    const prevVc = prev >= 0 ? this.events[prev]!.vc : undefined;
    for (const j of lockCands) {
      const e = this.events[j]!;
      if (!prevVc || prevVc[e.tid]! < e.seq) this.addBacktrack(j, d, ev);
    }
    return ev;
  }

  /** No event between j and the new one that is after j and before the new one. */
  private isDirect(j: number, d: number, vc: Int32Array): boolean {
    const ej = this.events[j]!;
    for (let k = j + 1; k < d; k++) {
      const ek = this.events[k]!;
      if (ek.vc[ej.tid]! >= ej.seq && vc[ek.tid]! >= ek.seq) return false;
    }
    return true;
  }

  /**
   * Reverse the race (events[j], ev): at the node before events[j], make sure the
   * backtrack set holds an initial of v = notdep(events[j]).ev.
   */
  private addBacktrack(j: number, d: number, ev: Ev): void {
    const at = this.nodes[j]!;
    const ej = this.events[j]!;
    const base = at.seqBase.slice();
    base[ej.tid]!++;
    let initials = 0;
    for (let k = j + 1; k < d; k++) {
      const ek = this.events[k]!;
      if (ek.vc[ej.tid]! >= ej.seq) continue;
      if (this.isInitial(ek, base, -1)) initials |= 1 << ek.tid;
    }
    if (this.isInitial(ev, base, ej.tid)) initials |= 1 << ev.tid;
    if (initials & at.backtrack) return;
    if (initials === 0) { at.backtrack |= at.enabled; return; }
    const fresh = initials & ~at.sleep & at.enabled;
    const pick = fresh !== 0 ? fresh : initials;
    const q = (pick & (1 << ev.tid)) ? ev.tid : 31 - Math.clz32(pick & -pick);
    if (at.enabled & (1 << q)) at.backtrack |= 1 << q;
    else at.backtrack |= at.enabled; // cannot happen in theory; stay sound if it does
  }

  private isInitial(e: Ev, base: Int32Array, skip: number): boolean {
    if (e.seq !== base[e.tid]! + 1) return false;
    for (let t = 0; t < this.T; t++) {
      if (t === e.tid || t === skip) continue;
      if (e.vc[t]! > base[t]!) return false;
    }
    return true;
  }
}

function joinInto(a: Int32Array, b: Int32Array): void {
  for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
}
