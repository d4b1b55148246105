// `xsr/checkPatch` over JSON-RPC with the real patch module: a format-patch
// mail against a base folder gives the post-image finding; bad input gives a
// clear error and no findings.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

import { CheckPatchRequest } from '../../server/src/contracts/lspRequests';
import { patchMarks } from '../shared/fixtureMarks';
import { startClient, type TestClient } from './harness';

const PATCHES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'patches');
const baseUri = pathToFileURL(path.join(PATCHES, 'base')).toString();

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

  it('paths outside the base folder are not read', async () => {
    const patch =
      'diff --git a/../../../etc/hostname b/../../../etc/hostname\n--- a/../../../etc/hostname\n+++ b/../../../etc/hostname\n@@ -1 +1 @@\n-x\n+y\n';
    const r = await t.client.sendRequest(CheckPatchRequest.type, { patch, baseUri });
    assert.deepEqual(r.files, []);
    assert.ok(r.error, 'an error names the problem');
  });
});
