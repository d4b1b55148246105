// Path states are deduplicated by key (stateKey) and, before any key is
// built, by `sameKey`, a field-by-field comparison written separately for
// speed: the two must agree on every pair of states, or the lock dataflow
// drops a path it should keep (or keeps duplicates). `withHeld` and
// `withoutHeld` keep the held and released lists sorted in one pass; they
// must give what the filter, concat and sort they replace gave.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  bound,
  decideGuards,
  EMPTY_STATE,
  forgetFacts,
  type HeldLock,
  mergeStates,
  type PathState,
  sameKey,
  stateKey,
  withBinding,
  withFact,
  withFactList,
  withHeld,
  withHeldList,
  withIrqState,
  withoutBinding,
  withoutHeld,
  withReleaseOnly,
} from '../../server/src/core/locks/state';

const name = fc.constantFrom('sched(v)', 'prv->lock', 'rcu(domlist_read_lock)', 'd->lock:r', 'a;b', 'x@1');
const fact = fc.record({ atom: fc.constantFrom('rc', 'p==NULL', 'flag', 'x<3'), value: fc.boolean() });
const irq = fc.option(
  fc.record({ on: fc.boolean(), at: fc.constantFrom(0, 10), entry: fc.option(fc.constant(true), { nil: undefined }) }),
  {
    nil: undefined,
  },
);
const held: fc.Arbitrary<HeldLock> = fc.record(
  {
    name,
    kind: fc.constantFrom('spin' as const, 'rcu' as const),
    at: fc.constantFrom(0, 5, 9),
    entry: fc.constant(true),
    maybe: fc.constant(true),
    handed: fc.constant(true),
    depth: fc.constantFrom(2, 3),
    when: fc.array(fact, { maxLength: 2 }),
  },
  { requiredKeys: ['name', 'kind', 'at'] },
) as fc.Arbitrary<HeldLock>;
const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const state: fc.Arbitrary<PathState> = fc.record({
  // Sorted as a state keeps them, and now and then not (withHeld must still give the sorted list).
  held: fc
    .tuple(fc.uniqueArray(held, { maxLength: 3, selector: (h) => h.name }), fc.boolean())
    .map(([l, unsorted]) => (unsorted ? l : l.sort(byName))),
  vars: fc.array(
    fc.record({
      v: fc.constantFrom('lock', 'old_lock'),
      lock: name,
      status: fc.constantFrom('held' as const, 'null' as const, 'ptr' as const),
    }),
    { maxLength: 2 },
  ),
  facts: fc.array(fact, { maxLength: 2 }),
  released: fc.tuple(fc.uniqueArray(name, { maxLength: 3 }), fc.boolean()).map(([l, unsorted]) => (unsorted ? l : l.sort())),
  irq,
  saved: fc.option(fc.array(fc.record({ v: fc.constantFrom('flags', 'f2'), irq }), { maxLength: 2 }), { nil: undefined }),
  releaseOnly: fc.option(fc.constantFrom(3, 4), { nil: undefined }),
});
/** A copy sharing nothing with `s` (sameKey takes shared lists as equal at once: copies test the field comparisons). */
const copy = (s: PathState): PathState => JSON.parse(JSON.stringify(s)) as PathState;

