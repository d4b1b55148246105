// The editor queries behind hints, hovers, symbols, the lock-helper finding
// and the patch review, on small texts written here: what each says, in
// exact entries and positions.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import {
  createAnalyzer,
  functionSymbols,
  hoverInfo,
  lockHints,
  newLockHelpers,
  nextLockShapeBaseline,
  reviewPatch,
} from '../../server/src/core/index';
import { FIXTURES } from './fixtures';

const IRQ = [
  'static void demo_irq(struct vcpu *v, struct demo *d)',
  '{',
  '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
  '    spin_lock(&d->lock);',
  '    d->n++;',
  '    spin_unlock(&d->lock);',
  '    vcpu_schedule_unlock_irq(lock, v);',
  '}',
  '',
].join('\n');

test('hint entries: the lock a line takes first, the interrupt state where a line changes it, what a line releases', async () => {
  const file = (await createAnalyzer()).analyze({ path: 'irq.c', text: IRQ });
  const hints = lockHints(file, 'changes').map((h) => [
    h.line,
    h.after.map((e) => `${e.name}${e.changed ? '*' : ''}:${e.kind}${e.via ? `<${e.via}` : ''}`).join(' '),
    h.released.map((e) => e.name).join(' '),
  ]);
  assert.deepEqual(hints, [
    [2, 'sched(v)*:sched irqs off*:irq<vcpu_schedule_lock_irq', ''],
    // Unchanged, the interrupt state is not repeated on the hint.
    [3, 'd->lock*:private sched(v):sched', ''],
    [5, 'sched(v):sched', 'd->lock'],
    [6, 'irqs on*:irq<vcpu_schedule_unlock_irq', 'sched(v) irqs off'],
  ]);
  // The hover's before → after of the lock line.
  const h = hoverInfo(file, file.lineIndex.lineStart(3) + 6)!;
  assert.deepEqual(
    [h.entriesBefore.map((e) => e.name), h.entriesAfter.map((e) => `${e.name}${e.changed ? '*' : ''}`), h.released],
    [['sched(v)', 'irqs off'], ['d->lock*', 'sched(v)', 'irqs off'], []],
  );
});

test('document symbols: each function with the locks a call takes, releases and requires', async () => {
  const text = [
    'static void demo_lock(struct demo *d) { spin_lock(&d->lock); }',
    'static void demo_unlock(struct demo *d) { spin_unlock(&d->lock); }',
    'static bool demo_trylock(struct demo *d) { if ( !spin_trylock(&d->lock) ) return false; return true; }',
    'static void demo_put_locked(struct vcpu *v) { v->n--; }',
    '',
  ].join('\n');
  const file = (await createAnalyzer()).analyze({ path: 's.c', text });
  assert.deepEqual(
    functionSymbols(file).map((s) => [s.name, s.takes, s.takesOnSuccess, s.releases, s.requires, text.slice(s.nameStart, s.nameEnd)]),
    [
      ['demo_lock', ['d->lock'], [], [], [], 'demo_lock'],
      ['demo_unlock', [], [], ['d->lock'], ['d->lock'], 'demo_unlock'],
      ['demo_trylock', [], ['d->lock'], [], [], 'demo_trylock'],
      ['demo_put_locked', [], [], [], ['sched(v)'], 'demo_put_locked'],
    ],
  );
});

test('the lock-helper finding: only against an earlier analysis, on the function, kept until the lock is released again', async () => {
  const analyzer = await createAnalyzer();
  const balanced = 'static void demo_burn(struct demo *d)\n{\n    spin_lock(&d->lock);\n    d->n--;\n    spin_unlock(&d->lock);\n}\n';
  const helper = balanced.replace('    spin_unlock(&d->lock);\n', '');
  const first = analyzer.analyze({ path: 'b.c', text: balanced });
  const base = nextLockShapeBaseline(undefined, first);
  assert.deepEqual(newLockHelpers(base, first), []);
  const edited = analyzer.analyze({ path: 'b.c', text: helper });
  const found = newLockHelpers(base, edited);
  assert.deepEqual(
    found.map((d) => [d.code, d.function, d.message, helper.slice(d.start, d.end)]),
    [['XSR007', 'demo_burn', 'demo_burn() now returns holding d->lock on every path: callers treat it as a lock helper', 'demo_burn']],
  );
  // The next baseline keeps the old shape of the flagged function: the finding stays on later edits.
  const next = nextLockShapeBaseline(base, edited);
  assert.equal(newLockHelpers(next, analyzer.analyze({ path: 'b.c', text: `${helper}\n` })).length, 1);
  // A helper written as such from the start is never flagged.
  const fresh = analyzer.analyze({ path: 'h.c', text: helper });
  assert.deepEqual(newLockHelpers(nextLockShapeBaseline(undefined, fresh), fresh), []);
});

