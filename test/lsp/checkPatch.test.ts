// `xsr/checkPatch` over JSON-RPC with the real patch module: a format-patch
// mail against a base folder gives the post-image finding; bad input gives a
// clear error and no findings.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

import { applyPatch } from 'diff';

import { CheckPatchRequest } from '../../server/src/contracts/lspRequests';
import { patchMarks } from '../shared/fixtureMarks';
import { startClient, type TestClient } from './harness';

const PATCHES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'patches');
const baseUri = pathToFileURL(path.join(PATCHES, 'base')).toString();

/** The post-image, computed independently of the server. */
function patchedText(patch: string, base: string): string {
  const out = applyPatch(base, patch);
  if (out === false) throw new Error('the fixture patch does not apply');
  return out;
}

describe('xsr/checkPatch', () => {
  let t: TestClient;
  before(async () => {
    t = await startClient();
  });
  after(async () => {
    await t.dispose();
  });

  it('reports XSR001 at the post-image line of the changed function only', async () => {
    const patch = fs.readFileSync(path.join(PATCHES, '0001-old-sequence.patch'), 'utf8');
    const r = await t.client.sendRequest(CheckPatchRequest.type, { patch, baseUri });
    assert.equal(r.error, undefined);
    assert.equal(r.files.length, 1);
    assert.equal(r.files[0]!.uri, pathToFileURL(path.join(PATCHES, 'base', 'xen', 'common', 'sched', 'demo.c')).toString());
    const demo = 'xen/common/sched/demo.c';
    const flag = patchMarks(patch, demo, fs.readFileSync(path.join(PATCHES, 'base', demo), 'utf8'))('old_flag');
    assert.deepEqual(
      r.files[0]!.diagnostics.map((d) => [d.code, d.range.start.line + 1, d.source]),
      [['XSR001', flag.line, 'xsr']],
    );
  });

  it('a patch that does not apply, and a mail without a diff: an error, no findings', async () => {
    for (const name of ['does-not-apply.patch', 'not-a-patch.txt']) {
      const patch = fs.readFileSync(path.join(PATCHES, name), 'utf8');
      const r = await t.client.sendRequest(CheckPatchRequest.type, { patch, baseUri });
      assert.deepEqual(r.files, [], name);
      assert.match(r.error ?? '', name.startsWith('not') ? /not a patch/ : /does not apply/, name);
    }
  });

  it('gives the post-image text and says what the patch introduces, what stays and what it fixes', async () => {
    const patch = fs.readFileSync(path.join(PATCHES, 'review.patch'), 'utf8');
    const r = await t.client.sendRequest(CheckPatchRequest.type, { patch, baseUri });
    assert.equal(r.error, undefined);
    const [file] = r.files;
    const base = fs.readFileSync(path.join(PATCHES, 'base', 'xen', 'common', 'sched', 'demo.c'), 'utf8');
    const post = file!.text!;
    assert.equal(post, patchedText(patch, base));
    assert.equal(file!.status, 'modified');
    const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));
    assert.deepEqual(
      file!.diagnostics.map((d) => [d.code, d.range.start.line, (d.data as { review?: string }).review]),
      [
        ['XSR001', lineOf(post, '@review_flag'), 'introduced'],
        ['XSR006', lineOf(post, 'v->processor = cpu;'), 'stays'],
      ],
    );
    assert.deepEqual(file!.fixed, []);
    // Every message names its function.
    assert.match(file!.diagnostics[0]!.message, /^sched_demo_affinity\(\): old migration sequence/);

    const fix = fs.readFileSync(path.join(PATCHES, 'fix-home.patch'), 'utf8');
    const f = await t.client.sendRequest(CheckPatchRequest.type, { patch: fix, baseUri });
    assert.deepEqual(f.files[0]!.diagnostics, []);
    assert.deepEqual(
      f.files[0]!.fixed?.map((x) => [x.code, x.function, x.line]),
      [['XSR006', 'sched_demo_home', lineOf(base, 'v->processor = cpu;')]],
    );
  });

  it('a file the patch creates is "added"', async () => {
    const patch = fs.readFileSync(path.join(PATCHES, '..', '..', 'e2e', 'workspace', 'add-patched.patch'), 'utf8');
    const r = await t.client.sendRequest(CheckPatchRequest.type, { patch, baseUri });
    assert.equal(r.files[0]!.status, 'added');
    assert.deepEqual(
      r.files[0]!.diagnostics.map((d) => [d.code, (d.data as { review?: string }).review]),
      [['XSR002', 'introduced']],
    );
  });

  it('"does not apply" names the hunk and what to do in the editor', async () => {
    const patch = fs.readFileSync(path.join(PATCHES, 'second-hunk-fails.patch'), 'utf8');
    const r = await t.client.sendRequest(CheckPatchRequest.type, { patch, baseUri });
    assert.equal(
      r.error,
      'xen/common/sched/demo.c: patch "diff" does not apply: hunk 2 of 2 (@@ -32,6 +36,7 @@) does not match the base text at line 32; ' +
        'check it against the tree it was made for (here, the workspace folder: open the tree the patch was made against, or run xsr check --patch FILE --base DIR)',
    );
  });

  it('paths outside the base folder are not read', async () => {
    const patch =
      'diff --git a/../../../etc/hostname b/../../../etc/hostname\n--- a/../../../etc/hostname\n+++ b/../../../etc/hostname\n@@ -1 +1 @@\n-x\n+y\n';
    const r = await t.client.sendRequest(CheckPatchRequest.type, { patch, baseUri });
    assert.deepEqual(r.files, []);
    assert.ok(r.error, 'an error names the problem');
  });
});
