// The tree cache notes an edit (the tree's `edit`) and applies the texts'
// changes only when a tree is asked for, all at once: against the texts made
// edit by edit, on random edit sequences (past the number it keeps pending
// too), and the points it gives the tree from the editor's columns against
// the points it counts in the text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { textAfter } from '../../server/src/core/incremental/localParse';
import { type DocumentEdit, type EditRows, type ParseFn, TreeCache } from '../../server/src/core/incremental/treeCache';

type Tree = NonNullable<ReturnType<ParseFn>>;
interface Point {
  row: number;
  column: number;
}

/** A stand-in tree: what it was parsed from and the edits it was given. */
class FakeTree {
  readonly edits: { startPosition: Point; oldEndPosition: Point; newEndPosition: Point }[] = [];
  constructor(readonly prepared: string) {}
  edit(e: { startPosition: Point; oldEndPosition: Point; newEndPosition: Point }): void {
    this.edits.push(e);
  }
  delete(): void {}
}

/** A cache whose parser records what it read and with which old tree; `prepare` blanks `cf_check`. */
function cache(): { trees: TreeCache; parses: { prepared: string; old: FakeTree | null }[] } {
  const parses: { prepared: string; old: FakeTree | null }[] = [];
  const trees = new TreeCache(
    (prepared, old) => {
      parses.push({ prepared, old: old as unknown as FakeTree | null });
      return new FakeTree(prepared) as unknown as Tree;
    },
    { prepare: (t) => t.replace(/cf_check/g, '        ') },
  );
  return { trees, parses };
}

const piece = fc.constantFrom('a', 'cf_check', 'x\n', '\r\n', '\n\n', 'é𝄞', '{ }');
const text = fc.array(piece, { maxLength: 20 }).map((p) => p.join(''));
const edit = fc.record({ a: fc.nat(), b: fc.nat(), inserted: fc.array(piece, { maxLength: 3 }).map((p) => p.join('')) });

/** Line and column (after the last `\n`) of an offset, as the editor would send them for a text without lone `\r`. */
function rowsOf(t: string, start: number, oldEnd: number): EditRows {
  const at = (o: number): { row: number; column: number } => ({
    row: t.slice(0, o).split('\n').length - 1,
    column: o - (t.lastIndexOf('\n', o - 1) + 1),
  });
  const s = at(start);
  const e = at(oldEnd);
  return { start: s.row, oldEnd: e.row, startColumn: s.column, oldEndColumn: e.column };
}

describe('TreeCache', () => {
  it('applies pending edits as edit by edit, and gives the tree the same points with or without columns', () => {
    fc.assert(
      fc.property(text, fc.array(edit, { maxLength: 80 }), (first, raw) => {
        const withColumns = cache();
        const counted = cache();
        withColumns.trees.get('u', 1, first);
        counted.trees.get('u', 1, first);
        let t = first;
        for (const { a, b, inserted } of raw) {
          const start = a % (t.length + 1);
          const oldEnd = start + (b % (t.length - start + 1));
          const d: DocumentEdit = { start, oldEnd, newText: inserted };
          const r = rowsOf(t, start, oldEnd);
          assert.equal(withColumns.trees.edit('u', [d], [r]), true);
          assert.equal(counted.trees.edit('u', [d], [{ start: r.start, oldEnd: r.oldEnd }]), true);
          t = t.slice(0, start) + inserted + t.slice(oldEnd);
        }
        const treeA = withColumns.trees.get('u', 2, t) as unknown as FakeTree;
        const treeB = counted.trees.get('u', 2, t) as unknown as FakeTree;
        // The recorded edits lead to exactly this text: the old tree is reused.
        assert.notEqual(withColumns.parses[1]!.old, null);
        assert.equal(treeA.prepared, t.replace(/cf_check/g, '        '));
        assert.equal(treeB.prepared, treeA.prepared);
        // Same points given to the old tree, the prepared text's own change (a `cf_check` typed or broken) included.
        assert.deepEqual(withColumns.parses[1]!.old!.edits, counted.parses[1]!.old!.edits);
      }),
      { numRuns: 300 },
    );
  });

  it('parses afresh when the edits do not lead to the text asked for', () => {
    const { trees, parses } = cache();
    trees.get('u', 1, 'int a;\nint b;\n');
    trees.edit('u', [{ start: 4, oldEnd: 5, newText: 'xy' }], [{ start: 0, oldEnd: 0, startColumn: 4, oldEndColumn: 5 }]);
    trees.get('u', 2, 'int xz;\nint b;\n');
    assert.equal(parses[1]!.old, null);
    trees.edit('u', [{ start: 4, oldEnd: 6, newText: 'q' }]);
    trees.get('u', 3, 'int q;\nint b;\n');
    assert.notEqual(parses[2]!.old, null);
    assert.deepEqual(parses[2]!.old!.edits[0]!.startPosition, { row: 0, column: 4 });
  });
});

describe('textAfter', () => {
  const before = 'int f(void)\n{\n    return a;\n}\n';
  const e: DocumentEdit = { start: 25, oldEnd: 26, newText: 'bq' };
  const after = 'int f(void)\n{\n    return bq;\n}\n';

  // (Whether the document's string itself is returned cannot be seen from JavaScript: equal strings are equal.)
  it('is the edited text, whatever text the editor hands over', () => {
    assert.equal(textAfter(before, e, ['int f(void)\n{\n    return ', 'bq;\n}\n'].join('')), after);
    for (const other of [
      undefined,
      after.replace('bq', 'bz'),
      after.replace('int', 'inq'),
      after.replace('}\n', '}\n\n'),
      after.slice(0, -1) + ' ',
      // A character just before the edit, and just after it, differs.
      after.replace(' bq', '\tbq'),
      after.replace('bq;', 'bq:'),
    ]) {
      const got = textAfter(before, e, other);
      assert.equal(got, after, JSON.stringify(other));
    }
  });
});
