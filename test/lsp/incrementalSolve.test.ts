// What the summary solve keeps from a document's previous run (the call
// graph's order, the call sites counted for learning entry interrupt states:
// core/analyzer.ts SolveMemo) must give what a fresh solve gives after each
// keystroke: a call renamed to or away from a function of the file, a
// caller's interrupt state at a call changed, and back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type AnalysedFile, lockHints } from '../../server/src/core/index';
import { analyzerPair, editedDocument, findingsView } from './analyzerPair';

const view = (f: AnalysedFile): unknown => ({ findings: findingsView(f), hints: lockHints(f, 'all') });

const IRQ = `static void item_touch(struct item *it)
{
    spin_lock(&it->lock);
    it->count++;
    spin_unlock(&it->lock);
}

void item_a(struct item *it)
{
    unsigned long flags;

    local_irq_save(flags);
    item_touch(it);
    local_irq_restore(flags);
}

void item_b(struct item *it)
{
    local_irq_disable();
    item_touch(it);
    local_irq_enable();
}
`;

const ORDER = `void item_first(struct item *it)
{
    item_work(it);
    it->count++;
}

static void item_lock(struct item *it)
{
    spin_lock(&it->lock);
}
`;

/** The interrupt state item_touch is entered with, as its first line's hint shows it (undefined: not known). */
function touchEntry(f: AnalysedFile): boolean | undefined {
  const hint = lockHints(f, 'all').find((h) => h.line === 2);
  assert.ok(hint, 'the spin_lock line has a hint');
  return hint.held.irq?.entry ? hint.held.irq.on : undefined;
}

/** The locks item_first holds after its first call (line 3, `it->count++;`). */
function heldAfterFirstCall(f: AnalysedFile): string[] {
  const hint = lockHints(f, 'all').find((h) => h.line === 3);
  return hint ? hint.held.must.map((l) => l.name) : [];
}

describe('the summary solve on the edit path', () => {
  const analyzers = analyzerPair();

  it("a function's entry interrupt state learned from its callers follows the edits of their call sites", () => {
    const uri = 'file:///solve/irq.c';
    const doc = editedDocument(analyzers, uri, IRQ, view);
    const edit = (from: string, to: string): boolean | undefined => {
      const got = doc.replace(from, to);
      assert.equal(analyzers.inc.lastStats.local, true, 'typed inside a body');
      return touchEntry(got);
    };
    assert.equal(touchEntry(analyzers.fresh.analyze({ path: uri, text: doc.text })), false, 'both callers: interrupts off');
    // One caller now calls it with interrupts on: callers disagree, nothing is learned; and back.
    assert.equal(edit('    local_irq_disable();\n    item_touch', '    local_irq_enable();\n    item_touch'), undefined);
    assert.equal(edit('    local_irq_enable();\n    item_touch', '    local_irq_disable();\n    item_touch'), false);
    // A call renamed away (item_b no longer calls it): item_a's call alone says off; then no caller is left.
    assert.equal(edit('    item_touch(it);\n    local_irq_enable', '    iqtem_touch(it);\n    local_irq_enable'), false);
    assert.equal(edit('    item_touch(it);\n    local_irq_restore', '    iqtem_touch(it);\n    local_irq_restore'), undefined);
    // And back, one at a time.
    assert.equal(edit('    iqtem_touch(it);\n    local_irq_restore', '    item_touch(it);\n    local_irq_restore'), false);
    assert.equal(edit('    iqtem_touch(it);\n    local_irq_enable', '    item_touch(it);\n    local_irq_enable'), false);
    // The bench's keystroke: a call to a function defined elsewhere renamed (the call graph of the file is the
    // same), which leaves item_a's call to item_touch with interrupts in an unknown state.
    assert.equal(edit('    local_irq_save(flags);', '    lqocal_irq_save(flags);'), undefined);
    assert.equal(edit('    lqocal_irq_save(flags);', '    local_irq_save(flags);'), false);
    analyzers.inc.close(uri);
  });

  it("a call renamed to a function of the file is solved after that function (and the caller reads the callee's summary)", () => {
    const uri = 'file:///solve/order.c';
    const doc = editedDocument(analyzers, uri, ORDER, view);
    assert.deepEqual(heldAfterFirstCall(analyzers.fresh.analyze({ path: uri, text: doc.text })), []);
    // item_first now calls item_lock, defined below it: the order of the last run had item_first first.
    assert.deepEqual(heldAfterFirstCall(doc.replace('item_work(it);', 'item_lock(it);')), ['it->lock']);
    assert.deepEqual(heldAfterFirstCall(doc.replace('item_lock(it);', 'item_lqock(it);')), []);
    assert.deepEqual(heldAfterFirstCall(doc.replace('item_lqock(it);', 'item_lock(it);')), ['it->lock']);
    // A second call, to a function defined elsewhere, typed before it and renamed: the file's call graph is the same.
    assert.deepEqual(heldAfterFirstCall(doc.replace('    item_lock(it);', '    item_work(it);\n    item_lock(it);')), ['it->lock']);
    assert.deepEqual(heldAfterFirstCall(doc.replace('    item_work(it);', '    iqtem_work(it);')), ['it->lock']);
    analyzers.inc.close(uri);
  });
});
