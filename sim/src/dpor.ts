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
// Optional state caching (stateful DPOR, in the spirit of Yang et al., "Efficient
// Stateful Dynamic Partial Order Reduction", SPIN 2008): a state already fully
// explored with a sleep set contained in the current one is not explored again.
// Pruning would skip the race detection between the current prefix and the
// events below that state, so each explored state keeps a summary of what every
// thread did below it (footprints, locks acquired, sections run), and a cache hit
// replays that summary as hypothetical events against the prefix. Every access
// that conflicts with them counts as a race (no directness filter), and the backtrack
// choice for them falls back to all enabled threads when no initial is on the
// stack (see hypBacktrack): sound, at some cost in reduction.

import {
  Budget,
  emptyStats,
  type Found,
  fromRoot,
  type PathStep,
  record,
  rootsOf,
  type SearchLimits,
  type SearchResult,
  type TransitionSystem,
  type Violation,
} from './engine';
import { dependent, type Footprint, isLocal, plainRace, raceObject, unionFp } from './footprint';

interface Ev {
  tid: number;
  seq: number;
  fp: Footprint;
  vc: Int32Array;
}

interface Node<S> {
  state: S;
  outs: ReturnType<TransitionSystem<S>['step']>[];
  enabled: number;
  backtrack: number;
  done: number;
  sleep: number;
  sleepFp: (Footprint | undefined)[];
  /** Events per thread before this node. */
  seqBase: Int32Array;
  /** Depth of each thread's last event before this node, or -1. */
  lastEv: Int32Array;
  key: string;
  /** Sleep set on entry (what a cache entry may be reused with). */
  sleep0: number;
  /** Summary of the explored subtree (stateful mode), SUM fields per thread. */
  sum: Int32Array | undefined;
  /** Symmetry: thread t of this state is thread perm[t] of its canonical representative. */
  perm: Int8Array | undefined;
}

/**
 * Per-thread summary fields: r0 r1 w0 w1 l0 l1 (lock ops) a0 a1 (acquired) s0 s1 (sections) pw0 pw1 ra0 ra1
 * (data races) n0 n1 (objects some event accessed outside any lock operation: a failed trylock, an invariant check).
 */
const SUM = 16;

/** Sleep set and summary of a fully explored state, in the threads of its canonical representative. */
interface CacheEntry {
  sleep: number;
  sum: Int32Array;
}

export interface DporOptions {
  collectEnds?: boolean;
  /** Cache fully explored states (sound; see the header). Default false. */
  stateful?: boolean;
  /**
   * Stateful mode only: match cached states up to the system's symmetry
   * (sys.canon, interchangeable threads). A hit on a state symmetric to a
   * cached one replays the cached summary and sleep set through the thread
   * renaming: the two futures are isomorphic. Default false.
   */
  symmetry?: boolean;
}

