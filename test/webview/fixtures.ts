// Traces for the webview tests, in the `simulate --format json` shape, and
// synthetic ones shaped by the contract's additions for general code paths
// (state.vars, RACE / ASSERT / DEADLOCK, nothing-to-check, model).
import type { SimResult, StateView, TraceStep } from '../../server/src/contracts/simResult';
import type { ReplayResult, ReplayState, ReplayStep } from '../../server/src/contracts/webview/trace';

function state(partial: Partial<ReplayState>): ReplayState & StateView {
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

/** A step and what it changes in the state (each state is the one before with the change applied). */
type Change = Omit<TraceStep, 'step' | 'state'> & { change?: Partial<ReplayState> };

function evolve(start: ReplayState & StateView, changes: Change[]): TraceStep[] {
  let now = start;
  return changes.map(({ change, ...step }, i) => {
    now = { ...now, ...change };
    return { step: i + 1, ...step, state: now };
  });
}

/**
 * The old-protocol race as the simulator reports it today: the declared
 * threads include an idle second initiator and two idle pCPUs; X decides an
 * unknown condition ("branch 1 of 2"), marks v under A's lock and drops it;
 * pCPU A's context_saved sees the flag and moves v to B while v is queued on A.
 */
export function schedulerRace(): SimResult {
  const X = 'X:vcpu_set_affinity';
  const at = (line: number, text?: string): Pick<TraceStep, 'file' | 'line' | 'text'> => ({
    file: 'old_migrate.c',
    line,
    ...(text ? { text } : {}),
  });
  const start = state({
    processor: { v: 'A' },
    running: { A: 'v', B: null, C: null },
    runq: { A: [], B: [], C: [] },
    flags: { v: ['is_running'] },
  });
  const trace = evolve(start, [
    { thread: X, action: 'vcpu_schedule_lock: read v->processor = A', ...at(17, 'vcpu_schedule_lock_irq(v)') },
    {
      thread: 'pCPU A',
      action: 'lock sched(A); schedule(A): deschedule v, runnable: requeue on A; unlock sched(A)',
      change: { running: { A: null, B: null, C: null }, runq: { A: ['v'], B: [], C: [] } },
    },
    { thread: X, action: 'lock sched(A)', ...at(17), change: { locks: { 'sched(A)': X } } },
    { thread: X, action: 'unknown condition: branch 1 of 2', ...at(20, '( !cpumask_test_cpu(v->processor, v->cpu_hard_affinity) )') },
    { thread: X, action: 'set _VPF_migrating', ...at(22), change: { flags: { v: ['migrating', 'is_running'] } } },
    { thread: X, action: 'unlock sched(A)', ...at(26), change: { locks: {} } },
    { thread: 'pCPU A', action: 'context_saved: clear v->is_running', ...at(44), change: { flags: { v: ['migrating'] } } },
    { thread: 'pCPU A', action: 'context_saved: pause_flags & VPF_migrating set -> vcpu_migrate(v)', ...at(49) },
    { thread: 'pCPU A', action: 'vcpu_migrate: lock sched(A)', ...at(50), change: { locks: { 'sched(A)': 'pCPU A' } } },
    {
      thread: 'pCPU A',
      action: 'vcpu_migrate: lock sched(B); vcpu_migrate: clear _VPF_migrating, processor A -> B; unlock sched(A), sched(B)',
      ...at(50),
      change: { processor: { v: 'B' }, flags: { v: [] }, locks: {} },
    },
  ]);
  return {
    version: 1,
    result: 'violation',
    invariant: 'INV1',
    message: "v is on A's runqueue but v->processor is B",
    trace,
    stats: { states: 153, transitions: 201, ms: 9, reduction: 'dpor', executions: 5 },
    threads: [X, 'Y:vcpu_set_affinity', 'pCPU A', 'pCPU B', 'pCPU C'],
  };
}

const general = { threads: ['T1', 'T2'] };

function generalSteps(steps: Omit<ReplayStep, 'step'>[]): ReplayStep[] {
  return steps.map((s, i) => ({ step: i + 1, ...s }));
}

/** Two threads update prv->credit, one under prv->lock and one without it: a RACE between steps 2 and 3. */
export function raceTrace(): ReplayResult {
  return {
    version: 1,
    result: 'violation',
    invariant: 'RACE',
    message: 'prv->credit is written by T1 and T2 with no common lock',
    race: { first: 2, second: 3, location: 'prv->credit' },
    trace: generalSteps([
      {
        thread: 'T1',
        action: 'lock prv->lock',
        file: 'credit.c',
        line: 12,
        state: state({ locks: { 'prv->lock': 'T1' }, vars: { 'prv->credit': 10, 'svc->budget': 5 } }),
      },
      {
        thread: 'T1',
        action: 'prv->credit -= 3',
        file: 'credit.c',
        line: 13,
        state: state({ locks: { 'prv->lock': 'T1' }, vars: { 'prv->credit': 7, 'svc->budget': 5 } }),
      },
      {
        thread: 'T2',
        action: 'prv->credit += 1',
        file: 'credit.c',
        line: 31,
        state: state({ locks: { 'prv->lock': 'T1' }, vars: { 'prv->credit': 8, 'svc->budget': 5 } }),
      },
    ]),
    stats: { states: 40, transitions: 61, ms: 2, reduction: 'dpor' },
    model: {
      threads: [
        { name: 'T1', function: 'burn_credits' },
        { name: 'T2', function: 'refill_credit' },
      ],
      locations: ['prv->credit', 'svc->budget'],
      skipped: ['trace_var(): no shared state'],
    },
    ...general,
  };
}

export function assertTrace(): ReplayResult {
  return {
    version: 1,
    result: 'violation',
    invariant: 'ASSERT',
    message: 'ASSERT(svc->budget >= 0) fails',
    assertion: { file: 'credit.c', line: 20, text: 'ASSERT(svc->budget >= 0)' },
    trace: generalSteps([
      { thread: 'T1', action: 'svc->budget -= 6', file: 'credit.c', line: 19, state: state({ vars: { 'svc->budget': -1 } }) },
      { thread: 'T1', action: 'ASSERT(svc->budget >= 0)', file: 'credit.c', line: 20, state: state({ vars: { 'svc->budget': -1 } }) },
    ]),
    stats: { states: 3, transitions: 2, ms: 1, reduction: 'dpor' },
    model: { threads: [{ name: 'T1', function: 'burn_credits' }], locations: ['svc->budget'], skipped: [] },
  };
}

export function deadlockTrace(): ReplayResult {
  return {
    version: 1,
    result: 'violation',
    invariant: 'DEADLOCK',
    message: 'T1 and T2 wait for each other',
    cycle: [
      { thread: 'T1', holds: ['prv->lock'], wants: 'rqd->lock' },
      { thread: 'T2', holds: 'rqd->lock', wants: 'prv->lock' },
    ],
    trace: generalSteps([
      { thread: 'T1', action: 'lock prv->lock', file: 'credit2.c', line: 40, state: state({ locks: { 'prv->lock': 'T1' } }) },
      {
        thread: 'T2',
        action: 'lock rqd->lock',
        file: 'credit2.c',
        line: 60,
        state: state({ locks: { 'prv->lock': 'T1', 'rqd->lock': 'T2' } }),
      },
    ]),
    stats: { states: 9, transitions: 12, ms: 1, reduction: 'dpor' },
    ...general,
  };
}

export function nothingToCheck(): ReplayResult {
  return {
    version: 1,
    result: 'nothing-to-check',
    message: 'dump_settings and trace_runstate share no state or lock the model tracks',
    trace: [],
    stats: { states: 0, transitions: 0, ms: 0, reduction: 'dpor' },
    model: {
      threads: [
        { name: 'T1', function: 'dump_settings' },
        { name: 'T2', function: 'trace_runstate' },
      ],
      locations: [],
      skipped: ['printk(): output only'],
    },
  };
}
