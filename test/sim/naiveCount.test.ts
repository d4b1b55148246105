// countNaiveEnumeration: the exact size of the stateless naive enumeration
// (execution-tree nodes and leaves), computed on the state graph, must equal
// the explicit enumeration wherever that is feasible.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  buildSystem,
  countNaive,
  countNaiveEnumeration,
  enumerateNaive,
  type Model,
  naiveSearch,
  referenceModel,
  rwSystem,
  type RwThread,
  type SearchLimits,
} from '../../sim/src/index';
import { bruteForce, randomProgram, rng } from './rwOracle';

const lim = (): SearchLimits => ({ maxStates: 1e7, deadline: performance.now() + 60_000 });

test('random read/write programs: tree nodes and executions equal the explicit enumeration', () => {
  const rand = rng(0x5eed);
  for (let i = 0; i < 400; i++) {
    const prog = randomProgram(rand);
    const sys = rwSystem(prog);
    const c = countNaiveEnumeration(sys, lim());
    const e = enumerateNaive(sys, lim());
    const where = JSON.stringify(prog);
    assert.equal(c.cyclic, false, where);
    assert.equal(c.treeStates, e.stats.states, `tree nodes of ${where}`);
    assert.equal(c.executions, e.stats.executions, `executions of ${where}`);
    assert.equal(c.executions, bruteForce(prog).interleavings, where);
    assert.equal(c.graphStates, naiveSearch(sys, lim()).stats.states, where);
  }
});

test('scheduler models: count = explicit enumeration (small), = naive path count (larger)', () => {
  for (const [protocol, initiators, pcpus] of [
    ['new', 1, 1],
    ['new', 1, 2],
    ['new', 0, 3],
    ['old', 1, 1],
  ] as const) {
    const m = referenceModel(protocol, { initiators, pcpus });
    const c = countNaive(m);
    const e = enumerateNaive(buildSystem(m), lim());
    const what = `${protocol} ${initiators}x${pcpus}`;
    assert.equal(c.treeStates, e.stats.states, what);
    assert.equal(c.executions, e.stats.executions, what);
  }
  assert.deepEqual([countNaive(referenceModel('new', { initiators: 1, pcpus: 2 })).treeStates], [341689]);
  // Where enumerating is out of reach, executions still agree with the stateful naive search's path count.
  const m = referenceModel('new', { initiators: 1, pcpus: 3 });
  const c = countNaive(m);
  const n = naiveSearch(buildSystem(m), lim());
  assert.equal(c.executions, n.stats.executions);
  assert.equal(c.graphStates, n.stats.states);
  assert.equal(c.treeStates, 200320059);
});

test('symmetry (memoising per orbit of identical initiators) gives the same exact counts', () => {
  for (const [protocol, initiators, pcpus] of [
    ['new', 2, 2],
    ['old', 2, 2],
    ['new', 3, 2],
    ['old', 2, 1],
  ] as const) {
    const m = referenceModel(protocol, { initiators, pcpus });
    const sym = countNaive(m);
    const plain = countNaive(m, { symmetry: false });
    const what = `${protocol} ${initiators}x${pcpus}`;
    assert.ok(sym.graphOrbits! < plain.graphStates, what);
    assert.equal(plain.graphOrbits, undefined);
    assert.deepEqual(
      [sym.treeStates, sym.executions, sym.graphStates, sym.graphTransitions],
      [plain.treeStates, plain.executions, plain.graphStates, plain.graphTransitions],
      what,
    );
    assert.equal(sym.graphStates, naiveSearch(buildSystem(m), lim()).stats.states, what);
  }
  // Against the explicit enumeration: two identical initiators, one pCPU.
  const small: Model = {
    pcpus: ['A'],
    vcpus: [{ name: 'v', processor: 'A', running: true }],
    threads: ['X', 'Y'].map((name) => ({
      name,
      instrs: [{ op: 'lockVcpu' }, { op: 'migrateStart' }, { op: 'unlockVcpu' }] as Model['threads'][0]['instrs'],
    })),
    schedulers: { contextSaved: 'new' },
  };
  const e = enumerateNaive(buildSystem(small), lim());
  const c = countNaive(small);
  assert.ok(c.graphOrbits! < c.graphStates);
  assert.deepEqual([c.treeStates, c.executions], [e.stats.states, e.stats.executions]);
});

test('exact beyond 2^53: eight independent threads of three writes', () => {
  const threads: RwThread[] = Array.from({ length: 8 }, (_, t) => ({
    name: `T${t}`,
    ops: [0, 1, 2].map(() => ({ op: 'write' as const, x: `x${t}` })),
  }));
  const c = countNaiveEnumeration(rwSystem(threads), lim());
  // Executions: 24! / (3!)^8. Tree nodes: Σ over (a1..a8) ∈ {0..3}^8 of (Σa)! / Π ai!.
  const fact = (n: number): bigint => (n <= 1 ? 1n : BigInt(n) * fact(n - 1));
  let tree = 0n;
  for (let code = 0; code < 4 ** 8; code++) {
    let sum = 0,
      den = 1n;
    for (let t = 0, c2 = code; t < 8; t++, c2 = Math.floor(c2 / 4)) {
      sum += c2 % 4;
      den *= fact(c2 % 4);
    }
    tree += fact(sum) / den;
  }
  assert.equal(c.executions, fact(24) / fact(3) ** 8n);
  assert.equal(typeof c.treeStates, 'bigint');
  assert.equal(c.treeStates, tree);
  assert.equal(c.graphStates, 4 ** 8);
});

test('a cycle in the state graph is detected (the stateless enumeration would not end)', () => {
  const m: Model = {
    pcpus: ['A'],
    vcpus: [{ name: 'v', processor: 'A', running: true }],
    threads: [{ name: 'X', instrs: [{ op: 'setMigrating' }, { op: 'jump', target: 0 }] }],
    schedulers: { contextSaved: 'new' },
  };
  const c = countNaive(m);
  assert.equal(c.cyclic, true);
  assert.equal(c.treeStates, Infinity);
  const ok = countNaive(referenceModel('new', { initiators: 1, pcpus: 1 }));
  assert.equal(ok.cyclic, false);
});