export function dporSearch<S>(sys: TransitionSystem<S>, lim: SearchLimits, opts: DporOptions | boolean = {}): SearchResult {
  const o = typeof opts === 'boolean' ? { collectEnds: opts } : opts;
  return new Dpor(sys, lim, o.collectEnds ?? false, o.stateful ?? false, o.symmetry ?? false).run();
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
  private readonly cache = new Map<string, CacheEntry>();
  private readonly onStack = new Set<string>();
  cacheHits = 0;
  private readonly sym: boolean;
  private readonly permBuf: Int8Array;
  /** The initial state the current exploration started from. */
  private root = 0;
  /** A data race the last event made (set by scan, recorded by runThread once the path has the event). */
  private pendingRace: { j: number; obj: number } | undefined;
  /** Names a footprint object for race messages (the system's locationOf, when it has one). */
  private readonly objName: (obj: number) => string;

  constructor(
    private readonly sys: TransitionSystem<S>,
    private readonly lim: SearchLimits,
    collectEnds: boolean,
    private readonly stateful: boolean,
    symmetry: boolean,
  ) {
    this.T = sys.threadNames.length;
    this.sym = stateful && symmetry && sys.canon !== undefined;
    this.permBuf = new Int8Array(this.T);
    if (this.T > 30) throw new Error('DPOR supports at most 30 threads');
    this.budget = new Budget(lim);
    this.ends = collectEnds ? new Set() : undefined;
    const named = (sys as { locationOf?: (obj: number) => string | undefined }).locationOf;
    this.objName = (obj) => named?.(obj) ?? `object ${obj}`;
  }

  run(): SearchResult {
    const roots = rootsOf(this.sys);
    for (let i = 0; i < roots.length && !this.stop; i++) {
      this.root = i;
      const s0 = roots[i]!;
      const [k0, perm0] = this.keyOf(s0);
      if (!this.seen.has(k0)) {
        this.seen.add(k0);
        this.stats.states++;
      }
      this.nodes[0] = this.makeNode(s0, k0, perm0, new Int32Array(this.T), new Int32Array(this.T).fill(-1), 0, []);
      this.explore(0);
    }
    const res: SearchResult = { stats: this.stats, found: this.found };
    if (this.budget.limit) res.limit = this.budget.limit;
    if (this.ends) res.endStates = this.ends;
    return res;
  }

  /** The state's key (its representative's, with symmetry) and the thread renaming to it. */
  private keyOf(s: S): [string, Int8Array | undefined] {
    if (!this.sym) return [this.sys.key(s), undefined];
    const perm = this.permBuf;
    const key = this.sys.canon!(s, perm);
    for (let t = 0; t < this.T; t++) if (perm[t] !== t) return [key, new Int8Array(perm)];
    return [key, undefined]; // s is its own representative
  }

  private makeNode(
    state: S,
    key: string,
    perm: Int8Array | undefined,
    seqBase: Int32Array,
    lastEv: Int32Array,
    sleep: number,
    sleepFp: (Footprint | undefined)[],
  ): Node<S> {
    const outs: Node<S>['outs'] = [];
    let enabled = 0;
    for (let t = 0; t < this.T; t++) {
      const o = this.sys.step(state, t);
      outs.push(o);
      if (o && o.length > 0) enabled |= 1 << t;
    }
    const sum = this.stateful ? new Int32Array(SUM * this.T) : undefined;
    return { state, outs, enabled, backtrack: 0, done: 0, sleep, sleepFp, seqBase, lastEv, key, sleep0: sleep, sum, perm };
  }

  private explore(d: number): void {
    const node = this.nodes[d]!;
    if (!this.stateful) return this.exploreNode(d, node);
    this.onStack.add(node.key);
    this.exploreNode(d, node);
    this.onStack.delete(node.key);
    if (this.stop) return;
    const sleep = node.perm ? maskTo(node.sleep0, node.perm) : node.sleep0;
    const sum = node.perm ? sumTo(node.sum!, node.perm, this.T) : node.sum!;
    const old = this.cache.get(node.key);
    if (old) {
      old.sleep &= sleep;
      orInto(old.sum, sum);
    } else this.cache.set(node.key, { sleep, sum });
  }

  private exploreNode(d: number, node: Node<S>): void {
    this.blockedRaces(d, node);
    if (node.enabled === 0) return this.atEnd(node, d);
    const avail = node.enabled & ~node.sleep;
    if (avail === 0) {
      this.stats.sleepBlocked++;
      return;
    }
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
   * pending step (with everything it would touch if the lock were free) as an
   * event for race detection only, so the order in which the two take the lock
   * gets reversed (this is what finds deadlocks).
   */
  private blockedRaces(d: number, node: Node<S>): void {
    if (!this.sys.blockedFp) return;
    for (let t = 0; t < this.T; t++) {
      const o = node.outs[t];
      if (!o || o.length > 0) continue;
      const fp = this.sys.blockedFp(node.state, t);
      if (!fp) continue;
      this.makeEvent(d, node, t, fp, false);
      if (node.sum) addToSum(node.sum, t, fp);
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
      const [key, perm] = this.keyOf(o.state);
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.stats.states++;
      }
      if (!this.budget.ok(this.stats.states)) {
        this.stop = true;
        return;
      }
      if (o.violation && record(this.found, o.violation, fromRoot(this.root, this.path.slice(0, d + 1)), this.lim)) {
        this.stop = true;
        return;
      }
      if (this.pendingRace && this.recordRace(d)) {
        this.stop = true;
        return;
      }
      if (node.sum) addToSum(node.sum, p, o.fp);
      const next = this.child(node, p, d, o.state, o.fp, key, perm);
      if (!next) continue;
      this.nodes[d + 1] = next;
      this.explore(d + 1);
      if (node.sum) orInto(node.sum, next.sum!);
    }
    node.sleep |= 1 << p;
    node.sleepFp[p] = fpAll;
  }

  /** The child node to explore, or undefined on a cache hit (its summary is replayed instead). */
  private child(
    node: Node<S>,
    p: number,
    d: number,
    state: S,
    fp: Footprint,
    key: string,
    perm: Int8Array | undefined,
  ): Node<S> | undefined {
    let sleep = 0;
    const sleepFp: (Footprint | undefined)[] = [];
    for (let q = 0; q < this.T; q++) {
      const qfp = node.sleepFp[q];
      if (node.sleep & (1 << q) && qfp && !dependent(qfp, fp)) {
        sleep |= 1 << q;
        sleepFp[q] = qfp;
      }
    }
    const seqBase = new Int32Array(node.seqBase);
    seqBase[p]!++;
    const lastEv = new Int32Array(node.lastEv);
    lastEv[p] = d;
    const hit = this.stateful ? this.cache.get(key) : undefined;
    const sum =
      hit && (maskFrom(hit.sleep, perm) & ~sleep) === 0 && !this.onStack.has(key)
        ? perm
          ? sumFrom(hit.sum, perm, this.T)
          : hit.sum
        : undefined;
    if (sum && this.raceFree(d + 1, sum)) {
      this.replaySummary(d + 1, seqBase, lastEv, sum);
      orInto(node.sum!, sum);
      this.cacheHits++;
      return undefined;
    }
    return this.makeNode(state, key, perm, seqBase, lastEv, sleep, sleepFp);
  }

  /**
   * Race detection for what each thread did below a cached state, as if it came
   * next (summary footprints; every conflicting last access counts as a race).
   */
  private replaySummary(D: number, seqBase: Int32Array, lastEv: Int32Array, sum: Int32Array): void {
    for (let q = 0; q < this.T; q++) {
      const b = q * SUM;
      if ((sum[b]! | sum[b + 1]! | sum[b + 2]! | sum[b + 3]!) === 0) continue;
      const fp: Footprint = {
        r0: sum[b]!,
        r1: sum[b + 1]!,
        w0: sum[b + 2]!,
        w1: sum[b + 3]!,
        // An object counts as touched only by lock operations when no event below touched it otherwise.
        l0: (sum[b + 4]! | sum[b + 8]!) & ~sum[b + 14]!,
        l1: (sum[b + 5]! | sum[b + 9]!) & ~sum[b + 15]!,
        acq: -1,
        sec: -1,
        pw0: 0,
        pw1: 0,
        ra0: 0,
        ra1: 0,
        hx: 0,
        hs: 0,
      };
      this.scan(D, q, seqBase[q]! + 1, lastEv[q]!, fp, sum[b + 6]!, sum[b + 7]!, sum[b + 8]!, sum[b + 9]!, true);
    }
  }

  /**
   * Whether replaying a cached summary at depth D is safe for race detection:
   * no event of the current prefix could form a data race with an access of
   * another thread below the cached state (no common lock held at both). When
   * one could, the state is explored again instead, so that the race shows up
   * between real events.
   */
  private raceFree(D: number, sum: Int32Array): boolean {
    // Races are reported once: after the first, replaying summaries is as safe as for any other property.
    if (this.found.has('RACE')) return true;
    const ls = locksets.get(sum);
    for (let j = 0; j < D; j++) {
      const e = this.events[j]!.fp;
      if ((e.pw0 | e.pw1 | e.ra0 | e.ra1) === 0) continue;
      const tid = this.events[j]!.tid;
      for (let q = 0; q < this.T; q++) {
        if (q === tid) continue;
        const b = q * SUM;
        const c0 = (e.pw0 & sum[b + 12]!) | (e.ra0 & sum[b + 10]!),
          c1 = (e.pw1 & sum[b + 13]!) | (e.ra1 & sum[b + 11]!);
        if ((c0 | c1) === 0) continue;
        // Each conflicting object: safe when a common lock orders every access of q to it with e (Eraser's rule).
        for (let w = 0; w < 2; w++) {
          let m = w === 0 ? c0 : c1;
          while (m !== 0) {
            const low = m & -m;
            const o = w * 32 + 31 - Math.clz32(low);
            const held = ls?.get(q * 64 + o);
            if (!held || ((e.hx & held[1]) | ((e.hx | e.hs) & held[0])) === 0) return false;
            m &= m - 1;
          }
        }
      }
    }
    return true;
  }

  /** Records the data race the event at depth d made; true when the search should stop. */
  private recordRace(d: number): boolean {
    const { j, obj } = this.pendingRace!;
    this.pendingRace = undefined;
    if (this.found.has('RACE')) return false;
    const tj = this.sys.threadNames[this.events[j]!.tid]!,
      td = this.sys.threadNames[this.events[d]!.tid]!;
    const v: Violation = {
      invariant: 'RACE',
      message: `data race on ${this.objName(obj)}: ${tj} and ${td} access it unordered by any lock, and one of them writes it with a plain store`,
      race: { obj, first: j, second: d },
    };
    return record(this.found, v, fromRoot(this.root, this.path.slice(0, d + 1)), this.lim);
  }

  /**
   * Backtrack choice for a race with an event below a cached state: the events
   * below may come first in v = notdep(e_j).ev, so only initials on the stack
   * are sure; without one, every enabled thread is added (sound, less reduced).
   */
  private hypBacktrack(j: number, initials: number): void {
    const at = this.nodes[j]!;
    if (initials & at.backtrack) return;
    const sure = initials & at.enabled;
    at.backtrack |= sure !== 0 ? 1 << (31 - Math.clz32(sure & -sure)) : at.enabled;
  }

  private atEnd(node: Node<S>, d: number): void {
    this.stats.executions++;
    const v = this.sys.atEnd(node.state);
    if (v && record(this.found, v, fromRoot(this.root, this.path.slice(0, d)), this.lim)) this.stop = true;
    this.ends?.add(node.key); // the representative's key with symmetry
  }

  /**
   * Vector clock of p's new event at depth d, and race detection against the
   * last conflicting accesses before it (older ones happen-before those).
   */
  private makeEvent(d: number, node: Node<S>, p: number, fp: Footprint, exact = true): Ev {
    const a0 = fp.acq >= 0 && fp.acq < 32 ? 1 << fp.acq : 0,
      a1 = fp.acq >= 32 ? 1 << (fp.acq - 32) : 0;
    const s0 = fp.sec >= 0 && fp.sec < 32 ? 1 << fp.sec : 0,
      s1 = fp.sec >= 32 ? 1 << (fp.sec - 32) : 0;
    return this.scan(d, p, node.seqBase[p]! + 1, node.lastEv[p]!, fp, a0, a1, s0, s1, false, exact);
  }

  /**
   * Lock races: an acquire races with the sections run since the last acquire of
   * that lock and with that acquire; a section races with the last acquire.
   * `acq*`/`sec*`: masks of the locks the event acquires / runs sections of.
   */
  private scan(
    d: number,
    p: number,
    seq: number,
    prev: number,
    fp: Footprint,
    acq0: number,
    acq1: number,
    sec0: number,
    sec1: number,
    hypothetical: boolean,
    exact = !hypothetical,
  ): Ev {
    const vc = prev >= 0 ? new Int32Array(this.events[prev]!.vc) : new Int32Array(this.T);
    const need0 = fp.r0 | fp.w0,
      need1 = fp.r1 | fp.w1;
    let closed0 = 0,
      closed1 = 0;
    let want0 = acq0 | sec0,
      want1 = acq1 | sec1;
    const plain: number[] = [];
    const lockCands: number[] = [];
    for (let j = d - 1; j >= 0; j--) {
      if ((need0 & ~closed0) === 0 && (need1 & ~closed1) === 0 && (want0 | want1) === 0) break;
      const e = this.events[j]!;
      const c0 = ((e.fp.w0 & need0) | (e.fp.r0 & fp.w0)) & ~closed0;
      const c1 = ((e.fp.w1 & need1) | (e.fp.r1 & fp.w1)) & ~closed1;
      if ((c0 | c1) !== 0 && e.tid !== p) {
        joinInto(vc, e.vc);
        if (plainRace(e.fp, fp)) plain.push(j);
      }
      closed0 |= e.fp.w0 & need0;
      closed1 |= e.fp.w1 & need1;
      if (e.fp.acq >= 0 && hasBit(want0, want1, e.fp.acq)) {
        [want0, want1] = clearBit(want0, want1, e.fp.acq);
        if (e.tid !== p) lockCands.push(j);
      } else if (e.fp.sec >= 0 && e.tid !== p && hasBit(acq0 & want0, acq1 & want1, e.fp.sec)) {
        lockCands.push(j);
      }
    }
    vc[p] = seq;
    const ev: Ev = { tid: p, seq, fp, vc };
    // A summary or blocked-step footprint may conflict where the real event will
    // not, so its clock can claim orderings that do not exist: no directness filter.
    for (const j of plain) {
      if (exact && !this.isDirect(j, d, vc)) continue;
      this.addBacktrack(j, d, ev, hypothetical);
      // Two real accesses, not ordered by anything in between (no lock): a data race when one is a plain write.
      if (exact && !this.pendingRace) {
        const obj = raceObject(this.events[j]!.fp, fp);
        if (obj >= 0) this.pendingRace = { j, obj };
      }
    }
    const prevVc = prev >= 0 ? this.events[prev]!.vc : undefined;
    for (const j of lockCands) {
      const e = this.events[j]!;
      if (!prevVc || prevVc[e.tid]! < e.seq) this.addBacktrack(j, d, ev, hypothetical);
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
  private addBacktrack(j: number, d: number, ev: Ev, hypothetical: boolean): void {
    const at = this.nodes[j]!;
    const ej = this.events[j]!;
    const base = new Int32Array(at.seqBase);
    base[ej.tid]!++;
    let initials = 0;
    for (let k = j + 1; k < d; k++) {
      const ek = this.events[k]!;
      if (ek.vc[ej.tid]! >= ej.seq) continue;
      if (this.isInitial(ek, base, -1)) initials |= 1 << ek.tid;
    }
    if (hypothetical) return this.hypBacktrack(j, initials);
    if (this.isInitial(ev, base, ej.tid)) initials |= 1 << ev.tid;
    if (initials & at.backtrack) return;
    if (initials === 0) {
      at.backtrack |= at.enabled;
      return;
    }
    const fresh = initials & ~at.sleep & at.enabled;
    const pick = fresh !== 0 ? fresh : initials;
    const q = pick & (1 << ev.tid) ? ev.tid : 31 - Math.clz32(pick & -pick);
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

function hasBit(m0: number, m1: number, obj: number): boolean {
  return obj < 32 ? (m0 & (1 << obj)) !== 0 : (m1 & (1 << (obj - 32))) !== 0;
}

function clearBit(m0: number, m1: number, obj: number): [number, number] {
  return obj < 32 ? [m0 & ~(1 << obj), m1] : [m0, m1 & ~(1 << (obj - 32))];
}

/** `a[i] |= v` on a typed array (indexes are checked: noUncheckedIndexedAccess). */
function orAt(a: Int32Array, i: number, v: number): void {
  a[i] = a[i]! | v;
}

function addToSum(sum: Int32Array, t: number, fp: Footprint): void {
  const b = t * SUM;
  orAt(sum, b, fp.r0);
  orAt(sum, b + 1, fp.r1);
  orAt(sum, b + 2, fp.w0);
  orAt(sum, b + 3, fp.w1);
  orAt(sum, b + 4, fp.l0);
  orAt(sum, b + 5, fp.l1);
  if (fp.acq >= 0) {
    if (fp.acq < 32) orAt(sum, b + 6, 1 << fp.acq);
    else orAt(sum, b + 7, 1 << (fp.acq - 32));
  }
  if (fp.sec >= 0) {
    if (fp.sec < 32) orAt(sum, b + 8, 1 << fp.sec);
    else orAt(sum, b + 9, 1 << (fp.sec - 32));
  }
  orAt(sum, b + 10, fp.pw0);
  orAt(sum, b + 11, fp.pw1);
  orAt(sum, b + 12, fp.ra0);
  orAt(sum, b + 13, fp.ra1);
  const sec0 = fp.sec >= 0 && fp.sec < 32 ? 1 << fp.sec : 0,
    sec1 = fp.sec >= 32 ? 1 << (fp.sec - 32) : 0;
  orAt(sum, b + 14, (fp.r0 | fp.w0) & ~(fp.l0 | sec0));
  orAt(sum, b + 15, (fp.r1 | fp.w1) & ~(fp.l1 | sec1));
  if ((fp.ra0 | fp.ra1) === 0) return;
  const ls = lockset(sum);
  for (let w = 0; w < 2; w++) {
    let m = w === 0 ? fp.ra0 : fp.ra1;
    while (m !== 0) {
      const low = m & -m;
      meet(ls, t * 64 + w * 32 + 31 - Math.clz32(low), fp.hx, fp.hx | fp.hs);
      m &= m - 1;
    }
  }
}

/**
 * Per summary: for each (thread, object) with data accesses below, the locks
 * held at every one of them ([owned at all, held in any mode at all]), keyed
 * thread * 64 + object. Kept beside the summary array (a summary without data
 * accesses has none).
 */
const locksets = new WeakMap<Int32Array, Map<number, [number, number]>>();

function lockset(sum: Int32Array): Map<number, [number, number]> {
  let m = locksets.get(sum);
  if (!m) locksets.set(sum, (m = new Map()));
  return m;
}

function meet(m: Map<number, [number, number]>, key: number, ex: number, any: number): void {
  const old = m.get(key);
  if (old) {
    old[0] &= ex;
    old[1] &= any;
  } else m.set(key, [ex, any]);
}

function orInto(a: Int32Array, b: Int32Array): void {
  for (let i = 0; i < a.length; i++) orAt(a, i, b[i]!);
  const lb = locksets.get(b);
  if (!lb) return;
  const la = lockset(a);
  for (const [k, [ex, any]] of lb) meet(la, k, ex, any);
}

/** A permuted copy of a summary's locksets (thread t becomes to(t)). */
function permuteLocksets(from: Int32Array, into: Int32Array, to: (t: number) => number): void {
  const l = locksets.get(from);
  if (!l) return;
  const out = new Map<number, [number, number]>();
  for (const [k, [ex, any]] of l) out.set(to(Math.floor(k / 64)) * 64 + (k % 64), [ex, any]);
  locksets.set(into, out);
}

function joinInto(a: Int32Array, b: Int32Array): void {
  for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
}

/** A thread mask of a state in its representative's threads (perm: thread -> representative's). */
function maskTo(m: number, perm: Int8Array): number {
  let out = 0;
  for (let t = 0; t < perm.length; t++) if (m & (1 << t)) out |= 1 << perm[t]!;
  return out;
}

/** A representative's thread mask in the threads of a state (inverse of maskTo). */
function maskFrom(m: number, perm: Int8Array | undefined): number {
  if (!perm) return m;
  let out = 0;
  for (let t = 0; t < perm.length; t++) if (m & (1 << perm[t]!)) out |= 1 << t;
  return out;
}

function sumTo(sum: Int32Array, perm: Int8Array, T: number): Int32Array {
  const out = new Int32Array(SUM * T);
  for (let t = 0; t < T; t++) {
    const a = t * SUM,
      b = perm[t]! * SUM;
    for (let i = 0; i < SUM; i++) out[b + i] = sum[a + i]!;
  }
  permuteLocksets(sum, out, (t) => perm[t]!);
  return out;
}

function sumFrom(sum: Int32Array, perm: Int8Array, T: number): Int32Array {
  const out = new Int32Array(SUM * T);
  for (let t = 0; t < T; t++) {
    const a = t * SUM,
      b = perm[t]! * SUM;
    for (let i = 0; i < SUM; i++) out[a + i] = sum[b + i]!;
  }
  const inverse = new Int8Array(T);
  for (let t = 0; t < T; t++) inverse[perm[t]!] = t;
  permuteLocksets(sum, out, (t) => inverse[t]!);
  return out;
}
