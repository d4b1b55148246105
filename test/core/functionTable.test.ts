// The discipline's functions by key and by name are read through indexes kept
// while the functions are the same by path, name and static-ness
// (guards/functionTable.ts): they must answer as the maps they replaced (the
// first definition of a key stays; the names' lists in order), on generated
// lists of functions with repeated names, static and global, in two files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { FunctionFacts } from '../../server/src/core/guards/collect';
import { FunctionsByKey, FunctionsByName, functionTable } from '../../server/src/core/guards/functionTable';
import { rng } from '../shared/rng';

/** Facts with what the table reads (path, name, static-ness and the key they make), and an id to tell copies apart. */
function facts(path: string, name: string, isStatic: boolean, id: number): FunctionFacts {
  return { key: isStatic ? `${path}#${name}` : name, name, path, isStatic, id } as unknown as FunctionFacts;
}

function generated(seed: number): FunctionFacts[] {
  const next = rng(seed);
  const n = Math.floor(next() * 30);
  const out: FunctionFacts[] = [];
  for (let i = 0; i < n; i++) out.push(facts(next() < 0.3 ? 'b.h' : 'a.c', `f${Math.floor(next() * 12)}`, next() < 0.5, i));
  return out;
}

/** What computeDiscipline built before the table: a map by key (the first stays) and its functions by name. */
function straightforward(every: readonly FunctionFacts[]): { byKey: Map<string, FunctionFacts>; byName: Map<string, FunctionFacts[]> } {
  const byKey = new Map<string, FunctionFacts>();
  for (const f of every) if (!byKey.has(f.key)) byKey.set(f.key, f);
  const byName = new Map<string, FunctionFacts[]>();
  for (const f of byKey.values()) {
    const list = byName.get(f.name);
    if (list) list.push(f);
    else byName.set(f.name, [f]);
  }
  return { byKey, byName };
}

function sameMap<V>(got: ReadonlyMap<string, V>, want: ReadonlyMap<string, V>, asked: readonly string[]): void {
  assert.equal(got.size, want.size);
  assert.deepEqual([...got.keys()], [...want.keys()]);
  assert.deepEqual([...got.values()], [...want.values()]);
  assert.deepEqual([...got.entries()], [...want.entries()]);
  assert.deepEqual([...got], [...want]);
  const seen: [string, V][] = [];
  got.forEach((v, k) => seen.push([k, v]));
  assert.deepEqual(seen, [...want]);
  for (const k of asked) {
    assert.equal(got.has(k), want.has(k), k);
    assert.deepEqual(got.get(k), want.get(k), k);
  }
}

describe('the function table', () => {
  it('answers as the maps by key and by name it replaced, reused or not', () => {
    const asked = ['f0', 'f3', 'f11', 'f12', 'a.c#f1', 'b.h#f2', 'a.c#f99', 'g'];
    for (let seed = 1; seed <= 300; seed++) {
      const every = generated(seed);
      const want = straightforward(every);
      for (const remember of [false, true]) {
        const table = functionTable(every, remember);
        const byKey = new FunctionsByKey(table, table.functionsOf(every));
        sameMap(byKey, want.byKey, asked);
        sameMap(new FunctionsByName(byKey), want.byName, asked);
      }
    }
  });

  it('is kept for a run over one file while the functions are the same by path, name and static-ness, in order', () => {
    const every = [facts('a.c', 'f', true, 0), facts('a.c', 'g', false, 1), facts('b.h', 'f', true, 2), facts('a.c', 'f', true, 3)];
    const table = functionTable(every, true);
    // New facts of the same functions (an edit moved them): the same table, read over the new facts.
    const moved = every.map((f, i) => facts(f.path, f.name, f.isStatic, 100 + i));
    assert.equal(functionTable(moved, true), table);
    assert.deepEqual([...new FunctionsByKey(table, table.functionsOf(moved)).values()], [...straightforward(moved).byKey.values()]);
    // A function renamed, made static, moved to another file, removed or two swapped: another table.
    const changed = (i: number, f: Partial<{ path: string; name: string; isStatic: boolean }>): FunctionFacts[] =>
      moved.map((g, j) => (j === i ? facts(f.path ?? g.path, f.name ?? g.name, f.isStatic ?? g.isStatic, 200) : g));
    for (const other of [
      changed(1, { name: 'renamed' }),
      changed(1, { isStatic: !moved[1]!.isStatic }),
      changed(1, { path: 'c.c' }),
      moved.slice(1),
      [moved[1]!, moved[0]!, ...moved.slice(2)],
    ]) {
      const t = functionTable(other, true);
      assert.notEqual(t, table);
      assert.deepEqual([...new FunctionsByKey(t, t.functionsOf(other)).values()], [...straightforward(other).byKey.values()]);
    }
    // A folder's run makes its own.
    assert.notEqual(functionTable(every, false), functionTable(every, false));
  });
});
