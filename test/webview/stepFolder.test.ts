// A saved trace is data from anywhere: a step may only open a file inside the
// workspace folder of the trace (issue 17). isInsideFolder is the pure check
// client/src/replay/session.ts makes before it opens a step's file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isInsideFolder } from '../../client/src/replay/stepLookup';

describe('trace steps stay inside the workspace folder', () => {
  it('accepts the folder’s own files, however written', () => {
    for (const file of ['/ws/old_migrate.c', '/ws/sub/dir/x.c', '/ws/./x.c', '/ws/sub/../x.c', '/ws//x.c', '/ws/..x/y.c', '/ws'])
      assert.equal(isInsideFolder(file, '/ws'), true, file);
    assert.equal(isInsideFolder('/ws/x.c', '/ws/'), true);
    assert.equal(isInsideFolder('/ws/a/b.c', '/ws/a/../a'), true);
  });

  it('refuses /etc/passwd, ../ paths out of the folder, a sibling folder sharing its prefix, and other schemes', () => {
    for (const file of [
      '/etc/passwd',
      '/ws/../etc/passwd',
      '/ws/sub/../../etc/passwd',
      '/ws/../../../../etc/passwd',
      '/ws2/x.c',
      '/w',
      '../ws/x.c',
      'x.c',
      'file:///ws/x.c',
      'https://evil.example/ws/x.c',
      'vscode-remote://ssh/ws/x.c',
    ])
      assert.equal(isInsideFolder(file, '/ws'), false, file);
  });

  it('reads Windows separators as separators', () => {
    assert.equal(isInsideFolder('C:\\ws\\x.c', 'C:\\ws'), true);
    assert.equal(isInsideFolder('C:\\ws\\..\\Windows\\system.ini', 'C:\\ws'), false);
    assert.equal(isInsideFolder('C:\\ws2\\x.c', 'C:\\ws'), false);
  });

  it('a folder at the root holds every absolute path, and nothing relative', () => {
    assert.equal(isInsideFolder('/etc/passwd', '/'), true);
    assert.equal(isInsideFolder('etc/passwd', '/'), false);
  });
});
