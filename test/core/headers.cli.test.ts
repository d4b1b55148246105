// Lock wrappers defined as `static inline` functions in headers (Xen's
// `domain_lock`, `grant_read_lock`, `pcidevs_lock`): the CLI analyses the
// headers a file includes with it, found under `--include DIR` or, by
// default, the nearest `xen/include` of the tree the file is in, so their
// summaries make them helpers. `--no-includes` analyses the file alone.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { fixtureMarks } from '../shared/fixtureMarks';
import { ROOT, tempDir, xsr } from './cliHarness';

const TREE = path.join(ROOT, 'test', 'fixtures', 'headers', 'xen');
const USER = path.join(TREE, 'common', 'demo_user.c');
const TEXT = fs.readFileSync(USER, 'utf8');
const leak = fixtureMarks(TEXT, 'demo_user.c')('leak');

interface Report {
  files: { path: string; diagnostics: { code: string; line: number; column: number; function: string; message: string }[] }[];
}

function findings(args: string[]): [string, string, number, number, string][] {
  const r = xsr(['check', ...args, '--format', 'json', '--fail-on', 'none']);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out) as Report;
  return report.files.flatMap((f) =>
    f.diagnostics.map((d) => [path.basename(f.path), d.code, d.line, d.column, d.message] as [string, string, number, number, string]),
  );
}

const LEAK: [string, string, number, number, string] = [
  'demo_user.c',
  'XSR007',
  leak.line,
  9,
  `demo_pause() returns holding d->big_lock (taken at line ${leak.line - 2}) on this path, while the path through line ${leak.line + 3} returns without it`,
];

describe('headers analysed with the files that include them', () => {
  it("the tree's own xen/include is found: the header's static inline wrappers are lock helpers", () => {
    assert.deepEqual(findings([USER]), [LEAK]);
  });

  it('--no-includes analyses the file alone: the wrappers are unknown calls, nothing is held', () => {
    assert.deepEqual(findings([USER, '--no-includes']), []);
    const locks = xsr(['locks', USER, '--function', 'demo_pause', '--no-includes']);
    assert.doesNotMatch(locks.out, /big_lock/);
  });

  it('--include DIR for a file outside any Xen tree; the header itself is never reported on', () => {
    const dir = tempDir();
    const copy = path.join(dir, 'demo_user.c');
    fs.writeFileSync(copy, TEXT);
    assert.deepEqual(findings([copy]), []);
    assert.deepEqual(findings([copy, '--include', path.join(TREE, 'include')]), [LEAK]);
    const json = JSON.parse(
      xsr(['check', copy, '--include', path.join(TREE, 'include'), '--format', 'json', '--fail-on', 'none']).out,
    ) as Report;
    assert.deepEqual(
      json.files.map((f) => path.basename(f.path)),
      ['demo_user.c'],
    );
  });

  it('bad headers never stop the run: a binary header, a missing include directory, headers that include each other', () => {
    const dir = tempDir();
    const inc = path.join(dir, 'include', 'xen');
    fs.mkdirSync(inc, { recursive: true });
    const copy = path.join(dir, 'demo_user.c');
    fs.writeFileSync(
      copy,
      TEXT.replace('#include <xen/demo_domain.h>', '#include <xen/binary.h>\n#include <xen/a.h>\n#include <xen/demo_domain.h>'),
    );
    fs.writeFileSync(path.join(inc, 'binary.h'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 0]));
    fs.writeFileSync(path.join(inc, 'a.h'), '#include <xen/b.h>\n');
    fs.writeFileSync(path.join(inc, 'b.h'), '#include <xen/a.h>\n');
    fs.copyFileSync(path.join(TREE, 'include', 'xen', 'demo_domain.h'), path.join(inc, 'demo_domain.h'));
    // The binary header is skipped, the cycle read once each, the wrapper header still used
    // (the finding two lines further down: two more #include lines).
    const moved = LEAK.map((x) => (typeof x === 'string' ? x.replace(/line (\d+)/g, (_m, n: string) => `line ${Number(n) + 2}`) : x));
    moved[2] = leak.line + 2;
    assert.deepEqual(findings([copy, '--include', path.join(dir, 'include')]), [moved]);
    // A directory that does not exist finds nothing there: the file alone.
    assert.deepEqual(findings([copy, '--include', path.join(dir, 'no-such-dir')]), []);
  });
});
