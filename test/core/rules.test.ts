// The protocol rules on the fixtures: ONE data-driven checker reads every
// test/fixtures/protocol/*.c and compares the exact (line, code) set of the
// findings with the inline expectations (see the fixtures' README).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { ALL_RULES } from '../../server/src/core/rules/registry';
import { expectations, FIXTURES, protocolAnalyzer } from './rulesHarness';

const sources = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.c') && !f.endsWith('.fixed.c'))
  .sort();

for (const name of sources) {
  test(`fixture ${name}: findings match the inline expectations exactly`, async () => {
    const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    const a = await protocolAnalyzer();
    const r = a.analyze({ path: name, text });
    const got = r.diagnostics.map((d) => `${r.lineIndex.lineOf(d.start) + 1}:${d.code}`).sort();
    const exp = expectations(text);
    assert.deepEqual(got, [...exp.findings].sort(), `findings of ${name}`);
    for (const line of exp.none) {
      const fn = r.functions.find(
        (f) => r.lineIndex.lineOf(f.syntax.start) + 1 <= line && r.lineIndex.lineOf(f.syntax.bodyStart) + 1 >= line,
      );
      assert.ok(fn, `${name}:${line}: "expect none" is not on a function signature`);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.function === fn.syntax.name).map((d) => d.code),
        [],
        `${fn.syntax.name} must be quiet`,
      );
    }
    for (const d of r.diagnostics) {
      assert.ok(d.message.length > 20 && !d.message.includes('\n'), `one-sentence message: ${d.message}`);
      assert.notEqual(d.code, 'XSR000', d.message);
    }
  });
}

test('every protocol rule has a fixture that exercises it', () => {
  const all = sources.map((f) => fs.readFileSync(path.join(FIXTURES, f), 'utf8')).join('\n');
  for (const code of ALL_RULES.map((r) => r.meta.code)) assert.match(all, new RegExp(`expect[^*\\n]*${code}`), code);
});

for (const name of fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.fixed.c'))
  .sort()) {
  test(`fixture ${name}: the fixed text is clean`, async () => {
    const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    const r = (await protocolAnalyzer()).analyze({ path: name, text });
    assert.deepEqual(
      r.diagnostics.map((d) => `${r.lineIndex.lineOf(d.start) + 1}:${d.code}`),
      [],
    );
  });
}

test('related locations point at the lock and unlock lines of an XSR001 sequence', async () => {
  const name = 'xsr001_force_reschedule.c';
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const r = (await protocolAnalyzer()).analyze({ path: name, text });
  const d = r.diagnostics.find((x) => x.code === 'XSR001' && x.function === 'vcpu_force_reschedule')!;
  const lines = (d.related ?? []).map((x) => r.lineIndex.lineText(r.lineIndex.lineOf(x.start)).trim());
  assert.ok(
    lines.some((l) => l.includes('vcpu_schedule_lock_irq(v)')),
    lines.join(' | '),
  );
  assert.ok(
    lines.some((l) => l.includes('vcpu_schedule_unlock_irq(lock, v)')),
    lines.join(' | '),
  );
  assert.equal(d.severity, 'error');
  assert.ok(d.fixable && d.edits && d.edits.length > 0 && d.fixTitle);
});

test('path sensitivity: one boolean guarding a start and its finish is one path (XSR004 quiet), a forgotten finish is not', async () => {
  const text = [
    'void a(struct vcpu *v, bool go)',
    '{',
    '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
    '',
    '    if ( go )',
    '        vcpu_migrate_start(v);',
    '    vcpu_schedule_unlock_irq(lock, v);',
    '    if ( go )',
    '        vcpu_migrate_finish(v);',
    '}',
    '',
    'void b(struct vcpu *v, bool go, bool other)',
    '{',
    '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
    '',
    '    if ( go )',
    '        vcpu_migrate_start(v);',
    '    vcpu_schedule_unlock_irq(lock, v);',
    '    if ( other )',
    '        vcpu_migrate_finish(v);',
    '}',
    '',
  ].join('\n');
  const r = (await protocolAnalyzer()).analyze({ path: 'p.c', text });
  assert.deepEqual(
    r.diagnostics.map((d) => `${d.function}:${r.lineIndex.lineOf(d.start) + 1}:${d.code}`),
    ['b:17:XSR004'],
  );
});

test('XSR011 across files: a file-static lock is one per file, a global one is shared', async () => {
  const a = await protocolAnalyzer();
  const irqsafe = (decl: string): string =>
    `${decl}\nstatic void tick(void)\n{\n    unsigned long flags;\n    spin_lock_irqsave(&map_lock, flags);\n    n++;\n    spin_unlock_irqrestore(&map_lock, flags);\n}\n`;
  const plain = (decl: string): string =>
    `${decl}\nlong do_map_op(void)\n{\n    spin_lock(&map_lock);\n    n++;\n    spin_unlock(&map_lock);\n    return 0;\n}\n`;
  const codes = (files: { path: string; text: string }[]): string[] =>
    a.analyzeMany(files).flatMap((r) => r.diagnostics.filter((d) => d.code === 'XSR011').map((d) => `${r.path}:${d.function}`));
  assert.deepEqual(
    codes([
      { path: 'a.c', text: irqsafe('static DEFINE_SPINLOCK(map_lock);') },
      { path: 'b.c', text: plain('static DEFINE_SPINLOCK(map_lock);') },
    ]),
    [],
  );
  assert.deepEqual(
    codes([
      { path: 'a.c', text: irqsafe('DEFINE_SPINLOCK(map_lock);') },
      { path: 'b.c', text: plain('extern spinlock_t map_lock;') },
    ]),
    ['b.c:do_map_op'],
  );
});
