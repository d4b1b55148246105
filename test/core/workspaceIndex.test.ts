// The workspace index's merge rules (core/workspace/workspaceIndex.ts): which
// summary another file sees, which names a change reports, who depends on them.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';

import type { FunctionSummary } from '../../server/src/core/locks/summary';
import type { IndexedFile } from '../../server/src/core/workspace/records';
import { WorkspaceIndex } from '../../server/src/core/workspace/workspaceIndex';

const summary = (name: string, acquires: string[] = []): FunctionSummary => ({
  name,
  params: ['cpu'],
  acquires: acquires.map((lock) => ({ lock, kind: 'sched' })),
  releases: [],
  mayReleases: [],
  condAcquires: [],
  requires: [],
});

function file(path: string, fns: { name: string; acquires?: string[]; callees?: string[] }[]): IndexedFile {
  return {
    path,
    parseErrors: 0,
    functions: fns.map((f) => ({ name: f.name, summary: summary(f.name, f.acquires), callees: f.callees ?? [] })),
  };
}

describe('workspace index', () => {
  it("answers with another file's summary, never the asking file's own", () => {
    const index = new WorkspaceIndex();
    index.set('disk', 'a.c', file('a.c', [{ name: 'helper', acquires: ['sched(cpu)'] }]));
    index.set('disk', 'b.c', file('b.c', [{ name: 'user', callees: ['helper'] }]));
    assert.deepEqual(index.lookupFor('b.c').get('helper')?.acquires, [{ lock: 'sched(cpu)', kind: 'sched' }]);
    assert.equal(index.lookupFor('a.c').get('helper'), undefined);
  });

  it('an open document wins over its file on disk, and closing it gives the disk back', () => {
    const index = new WorkspaceIndex();
    index.set('disk', 'a.c', file('a.c', [{ name: 'helper', acquires: ['sched(cpu)'] }]));
    assert.deepEqual([...index.set('open', 'a.c', file('a.c', [{ name: 'helper' }]))], ['helper']);
    assert.deepEqual(index.summary('helper')?.acquires, []);
    assert.deepEqual([...index.set('open', 'a.c', undefined)], ['helper']);
    assert.equal(index.summary('helper')?.acquires.length, 1);
  });

  it('reports only the names whose summary changed (an equal summary is no change)', () => {
    const index = new WorkspaceIndex();
    assert.deepEqual([...index.set('disk', 'a.c', file('a.c', [{ name: 'f' }, { name: 'g', acquires: ['x'] }]))].sort(), ['f', 'g']);
    assert.deepEqual([...index.set('disk', 'a.c', file('a.c', [{ name: 'f' }, { name: 'g', acquires: ['y'] }]))], ['g']);
    assert.deepEqual([...index.set('disk', 'a.c', file('a.c', [{ name: 'f' }, { name: 'g', acquires: ['y'] }]))], []);
    assert.deepEqual([...index.set('disk', 'a.c', undefined)].sort(), ['f', 'g']);
    assert.equal(index.size, 0);
  });

  it('the dependents of a name are the files that call it without defining it', () => {
    const index = new WorkspaceIndex();
    index.set('disk', 'a.c', file('a.c', [{ name: 'helper' }, { name: 'own_user', callees: ['helper'] }]));
    index.set('disk', 'b.c', file('b.c', [{ name: 'user', callees: ['helper'] }]));
    index.set('disk', 'c.c', file('c.c', [{ name: 'other' }]));
    assert.deepEqual([...index.dependents(['helper'])], ['b.c']);
    assert.deepEqual([...index.dependents(['other'])], []);
  });

  it('with two definitions of a name, the first file by path answers (and a file never sees its own)', () => {
    const index = new WorkspaceIndex();
    index.set('disk', 'b.c', file('b.c', [{ name: 'dump', acquires: ['b'] }]));
    index.set('disk', 'a.c', file('a.c', [{ name: 'dump', acquires: ['a'] }]));
    assert.equal(index.summary('dump')?.acquires[0]?.lock, 'a');
    assert.equal(index.lookupFor('a.c').get('dump')?.acquires[0]?.lock, 'b');
  });
});
