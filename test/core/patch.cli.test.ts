// `xsr check --patch` end to end: exit codes, post-image lines, the patch on
// stdin, one-line errors (checkPatch() in process: patch.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { xsr } from './cliHarness';
import { patchedMarks, PATCHES } from './fixtures';

const BASE = path.join(PATCHES, 'base');
const patch = (name: string): string => fs.readFileSync(path.join(PATCHES, name), 'utf8');

test('xsr check --patch: exit codes, post-image lines, stdin, one-line errors', () => {
  const one = xsr(['check', '--patch', path.join(PATCHES, '0001-old-sequence.patch'), '--base', BASE]);
  assert.equal(one.code, 1);
  const flag = patchedMarks('0001-old-sequence.patch', 'xen/common/sched/demo.c')('old_flag').line;
  assert.match(one.out, new RegExp(`^xen/common/sched/demo\\.c:${flag}:9: error XSR001 `, 'm'));
  const series = xsr(['check', '--patch', '-', '--base', BASE, '--format', 'json'], { input: patch('series.mbox') });
  assert.equal(series.code, 0, series.err);
  const report = JSON.parse(series.out) as { files: { path: string; diagnostics: { code: string; line: number }[] }[] };
  assert.deepEqual(
    report.files.map((f) => [f.path, f.diagnostics.map((d) => `${d.line}:${d.code}`)]),
    [['xen/common/sched/demo.c', [`${patchedMarks('series.mbox', 'xen/common/sched/demo.c')('kick_start').line}:XSR004`]]],
  );
  for (const bad of ['does-not-apply.patch', 'not-a-patch.txt']) {
    const r = xsr(['check', '--patch', path.join(PATCHES, bad), '--base', BASE]);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, new RegExp(`^xsr: .*${bad.replace('.', '\\.')}: (.*does not apply|not a patch)`));
  }
  const noBase = xsr(['check', '--patch', path.join(PATCHES, '0001-old-sequence.patch'), '--base', '/nonexistent']);
  assert.equal(noBase.code, 2);
});
