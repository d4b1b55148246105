// What the lock analysis learns from a callee's summary must be learned again
// when that summary changes. The editor keeps an unchanged function's CFG
// across edits and re-analyses the function when a callee's summary changes:
// anything cached on the CFG's nodes that was computed from summaries (here:
// whether `if ( dom != DOMID_INVALID ) list_done();` is a release guarded by
// "if we hold it") would be the old callee's answer. The callee comes after its caller here, so
// the caller's text and offsets do not move when the callee is edited.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type AnalysedFile, lockHints } from '../../server/src/core/index';
import { analyzerPair, editedDocument, findingsView } from './analyzerPair';

const view = (f: AnalysedFile): unknown => ({ findings: findingsView(f), hints: lockHints(f, 'all') });

const TEXT = `static void list_done(void);

int list_use(domid_t want)
{
    domid_t dom = DOMID_INVALID;

    if ( want )
    {
        rcu_read_lock(&domlist_read_lock);
        dom = want;
    }
    list_work();
    if ( dom != DOMID_INVALID )
        list_done();
    return 0;
}

static void list_done(void)
{
    list_work();
}
`;

describe('caches that depend on callee summaries', () => {
  const analyzers = analyzerPair();

  it('a test of the lock holder that becomes a guarded release when its callee starts to release (and back)', () => {
    const uri = 'file:///summaries/item.c';
    const doc = editedDocument(analyzers, uri, TEXT, view);
    const codes = (): string[] => analyzers.fresh.analyze({ path: uri, text: doc.text }).diagnostics.map((d) => `${d.code} ${d.function}`);
    // list_done releases nothing: the lock taken is handed to the caller, on the path that took it.
    assert.deepEqual(codes(), []);
    doc.replace('    list_work();\n}\n', '    rcu_read_unlock(&domlist_read_lock);\n}\n');
    // Now `if ( dom != DOMID_INVALID ) list_done();` releases the lock exactly when it is held.
    assert.deepEqual(codes(), []);
    doc.replace('    rcu_read_unlock(&domlist_read_lock);\n}\n', '    list_work();\n}\n');
    assert.deepEqual(codes(), []);
    analyzers.inc.close(uri);
  });
});
