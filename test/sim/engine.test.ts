// Known-answer tests of the generic engine on read/write programs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { dporSearch, naiveSearch, rwSystem, type RwThread, type SearchLimits } from '../../sim/src/index';
import { bruteForce, randomProgram, rng } from './rwOracle';

const lim = (): SearchLimits => ({ maxStates: 1e7, deadline: performance.now() + 60_000 });
const w = (x: string) => ({ op: 'write' as const, x });
const r = (x: string) => ({ op: 'read' as const, x });

function counts(threads: RwThread[]) {
  const sys = rwSystem(threads);
  const d = dporSearch(sys, lim(), true);
  const n = naiveSearch(sys, lim(), true);
  return { d, n };
}

test('n independent threads: DPOR runs 1 execution, naive all interleavings', () => {
  const threads = ['a', 'b', 'c', 'd'].map((x, i) => ({ name: `T${i}`, ops: [w(x), w(x)] }));
  const { d, n } = counts(threads);
  assert.equal(d.stats.executions, 1);
  assert.equal(d.stats.states, 9); // one path of 8 steps
  assert.equal(n.stats.executions, 2520); // 8! / 2^4
  assert.equal(n.stats.states, 81); // 3^4
});

test('two threads writing one variable twice each: 6 traces', () => {
  const { d, n } = counts([
    { name: 'P', ops: [w('x'), w('x')] },
    { name: 'Q', ops: [w('x'), w('x')] },
  ]);
  assert.equal(d.stats.executions, 6);
  assert.equal(n.stats.executions, 6);
  assert.equal(d.stats.sleepBlocked, 0);
});

test('reader/writer: reads of one variable commute with each other only', () => {
  // P: r(x) r(x); Q: w(x). Traces: Q's write before, between or after P's reads = 3.
  const { d, n } = counts([
    { name: 'P', ops: [r('x'), r('x')] },
    { name: 'Q', ops: [w('x')] },
  ]);
  assert.equal(d.stats.executions, 3);
  assert.equal(n.stats.executions, 3);
  // Two readers and no writer: one trace.
  const two = counts([
    { name: 'P', ops: [r('x')] },
    { name: 'Q', ops: [r('x')] },
  ]);
  assert.equal(two.d.stats.executions, 1);
  assert.equal(two.n.stats.executions, 2);
});

test('lock-protected sections: one trace per order of the critical sections', () => {
  const cs = (x: string): RwThread['ops'] => [{ op: 'lock', l: 'm' }, w(x), { op: 'unlock', l: 'm' }];
  const { d, n } = counts([
    { name: 'P', ops: cs('x') },
    { name: 'Q', ops: cs('y') },
    { name: 'R', ops: cs('z') },
  ]);
  assert.equal(d.stats.executions, 6);
  assert.equal(n.stats.executions, 6);
});

test('deadlock is found by DPOR and naive alike (lock order inversion)', () => {
  const P: RwThread = {
    name: 'P',
    ops: [
      { op: 'lock', l: 'a' },
      { op: 'lock', l: 'b' },
      { op: 'unlock', l: 'b' },
      { op: 'unlock', l: 'a' },
    ],
  };
  const Q: RwThread = {
    name: 'Q',
    ops: [
      { op: 'lock', l: 'b' },
      { op: 'lock', l: 'a' },
      { op: 'unlock', l: 'a' },
      { op: 'unlock', l: 'b' },
    ],
  };
  const { d, n } = counts([P, Q]);
  assert.ok(d.found.has('DEADLOCK'));
  assert.ok(n.found.has('DEADLOCK'));
  assert.equal(d.stats.executions, 3); // P first, Q first, deadlock
  assert.deepEqual(bruteForce([P, Q]), { interleavings: 6, traces: 3 });
  assert.equal(n.stats.executions, 6);
});

test('random programs: DPOR executions = Mazurkiewicz traces, naive = interleavings, same end states', () => {
  const rand = rng(20180516);
  for (let i = 0; i < 1500; i++) {
    const prog = randomProgram(rand);
    const oracle = bruteForce(prog);
    const { d, n } = counts(prog);
    const where = JSON.stringify(prog);
    assert.equal(d.stats.executions, oracle.traces, `traces of ${where}`);
    assert.equal(n.stats.executions, oracle.interleavings, `interleavings of ${where}`);
    assert.deepEqual([...d.endStates!].sort(), [...n.endStates!].sort(), `end states of ${where}`);
  }
});

test('random programs: stateful DPOR reaches the same end states and deadlocks as naive, in no more executions', () => {
  const rand = rng(0x9a36de17);
  for (let i = 0; i < 1500; i++) {
    const prog = randomProgram(rand);
    const sys = rwSystem(prog);
    const st = dporSearch(sys, lim(), { collectEnds: true, stateful: true });
    const n = naiveSearch(sys, lim(), true);
    const where = JSON.stringify(prog);
    assert.deepEqual([...st.endStates!].sort(), [...n.endStates!].sort(), `end states of ${where}`);
    assert.deepEqual([...st.found.keys()], [...n.found.keys()], `deadlocks of ${where}`);
    assert.ok(st.stats.executions <= bruteForce(prog).traces, where);
  }
});
