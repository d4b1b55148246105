// A lock declared `static` at file scope in two of the files analysed
// together is two locks, each named with its file; one declared `static`
// inside a function body is that function's own and makes no other file's
// lock of the name a file's own. Whether a declaration sits in a body is
// found by a binary search over the file's bodies (guards/discipline.ts
// BodyRanges): these cases pin its answer before the first body, between
// two, inside one and after the last. Written for this project in Xen's
// style.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Analyzer } from '../../server/src/core/analyzer';
import { disciplineOf } from '../../server/src/core/guards/discipline';

/** `outer_lock` taken, then the file's `name` lock nested in it, in a function named after the file. */
const user = (v: string, name: string): string[] => [
  `void user_${v}(void)`,
  '{',
  '    spin_lock(&outer_lock);',
  `    spin_lock(&${name});`,
  `    spin_unlock(&${name});`,
  '    spin_unlock(&outer_lock);',
  '}',
];

const file = (v: string): string =>
  [
    // Before the first body: shared with the other file.
    'static DEFINE_SPINLOCK(head_lock);',
    'void first_body(void)',
    '{',
    '    static DEFINE_SPINLOCK(inner_lock);',
    '    spin_lock(&inner_lock);',
    '    spin_unlock(&inner_lock);',
    '}',
    // Between two bodies: shared.
    'static DEFINE_SPINLOCK(middle_lock);',
    ...user(`${v}_head`, 'head_lock'),
    ...user(`${v}_middle`, 'middle_lock'),
    ...user(`${v}_tail`, 'tail_lock'),
    ...user(`${v}_inner`, 'inner_lock'),
    // After the last body: shared.
    'static DEFINE_SPINLOCK(tail_lock);',
    '',
  ].join('\n');

test('static locks at file scope in two files are each file’s own, wherever they sit between bodies; one in a body is not', async () => {
  const analysed = (await Analyzer.create()).analyzeMany([
    { path: 'a.c', text: file('a') },
    { path: 'b.c', text: file('b') },
  ]);
  const d = disciplineOf(analysed[0]!)!;
  assert.deepEqual(
    d.order.map((e) => `${e.outer} -> ${e.inner}`),
    [
      'outer_lock -> head_lock (static in a.c)',
      'outer_lock -> middle_lock (static in a.c)',
      'outer_lock -> tail_lock (static in a.c)',
      'outer_lock -> inner_lock',
      'outer_lock -> head_lock (static in b.c)',
      'outer_lock -> middle_lock (static in b.c)',
      'outer_lock -> tail_lock (static in b.c)',
    ],
  );
});
