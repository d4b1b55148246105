// The generic layer every explorer runs on: threads whose next step has a set of
// outcomes (several when the step makes a nondeterministic choice), each with a
// footprint. The Xen scheduler model and the read/write test programs both
// implement this interface, so DPOR, naive search and BFS are shared.

import type { Footprint } from './footprint';
import type { SourceRef } from './types';

export interface Violation {
  invariant: string;
  message: string;
  /** ASSERT: the assertion that failed. */
  assertion?: { file?: string; line?: number; text: string };
  /** DEADLOCK: the threads blocked on each other's locks. */
  cycle?: { thread: string; holds: string[]; wants: string }[];
  /**
   * RACE: the footprint object raced on, and which steps of the path are the
   * two accesses (0-based indices; the second is the last step).
   */
  race?: { obj: number; first: number; second: number };
}

export interface Outcome<S> {
  state: S;
  fp: Footprint;
  /** Readable action for traces. */
  label: string;
  src?: SourceRef;
  /** Source text of the instruction the step comes from. */
  text?: string;
  /** Set when the state after this step breaks an invariant (or the step asserts). */
  violation?: Violation;
}

export interface TransitionSystem<S> {
  readonly threadNames: string[];
  initial(): S;
  /**
   * Every initial state, when the model has several (initial values left
   * open); searches start from each. A path from initial state i > 0 begins
   * with the pseudo-step { thread: -1, outcome: i }.
   */
  initials?(): S[];
  /** Outcomes of thread t's next step: null when t has finished, [] when it is blocked. */
  step(s: S, t: number): Outcome<S>[] | null;
  key(s: S): string;
  /**
   * When step() returned [] (t waits for a lock): the footprint of t's step as
   * if the lock were free (the acquire plus what the step would touch now). DPOR
   * needs it: a blocked acquire races with the holder's acquire.
   */
  blockedFp?(s: S, t: number): Footprint | undefined;
  /** Called where no thread can move: end-state invariants, or a deadlock. */
  atEnd(s: S): Violation | null;
  /**
   * Symmetry (optional): the key of the canonical representative of s's orbit
   * under permutations of interchangeable threads (same program, same target),
   * writing into perm[t] the index thread t takes in that representative. A
   * system without symmetry may omit it; searches then use key().
   */
  canon?(s: S, perm: Int8Array): string;
  /** With canon: the number of distinct states symmetric to s (its orbit's size, s included). */
  orbitSize?(s: S): number;
}

/** One step of a path: thread and which of its outcomes (thread -1: which initial state, see initials()). */
export interface PathStep {
  thread: number;
  outcome: number;
}

/** The initial states of a system. */
export function rootsOf<S>(sys: TransitionSystem<S>): S[] {
  return sys.initials ? sys.initials() : [sys.initial()];
}

/** A path from root i: the pseudo-step naming the root first when it is not the first one. */
export function fromRoot(root: number, path: PathStep[]): PathStep[] {
  return root === 0 ? path : [{ thread: -1, outcome: root }, ...path];
}

export interface Found {
  violation: Violation;
  path: PathStep[];
}

export interface SearchLimits {
  maxStates: number;
  deadline: number;
  /** The clock `deadline` is read on (default performance.now; tests inject their own). */
  now?: () => number;
  signal?: { cancelled: boolean } | AbortSignal;
  onProgress?: (states: number) => void;
  /** Stop as soon as a violation of this invariant is found. */
  stopOn?: (invariant: string) => boolean;
}

export interface SearchStats {
  states: number;
  transitions: number;
  executions: number;
  /** Executions cut short because every enabled thread was in the sleep set (DPOR only). */
  sleepBlocked: number;
}

export interface SearchResult {
  stats: SearchStats;
  /** First violation found per invariant id, in order found. */
  found: Map<string, Found>;
  /** Why the search stopped early, if it did. */
  limit?: 'states' | 'time' | 'cancelled';
  /** Keys of the end states reached (for cross-checks in tests); only if asked. */
  endStates?: Set<string>;
}

function isCancelled(signal: SearchLimits['signal']): boolean {
  if (!signal) return false;
  if ('aborted' in signal) return signal.aborted;
  return signal.cancelled;
}

/** Shared budget check, cheap enough to call on every new state. */
export class Budget {
  private tick = 0;
  private readonly now: () => number;
  private lastProgress: number;
  limit: SearchResult['limit'];
  constructor(private readonly lim: SearchLimits) {
    this.now = lim.now ?? (() => performance.now());
    this.lastProgress = this.now();
  }

  /** Returns false when the search must stop. */
  ok(states: number): boolean {
    if (this.limit) return false;
    if (states > this.lim.maxStates) {
      this.limit = 'states';
      return false;
    }
    if ((++this.tick & 255) === 0) {
      const now = this.now();
      if (now > this.lim.deadline) {
        this.limit = 'time';
        return false;
      }
      if (isCancelled(this.lim.signal)) {
        this.limit = 'cancelled';
        return false;
      }
      if (now - this.lastProgress >= 100) {
        this.lastProgress = now;
        this.lim.onProgress?.(states);
      }
    }
    return true;
  }
}

export function emptyStats(): SearchStats {
  return { states: 0, transitions: 0, executions: 0, sleepBlocked: 0 };
}

/** Records a violation; returns true when the search should stop. */
export function record(found: Map<string, Found>, v: Violation, path: PathStep[], lim: SearchLimits): boolean {
  if (!found.has(v.invariant)) found.set(v.invariant, { violation: v, path: path.slice() });
  return lim.stopOn?.(v.invariant) ?? false;
}
