// A keystroke's solve takes an unchanged function's dependency key from the
// last solve's first pass without asking for each callee's summary
// (core/analyzer.ts SolveMemo): only while no callee's summary changed. Each
// case here changes one and compares with a fresh analysis: a callee edited
// in the document, a callee in another indexed file, the interrupt state a
// function is entered with.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import {
  type AnalysedFile,
  type CoreAnalyzer,
  createAnalyzer,
  createIncrementalAnalyzer,
  indexFiles,
  lockHints,
  type WorkspaceSummaries,
} from '../../server/src/core/index';
import { WorkspaceIndex } from '../../server/src/core/workspace/workspaceIndex';

const view = (f: AnalysedFile): unknown => ({ findings: f.diagnostics, hints: lockHints(f, 'all') });

/**
 * A document analysed through the edit path: `replace` edits the first `from`
 * into `to` and asserts that the analysis equals one of the same text by an
 * analyzer that never saw the document (a first analysis, nothing to follow).
 */
function editedDocument(
  analyzer: CoreAnalyzer,
  uri: string,
  text: string,
  shared?: () => WorkspaceSummaries,
): { replace(from: string, to: string): unknown } {
  const inc = createIncrementalAnalyzer(analyzer);
  let version = 1;
  inc.analyze(uri, version, text, shared?.());
  return {
    replace(from, to) {
      const at = text.indexOf(from);
      assert.ok(at >= 0, from);
      inc.edit(uri, [{ start: at, oldEnd: at + from.length, newText: to }]);
      text = text.slice(0, at) + to + text.slice(at + from.length);
      const got = view(inc.analyze(uri, ++version, text, shared?.())!);
      assert.deepEqual(got, view(createIncrementalAnalyzer(analyzer).analyze(uri, 1, text, shared?.())!), `${from} → ${to}`);
      return got;
    },
  };
}

const LOCAL = `static void item_grab(struct item *it)
{
    spin_lock(&it->lock);
}

void item_use(struct item *it)
{
    item_grab(it);
    it->count++;
    spin_unlock(&it->lock);
}

void item_other(struct item *it)
{
    it->count--;
}
`;

const CALLER = `void item_use(struct item *it)
{
    item_grab(it);
    it->count++;
    spin_unlock(&it->lock);
}

void item_other(struct item *it)
{
    it->count--;
}
`;

const callee = (lock: string): string => `void item_grab(struct item *it)
{
    ${lock}(&it->lock);
}
`;

const SOFTIRQ = `static void item_tick(void)
{
    spin_lock(&item_lock);
    item_count++;
    spin_unlock(&item_lock);
}

void item_init(void)
{
    item_count = 0;
}

void item_other(void)
{
    item_count--;
}
`;

describe('a solve following the last one', () => {
  let analyzer: CoreAnalyzer;
  before(async () => {
    analyzer = await createAnalyzer();
  });

  it("redoes a caller when an edit changes its callee's summary in the same document", () => {
    const doc = editedDocument(analyzer, 'file:///follows/local.c', LOCAL);
    const before = doc.replace('it->count--;', 'it->count-=1;');
    // The callee no longer takes the lock (an unknown call): the caller's unlock is of a lock it does not hold.
    const after = doc.replace('    spin_lock(&it->lock);', '    spin_lokk(&it->lock);');
    assert.notDeepEqual(after, before, "the callee's edit changes what the caller is found to do");
    doc.replace('it->count-=1;', 'it->count--;');
    doc.replace('    spin_lokk(&it->lock);', '    spin_lock(&it->lock);');
    doc.replace('it->count--;', 'it->count-=2;');
  });

  it('redoes a caller when its callee in another indexed file changes', () => {
    const index = new WorkspaceIndex();
    const other = (lock: string): void => {
      for (const r of indexFiles(analyzer, [{ path: 'file:///follows/grab.c', text: callee(lock) }])) index.set('disk', r.path, r);
    };
    other('spin_lock');
    const uri = 'file:///follows/caller.c';
    const doc = editedDocument(analyzer, uri, CALLER, () => index.lookupFor(uri));
    const before = doc.replace('it->count--;', 'it->count-=1;');
    other('spin_lokk');
    const after = doc.replace('it->count-=1;', 'it->count-=2;');
    assert.notDeepEqual(after, before, "the other file's callee changes what the caller is found to do");
    other('spin_lock');
    assert.deepEqual(doc.replace('it->count-=2;', 'it->count--;'), before);
  });

  it('redoes a function whose interrupt state on entry changes', () => {
    const doc = editedDocument(analyzer, 'file:///follows/softirq.c', SOFTIRQ);
    const before = doc.replace('item_count--;', 'item_count-=1;');
    // Registered as a softirq handler: entered with interrupts on.
    const after = doc.replace('    item_count = 0;', '    open_softirq(ITEM_SOFTIRQ, item_tick);');
    assert.notDeepEqual(after, before, 'the registration changes what is found in the handler');
    doc.replace('item_count-=1;', 'item_count-=2;');
    doc.replace('    open_softirq(ITEM_SOFTIRQ, item_tick);', '    item_count = 0;');
    doc.replace('item_count-=2;', 'item_count--;');
  });
});