describe('path-state keys', () => {
  it('sameKey agrees with comparing stateKeys, on random pairs and on a state against its own copy', () => {
    fc.assert(
      fc.property(state, state, (a, b) => {
        assert.equal(sameKey(a, b), stateKey(a) === stateKey(b));
        assert.equal(sameKey(copy(a), b), stateKey(copy(a)) === stateKey(b));
        assert.equal(sameKey(a, copy(a)), true);
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('sameKey tells states apart that differ in one field only', () => {
    const base: PathState = { held: [{ name: 'prv->lock', kind: 'spin', at: 4 }], vars: [], facts: [], released: [] };
    const variants: PathState[] = [
      { ...base, held: [{ name: 'prv->lock', kind: 'spin', at: 4, maybe: true }] },
      { ...base, held: [{ name: 'prv->lock', kind: 'spin', at: 5 }] },
      { ...base, facts: [{ atom: 'rc', value: true }] },
      { ...base, released: ['sched(v)'] },
      { ...base, irq: { on: false, at: 0 } },
      { ...base, saved: [{ v: 'flags' }] },
      { ...base, releaseOnly: 7 },
      { ...base, vars: [{ v: 'lock', lock: 'sched(v)', status: 'held' }] },
    ];
    for (const v of variants) {
      assert.equal(sameKey(base, v), false, JSON.stringify(v));
      assert.notEqual(stateKey(base), stateKey(v));
    }
    // An empty saved list is no saved list, in both.
    assert.equal(sameKey(base, { ...base, saved: [] }), true);
    assert.equal(stateKey(base), stateKey({ ...base, saved: [] }));
  });

  it('withHeld and withoutHeld give the sorted lists of a filter, a concat and a sort', () => {
    fc.assert(
      fc.property(state, held, name, (s, lock, gone) => {
        const taken = withHeld(s, lock);
        assert.deepEqual(
          taken.held,
          s.held
            .filter((h) => h.name !== lock.name)
            .concat(lock)
            .sort(byName),
        );
        assert.deepEqual(
          taken.released,
          s.released.filter((r) => r !== lock.name),
        );
        const dropped = withoutHeld(s, gone);
        if (!s.held.some((h) => h.name === gone && h.depth)) {
          assert.deepEqual(
            dropped.held,
            s.held.filter((h) => h.name !== gone),
          );
          assert.deepEqual(dropped.released, s.released.includes(gone) ? s.released : [...s.released, gone].sort());
        }
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('withBinding gives the sorted list of a filter, a concat and a sort', () => {
    const binding = fc.record({
      v: fc.constantFrom('lock', 'old_lock', 'flags'),
      lock: name,
      status: fc.constantFrom('held' as const, 'null' as const, 'ptr' as const),
    });
    const byVar = (a: { v: string }, b: { v: string }): number => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0);
    fc.assert(
      fc.property(state, binding, (s, b) => {
        const made = withBinding(s, bound(b.v, b.lock, b.status));
        const old = s.vars.find((x) => x.v === b.v);
        if (old && old.lock === b.lock && old.status === b.status && !old.zeroIsHeld) assert.equal(made, s);
        else
          assert.deepEqual(
            made.vars,
            s.vars
              .filter((x) => x.v !== b.v)
              .concat(bound(b.v, b.lock, b.status))
              .sort(byVar),
          );
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('every state made from a state has all the fields, in the order of the empty state (one object shape)', () => {
    const fields = Object.keys(EMPTY_STATE);
    assert.deepEqual(fields, ['held', 'vars', 'facts', 'released', 'irq', 'saved', 'releaseOnly']);
    const lock: HeldLock = { name: 'prv->lock', kind: 'spin', at: 4, maybe: true, when: [{ atom: 'rc', value: true }] };
    const s = withHeld(EMPTY_STATE, lock);
    const made: PathState[] = [
      s,
      withoutHeld(s, 'prv->lock'),
      withBinding(s, bound('lock', 'sched(v)', 'held')),
      withoutBinding(withBinding(s, bound('lock', 'sched(v)', 'held')), 'lock'),
      withFact(s, 'rc', true),
      withFactList(s, []),
      forgetFacts(withFact(s, 'rc', true), new Set(['rc'])),
      decideGuards(s, 'rc', true),
      withHeldList(s, []),
      withIrqState(s, { on: false, at: 2 }, [{ v: 'flags' }]),
      withIrqState(withIrqState(s, { on: false, at: 2 }), undefined),
      withReleaseOnly(s, 9),
      mergeStates([s, withFact(EMPTY_STATE, 'rc', false)]),
    ];
    for (const m of made) assert.deepEqual(Object.keys(m), fields, stateKey(m));
  });
});
