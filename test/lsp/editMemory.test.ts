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
});
