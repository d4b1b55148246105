// What the edit path keeps between versions of a document: per-function
// results (lock states, discipline facts) outlive their run, but not the
// analysis of the version they were computed in. Before, the facts of each
// edited function held that version's whole analysis (its text, every
// function's results and the lock discipline attached to it): typing in one
// function after another kept a version alive per function, about a
// megabyte each in a 5,000-line file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';

import { analyzerPair } from './analyzerPair';

/** A full collection on demand (the flag is read when `gc` is looked up in a new context). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** `count` functions in Xen's style, each taking a lock and writing fields under it (the discipline votes on them). */
function source(count: number): string {
  const out = ['struct item_priv { spinlock_t lock; int credit; int weight; };', ''];
  for (let k = 0; k < count; k++)
    out.push(
      `static void item_update_${k}(struct item_priv *prv, int v)`,
      '{',
      '    spin_lock(&prv->lock);',
      `    prv->credit = v + ${k};`,
      '    prv->weight = v;',
      '    spin_unlock(&prv->lock);',
      '}',
      '',
    );
  return out.join('\n');
}

describe('the edit path over a long typing session', () => {
  const analyzers = analyzerPair();

  it('keeps no earlier version of the document alive: typing in one function after another', async () => {
    const gc = collector();
    const uri = 'file:///memory/items.c';
    const functions = 12;
    let text = source(functions);
    let version = 1;
    assert.ok(analyzers.inc.analyze(uri, version, text));
    const versions: WeakRef<object>[] = [];
    let last: object | undefined;
    for (let k = 0; k < functions; k++) {
      // A letter typed into the first write of function k (each edit in another function, as someone going down a file).
      const at = text.indexOf(`prv->credit = v + ${k};`) + 'prv->cr'.length;
      text = `${text.slice(0, at)}q${text.slice(at)}`;
      analyzers.inc.edit(uri, [{ start: at, oldEnd: at, newText: 'q' }]);
      last = analyzers.inc.analyze(uri, ++version, text);
      assert.ok(last);
      assert.equal(analyzers.inc.lastStats.local, true, `edit ${k + 1} reparsed the function alone`);
      assert.equal(analyzers.inc.lastStats.computed, 1, `edit ${k + 1} recomputed the edited function only`);
      versions.push(new WeakRef(last));
    }
    // (A WeakRef's target is kept to the end of the job that made it: collect after it.)
    await tick();
    gc();
    const alive = versions.map((r, i) => (r.deref() ? i + 1 : 0)).filter((v) => v > 0);
    // The last version is the one held here; every earlier one must be gone.
    assert.deepEqual(alive, [functions]);
    assert.ok(last);
    analyzers.inc.close(uri);
  });

  it('keeps no earlier text of the document alive: what each edited function remembers is copied out of its version', async () => {
    const gc = collector();
    const uri = 'file:///memory/texts.c';
    const functions = 18;
    // Each function walks a list with a loop macro and returns an expression (a CFG keeps both as text) and is
    // collected for the discipline; a comment makes each version of the text about 200 KB.
    const body = (k: number): string[] => [
      `static int item_walk_${k}(struct item_priv *prv, struct list_head *items)`,
      '{',
      '    struct item *it;',
      '    spin_lock(&prv->lock);',
      '    list_for_each_entry ( it, items, list )',
      `        prv->credit += it->weight + ${k};`,
      '    spin_unlock(&prv->lock);',
      '    return prv->credit + prv->weight + it->weight;',
      '}',
      '',
    ];
    const comment = `/*${' padding to make each version of the text large '.repeat(4000)}*/`;
    let text = [comment, 'struct item_priv { spinlock_t lock; int credit; int weight; };', '']
      .concat(Array.from({ length: functions }, (_, k) => body(k)).flat())
      .join('\n');
    let version = 1;
    assert.ok(analyzers.inc.analyze(uri, version, text));
    // Measured from the sixth edit on: by then every memo of the last text (the tree's, the blanked text's, the
    // last edit's) holds one, and holds one at the end too.
    const settled = 6;
    let before = 0;
    for (let k = 0; k < functions; k++) {
      if (k === settled) {
        await tick();
        gc();
        before = process.memoryUsage().heapUsed;
      }
      const at = text.indexOf(`it->weight + ${k};`) + 'it->we'.length;
      text = `${text.slice(0, at)}q${text.slice(at)}`;
      analyzers.inc.edit(uri, [{ start: at, oldEnd: at, newText: 'q' }]);
      assert.ok(analyzers.inc.analyze(uri, ++version, text));
      assert.equal(analyzers.inc.lastStats.computed, 1, `edit ${k + 1} recomputed the edited function only`);
    }
    await tick();
    gc();
    // The results of 12 small functions (a few KB each); a text kept per edited function was 200 KB each (2.4 MB).
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 600_000, `the heap grew ${grown} bytes over ${functions - settled} edits: earlier texts are kept`);
    analyzers.inc.close(uri);
  });
});
