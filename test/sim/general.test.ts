// General models: threads over shared locations and locks. Verdicts (RACE,
// ASSERT, DEADLOCK), minimal traces, what the result says was modelled, and
// DPOR's optimality: one execution per Mazurkiewicz trace, counted
// independently (traceOracle.ts), on the built-in models and on random ones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  buildSystem,
  dporSearch,
  explore,
  type InstrAt,
  type Model,
  naiveSearch,
  referenceModel,
  type SearchLimits,
} from '../../sim/src/index';
import {
  abba,
  checkThenAct,
  eq,
  general,
  increment,
  lock,
  lostUpdate,
  num,
  randomGeneral,
  read,
  reg,
  rng,
  unlock,
  write,
} from './generalModels';
import { countTraces, countTracesBySleepSets } from './traceOracle';

const lim = (): SearchLimits => ({ maxStates: 1e8, deadline: performance.now() + 600_000 });
const stateless = (m: Model) => dporSearch(buildSystem(m), lim(), { stateful: false });

describe('DPOR runs one execution per Mazurkiewicz trace', () => {
  it('the built-in migration models: executions = traces (enumeration, and sleep sets for the larger ones)', () => {
    // Small enough to enumerate every interleaving: 97,924 of them, 109 traces.
    const small = buildSystem(referenceModel('new', { initiators: 1, pcpus: 2 }));
    assert.deepEqual(countTraces(small), { interleavings: 97924, traces: 109 });
    assert.equal(countTracesBySleepSets(small), 109);
    assert.equal(stateless(referenceModel('new', { initiators: 1, pcpus: 2 })).stats.executions, 109);
    const cases = [
      ['old', 1, 2, 334],
      ['new', 1, 3, 277],
      ['old', 1, 3, 1650],
      ['new', 2, 2, 31894],
    ] as const;
    for (const [protocol, initiators, pcpus, traces] of cases) {
      const m = referenceModel(protocol, { initiators, pcpus });
      const counted = countTracesBySleepSets(buildSystem(m));
      const d = stateless(m);
      assert.equal(counted, traces, `${protocol} ${initiators}x${pcpus}: traces`);
      assert.equal(
        d.stats.executions / counted,
        1,
        `${protocol} ${initiators}x${pcpus}: executions ${d.stats.executions} / traces ${counted}`,
      );
    }
  });

  it('general models: lost update, deadlock, check-then-act', () => {
    const cases: [string, Model, number][] = [
      // Per initial value of prv->credit (4 of them): 4 orders of the unlocked accesses, 2 of the locked sections.
      ['lost update, no lock', lostUpdate(false, false), 16],
      ['lost update, one lock', lostUpdate(true, false), 16],
      ['lost update, both locked', lostUpdate(true, true), 8],
      ['ABBA', abba(false), 3],
      ['same order', abba(true), 2],
      ['check-then-act', checkThenAct(false), 6],
      ['check-then-act fixed', checkThenAct(true), 2],
    ];
    for (const [what, m, traces] of cases) {
      const counted = countTraces(buildSystem(m));
      assert.equal(counted.traces, traces, `${what}: traces`);
      assert.equal(countTracesBySleepSets(buildSystem(m)), traces, `${what}: sleep-set count`);
      assert.equal(stateless(m).stats.executions, traces, `${what}: DPOR executions`);
    }
  });

  it('random general programs: executions = traces; stateful DPOR, stateless DPOR and naive agree on violations and end states', () => {
    const rand = rng(0xd9a3);
    for (let i = 0; i < 300; i++) {
      const m = randomGeneral(rand);
      const sys = buildSystem(m);
      const where = JSON.stringify(m.threads.map((t) => t.instrs));
      const traces = countTraces(sys).traces;
      const d = dporSearch(sys, lim(), { stateful: false, collectEnds: true });
      assert.equal(d.stats.executions, traces, `executions of ${where}`);
      const st = dporSearch(sys, lim(), { stateful: true, symmetry: true, collectEnds: true });
      const n = naiveSearch(sys, lim(), true);
      assert.deepEqual([...d.found.keys()].sort(), [...n.found.keys()].sort(), `violations (stateless) of ${where}`);
      assert.deepEqual([...st.found.keys()].sort(), [...n.found.keys()].sort(), `violations (stateful) of ${where}`);
      assert.deepEqual([...d.endStates!].sort(), [...n.endStates!].sort(), `end states of ${where}`);
    }
  });
});

