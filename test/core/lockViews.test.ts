// A moved view of a lock result (incremental/shift.ts) names the result it
// was made from and the move (locks/origin.ts): what is remembered per
// result as computed (the discipline's facts, object lifetimes, XSR014's
// answers) is found from the view through it, and positions moved by it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Analyzer } from '../../server/src/core/analyzer';
import { shiftCfgLazily, shiftLocksLazily } from '../../server/src/core/incremental/shift';
import { assertedOnEntry, originOf } from '../../server/src/core/locks/origin';

const TEXT = `void item_lock(struct item *it)
{
    spin_lock(&it->lock);
}

void item_use(struct item *it)
{
    item_lock(it);
    it->count++;
    spin_unlock(&it->lock);
}

static void item_held(struct item *it)
{
    ASSERT(spin_is_locked(&it->lock));
    it->count++;
}
`;

describe('moved views of lock results', () => {
  it('a view names its result as computed and the move; a computed result names itself, unmoved', async () => {
    const analyzer = await Analyzer.create();
    const base = analyzer.analyze({ path: 'views.c', text: TEXT }).functions[1]!;
    assert.equal(base.syntax.name, 'item_use');
    const delta = { offset: 7, line: 2 };
    const s = base.syntax;
    const syntax = { ...s, start: s.start + 7, end: s.end + 7, bodyStart: s.bodyStart + 7, bodyEnd: s.bodyEnd + 7 };
    const view = shiftLocksLazily(base, delta, syntax, shiftCfgLazily(base.cfg, delta));
    const from = originOf(view);
    assert.equal(from.base, base);
    assert.deepEqual(from.delta, delta);
    assert.equal(originOf(base).base, base);
    assert.deepEqual(originOf(base).delta, { offset: 0, line: 0 });
    // The origin is not one of the view's fields (a view has a result's fields; the entry line stays with the base).
    assert.deepEqual(
      Object.keys(view).sort(),
      Object.keys(base)
        .filter((k) => k !== 'entryLine')
        .sort(),
    );
    const hidden = Object.getOwnPropertySymbols(view);
    assert.equal(hidden.length, 1);
    assert.equal(Object.getOwnPropertyDescriptor(view, hidden[0]!)!.enumerable, false);
    // Every line of item_use (line 7 on), with what it is entered holding: the lock item_lock's call (line 7) took.
    const lines = (f: typeof base): unknown => f.lineLocks.map((l) => [l.line, l.must.map((r) => `${r.name}@${r.line}`)]);
    assert.deepEqual(lines(base), [
      [7, []],
      [8, ['it->lock@7']],
      [9, ['it->lock@7']],
    ]);
    assert.deepEqual(lines(view), [
      [9, []],
      [10, ['it->lock@9']],
      [11, ['it->lock@9']],
    ]);
    assert.equal(view.before.length, base.before.length);
  });

  it('what a function ASSERTs held on entry is read from its result as computed, moved', async () => {
    const analyzer = await Analyzer.create();
    const fns = analyzer.analyze({ path: 'views.c', text: TEXT }).functions;
    const held = fns[2]!;
    assert.equal(held.syntax.name, 'item_held');
    const asserted = (f: typeof held, may: boolean): unknown =>
      assertedOnEntry(f, may).map((r) => [r.name, r.line, r.because?.how, r.because?.line]);
    // Entered holding it->lock (from its first line, 12), because line 14 ASSERTs it.
    assert.deepEqual(asserted(held, false), [['it->lock', 12, 'assert', 14]]);
    assert.deepEqual(asserted(held, true), [['it->lock', 12, 'assert', 14]]);
    const s = held.syntax;
    const delta = { offset: 4, line: 3 };
    const syntax = { ...s, start: s.start + 4, end: s.end + 4, bodyStart: s.bodyStart + 4, bodyEnd: s.bodyEnd + 4 };
    const view = shiftLocksLazily(held, delta, syntax, shiftCfgLazily(held.cfg, delta));
    assert.deepEqual(asserted(view, true), [['it->lock', 15, 'assert', 17]]);
    // A function that asserts nothing: nothing, moved or not.
    assert.deepEqual(assertedOnEntry(fns[1]!, true), []);
  });
});
