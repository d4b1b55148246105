// Traces for the webview tests, in the `simulate --format json` shape.
import type { SimResult, StateView, TraceStep } from '../../server/src/contracts/simResult';

function state(partial: Partial<StateView>): StateView {
  return { processor: {}, running: {}, runq: {}, flags: {}, locks: {}, ...partial };
}

/** The old-protocol race: the initiator sets the flag, the scheduler queues v on the old pCPU. */
export function violationTrace(): SimResult {
  const steps: Omit<TraceStep, 'step'>[] = [
    {
      thread: 'X',
      action: 'lock sched(v)',
      file: 'old_migrate.c',
      line: 20,
      state: state({ processor: { v: 'A' }, running: { A: 'v', B: null }, runq: { A: [], B: [] }, locks: { 'sched(A)': 'X' } }),
    },
    {
      thread: 'X',
      action: 'set_bit(_VPF_migrating)',
      file: 'old_migrate.c',
      line: 24,
      state: state({
        processor: { v: 'A' },
        running: { A: 'v', B: null },
        runq: { A: [], B: [] },
        flags: { v: ['migrating'] },
        locks: { 'sched(A)': 'X' },
      }),
    },
    {
      thread: 'X',
      action: 'unlock sched(v)',
      file: 'old_migrate.c',
      line: 25,
      state: state({ processor: { v: 'A' }, running: { A: 'v', B: null }, runq: { A: [], B: [] }, flags: { v: ['migrating'] } }),
    },
    {
      thread: 'S',
      action: 'context_saved: <wake> v',
      file: 'old_migrate.c',
      line: 41,
      state: state({ processor: { v: 'A' }, running: { A: null, B: null }, runq: { A: ['v'], B: [] }, flags: { v: ['migrating'] } }),
    },
  ];
  return {
    version: 1,
    result: 'violation',
    invariant: 'INV3',
    message: 'v is migrating and not running, yet it is queued on A.',
    trace: steps.map((s, i) => ({ step: i + 1, ...s })),
    stats: { states: 42, transitions: 57, ms: 3, reduction: 'dpor', executions: 4 },
    notes: ['vcpu_sleep_nosync is modelled as removal from the runqueue'],
    threads: ['X', 'S'],
  };
}

export function verifiedResult(): SimResult {
  return {
    version: 1,
    result: 'verified',
    message: 'All 3 invariants hold in every interleaving.',
    trace: [],
    stats: { states: 1234, transitions: 5678, ms: 12, reduction: 'dpor' },
  };
}

export function longTrace(n: number): SimResult {
  const threads = ['X', 'Y', 'S'];
  const trace: TraceStep[] = [];
  for (let i = 0; i < n; i++) {
    const t = threads[i % 3]!;
    trace.push({
      step: i + 1,
      thread: t,
      action: `${i % 2 ? 'unlock' : 'lock'} sched(v${i % 7}) <${i}>`,
      file: 'big.c',
      line: 10 + (i % 50),
      state: state({
        processor: { v: i % 2 ? 'A' : 'B' },
        running: { A: null, B: 'v' },
        runq: { A: [], B: [] },
        locks: i % 2 ? {} : { 'sched(A)': t },
      }),
    });
  }
  return {
    version: 1,
    result: 'limit',
    message: 'State budget of 1000000 reached.',
    trace,
    stats: { states: 1_000_000, transitions: 2_000_000, ms: 900, reduction: 'dpor' },
    threads,
  };
}