it('state caching: a failed trylock below a cached state is not hidden by the same thread releasing that lock', () => {
  // T1 trylocks m twice; its second attempt can fail while T0 holds m, after its first succeeded.
  const tryWrite = (at: number): InstrAt[] => [
    { op: 'trylock', lock: { lock: 'm' }, reg: 't' },
    { op: 'branch', cond: reg('t'), else: at + 4 },
    write('a', num(2)),
    unlock('m'),
  ];
  const m = general(
    [
      { name: 'T0', instrs: [lock('m'), { op: 'trylock', lock: { lock: 'm' }, reg: 't' }, unlock('m')] },
      { name: 'T1', instrs: [...tryWrite(0), ...tryWrite(4)] },
    ],
    { locations: [{ name: 'a', domain: { kind: 'int', max: 3 }, init: 0 }], locks: [{ name: 'm' }] },
  );
  const sys = buildSystem(m);
  const ends = (x: ReturnType<typeof dporSearch>) => [...x.endStates!].sort();
  const naive = naiveSearch(sys, lim(), true);
  assert.equal(naive.endStates!.size, 3);
  assert.deepEqual(ends(dporSearch(sys, lim(), { stateful: true, collectEnds: true })), ends(naive));
  assert.deepEqual(ends(dporSearch(sys, lim(), { stateful: false, collectEnds: true })), ends(naive));
});

describe('data races', () => {
  it('lost update without a lock: RACE on prv->credit, the two accesses are the last two of a 3-step trace', () => {
    const r = explore(lostUpdate(false, false, 1));
    assert.equal(r.result, 'violation');
    assert.equal(r.invariant, 'RACE');
    assert.deepEqual(r.race, { first: 2, second: 3, location: 'prv->credit' });
    assert.deepEqual(
      r.trace.map((s) => [s.thread, s.action]),
      [
        ['X', 'read prv->credit = 1'],
        ['X', 'write prv->credit = 2'],
        ['Y', 'read prv->credit = 2'],
      ],
    );
    assert.deepEqual(r.trace[1]!.state.vars, { 'prv->credit': 2 });
    assert.equal(
      r.message,
      'data race on prv->credit: X and Y access it unordered by any lock, and one of them writes it with a plain store',
    );
    assert.deepEqual(r.model, {
      threads: [
        { name: 'X', function: 'X' },
        { name: 'Y', function: 'Y' },
      ],
      locations: ['prv->credit'],
      skipped: [],
    });
  });

  it('one thread locked, the other not: still a race (4 steps: the lock, then the pair)', () => {
    const r = explore(lostUpdate(true, false, 0));
    assert.equal(r.invariant, 'RACE');
    assert.equal(r.trace.length, 4);
    assert.deepEqual(r.race, { first: 3, second: 4, location: 'prv->credit' });
    assert.deepEqual(r.trace[0]!.state.locks, { 'prv->lock': 'X' });
  });

  it('both under the lock: verified, every initial value tried', () => {
    const r = explore(lostUpdate(true, true));
    assert.equal(r.result, 'verified');
    assert.equal(r.message, 'all interleavings explored: no data race, failing assertion or deadlock (36 states, 4 executions)');
    assert.equal(explore(lostUpdate(true, true, 2)).stats.executions, 1);
  });

  it('atomic operations do not race with each other; a plain store races with them; a plain load of an atomic word is not reported', () => {
    const word = { locations: [{ name: 'svc->flags', domain: { kind: 'bits' as const, mask: 3 }, init: 0 }], locks: [] };
    const setBit = (bit: number): InstrAt => ({ op: 'atomic', loc: 'svc->flags', fn: 'setBit', arg: num(bit) });
    const atomicOnly = explore(
      general(
        [
          { name: 'X', instrs: [setBit(0)] },
          { name: 'Y', instrs: [setBit(1)] },
        ],
        word,
      ),
    );
    assert.equal(atomicOnly.result, 'verified');
    const plainOr = [read('svc->flags', 'f'), write('svc->flags', { k: 'bin', op: '|', a: reg('f'), b: num(2) })];
    const mixed = explore(
      general(
        [
          { name: 'X', instrs: [setBit(0)] },
          { name: 'Y', instrs: plainOr },
        ],
        word,
      ),
    );
    assert.equal(mixed.invariant, 'RACE');
    assert.deepEqual(mixed.race, { first: 2, second: 3, location: 'svc->flags' });
    const reader = explore(
      general(
        [
          { name: 'X', instrs: [setBit(0)] },
          { name: 'Y', instrs: [read('svc->flags', 'f')] },
        ],
        word,
      ),
    );
    assert.equal(reader.result, 'verified');
  });

  it('rwlocks: readers together, writers alone; a write under the read lock races', () => {
    const shared = { locations: [{ name: 'x', domain: { kind: 'none' as const } }], locks: [{ name: 'rw', kind: 'rw' as const }] };
    const reader: InstrAt[] = [lock('rw', 'r'), read('x'), unlock('rw', 'r')];
    const writer: InstrAt[] = [lock('rw', 'w'), write('x'), unlock('rw', 'w')];
    const ok = explore(
      general(
        [
          { name: 'R1', instrs: reader },
          { name: 'R2', instrs: reader.map((i) => ({ ...i })) },
          { name: 'W', instrs: writer },
        ],
        shared,
      ),
      { stateful: false },
    );
    assert.equal(ok.result, 'verified');
    // The readers commute: the traces are the writer's section before or after each reader's (2 x 2 = 4), not the 3! = 6 orders of three sections.
    assert.equal(ok.stats.executions, 4);
    const bad = explore(
      general(
        [
          { name: 'R', instrs: reader },
          { name: 'W', instrs: [lock('rw', 'r'), write('x'), unlock('rw', 'r')] },
        ],
        shared,
      ),
    );
    assert.equal(bad.invariant, 'RACE');
    assert.deepEqual(bad.trace[1]!.state.locks, { 'rw:r': 'R, W' });
  });
});

