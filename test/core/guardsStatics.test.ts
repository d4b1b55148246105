// Static globals as locations: `static LIST_HEAD(devices);` in two files is
// two lists, each guarded by its own file's static lock (Xen's smmu.c and
// smmu-v3.c each keep one). A walk under one file's lock is not a walk of the
// other file's list without its lock. (Each file names its functions apart.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createAnalyzer, guardsReport } from '../../server/src/core/index';

const file = (v: string, walkLocked: boolean): string =>
  [
    'struct demo_smmu {',
    '    struct list_head devices;',
    '    int id;',
    '};',
    'static DEFINE_SPINLOCK(demo_devices_lock);',
    'static LIST_HEAD(demo_devices);',
    `void demo_add_${v}(struct demo_smmu *s)`,
    '{',
    '    spin_lock(&demo_devices_lock);',
    '    list_add(&s->devices, &demo_devices);',
    '    spin_unlock(&demo_devices_lock);',
    '}',
    `void demo_del_${v}(struct demo_smmu *s)`,
    '{',
    '    spin_lock(&demo_devices_lock);',
    '    list_del(&s->devices);',
    '    spin_unlock(&demo_devices_lock);',
    '}',
    `struct demo_smmu *demo_find_${v}(int id)`,
    '{',
    '    struct demo_smmu *s;',
    `    ${walkLocked ? 'spin_lock(&demo_devices_lock);' : ''}`,
    '    list_for_each_entry(s, &demo_devices, devices)',
    '        if ( s->id == id )',
    '            break;',
    `    ${walkLocked ? 'spin_unlock(&demo_devices_lock);' : ''}`,
    '    return s;',
    '}',
    `int demo_any_${v}(void)`,
    '{',
    '    int any;',
    '    spin_lock(&demo_devices_lock);',
    '    any = !list_empty(&demo_devices);',
    '    spin_unlock(&demo_devices_lock);',
    '    return any;',
    '}',
    `int demo_count_${v}(void)`,
    '{',
    '    struct demo_smmu *s;',
    '    int n = 0;',
    '    spin_lock(&demo_devices_lock);',
    '    list_for_each_entry(s, &demo_devices, devices)',
    '        n++;',
    '    spin_unlock(&demo_devices_lock);',
    '    return n;',
    '}',
    '',
  ].join('\n');

test('static globals: one list per file, each with its own file’s lock; only the unlocked walk is reported', async () => {
  const files = (await createAnalyzer()).analyzeMany([
    { path: 'v2.c', text: file('v2', true) },
    { path: 'v3.c', text: file('v3', false) },
  ]);
  const guards = guardsReport(files).guards.filter((g) => /demo_devices/.test(g.location));
  assert.deepEqual(
    guards.map((g) => [g.location, g.guard, g.evidence]),
    [
      ['demo_devices (static in v2.c)', 'demo_devices_lock (static in v2.c)', { held: 4, total: 4 }],
      ['demo_devices (static in v3.c)', 'demo_devices_lock (static in v3.c)', { held: 3, total: 4 }],
    ],
  );
  const found = files.flatMap((f) => f.diagnostics.map((d) => `${f.path}:${f.lineIndex.lineOf(d.start) + 1}:${d.code}`));
  assert.deepEqual(found, ['v3.c:23:XSR015']);
});
