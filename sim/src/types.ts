// The public data shapes of the simulator. These are the `simulate --format json`
// contract (docs/reference.md): plain JSON-safe objects, nothing else.

/** Where an action comes from in the user's source (1-based line). */
export interface SourceRef {
  file: string;
  line: number;
}

/** The shared scheduler state as shown in a trace step (contract shape). */
export interface StateView {
  /** vCPU -> pCPU named by v->processor */
  processor: Record<string, string>;
  /** pCPU -> vCPU currently running there (curr_on_cpu), or null when idle */
  running: Record<string, string | null>;
  /** pCPU -> vCPUs on its runqueue, in order */
  runq: Record<string, string[]>;
  /** vCPU -> set pause flags (e.g. "migrating") and other boolean flags ("is_running") */
  flags: Record<string, string[]>;
  /** lock name (e.g. "sched(A)", "prv->lock", "prv->rw:r" for readers) -> owning thread(s), comma-separated */
  locks: Record<string, string>;
  /** General models: the value of each modelled location after the step ("prv->credit": 2, "svc->flags": "{PARKED}"). */
  vars?: Record<string, number | string | boolean>;
}

export interface TraceStep {
  step: number;
  thread: string;
  action: string;
  file?: string;
  line?: number;
  state: StateView;
  /** The C source text of the instruction the step comes from, when known. */
  text?: string;
}

export type InvariantId = 'INV1' | 'INV2' | 'INV3' | 'INV4' | 'INV5' | 'RACE' | 'ASSERT' | 'DEADLOCK';

/** What a result says was modelled (never `verified` without it saying what). */
export interface ModelSummary {
  threads: { name: string; function: string }[];
  /** The shared locations the model tracks, by access path. */
  locations: string[];
  /** What the extraction left out, and why. */
  skipped: string[];
}

export interface SimStats {
  states: number;
  transitions: number;
  ms: number;
  reduction: 'dpor' | 'none';
  /** Complete executions explored (Mazurkiewicz traces with DPOR). */
  executions?: number;
  /** DPOR only: explorations cut short because every enabled thread was asleep. */
  sleepBlocked?: number;
  /** States the shortest-counterexample search (BFS) visited, when it ran. */
  counterexampleStates?: number;
  /** Set when states were identified up to permutations of identical initiator threads (symmetry reduction). */
  symmetry?: boolean;
}

export interface SimResult {
  version: 1;
  /** `nothing-to-check`: the threads share no location or lock the model tracks (message says why). */
  result: 'violation' | 'verified' | 'limit' | 'nothing-to-check';
  invariant?: InvariantId;
  message: string;
  trace: TraceStep[];
  /** RACE: the two accesses (trace step numbers) and the location. */
  race?: { first: number; second: number; location: string };
  /** ASSERT: the assertion that fails. */
  assertion?: { file?: string; line?: number; text: string };
  /** DEADLOCK: the threads blocked on each other's locks. */
  cycle?: { thread: string; holds: string[]; wants: string }[];
  model?: ModelSummary;
  stats: SimStats;
  /** Extraction notes: calls the model does not know and skipped, assumptions made. */
  notes?: string[];
  /** Thread names in lane order (for swim lanes). */
  threads?: string[];
}
