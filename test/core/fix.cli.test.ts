// `xsr fix` end to end: exit codes, stderr one-liners, the atomic write
// (mode kept), the refusal to overwrite a file that changed since it was
// read, --dry-run's unified diff, functions with parse errors left alone.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { tempDir, xsr } from './cliHarness';
import { FIXTURES } from './rulesHarness';

function copyFixture(name: string, dir = tempDir()): string {
  const p = path.join(dir, name);
  fs.copyFileSync(path.join(FIXTURES, name), p);
  return p;
}

test('xsr fix rewrites in place, keeps the mode, and the result is the .fixed.c text', () => {
  const p = copyFixture('xsr001_pin_override.c');
  fs.chmodSync(p, 0o640);
  const r = xsr(['fix', p]);
  assert.equal(r.code, 0, r.err);
  assert.equal(fs.readFileSync(p, 'utf8'), fs.readFileSync(path.join(FIXTURES, 'xsr001_pin_override.fixed.c'), 'utf8'));
  assert.equal(fs.statSync(p).mode & 0o777, 0o640);
  assert.deepEqual(fs.readdirSync(path.dirname(p)), ['xsr001_pin_override.c'], 'no temp file left behind');
  assert.match(r.err, /fixed 1 finding in 1 file; 0 remain/);
});

test('xsr fix --dry-run prints a unified diff and leaves the file alone', () => {
  const p = copyFixture('xsr001_force_reschedule.c');
  const before = fs.readFileSync(p, 'utf8');
  const r = xsr(['fix', '--dry-run', p]);
  assert.equal(r.code, 0, r.err);
  assert.equal(fs.readFileSync(p, 'utf8'), before);
  assert.match(r.out, /^--- a\/.*xsr001_force_reschedule\.c\n\+\+\+ b\/.*xsr001_force_reschedule\.c\n@@ /m);
  assert.match(r.out, /^- {8}set_bit\(_VPF_migrating, &v->pause_flags\); \/\* expect XSR001 \*\/$/m);
  assert.match(r.out, /^\+ {4}vcpu_migrate_finish\(v\);$/m);
});

test('xsr fix refuses to write a file that changed since it was read', () => {
  const dir = tempDir();
  const p = copyFixture('xsr001_set_affinity.c', dir);
  const link = path.join(dir, 'link.c');
  fs.symlinkSync(p, link);
  // The same file twice: the write through the link changes it under the second input.
  const r = xsr(['fix', link, p]);
  assert.equal(r.code, 2);
  assert.match(r.err, new RegExp(`error: ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: changed since it was read; not written`));
  assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the symlink stays a symlink');
  assert.equal(fs.readFileSync(p, 'utf8'), fs.readFileSync(path.join(FIXTURES, 'xsr001_set_affinity.fixed.c'), 'utf8'));
});

test('xsr fix exit codes: 0 when nothing at --fail-on remains, 1 when an unfixable error remains, 2 on a missing file', () => {
  const clean = copyFixture('no_false_alarms.c');
  assert.equal(xsr(['fix', clean]).code, 0);
  const unfixable = copyFixture('xsr006_processor_write.c');
  const r = xsr(['fix', unfixable]);
  assert.equal(r.code, 1);
  assert.match(r.err, /fixed 0 findings in 0 files; 3 remain/);
  const missing = xsr(['fix', '/nonexistent/x.c']);
  assert.equal(missing.code, 2);
  assert.equal(missing.err.trim().split('\n')[0], 'error: /nonexistent/x.c: cannot read (no such file or directory)');
  assert.equal(xsr(['fix']).code, 2);
});

test('xsr fix leaves a function with parse errors alone and says so', () => {
  const dir = tempDir();
  const p = path.join(dir, 'broken.c');
  const text =
    'void sched_broken(struct vcpu *v)\n{\n    spinlock_t *lock = vcpu_schedule_lock_irq(v);\n\n    set_bit(_VPF_migrating, &v->pause_flags);\n    vcpu_schedule_unlock_irq(lock, v);\n    int x = = 3;\n    vcpu_sleep_nosync(v);\n    vcpu_migrate(v);\n}\n';
  fs.writeFileSync(p, text);
  const r = xsr(['fix', p]);
  assert.equal(fs.readFileSync(p, 'utf8'), text);
  assert.match(r.err, /broken\.c: sched_broken: left alone, the function has parse errors/);
  assert.equal(r.code, 1);
});
