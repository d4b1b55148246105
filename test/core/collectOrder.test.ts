// The discipline reads a function's statements in text order (guards/collect's
// byStart): a short list is sorted in place by insertion, a long one by
// Array.prototype.sort. Either way the order is sort's, ties kept in the
// order given, for lists in the orders the CFG gives (last statement first,
// loops' heads after their bodies) and any other.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { byStart } from '../../server/src/core/guards/collect';

describe('byStart', () => {
  it('orders as a stable sort by start, short lists and long', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 40 }), { maxLength: 80 }), fc.boolean(), (starts, reversed) => {
        const nodes = starts.map((start, id) => ({ start, id }));
        if (reversed) nodes.reverse();
        const expected = nodes.slice().sort((a, b) => a.start - b.start);
        assert.deepEqual(byStart(nodes.slice()), expected);
      }),
      { numRuns: 3000, seed: 20261126 },
    );
  });

  it('sorts the list it is given, in place', () => {
    const nodes = [{ start: 30 }, { start: 10 }, { start: 20 }];
    assert.equal(byStart(nodes), nodes);
    assert.deepEqual(
      nodes.map((n) => n.start),
      [10, 20, 30],
    );
  });
});
