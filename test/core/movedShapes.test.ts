// Moved copies (a function below an edit: incremental/shift.ts's CFG nodes
// and facts, guards/collect.ts's discipline sites) are made with the shape
// of their originals. A spread copy got another hidden class, and every
// analysis reading both kinds (dataflow, the rules, the hints, the lock
// discipline) met a second shape when a moved function first reached it,
// and can be deoptimized then (and recompiled in the background: on a
// two-core machine, beside the keystroke being analysed). The shapes are compared
// with V8's %HaveSameMap, allowed for this process at run time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';

import { internalAnalysis } from '../../server/src/core/analysis';
import { Analyzer } from '../../server/src/core/analyzer';
import { disciplineOf } from '../../server/src/core/guards/discipline';
import { shiftCfgLazily, shiftLocksLazily } from '../../server/src/core/incremental/shift';
import { createIncrementalAnalyzer } from '../../server/src/core/index';

/** V8's own answer: do two objects have one hidden class? */
function sameShape(): (a: object, b: object) => boolean {
  v8.setFlagsFromString('--allow-natives-syntax');
  // (Parsed after the flag is set: the natives syntax is read when a function is compiled.)
  return new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
}

const TEXT = `struct item_priv { spinlock_t lock; int credit; unsigned long flags; };

static void item_charge(struct item_priv *prv, int v)
{
    spin_lock(&prv->lock);
    prv->credit = item_cost(prv, v, 2);
    set_bit(3, &prv->flags);
    spin_unlock(&prv->lock);
}

static int item_walk(struct item_priv *prv, struct list_head *items)
{
    struct item *it;
    struct domain *d;
    spin_lock(&prv->lock);
    list_for_each_entry ( it, items, list )
        prv->credit += it->weight;
    for_each_domain ( d )
        prv->credit++;
    set_bit(4, &prv->flags);
    spin_unlock(&prv->lock);
    return prv->credit;
}
`;

describe('moved copies keep their originals’ shapes', () => {
  it('CFG nodes, their calls, arguments and assignments, moved by shiftCfgLazily', async () => {
    const same = sameShape();
    const analyzer = await Analyzer.create();
    for (const fn of analyzer.analyze({ path: 'shapes.c', text: TEXT }).functions) {
      const moved = shiftCfgLazily(fn.cfg, { offset: 5, line: 1 }).nodes;
      assert.equal(moved.length, fn.cfg.nodes.length);
      let calls = 0;
      let assignments = 0;
      for (const [i, n] of fn.cfg.nodes.entries()) {
        const m = moved[i]!;
        assert.equal(m.start, n.start + 5, `${fn.syntax.name} node ${i} moved`);
        assert.ok(same(m, n), `${fn.syntax.name} node ${i} (${n.kind}): one shape`);
        for (const [k, c] of n.facts.calls.entries()) {
          const mc = m.facts.calls[k]!;
          assert.ok(same(mc, c), `${fn.syntax.name} call ${c.name}: one shape`);
          for (const [j, a] of c.args.entries()) assert.ok(same(mc.args[j]!, a), `argument ${a.text}: one shape`);
          calls++;
        }
        for (const [k, a] of n.facts.assignments.entries()) {
          assert.ok(same(m.facts.assignments[k]!, a), `assignment to ${a.lhs}: one shape`);
          assignments++;
        }
        if (n.facts.calls.length + n.facts.assignments.length > 0) assert.ok(same(m.facts, n.facts), 'the facts object: one shape');
      }
      // (Each function has calls and assignments to compare.)
      assert.ok(calls >= 2 && assignments >= 1, `${fn.syntax.name}: ${calls} calls, ${assignments} assignments compared`);
    }
  });

  it('path states, moved with their lock result by shiftLocksLazily', async () => {
    const same = sameShape();
    const analyzer = await Analyzer.create();
    let compared = 0;
    for (const fn of analyzer.analyze({ path: 'shapes.c', text: TEXT }).functions) {
      const delta = { offset: 5, line: 1 };
      const s = fn.syntax;
      const syntax = { ...s, start: s.start + 5, end: s.end + 5, bodyStart: s.bodyStart + 5, bodyEnd: s.bodyEnd + 5 };
      const view = shiftLocksLazily(fn, delta, syntax, shiftCfgLazily(fn.cfg, delta));
      for (const [i, states] of fn.before.entries())
        for (const [j, st] of (states ?? []).entries()) {
          const moved = view.before[i]![j]!;
          if (moved === st) continue; // (a state holding nothing with an offset is not copied)
          assert.equal(moved.held[0]?.at, st.held[0] && st.held[0].at + 5, `${fn.syntax.name} node ${i}: the held lock moved`);
          assert.ok(same(moved, st), `${fn.syntax.name} node ${i} state ${j}: one shape`);
          compared++;
        }
    }
    assert.ok(compared >= 5, `${compared} moved states compared`);
  });

  it('the discipline’s sites of a function moved by an edit above it', async () => {
    const same = sameShape();
    const inc = createIncrementalAnalyzer(await Analyzer.create());
    const uri = 'file:///shapes.c';
    let text = TEXT;
    assert.ok(inc.analyze(uri, 1, text));
    // A letter typed into the first function moves the second.
    const at = text.indexOf('item_cost') + 'item_'.length;
    text = `${text.slice(0, at)}q${text.slice(at)}`;
    inc.edit(uri, [{ start: at, oldEnd: at, newText: 'q' }]);
    const file = internalAnalysis(inc.analyze(uri, 2, text)!);
    const walk = [...disciplineOf(file)!.functions.values()].find((f) => f.name === 'item_walk')!;
    const collected = walk.collected!;
    assert.ok(collected && collected !== walk, 'item_walk’s facts are a moved view');
    const lists = ['accesses', 'calls', 'acquisitions', 'iterations', 'bitUpdates'] as const;
    for (const key of lists) {
      const moved = walk[key] as readonly object[];
      const original = collected[key] as readonly object[];
      assert.ok(original.length > 0, `item_walk has ${key}`);
      assert.notEqual(moved, original, `${key} are moved copies`);
      for (const [i, o] of original.entries()) assert.ok(same(moved[i]!, o), `${key}[${i}]: one shape`);
    }
    assert.equal(walk.calls[0]!.start, collected.calls[0]!.start + 1);
  });
});
