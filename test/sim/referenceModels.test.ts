// The doc's races and the fix, on the built-in reference models.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { buildSystem, dporSearch, explore, naiveSearch, referenceModel, type SearchLimits } from '../../sim/src/index';

const lim = (): SearchLimits => ({ maxStates: 1e7, deadline: performance.now() + 60_000 });

test("old protocol, one initiator: the doc's 3-step race breaks INV1 in a minimal 10-step trace", () => {
  const r = explore(referenceModel('old', { initiators: 1, pcpus: 3 }));
  assert.equal(r.result, 'violation');
  assert.equal(r.invariant, 'INV1');
  assert.equal(r.message, "v is on A's runqueue but v->processor is B");
  assert.deepEqual(r.threads, ['X', 'pCPU A', 'pCPU B', 'pCPU C']);
  assert.deepEqual(
    r.trace.map((s) => s.thread),
    ['X', 'pCPU A', 'X', 'X', 'X', 'pCPU A', 'pCPU A', 'pCPU A', 'pCPU A', 'pCPU A'],
  );
  assert.equal(r.trace[1]!.action, 'lock sched(A); schedule(A): deschedule v, runnable: requeue on A; unlock sched(A)');
  assert.equal(r.trace[3]!.action, 'set _VPF_migrating');
  assert.equal(r.trace[3]!.text, 'set_bit(_VPF_migrating, &v->pause_flags);');
  assert.equal(r.trace[5]!.action, 'context_saved: clear v->is_running');
  assert.match(r.trace[9]!.action, /vcpu_migrate: clear _VPF_migrating, processor A -> B; unlock sched\(A\), sched\(B\)$/);
  assert.deepEqual(r.trace[9]!.state, {
    processor: { v: 'B' },
    running: { A: null, B: null, C: null },
    runq: { A: ['v'], B: [], C: [] },
    flags: { v: [] },
    locks: {},
  });
  assert.deepEqual(r.trace[2]!.state.locks, { 'sched(A)': 'X' });
  assert.deepEqual(r.notes, ['also violated: INV3']);
  assert.equal(r.stats.reduction, 'dpor');
});

test('old protocol, two initiators x three pCPUs: INV1 with the same minimal length under both reductions', () => {
  const d = explore(referenceModel('old', { initiators: 2, pcpus: 3 }));
  const n = explore(referenceModel('old', { initiators: 2, pcpus: 3 }), { reduction: 'none' });
  assert.equal(d.invariant, 'INV1');
  assert.equal(n.invariant, 'INV1');
  assert.equal(d.trace.length, 10);
  assert.equal(n.trace.length, 10);
  assert.equal(n.stats.reduction, 'none');
});

test('new protocol verifies: 1 and 2 initiators x 3 pCPUs, DPOR visits fewer states than naive', () => {
  const d1 = explore(referenceModel('new', { initiators: 1, pcpus: 3 }));
  const n1 = explore(referenceModel('new', { initiators: 1, pcpus: 3 }), { reduction: 'none' });
  assert.equal(d1.result, 'verified');
  assert.equal(n1.result, 'verified');
  assert.deepEqual([d1.stats.states, d1.stats.executions], [448, 21]);
  const exact = explore(referenceModel('new', { initiators: 1, pcpus: 3 }), { stateful: false });
  assert.deepEqual([exact.result, exact.stats.states, exact.stats.executions], ['verified', 348, 277]);
  assert.equal(n1.stats.states, 1743);
  const d2 = explore(referenceModel('new', { initiators: 2, pcpus: 3 }));
  const n2 = explore(referenceModel('new', { initiators: 2, pcpus: 3 }), { reduction: 'none' });
  assert.equal(d2.result, 'verified');
  assert.equal(n2.result, 'verified');
  assert.equal(d2.stats.states, 12480); // states up to the swap of X and Y (symmetry, the default)
  const d2plain = explore(referenceModel('new', { initiators: 2, pcpus: 3 }), { symmetry: false });
  assert.equal(d2plain.stats.states, 24278);
  assert.equal(n2.stats.states, 75204);
  assert.deepEqual(d2.trace, []);
});

test('stateless and stateful DPOR reach the same end states and violations as naive on the scheduler model', () => {
  const cases = [
    ['old', 1, 3],
    ['new', 1, 3],
    ['old', 2, 2],
    ['new', 2, 3],
  ] as const;
  for (const [protocol, initiators, pcpus] of cases) {
    const sys = buildSystem(referenceModel(protocol, { initiators, pcpus }));
    const n = naiveSearch(sys, lim(), true);
    const ends = [...n.endStates!].sort();
    const found = [...n.found.keys()].sort();
    for (const stateful of initiators === 1 ? [false, true] : [true]) {
      const d = dporSearch(sys, lim(), { collectEnds: true, stateful });
      const what = `${protocol} ${initiators}x${pcpus} stateful=${stateful}`;
      assert.deepEqual([...d.endStates!].sort(), ends, what);
      assert.deepEqual([...d.found.keys()].sort(), found, what);
      assert.ok(d.stats.states < n.stats.states, what);
    }
  }
});

test('more pCPUs and a single pCPU', () => {
  assert.equal(explore(referenceModel('new', { initiators: 1, pcpus: 4 })).result, 'verified');
  const one = explore(referenceModel('new', { initiators: 1, pcpus: 1 }));
  assert.equal(one.result, 'verified');
  assert.equal(explore(referenceModel('old', { initiators: 1, pcpus: 2 })).invariant, 'INV1');
});

test('result is plain JSON', () => {
  const r = explore(referenceModel('old', { initiators: 1, pcpus: 3 }));
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  assert.equal(r.version, 1);
});
