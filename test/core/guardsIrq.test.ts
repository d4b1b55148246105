// Each lock's interrupt discipline in the lock map (`xsr guards`, the
// editor's lock map document): acquisitions with interrupts off, on and
// unknown per lock identity, a site of each side when a lock is taken both
// ways; static locks of one name in two functions or two files are two locks.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createAnalyzer, guardsReport, guardsText } from '../../server/src/core/index';

const A = [
  'static DEFINE_SPINLOCK(map_lock);',
  'DEFINE_SPINLOCK(pool_lock);',
  'static void map_tick(void)',
  '{',
  '    unsigned long flags;',
  '    spin_lock_irqsave(&map_lock, flags);',
  '    spin_lock(&pool_lock);',
  '    n++;',
  '    spin_unlock(&pool_lock);',
  '    spin_unlock_irqrestore(&map_lock, flags);',
  '}',
  'static void map_print(void)',
  '{',
  '    static DEFINE_SPINLOCK(lock);',
  '    spin_lock_irq(&lock);',
  '    n++;',
  '    spin_unlock_irq(&lock);',
  '}',
  'void map_any(void)',
  '{',
  '    spin_lock(&pool_lock);',
  '    n++;',
  '    spin_unlock(&pool_lock);',
  '}',
  '',
].join('\n');

const B = [
  'static DEFINE_SPINLOCK(map_lock);',
  'extern spinlock_t pool_lock;',
  'long do_map_op(void)',
  '{',
  '    static DEFINE_SPINLOCK(lock);',
  '    spin_lock(&lock);',
  '    spin_lock(&map_lock);',
  '    spin_lock(&pool_lock);',
  '    n++;',
  '    spin_unlock(&pool_lock);',
  '    spin_unlock(&map_lock);',
  '    spin_unlock(&lock);',
  '    return 0;',
  '}',
  '',
].join('\n');

test('guards: each lock identity with its acquisitions by interrupt state, and a site of each side when mixed', async () => {
  const files = (await createAnalyzer()).analyzeMany([
    { path: 'a.c', text: A },
    { path: 'b.c', text: B },
  ]);
  const r = guardsReport(files);
  assert.deepEqual(r.locks, [
    {
      lock: 'lock (static in do_map_op)',
      irq: { disabled: 0, enabled: 1, unknown: 0 },
      sites: { enabled: { path: 'b.c', line: 6, column: 5, function: 'do_map_op' } },
    },
    {
      lock: 'lock (static in map_print)',
      irq: { disabled: 1, enabled: 0, unknown: 0 },
      sites: { disabled: { path: 'a.c', line: 15, column: 5, function: 'map_print' } },
    },
    {
      lock: 'map_lock (static in a.c)',
      irq: { disabled: 1, enabled: 0, unknown: 0 },
      sites: { disabled: { path: 'a.c', line: 6, column: 5, function: 'map_tick' } },
    },
    {
      lock: 'map_lock (static in b.c)',
      irq: { disabled: 0, enabled: 1, unknown: 0 },
      sites: { enabled: { path: 'b.c', line: 7, column: 5, function: 'do_map_op' } },
    },
    // map_any's callers are not known: its site is unknown.
    {
      lock: 'pool_lock',
      irq: { disabled: 1, enabled: 1, unknown: 1 },
      sites: {
        disabled: { path: 'a.c', line: 7, column: 5, function: 'map_tick' },
        enabled: { path: 'b.c', line: 8, column: 5, function: 'do_map_op' },
      },
    },
  ]);
  const text = guardsText(r).split('\n');
  const from = text.indexOf("Locks and interrupts (how each lock is taken: Xen's check_lock() wants one way only)");
  assert.deepEqual(text.slice(from + 1, from + 8), [
    '  lock (static in do_map_op)  irqs on at 1 site',
    '  lock (static in map_print)  irqs off at 1 site',
    '  map_lock (static in a.c)  irqs off at 1 site',
    '  map_lock (static in b.c)  irqs on at 1 site',
    '  pool_lock  irqs off at 1 site, irqs on at 1 site, unknown at 1 site  [mixed: both ways]',
    '      irqs off: a.c:7 map_tick',
    '      irqs on:  b.c:8 do_map_op',
  ]);
});
