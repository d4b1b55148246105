// The trace the race replay shows: the simulation result (`simulate --format
// json`) with the additions for general code paths that the contract
// (docs/reference.md) allows (modelled variables per step, RACE / ASSERT /
// DEADLOCK verdicts, `nothing-to-check`, what was modelled), and the
// provenance the extension adds when it makes or saves a trace. The webview
// and the extension read every trace as this type; traceValidation.ts checks
// one arriving from outside.
import type { InvariantId, SimResult, StateView, TraceStep } from '../simResult';

/** A modelled variable's value at a step (`prv->credit`: 2). */
type VarValue = number | string | boolean;

export interface ReplayState extends StateView {
  /** Modelled variables (general code paths), by location name. */
  vars?: Record<string, VarValue>;
}

export interface ReplayStep extends Omit<TraceStep, 'state'> {
  state: ReplayState;
}

/** The invariants of the scheduler model, and the general checks. */
export type ReplayInvariant = InvariantId | 'RACE' | 'ASSERT' | 'DEADLOCK';

/** Two accesses to one location, at least one a write, not ordered by a common lock: `first` and `second` are step numbers. */
interface RaceReport {
  first: number;
  second: number;
  location: string;
}

/** An `ASSERT`/`BUG_ON` that fails. */
interface AssertionReport {
  /** Where the ASSERT is, when the model knows (a model built by hand may not). */
  file?: string;
  line?: number;
  text: string;
}

/** One thread of a deadlock cycle: what it holds and the lock it waits for. */
interface CycleEntry {
  thread: string;
  holds: string | string[];
  wants: string;
}

/** What was modelled: the threads and the function each runs, the shared locations, what was left out. */
interface ModelReport {
  threads: { name: string; function: string }[];
  locations: string[];
  skipped: string[];
}

/** Where a trace came from, recorded by the extension so that a later look can tell whether the source changed. */
export interface TraceProvenance {
  /** The functions simulated (what a re-run asks for). */
  functions: string[];
  /** The document simulated, relative to the workspace folder (`/`-separated). */
  document: string;
  /** Each source file's SHA-256 (hex) when the trace was made, by workspace-relative path. */
  files: { path: string; sha256: string }[];
}

export interface ReplayResult extends Omit<SimResult, 'result' | 'invariant' | 'trace' | 'race' | 'assertion' | 'cycle' | 'model'> {
  result: SimResult['result'] | 'nothing-to-check';
  invariant?: ReplayInvariant;
  trace: ReplayStep[];
  race?: RaceReport;
  assertion?: AssertionReport;
  cycle?: CycleEntry[];
  model?: ModelReport;
  provenance?: TraceProvenance;
}
