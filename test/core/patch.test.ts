// Patch review in process: checkPatch() on format-patch mails, an mbox series,
// a patch that does not apply and garbage (`xsr check --patch` as a process:
// patch.cli.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { checkPatch, parsePatches, splitMails } from '../../server/src/core/patch/index';
import { patchedMarks, PATCHES } from './fixtures';
import { protocolAnalyzer } from './rulesHarness';

const BASE = path.join(PATCHES, 'base');
const readBase = (p: string): string | undefined => {
  const full = path.join(BASE, p);
  return fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : undefined;
};
const patch = (name: string): string => fs.readFileSync(path.join(PATCHES, name), 'utf8');

async function findings(name: string): Promise<string[] | string> {
  const r = checkPatch(patch(name), readBase, await protocolAnalyzer());
  if ('error' in r) return r.error;
  return r.files.flatMap((f) => f.diagnostics.map((d) => `${f.path}:${f.analysis.lineIndex.lineOf(d.start) + 1}:${d.code}:${d.function}`));
}

test('a format-patch mail: the finding in the changed function, at post-image path and line; unchanged functions are not reported', async () => {
  const flag = patchedMarks('0001-old-sequence.patch', 'xen/common/sched/demo.c')('old_flag').line;
  assert.deepEqual(await findings('0001-old-sequence.patch'), [`xen/common/sched/demo.c:${flag}:XSR001:sched_demo_affinity`]);
  // The base has an XSR006 in sched_demo_home, which the patch does not touch.
  const base = (await protocolAnalyzer()).analyze({ path: 'demo.c', text: readBase('xen/common/sched/demo.c')! });
  assert.deepEqual(
    base.diagnostics.map((d) => d.code),
    ['XSR006'],
  );
});

test('an mbox series of two is applied in order', async () => {
  assert.equal(splitMails(patch('series.mbox')).length, 2);
  const parsed = parsePatches(patch('series.mbox'));
  assert.ok(!('error' in parsed));
  assert.deepEqual(
    parsed.patches.map((p) => p.subject),
    ['xen/sched: demo: add sched_demo_kick()', 'xen/sched: demo: let context_saved() finish the kick'],
  );
  assert.deepEqual(
    parsed.patches[0]!.files.map((f) => [f.oldPath, f.newPath]),
    [['xen/common/sched/demo.c', 'xen/common/sched/demo.c']],
  );
  const start = patchedMarks('series.mbox', 'xen/common/sched/demo.c')('kick_start').line;
  assert.deepEqual(await findings('series.mbox'), [`xen/common/sched/demo.c:${start}:XSR004:sched_demo_kick`]);
});

test('a patch that does not apply and input that is not a patch give clear errors', async () => {
  assert.match(
    (await findings('does-not-apply.patch')) as string,
    /^xen\/common\/sched\/demo\.c: patch "xen\/sched: demo: go back to the old migration sequence" does not apply: hunk 1 of 1 \(@@ -16,12 \+16,16 @@\) does not match the base text at line 16; check it against the tree it was made for \(--base DIR\)$/,
  );
  assert.match((await findings('not-a-patch.txt')) as string, /^not a patch: no unified diff found/);
  const missing = checkPatch(patch('0001-old-sequence.patch'), () => undefined, await protocolAnalyzer());
  assert.ok('error' in missing && /the file is not in the base/.test(missing.error));
  const binary = checkPatch('\u0000\u0001garbage', readBase, await protocolAnalyzer());
  assert.ok('error' in binary && /not a patch/.test(binary.error));
});

test('a bare unified diff creating a new file is analysed whole', async () => {
  const text = [
    '--- /dev/null',
    '+++ b/xen/common/sched/new.c',
    '@@ -0,0 +1,6 @@',
    '+void sched_new(struct vcpu *v)',
    '+{',
    '+    rcu_read_lock(&sched_res_rculock);',
    '+    v->processor = 0;',
    '+    rcu_read_unlock(&sched_res_rculock);',
    '+}',
    '',
  ].join('\n');
  const r = checkPatch(text, () => undefined, await protocolAnalyzer());
  assert.ok(!('error' in r));
  assert.deepEqual(
    r.files.map((f) => [f.path, f.diagnostics.map((d) => d.code)]),
    [['xen/common/sched/new.c', ['XSR006']]],
  );
});
