// Symmetry reduction: initiators with identical programs are interchangeable.
// The DPOR state cache (and the counterexample BFS) match states up to that
// renaming; verdicts, violations and end states (up to the renaming) must be
// those of the naive search without it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  buildSystem,
  dporSearch,
  explore,
  type InstrAt,
  type Model,
  naiveSearch,
  referenceModel,
  type SearchLimits,
  shortestViolation,
  type XenSystem,
} from '../../sim/src/index';
import { rng } from './rwOracle';

const lim = (): SearchLimits => ({ maxStates: 1e7, deadline: performance.now() + 60_000 });

/** Keys are the Int16 state as char codes: decode, then take the representative's key. */
function canonKeys(sys: XenSystem, keys: Iterable<string>): string[] {
  const perm = new Int8Array(sys.threadNames.length);
  const out = new Set<string>();
  for (const k of keys) {
    const s = Int16Array.from(k, (ch) => (ch.charCodeAt(0) << 16) >> 16);
    out.add(sys.canon!(s, perm));
  }
  return [...out].sort();
}

function crossCheck(m: Model, what: string): void {
  const sys = buildSystem(m);
  assert.ok(sys.canon, `${what}: identical initiators give a symmetry`);
  const n = naiveSearch(sys, lim(), true);
  const plain = dporSearch(sys, lim(), { collectEnds: true, stateful: true });
  const sym = dporSearch(sys, lim(), { collectEnds: true, stateful: true, symmetry: true });
  assert.deepEqual([...sym.found.keys()].sort(), [...n.found.keys()].sort(), `${what}: violations`);
  assert.deepEqual([...plain.found.keys()].sort(), [...n.found.keys()].sort(), `${what}: violations without symmetry`);
  assert.deepEqual(canonKeys(sys, sym.endStates!), canonKeys(sys, n.endStates!), `${what}: end states up to symmetry`);
  assert.ok(sym.stats.states <= plain.stats.states, `${what}: ${sym.stats.states} > ${plain.stats.states}`);
}

test('canon: a state and its thread-swapped image have one representative; different programs are not merged', () => {
  const sys = buildSystem(referenceModel('new', { initiators: 2, pcpus: 2 }));
  const s0 = sys.initial();
  // X takes two steps (read processor, lock), Y none; then the mirror image.
  const xy = sys.step(sys.step(s0, 0)![0]!.state, 0)![0]!.state;
  const yx = sys.step(sys.step(s0, 1)![0]!.state, 1)![0]!.state;
  assert.notEqual(sys.key(xy), sys.key(yx));
  const p1 = new Int8Array(4),
    p2 = new Int8Array(4);
  assert.equal(sys.canon!(xy, p1), sys.canon!(yx, p2));
  assert.deepEqual([...p1].slice(2), [2, 3]); // schedulers are never renamed
  assert.notDeepEqual([...p1], [...p2]);
  const noSym = buildSystem(referenceModel('new', { initiators: 2, pcpus: 2 }), { symmetry: false });
  assert.equal(noSym.canon, undefined);
  const mixed = referenceModel('new', { initiators: 2, pcpus: 2 });
  mixed.threads[1]!.instrs.pop();
  assert.equal(buildSystem(mixed).canon, undefined);
  // Source positions do not break the symmetry.
  const withSrc = referenceModel('new', { initiators: 2, pcpus: 2 });
  withSrc.threads[0]!.instrs[0]!.src = { file: 'a.c', line: 1 };
  assert.ok(buildSystem(withSrc).canon);
});

test('reference models with identical initiators: same violations and end states as naive', () => {
  crossCheck(referenceModel('old', { initiators: 2, pcpus: 2 }), 'old 2x2');
  crossCheck(referenceModel('new', { initiators: 2, pcpus: 3 }), 'new 2x3');
  crossCheck(referenceModel('new', { initiators: 3, pcpus: 2 }), 'new 3x2');
  crossCheck(referenceModel('old', { initiators: 2, pcpus: 2, rounds: 2 }), 'old 2x2 2 rounds');
});

const OPS: InstrAt['op'][] = [
  'lockVcpu',
  'unlockVcpu',
  'setMigrating',
  'sleepNosyncLocked',
  'sleepNosync',
  'migrate',
  'migrateStart',
  'migrateFinish',
  'wake',
];

test('random initiator programs run by two (or three) identical threads: same as naive', () => {
  const rand = rng(0x5a5a);
  for (let i = 0; i < 60; i++) {
    const len = 2 + Math.floor(rand() * 3);
    const instrs: InstrAt[] = [];
    for (let k = 0; k < len; k++) {
      const op = OPS[Math.floor(rand() * OPS.length)]!;
      instrs.push(rand() < 0.15 && k + 1 < len ? { op: 'ifMigrating', else: len } : ({ op } as InstrAt));
    }
    const copies = i % 5 === 0 ? 3 : 2;
    const m: Model = {
      pcpus: ['A', 'B'],
      vcpus: [{ name: 'v', processor: 'A', running: rand() < 0.7, queued: false }],
      threads: Array.from({ length: copies }, (_, t) => ({ name: `I${t}`, instrs: instrs.map((x) => ({ ...x })) })),
      schedulers: { contextSaved: rand() < 0.5 ? 'old' : 'new' },
    };
    if (!m.vcpus[0]!.running) m.vcpus[0]!.queued = true;
    crossCheck(m, JSON.stringify(m));
  }
});

test('old protocol 2x3: INV1 with a minimal trace of the same length with and without symmetry', () => {
  const m = referenceModel('old', { initiators: 2, pcpus: 3 });
  const on = explore(m);
  const off = explore(m, { symmetry: false });
  assert.equal(on.stats.symmetry, true);
  assert.equal(off.stats.symmetry, undefined);
  assert.equal(on.invariant, 'INV1');
  assert.equal(off.invariant, 'INV1');
  assert.equal(on.trace.length, off.trace.length);
  assert.equal(on.trace.length, 10);
  const sys = buildSystem(m);
  const a = shortestViolation(sys, 'INV1', lim(), true),
    b = shortestViolation(sys, 'INV1', lim(), false);
  assert.equal(a.path!.length, b.path!.length);
  assert.ok(a.states <= b.states);
  // Both with and without: the new protocol verifies.
  const nm = referenceModel('new', { initiators: 2, pcpus: 3 });
  assert.equal(explore(nm).result, 'verified');
  assert.equal(explore(nm, { symmetry: false }).result, 'verified');
});