describe('assertions, deadlocks, trylock', () => {
  it('check-then-act across an unlock: ASSERT fails in a 14-step trace; one critical section verifies', () => {
    const r = explore(checkThenAct(false));
    assert.equal(r.invariant, 'ASSERT');
    assert.deepEqual(r.assertion, { text: 'ASSERT(!spc->busy);' });
    assert.equal(r.message, 'ASSERT(!spc->busy) fails in Y');
    assert.equal(r.trace.length, 14);
    assert.equal(r.trace[13]!.action, 'ASSERT(!spc->busy) FAILS');
    assert.equal(explore(checkThenAct(true)).result, 'verified');
  });

  it('ABBA: DEADLOCK with the lock cycle after 2 steps; one order verifies', () => {
    const r = explore(abba(false));
    assert.equal(r.invariant, 'DEADLOCK');
    assert.deepEqual(r.cycle, [
      { thread: 'X', holds: ['prv->lock'], wants: 'rqd->lock' },
      { thread: 'Y', holds: ['rqd->lock'], wants: 'prv->lock' },
    ]);
    assert.equal(r.message, 'deadlock: X holds prv->lock and waits for rqd->lock; Y holds rqd->lock and waits for prv->lock');
    assert.deepEqual(
      r.trace.map((s) => `${s.thread}: ${s.action}`),
      ['X: lock prv->lock', 'Y: lock rqd->lock'],
    );
    assert.equal(explore(abba(true)).result, 'verified');
  });

  it('a thread retaking a lock it holds deadlocks on itself; releasing one it does not hold fails an assertion', () => {
    const shared = { locations: [], locks: [{ name: 'l' }] };
    const self = explore(
      general(
        [
          { name: 'X', instrs: [lock('l'), lock('l')] },
          { name: 'Y', instrs: [lock('l'), unlock('l')] },
        ],
        shared,
      ),
    );
    assert.equal(self.invariant, 'DEADLOCK');
    assert.deepEqual(self.cycle?.[0], { thread: 'X', holds: ['l'], wants: 'l' });
    const stray = explore(
      general(
        [
          { name: 'X', instrs: [unlock('l')] },
          { name: 'Y', instrs: [lock('l'), unlock('l')] },
        ],
        shared,
      ),
    );
    assert.equal(stray.invariant, 'ASSERT');
    assert.equal(stray.message, 'X releases l, which it does not hold');
  });

  it('trylock backs off instead of deadlocking', () => {
    const shared = { locations: [{ name: 'x', domain: { kind: 'none' as const } }], locks: [{ name: 'a' }, { name: 'b' }] };
    const backOff: InstrAt[] = [
      lock('b'),
      { op: 'trylock', lock: { lock: 'a' }, reg: 't' },
      { op: 'branch', cond: reg('t'), else: 5 },
      write('x'),
      unlock('a'),
      unlock('b'),
    ];
    const r = explore(
      general(
        [
          { name: 'X', instrs: [lock('a'), lock('b'), write('x'), unlock('b'), unlock('a')] },
          { name: 'Y', instrs: backOff },
        ],
        shared,
      ),
    );
    assert.equal(r.result, 'verified', r.message);
  });

  it('per-pCPU lock family with re-validation: a processor write without the lock breaks the unlock assertion', () => {
    // The waker's vcpu_schedule_lock: read v->processor, lock that pCPU's lock, re-read, retry when v moved;
    // its unlock ASSERTs the lock is still v->processor's. The mover writes v->processor, with or without the lock.
    const fam = ['sched(A)', 'sched(B)'];
    const byProc = (r: string) => ({ family: fam, index: reg(r) });
    const lockV = (from: number): InstrAt[] => [
      { op: 'read', loc: 'v->processor', reg: 'p', how: 'sync' },
      { op: 'lock', lock: byProc('p'), reg: 'l' },
      { op: 'read', loc: 'v->processor', reg: 'q', how: 'sync' },
      { op: 'branch', cond: eq(reg('p'), reg('q')), else: from + 5 },
      { op: 'jump', target: from + 7 },
      { op: 'unlock', lock: byProc('p') },
      { op: 'jump', target: from },
    ];
    const unlockV: InstrAt[] = [
      read('v->processor', 'u'),
      {
        op: 'assert',
        cond: eq(reg('l'), { k: 'lockId', lock: byProc('u') }),
        text: 'ASSERT(lock == per_cpu(schedule_data, v->processor).schedule_lock)',
      },
      { op: 'unlock', lock: { reg: 'l' } },
    ];
    const waker: InstrAt[] = [...lockV(0), ...unlockV];
    const shared = {
      locations: [{ name: 'v->processor', domain: { kind: 'enum' as const, values: ['A', 'B'] }, init: 0 }],
      locks: fam.map((name) => ({ name })),
    };
    const unlocked = explore(
      general(
        [
          { name: 'W', instrs: waker },
          { name: 'M', instrs: [write('v->processor', num(1))] },
        ],
        shared,
      ),
    );
    assert.equal(unlocked.invariant, 'ASSERT');
    assert.equal(unlocked.trace.length, 6);
    assert.match(unlocked.notes!.join('\n'), /also violated: RACE/);
    const mover: InstrAt[] = [...lockV(0), write('v->processor', num(1)), { op: 'unlock', lock: { reg: 'l' } }];
    const locked = explore(
      general(
        [
          { name: 'W', instrs: waker },
          { name: 'M', instrs: mover },
        ],
        shared,
      ),
    );
    assert.equal(locked.result, 'verified', `${locked.message} ${JSON.stringify(locked.trace.map((s) => s.action))}`);
  });
});

