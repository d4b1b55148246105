// Static names of a text (syntax/staticLocks.ts): the locks and the other
// static variables a file or a function declares, which make locations and
// lock names file- or function-scoped. Odd and hostile text reads in one
// pass: no function is taken for a variable, and long runs of stars, spaces
// or qualifiers end at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { LineIndex } from '../../server/src/core/syntax/lineIndex';
import { staticNamesIn } from '../../server/src/core/syntax/staticLocks';

test('static names: locks, list heads and variables, not functions', () => {
  const text = [
    'static DEFINE_SPINLOCK(map_lock);',
    'static LIST_HEAD(devices);',
    'static struct demo_smmu *first_smmu;',
    'static unsigned int __read_mostly nr_smmus = 0;',
    'static const char *const names[] = { "a" };',
    'static int demo_probe(struct demo_smmu *s);',
    'static inline bool demo_ready(void) { return true; }',
    'int shared_count;',
  ].join('\n');
  assert.deepEqual([...staticNamesIn({}, text).keys()].sort(), ['devices', 'first_smmu', 'map_lock', 'nr_smmus']);
});

test('static names: long runs of stars, spaces and qualifiers before a function name read in one pass', () => {
  const stars = `static int${' *'.repeat(20000)} f(void);`;
  const quals = `static ${'const '.repeat(20000)}g(void);`;
  const binary = `static ${'\u0000\u00ff*'.repeat(20000)}`;
  assert.deepEqual([...staticNamesIn({}, stars).keys()], []);
  assert.deepEqual([...staticNamesIn({}, quals).keys()], []);
  assert.deepEqual([...staticNamesIn({}, binary).keys()], []);
});

// An edited text's static names are made from the text before, scanning only the statement the edit is in
// (LineIndex.edited notes the edit): the same as scanning the edited text whole, on random texts and edits.
test('static names of an edited text equal a whole scan of it', () => {
  // Whole declarations, and the pieces an edit breaks them into or makes them from.
  const piece = fc.constantFrom(
    'static int x;',
    'static DEFINE_SPINLOCK(lock);',
    'static spinlock_t l2;',
    'static LIST_HEAD(h);',
    'static unsigned int __read_mostly n = 0;',
    'static',
    ' ',
    '\n',
    ';',
    '{',
    '}',
    '=',
    '*',
    '(',
    'x',
    'lock',
    'spinlock_t',
    'DEFINE_SPINLOCK',
    'const ',
  );
  const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(), fc.array(piece, { maxLength: 4 }), (before, a, b, ins) => {
      const inserted = ins.join('');
      const start = a % (before.length + 1);
      const oldEnd = start + (b % (before.length - start + 1));
      const after = before.slice(0, start) + inserted + before.slice(oldEnd);
      staticNamesIn({}, before);
      LineIndex.edited(new LineIndex(before), after, start, oldEnd, inserted.length);
      const edited = [...staticNamesIn({}, after)];
      // The edit is not the last one any more: `after` is scanned whole.
      LineIndex.edited(new LineIndex(after), `${after} `, after.length, after.length, 1);
      assert.deepEqual(edited, [...staticNamesIn({}, after)], JSON.stringify({ before, after }));
    }),
    { numRuns: 2000 },
  );
});