test('patch review: a finding that only moved stays; one the patch adds is introduced; one it removes is fixed', async () => {
  const leak = (name: string, pad = ''): string =>
    `static int ${name}(struct vcpu *v, int f)\n{\n${pad}    spinlock_t *lock = vcpu_schedule_lock(v);\n\n    if ( f )\n        return -EINVAL;\n    vcpu_schedule_unlock(lock, v);\n    return 0;\n}\n`;
  const clean = (name: string): string =>
    `static int ${name}(struct vcpu *v, int f)\n{\n    spinlock_t *lock = vcpu_schedule_lock(v);\n\n    vcpu_schedule_unlock(lock, v);\n    return 0;\n}\n`;
  // demo_a gains two lines (its XSR007, which quotes line numbers, moves); demo_b gets an early return holding the lock.
  const base = `${leak('demo_a')}\n${clean('demo_b')}`;
  const post = `${leak('demo_a', '    int pad = 0;\n\n')}\n${leak('demo_b')}`;
  const diff = (a: string, b: string): string => {
    const al = a.split('\n');
    const bl = b.split('\n');
    return `--- a/d.c\n+++ b/d.c\n@@ -1,${al.length} +1,${bl.length} @@\n${al.map((l) => `-${l}`).join('\n')}\n${bl.map((l) => `+${l}`).join('\n')}\n`;
  };
  const review = async (from: string, to: string) => {
    const r = reviewPatch(diff(from, to), (p) => (p === 'd.c' ? from : undefined), await createAnalyzer());
    assert.ok(!('error' in r), JSON.stringify(r));
    return r.files[0]!;
  };
  const forward = await review(base, post);
  assert.deepEqual(
    forward.diagnostics.map((d) => [d.code, d.function, d.review]),
    [
      ['XSR007', 'demo_a', 'stays'],
      ['XSR007', 'demo_b', 'introduced'],
    ],
  );
  assert.deepEqual(forward.fixed, []);
  const back = await review(post, base);
  assert.deepEqual(
    back.diagnostics.map((d) => [d.code, d.function, d.review]),
    [['XSR007', 'demo_a', 'stays']],
  );
  assert.deepEqual(
    back.fixed.map((x) => [x.code, x.function, x.line]),
    [['XSR007', 'demo_b', post.split('\n').findIndex((l, i) => i > 12 && l.includes('return -EINVAL'))]],
  );
});

test('hint entries: interrupts on entry at the first hint, local_irq_save/restore in a function that takes no lock', async () => {
  const text = [
    'static int demo_rendezvous(void *data)',
    '{',
    '    struct demo *d = data;',
    '    spin_lock(&d->lock);',
    '    d->n++;',
    '    spin_unlock(&d->lock);',
    '    return 0;',
    '}',
    'static void demo_quiet(struct demo *d)',
    '{',
    '    unsigned long flags;',
    '    local_irq_save(flags);',
    '    d->n++;',
    '    local_irq_restore(flags);',
    '}',
    'int demo_all(struct demo *d) { return stop_machine_run(demo_rendezvous, d, NR_CPUS); }',
    '',
  ].join('\n');
  const file = (await createAnalyzer()).analyze({ path: 'e.c', text });
  const hints = lockHints(file, 'changes').map((h) => [
    h.line,
    h.after.map((e) => `${e.name}${e.changed ? '*' : ''}${e.entry ? '@entry' : ''}${e.via ? `<${e.via}` : ''}`).join(' '),
  ]);
  assert.deepEqual(hints, [
    // Entered with interrupts off (a stop_machine_run callback): said once, on the first hint.
    [3, 'd->lock* irqs off@entry'],
    [5, ''],
    [11, 'irqs off*<local_irq_save'],
    // Restored to what was saved: unknown here (demo_quiet's callers are not known), said as a restore.
    [13, 'irqs restored*<local_irq_restore'],
  ]);
  const entry = lockHints(file, 'changes')[0]!.after.find((e) => e.kind === 'irq')!;
  assert.equal(entry.why, 'a stop_machine_run() callback: every CPU disables interrupts before the function runs (stop_machine.c:117)');
  const h = hoverInfo(file, file.lineIndex.lineStart(4) + 6)!;
  assert.deepEqual(
    h.entriesBefore.map((e) => `${e.name}${e.entry ? '@entry' : ''}:${e.line}`),
    ['d->lock:3', 'irqs off@entry:0'],
  );
});

// lockHints finds the functions of a line range by binary search over the functions in document order
// (queries/lockView.ts): the hints of every range equal those of the whole file on its lines.
test('the hints of a line range are the whole file’s hints on those lines, for every range of the fixtures', async () => {
  const analyzer = await createAnalyzer();
  const dirs = ['locks', 'lsp'].map((d) => path.join(FIXTURES, d));
  let ranges = 0;
  for (const dir of dirs)
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.c'))) {
      const file = analyzer.analyze({ path: name, text: fs.readFileSync(path.join(dir, name), 'utf8') });
      const lineCount = file.text.split('\n').length;
      for (const mode of ['changes', 'all'] as const) {
        const all = lockHints(file, mode);
        for (const size of [0, 1, 7, 60])
          for (let from = -1; from <= lineCount; from++, ranges++)
            assert.deepEqual(
              lockHints(file, mode, from, from + size),
              all.filter((h) => h.line >= from && h.line <= from + size),
              `${name} ${mode} ${from}..${from + size}`,
            );
      }
    }
  assert.ok(ranges > 1000, `ranges: ${ranges}`);
});
