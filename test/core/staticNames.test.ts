// Static names of a text (syntax/staticLocks.ts): the locks and the other
// static variables a file or a function declares, which make locations and
// lock names file- or function-scoped. Odd and hostile text reads in one
// pass: no function is taken for a variable, and long runs of stars, spaces
// or qualifiers end at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';

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
