// XSR004 follows a start along each path with what the path knows: flags
// tested twice or set to a constant (tracked atoms). Its solve compares states
// field by field (no key strings), passes statements that cannot change a
// state, and reads each condition's plan once (a condition none of whose atoms
// a path can know evaluates the same on every path). Each of these must give
// what the keyed, statement-by-statement solve gave: the finding on the path
// that skips the finish only, none where the flag correlates start and finish,
// and the same where an atom holds a `;` (two facts' keys could meet there).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { protocolAnalyzer } from './rulesHarness';

const TEXT = [
  'static void together(struct vcpu *v, bool move)',
  '{',
  '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
  '',
  '    if ( move )',
  '        vcpu_migrate_start(v);',
  '    vcpu_schedule_unlock_irq(lock, v);',
  '    if ( move )',
  '        vcpu_migrate_finish(v);',
  '}',
  '',
  'static void apart(struct vcpu *v, bool move)',
  '{',
  '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
  '',
  '    if ( move )',
  '        vcpu_migrate_start(v);',
  '    vcpu_schedule_unlock_irq(lock, v);',
  '    if ( !move )',
  '        vcpu_migrate_finish(v);',
  '}',
  '',
  'static void named(struct vcpu *v, const char *name)',
  '{',
  '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
  '',
  '    if ( strcmp(name, "a;b") && v->domain )',
  '        vcpu_migrate_start(v);',
  '    vcpu_schedule_unlock_irq(lock, v);',
  '    if ( strcmp(name, "a;b") )',
  '        vcpu_migrate_finish(v);',
  '    if ( v->domain )',
  '        vcpu_migrate_finish(v);',
  '}',
  '',
  'static void flagged(struct vcpu *v)',
  '{',
  '    bool moved = false;',
  '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
  '',
  '    if ( v->processor != 0 )',
  '    {',
  '        vcpu_migrate_start(v);',
  '        moved = true;',
  '    }',
  '    vcpu_schedule_unlock_irq(lock, v);',
  '    if ( moved )',
  '        vcpu_migrate_finish(v);',
  '}',
  '',
  'static void either(struct vcpu *v, bool a)',
  '{',
  '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
  '',
  '    if ( a )',
  '        vcpu_migrate_start(v);',
  '    else',
  '        vcpu_migrate_start(v);',
  '    vcpu_schedule_unlock_irq(lock, v);',
  '}',
  '',
  'static void early(struct vcpu *v, bool move)',
  '{',
  '    spinlock_t *lock;',
  '',
  '    if ( !move )',
  '        v->x = 1;',
  '    lock = vcpu_schedule_lock_irq(v);',
  '    vcpu_migrate_start(v);',
  '    vcpu_schedule_unlock_irq(lock, v);',
  '    if ( move )',
  '        vcpu_migrate_finish(v);',
  '}',
  '',
  'static void late(struct vcpu *v, bool move)',
  '{',
  '    spinlock_t *lock;',
  '',
  '    if ( move )',
  '        v->x = 1;',
  '    lock = vcpu_schedule_lock_irq(v);',
  '    vcpu_migrate_start(v);',
  '    vcpu_schedule_unlock_irq(lock, v);',
  '    if ( move )',
  '        vcpu_migrate_finish(v);',
  '}',
].join('\n');

test('XSR004 reports the starts whose paths skip the finish, and only those', async () => {
  const analyzer = await protocolAnalyzer();
  const file = analyzer.analyze({ path: 'paths.c', text: TEXT });
  const found = file.diagnostics
    .filter((d) => d.code === 'XSR004')
    .map((d) => `${file.lineIndex.lineOf(d.start) + 1}:${file.lineIndex.position(d.start).character}:${d.function}`);
  // Both starts of `either` stay pending (two states, not one); `early` and `late` keep both values of the flag
  // from before the lock (the paths differ only by what they know).
  assert.deepEqual(found, ['17:8:apart', '56:8:either', '58:8:either', '69:4:early', '82:4:late']);
  assert.deepEqual(
    file.diagnostics.filter((d) => /^XSR00[1-8]$/.test(d.code) && d.code !== 'XSR004').map((d) => d.code),
    [],
  );
});
