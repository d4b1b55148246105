// The names a run's functions use as values are kept from a run over one file
// to the next and updated by difference (guards/addressTaken.ts): on every
// run of a generated sequence (functions whose names change, come and go,
// runs over other lists of functions in between) they must be the union of
// every function's names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { addressTaken } from '../../server/src/core/guards/addressTaken';
import type { FunctionFacts } from '../../server/src/core/guards/collect';
import { FunctionsByKey, functionTable } from '../../server/src/core/guards/functionTable';
import { rng } from '../shared/rng';

function facts(name: string, refs: ReadonlySet<string>): FunctionFacts {
  return { key: name, name, path: 'a.c', isStatic: false, valueRefs: refs } as unknown as FunctionFacts;
}

function union(list: readonly FunctionFacts[]): string[] {
  const out = new Set<string>();
  for (const f of list) for (const v of f.valueRefs) out.add(v);
  return [...out].sort();
}

describe('the names used as values', () => {
  it('are the union of every function’s names on every run of generated edits', () => {
    const next = rng(11);
    const names = (): Set<string> => {
      const out = new Set<string>();
      for (let n = Math.floor(next() * 4); n > 0; n--) out.add(`n${Math.floor(next() * 6)}`);
      return out;
    };
    let fns = Array.from({ length: 8 }, (_, i) => facts(`f${i}`, names()));
    for (let run = 0; run < 400; run++) {
      const kind = next();
      if (kind < 0.6) {
        // An edit: one function collected again (its names new, often the same ones).
        const i = Math.floor(next() * fns.length);
        fns = fns.map((f, j) => (j === i ? facts(f.name, next() < 0.5 ? new Set(f.valueRefs) : names()) : f));
      } else if (kind < 0.7) fns = [...fns, facts(`g${run}`, names())];
      else if (kind < 0.8 && fns.length > 1) fns = fns.slice(1);
      const remember = kind < 0.95;
      const table = functionTable(fns, remember);
      const got = addressTaken(new FunctionsByKey(table, table.functionsOf(fns)), remember);
      assert.deepEqual([...got].sort(), union(fns), `run ${run}`);
    }
  });

  it('is the same set while no name comes or goes', () => {
    const fns = [facts('f', new Set(['a', 'b'])), facts('g', new Set(['b']))];
    const table = functionTable(fns, true);
    const first = addressTaken(new FunctionsByKey(table, fns), true);
    const again = [facts('f', new Set(['b', 'a'])), fns[1]!];
    assert.equal(addressTaken(new FunctionsByKey(functionTable(again, true), again), true), first);
    const less = [facts('f', new Set(['b'])), fns[1]!];
    const got = addressTaken(new FunctionsByKey(functionTable(less, true), less), true);
    assert.notEqual(got, first);
    assert.deepEqual([...got], ['b']);
    assert.deepEqual([...first].sort(), ['a', 'b']);
  });
});
