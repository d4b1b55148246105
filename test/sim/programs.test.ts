// User-supplied thread programs (what the C extraction emits), limits and cancellation.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { explore, type InstrAt, type Model, referenceModel } from '../../sim/src/index';

function model(instrs: InstrAt[], contextSaved: 'old' | 'new' = 'new'): Model {
  return {
    pcpus: ['A', 'B'],
    vcpus: [{ name: 'v', processor: 'A', running: true }],
    threads: [{ name: 'X', instrs }],
    schedulers: { contextSaved, rounds: 1 },
  };
}

test('the new sequence with source positions verifies, a thread ending with the lock held does not', () => {
  const ok = explore(
    model([
      { op: 'lockVcpu', src: { file: 'core.c', line: 10 } },
      { op: 'migrateStart', src: { file: 'core.c', line: 11 } },
      { op: 'unlockVcpu', src: { file: 'core.c', line: 12 } },
      { op: 'migrateFinish', src: { file: 'core.c', line: 13 } },
    ]),
  );
  assert.equal(ok.result, 'verified');
  const leak = explore(
    model([
      { op: 'lockVcpu', src: { file: 'core.c', line: 20 } },
      { op: 'unlockVcpu' },
      { op: 'lockVcpu', src: { file: 'core.c', line: 22 } },
    ]),
  );
  assert.equal(leak.result, 'violation');
  assert.equal(leak.invariant, 'INV5');
  assert.equal(leak.message, 'X ends holding sched(A)');
  assert.deepEqual(
    leak.trace.map((s) => [s.thread, s.action, s.file, s.line]),
    [
      ['X', 'vcpu_schedule_lock: read v->processor = A', 'core.c', 20],
      ['X', 'lock sched(A)', 'core.c', 20],
      ['X', 'unlock sched(A)', undefined, undefined],
      ['X', 'vcpu_schedule_lock: read v->processor = A', 'core.c', 22],
      ['X', 'lock sched(A)', 'core.c', 22],
    ],
  );
  // Start without finish: the flag stays set once v is descheduled and nobody moves it.
  const lost = explore(model([{ op: 'lockVcpu' }, { op: 'migrateStart' }, { op: 'unlockVcpu' }]));
  assert.equal(lost.invariant, 'INV4');
  assert.equal(lost.message, 'lost vCPU: v has _VPF_migrating set, is not running and no thread is left to finish its migration');
});

test('finish or wake with the lock held deadlocks (INV5)', () => {
  const r = explore(model([{ op: 'lockVcpu' }, { op: 'wake' }, { op: 'unlockVcpu' }]));
  assert.equal(r.invariant, 'INV5');
  assert.equal(r.message, 'deadlock: X waits for sched(A) held by X; pCPU A waits for sched(A) held by X');
  assert.equal(r.trace.length, 4);
});

test('flag set without the lock, or set without the sleep, breaks INV1 even with the new finish', () => {
  const r = explore(model([{ op: 'setMigrating' }, { op: 'sleepNosyncLocked' }, { op: 'migrateFinish' }]));
  assert.equal(r.invariant, 'INV1');
  assert.equal(r.trace.length, 6);
  assert.deepEqual(
    r.trace.map((s) => s.thread),
    ['pCPU A', 'X', 'pCPU A', 'pCPU A', 'pCPU A', 'pCPU A'],
  );
  const bad = explore(model([{ op: 'lockVcpu' }, { op: 'setMigrating' }, { op: 'unlockVcpu' }]));
  assert.equal(bad.result, 'violation'); // flag set, nobody sleeps v: queued while migrating
  assert.equal(bad.invariant, 'INV1'); // ...and context_saved's finish then moves it off its runqueue's pCPU
});

test('control flow: choice explores both branches, ifMigrating and jump', () => {
  // Branch 1 runs the old sequence (breaks INV1), branch 2 only unlocks: the bad branch must be found.
  const instrs: InstrAt[] = [
    { op: 'lockVcpu' },
    { op: 'choice', targets: [2, 8] },
    { op: 'setMigrating' },
    { op: 'unlockVcpu' },
    { op: 'ifMigrating', else: 7 },
    { op: 'sleepNosync' },
    { op: 'migrate' },
    { op: 'jump', target: 9 },
    { op: 'unlockVcpu' },
  ];
  const r = explore(model(instrs, 'old'));
  assert.equal(r.invariant, 'INV1');
  assert.ok(r.trace.some((s) => s.action === 'unknown condition: branch 1 of 2'));
  const safe = explore(model([{ op: 'lockVcpu' }, { op: 'choice', targets: [2, 3] }, { op: 'nop' }, { op: 'unlockVcpu' }], 'old'));
  assert.equal(safe.result, 'verified');
  const loop = explore(model([{ op: 'jump', target: 0 }]));
  assert.equal(loop.result, 'verified');
  assert.deepEqual(loop.notes, ['thread X: a loop of jumps without any action, treated as the end of the thread']);
});

test('limits: states, time and cancellation give `limit`, never a hang', () => {
  const big = referenceModel('new', { initiators: 3, pcpus: 3 });
  const s = explore(big, { maxStates: 500 });
  assert.equal(s.result, 'limit');
  assert.match(s.message, /more than 500 states/);
  assert.equal(s.stats.states, 501);
  // An injected clock that moves 10 ms per reading: the budget and the progress
  // reports depend on the model alone, not on how busy the machine is.
  const ticking = (): (() => number) => {
    let t = 0;
    return () => (t += 10);
  };
  const t = explore(big, { timeoutMs: 200, clock: ticking() });
  assert.equal(t.result, 'limit');
  assert.match(t.message, /time budget/);
  assert.ok(t.stats.states < 501 * 256, `a 200 ms budget stops after about twenty checks (${t.stats.states} states)`);
  assert.match(explore(big, { signal: { cancelled: true } }).message, /cancelled/);
  const ac = new AbortController();
  ac.abort();
  assert.match(explore(big, { reduction: 'none', signal: ac.signal }).message, /cancelled/);
  const reports: number[] = [];
  explore(big, { timeoutMs: 500, clock: ticking(), onProgress: (states) => reports.push(states) });
  // Progress every 100 ms of the clock (every tenth budget check, one check per 256 states).
  assert.ok(reports.length >= 3, `${reports.length} progress reports`);
  assert.deepEqual(
    reports,
    [...reports].sort((a, b) => a - b),
    'states only grow',
  );
});