describe('what a result says', () => {
  it('threads that share nothing: nothing to check, never verified', () => {
    const m = general(
      [
        { name: 'X', instrs: increment('a') },
        { name: 'Y', instrs: increment('b') },
      ],
      { locations: ['a', 'b'].map((name) => ({ name, domain: { kind: 'none' as const } })), locks: [] },
    );
    const r = explore(m);
    assert.equal(r.result, 'nothing-to-check');
    assert.equal(
      r.message,
      'X and Y share no location that one of them writes and no lock (they touch a, b, see the notes for what each touches): every interleaving is the same',
    );
    assert.deepEqual(r.trace, []);
    const one = explore(
      general([{ name: 'X', instrs: increment('a') }], { locations: [{ name: 'a', domain: { kind: 'none' } }], locks: [] }),
    );
    assert.equal(one.result, 'nothing-to-check');
    assert.equal(one.message, 'only one thread (X): there is nothing to interleave it with');
  });

  it('copies of one function are symmetric: fewer states, same verdict', () => {
    const three = (locked: boolean) =>
      general(
        ['X', 'Y', 'Z'].map((name) => ({
          name,
          instrs: locked ? [lock('l'), ...increment('c'), unlock('l')] : increment('c'),
        })),
        { locations: [{ name: 'c', domain: { kind: 'int', max: 3 }, init: 0 }], locks: [{ name: 'l' }] },
      );
    const on = explore(three(true));
    const off = explore(three(true), { symmetry: false });
    assert.equal(on.result, 'verified');
    assert.equal(off.result, 'verified');
    assert.equal(on.stats.symmetry, true);
    assert.ok(on.stats.states < off.stats.states, `${on.stats.states} < ${off.stats.states}`);
    assert.equal(explore(three(false)).invariant, 'RACE');
  });

  it('a mixed model: the migration model with a general location, and the limits', () => {
    const m = referenceModel('new', { initiators: 1, pcpus: 2 });
    m.threads[0]!.instrs.push(...increment('prv->credit'));
    m.threads.push({ name: 'Y', instrs: [unlock('prv->lock')] });
    m.shared = { locations: [{ name: 'prv->credit', domain: { kind: 'none' } }], locks: [{ name: 'prv->lock' }] };
    const r = explore(m);
    assert.equal(r.invariant, 'ASSERT');
    assert.equal(r.model!.locations.includes('prv->credit'), true);
    assert.equal(r.model!.locations.includes('v->processor'), true);
    const capped = explore(randomOfSize(), { maxStates: 3 });
    assert.equal(capped.result, 'limit');
  });
});

function randomOfSize(): Model {
  return general(
    ['X', 'Y', 'Z'].map((name) => ({ name, instrs: [...increment('c'), ...increment('c')] })),
    { locations: [{ name: 'c', domain: { kind: 'int', max: 3 } }], locks: [] },
  );
}
