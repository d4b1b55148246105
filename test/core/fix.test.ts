// fixAll on the fixtures: byte-for-byte against the .fixed.c siblings, and on
// every fixture no new finding after the fix; the file-level helper
// introduction; functions with parse errors left alone.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { applyEdits, fixAll } from '../../server/src/core/fix/index';
import { FIXTURES, protocolAnalyzer } from './rulesHarness';

const sources = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.c') && !f.endsWith('.fixed.c'))
  .sort();

for (const name of sources.filter((f) => fs.existsSync(path.join(FIXTURES, f.replace(/\.c$/, '.fixed.c'))))) {
  test(`fixAll ${name} gives ${name.replace(/\.c$/, '.fixed.c')} byte for byte`, async () => {
    const a = await protocolAnalyzer();
    const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    const r = a.analyze({ path: name, text });
    const { edits, skipped } = fixAll(r);
    assert.deepEqual(skipped, []);
    const fixed = applyEdits(text, edits);
    assert.equal(fixed, fs.readFileSync(path.join(FIXTURES, name.replace(/\.c$/, '.fixed.c')), 'utf8'));
  });
}

for (const name of sources) {
  test(`fixAll ${name}: no new finding, no fixable finding left`, async () => {
    const a = await protocolAnalyzer();
    const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    const before = a.analyze({ path: name, text });
    const fixed = applyEdits(text, fixAll(before).edits);
    const after = a.analyze({ path: name, text: fixed });
    const key = (d: { function: string; code: string }): string => `${d.function}:${d.code}`;
    const old = new Set(before.diagnostics.map(key));
    assert.deepEqual(after.diagnostics.filter((d) => !old.has(key(d))).map(key), [], 'new findings');
    assert.deepEqual(after.diagnostics.filter((d) => d.fixable).map(key), [], 'fixable findings left');
    // Idempotent: nothing more to fix.
    assert.deepEqual(fixAll(after).edits, []);
  });
}

const OLD_API_FILE = `/* Original test code in Xen's style: an old-API file with its own migrate function. */
static void vcpu_migrate(struct vcpu *v)
{
    unsigned long flags;
    unsigned int old_cpu, new_cpu;
    spinlock_t *old_lock, *new_lock;

    old_cpu = new_cpu = v->processor;
    old_lock = per_cpu(schedule_data, old_cpu).schedule_lock;
    new_lock = per_cpu(schedule_data, new_cpu).schedule_lock;
    sched_spin_lock_double(old_lock, new_lock, &flags);
    v->processor = new_cpu;
    sched_spin_unlock_double(old_lock, new_lock, flags);
    vcpu_wake(v);
}

void sched_kick(struct vcpu *v)
{
    spinlock_t *lock = vcpu_schedule_lock_irq(v);

    set_bit(_VPF_migrating, &v->pause_flags);
    vcpu_schedule_unlock_irq(lock, v);

    vcpu_sleep_nosync(v);
    vcpu_migrate(v);
}

void context_saved(struct vcpu *prev)
{
    prev->is_running = 0;

    if ( unlikely(prev->pause_flags & VPF_migrating) )
        vcpu_migrate(prev);
}
`;

test('fixAll introduces vcpu_migrate_start and renames vcpu_migrate to a static vcpu_migrate_finish with an early return', async () => {
  const a = await protocolAnalyzer();
  const r = a.analyze({ path: 'old.c', text: OLD_API_FILE });
  assert.deepEqual(r.diagnostics.map((d) => d.code).sort(), ['XSR001', 'XSR008']);
  const fixed = applyEdits(OLD_API_FILE, fixAll(r).edits);
  assert.match(
    fixed,
    /void vcpu_migrate_start\(struct vcpu \*v\)\n\{\n {4}set_bit\(_VPF_migrating, &v->pause_flags\);\n {4}vcpu_sleep_nosync_locked\(v\);\n\}/,
  );
  assert.match(fixed, /static void vcpu_migrate_finish\(struct vcpu \*v\)/);
  assert.match(
    fixed,
    /spinlock_t \*old_lock, \*new_lock;\n\n( {4}.*\n)* {4}if \( v->is_running \|\| !test_bit\(_VPF_migrating, &v->pause_flags\) \)\n {8}return;\n\n {4}old_cpu = new_cpu/,
  );
  assert.match(fixed, /prev->is_running = 0;\n\n {4}vcpu_migrate_finish\(prev\);\n\}/);
  assert.doesNotMatch(fixed, /vcpu_migrate\(/);
  const after = a.analyze({ path: 'old.c', text: fixed });
  assert.deepEqual(
    after.diagnostics.map((d) => `${d.function}:${d.code}`),
    [],
  );
});

test('fixAll leaves a function with parse errors alone and says so', async () => {
  const text = [
    'void sched_broken(struct vcpu *v)',
    '{',
    '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
    '',
    '    set_bit(_VPF_migrating, &v->pause_flags);',
    '    vcpu_schedule_unlock_irq(lock, v);',
    '    int x = = 3;',
    '    vcpu_sleep_nosync(v);',
    '    vcpu_migrate(v);',
    '}',
    '',
  ].join('\n');
  const r = (await protocolAnalyzer()).analyze({ path: 'broken.c', text });
  const d = r.diagnostics.find((x) => x.code === 'XSR001');
  assert.ok(d?.conservative, 'the finding is marked conservative');
  const { edits, skipped } = fixAll(r);
  assert.deepEqual(edits, []);
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]!, /sched_broken: left alone, the function has parse errors/);
});

test('XSR004 fix inserts the finish after the unlock, XSR005 fix unwraps the re-check', async () => {
  const text = [
    'int sched_move_checked(struct vcpu *v, unsigned int cpu)',
    '{',
    '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
    '',
    '    vcpu_migrate_start(v);',
    '    vcpu_schedule_unlock_irq(lock, v);',
    '',
    '    if ( !cpu_online(cpu) )',
    '        return -EINVAL;',
    '',
    '    if ( v->pause_flags & VPF_migrating ) /* redundant */',
    '        vcpu_migrate_finish(v);',
    '',
    '    return 0;',
    '}',
    '',
  ].join('\n');
  const a = await protocolAnalyzer();
  const r = a.analyze({ path: 'm.c', text });
  assert.deepEqual(r.diagnostics.map((d) => d.code).sort(), ['XSR004', 'XSR005']);
  const fixed = applyEdits(text, fixAll(r).edits);
  assert.equal(
    fixed,
    text
      .replace('    vcpu_schedule_unlock_irq(lock, v);\n', '    vcpu_schedule_unlock_irq(lock, v);\n    vcpu_migrate_finish(v);\n')
      .replace(
        '    if ( v->pause_flags & VPF_migrating ) /* redundant */\n        vcpu_migrate_finish(v);\n',
        '    /* redundant */\n    vcpu_migrate_finish(v);\n',
      ),
  );
  assert.deepEqual(a.analyze({ path: 'm.c', text: fixed }).diagnostics, []);
});
