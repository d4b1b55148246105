// Hostile input through the `xsr` process (issue 17): half-typed and
// pathological files in a folder run, exit codes that survive a closed pipe,
// skipped inputs in JSON and SARIF, what `fix` refuses to write, symlinks out
// of the tree, control bytes in names and text, patches that read outside
// --base. Each test states the exact exit code and output. (`fix` as another
// user: unprivileged.cli.test.ts.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { fixtureMarks } from '../shared/fixtureMarks';
import { ISSUE_17_SEEDS, issue17Mutant } from '../shared/mutate';
import { BYSTANDER, HALF_TYPED_IF, nestedBlocks, nestedIfs, rewritePatch } from '../shared/worstCases';
import { ROOT, tempDir } from './cliHarness';
import { PATCHES, readFixture } from './fixtures';

const CLI = path.join(ROOT, 'out', 'server', 'src', 'cli', 'main.js');

function xsr(args: string[], opts: { cwd?: string; input?: string } = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    // A hang guard, far above what any of these takes.
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Parsed CLI JSON, read loosely: the schemas check the shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function checkSchema() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'server', 'schemas', 'check.schema.json'), 'utf8')));
}

function sarifSchema() {
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'server', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));
}

const NESTED = 'not analysed: statements nested deeper than 200 levels';
const leakLine = fixtureMarks(BYSTANDER)('bystander_leak').line;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A folder of one well-formed file beside the half-typed and the too deeply nested ones. */
function hostileFolder(): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a_half.c'), HALF_TYPED_IF);
  fs.writeFileSync(path.join(dir, 'b_ifs.c'), nestedIfs(1500));
  fs.writeFileSync(path.join(dir, 'c_blocks.c'), nestedBlocks(5000));
  fs.writeFileSync(path.join(dir, 'd_bystander.c'), BYSTANDER);
  const example = fs.readFileSync(path.join(ROOT, 'examples', 'sched_example.c'), 'utf8');
  for (const seed of ISSUE_17_SEEDS) fs.writeFileSync(path.join(dir, `e_mutant-${seed}.c`), issue17Mutant(example, seed));
  return dir;
}

describe('a folder of half-typed and pathological files', () => {
  it('check: every file reported, notes for the functions not analysed, exit 1 for the one finding (never 3)', () => {
    const dir = hostileFolder();
    const r = xsr(['check', dir, '--format', 'json']);
    assert.equal(r.code, 1, r.err);
    const report = JSON.parse(r.out) as Json;
    const validate = checkSchema();
    assert.ok(validate(JSON.parse(r.out)), JSON.stringify(validate.errors));
    const byName = new Map<string, Json>(report.files.map((f: Json) => [path.basename(f.path), f]));
    assert.deepEqual([...byName.keys()].slice(0, 4), ['a_half.c', 'b_ifs.c', 'c_blocks.c', 'd_bystander.c']);
    assert.equal(byName.size, 9);
    assert.deepEqual(byName.get('b_ifs.c').notes, [{ line: 1, function: 'sched_nested_ifs', message: NESTED }]);
    assert.deepEqual(byName.get('c_blocks.c').notes, [{ line: 1, function: 'sched_nested_blocks', message: NESTED }]);
    assert.deepEqual(
      byName.get('d_bystander.c').diagnostics.map((d: Json) => `${d.line}:${d.code}:${d.function}`),
      [`${leakLine}:XSR007:sched_bystander`],
    );
    assert.deepEqual(byName.get('a_half.c').diagnostics, []);
    // Text: the notes on stderr, in the `path:line:` form.
    const text = xsr(['check', dir]);
    assert.equal(text.code, 1);
    assert.match(text.err, new RegExp(`^${escape(path.join(dir, 'b_ifs.c'))}:1: note: sched_nested_ifs\\(\\): ${NESTED}$`, 'm'));
    assert.match(text.out, new RegExp(`^${escape(path.join(dir, 'd_bystander.c'))}:${leakLine}:\\d+: error XSR007 `, 'm'));
  });

  it('locks and fix: exit 0 and 1, every file read, nothing written that had nothing to fix', () => {
    const dir = hostileFolder();
    const before = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    const locks = xsr(['locks', dir, '--format', 'json']);
    assert.equal(locks.code, 0, locks.err);
    // One report per file.
    const names = (JSON.parse(locks.out) as Json[]).flatMap((f) => f.functions.map((fn: Json) => fn.name));
    for (const n of ['f', 'sched_nested_ifs', 'sched_nested_blocks', 'sched_bystander']) assert.ok(names.includes(n), n);
    const fix = xsr(['fix', dir]);
    assert.equal(fix.code, 1, fix.err);
    assert.doesNotMatch(fix.err, /error|internal/i);
    // The mutants keep their old-sequence fixes where one applies; the generated files are untouched.
    for (const f of ['a_half.c', 'b_ifs.c', 'c_blocks.c', 'd_bystander.c'])
      assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), before.get(f), f);
  });
});

describe('exit codes', () => {
  it('`set -o pipefail; xsr check … | head -1` fails when there are findings (the closed pipe does not make it 0)', () => {
    const dir = tempDir();
    // Far more output than a pipe holds (64 KB): 800 findings.
    const many = Array.from({ length: 800 }, (_, i) => BYSTANDER.replace('sched_bystander', `sched_bystander_${i}`)).join('\n');
    fs.writeFileSync(path.join(dir, 'many.c'), many);
    for (const format of ['text', 'json', 'sarif']) {
      const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" check many.c --format ${format} | head -1`], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 180_000,
      });
      assert.equal(r.status, 1, `${format}: ${r.stderr}`);
      assert.equal(r.stdout.split('\n').length, 2, format);
    }
    // Without findings the same pipe passes.
    fs.writeFileSync(path.join(dir, 'many.c'), many.replaceAll('return -EINVAL;', '{ spin_unlock(&prv->lock); return -EINVAL; }'));
    const clean = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" check many.c | head -1`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(clean.status, 0, clean.stderr);
  });

  it('a NUL byte: the file is skipped, named in JSON (`skipped`) and SARIF (a tool notification), exit 2', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'binary.c'), `${BYSTANDER}\u0000\n`);
    fs.writeFileSync(path.join(dir, 'good.c'), BYSTANDER);
    const json = xsr(['check', dir, '--format', 'json']);
    assert.equal(json.code, 2, json.err);
    const report = JSON.parse(json.out) as Json;
    assert.ok(checkSchema()(JSON.parse(json.out)));
    assert.deepEqual(report.skipped, [{ path: path.join(dir, 'binary.c'), reason: 'binary content (NUL bytes)' }]);
    assert.deepEqual(
      report.files.map((f: Json) => [path.basename(f.path), f.diagnostics.length]),
      [['good.c', 1]],
    );
    assert.equal(json.err, `warning: ${path.join(dir, 'binary.c')}: skipped, binary content (NUL bytes)\n`);
    const sarif = xsr(['check', dir, '--format', 'sarif']);
    assert.equal(sarif.code, 2);
    const log = JSON.parse(sarif.out) as Json;
    const validate = sarifSchema();
    assert.ok(validate(JSON.parse(sarif.out)), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.deepEqual(log.runs[0].invocations, [
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: { text: 'skipped: binary content (NUL bytes)' },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: {
                    uri: log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri.replace('good.c', 'binary.c'),
                  },
                },
              },
            ],
          },
        ],
      },
    ]);
    // --fail-on none does not hide it either: an input was not checked.
    assert.equal(xsr(['check', dir, '--fail-on', 'none', '--quiet']).code, 2);
  });

  it('a simulation that stops at its limit exits 2 (not verified), in text and JSON', () => {
    for (const format of ['text', 'json']) {
      const r = xsr(['simulate', '--protocol', 'new', '--max-states', '10', '--format', format]);
      assert.equal(r.code, 2, r.err);
      assert.match(
        r.err,
        /^xsr: simulate: no violation found before the search stopped \(more than 10 states\).*: not verified \(raise --max-states or --timeout\)$/m,
      );
      if (format === 'json') assert.equal((JSON.parse(r.out) as Json).result, 'limit');
    }
  });
});

describe('line ends', () => {
  it('CR-only: findings on their lines; fix changes nothing and says why', () => {
    const dir = tempDir();
    const p = path.join(dir, 'pin.c');
    const text = readFixture('protocol', 'xsr001_pin_override.c').replace(/\n/g, '\r');
    fs.writeFileSync(p, text);
    const r = xsr(['check', p, '--format', 'json']);
    const lf = readFixture('protocol', 'xsr001_pin_override.c');
    const expected = lf
      .split('\n')
      .map((l, i) => (/expect XSR001/.test(l) ? i + 1 : 0))
      .filter(Boolean);
    assert.deepEqual(
      (JSON.parse(r.out) as Json).files[0].diagnostics.filter((d: Json) => d.code === 'XSR001').map((d: Json) => [d.line, d.fixable]),
      expected.map((l) => [l, false]),
    );
    const fix = xsr(['fix', p]);
    assert.equal(fix.code, 1);
    assert.match(fix.err, /pin\.c: the file ends its lines with a lone CR: no fix is applied/);
    assert.equal(fs.readFileSync(p, 'utf8'), text);
  });

  it('CRLF: fix writes the fixed text with CRLF line ends only', () => {
    const dir = tempDir();
    const p = path.join(dir, 'pin.c');
    fs.writeFileSync(p, readFixture('protocol', 'xsr001_pin_override.c').replace(/\n/g, '\r\n'));
    const r = xsr(['fix', p]);
    assert.equal(r.code, 0, r.err);
    const fixed = fs.readFileSync(p, 'utf8');
    assert.equal(fixed, readFixture('protocol', 'xsr001_pin_override.fixed.c').replace(/\n/g, '\r\n'));
    assert.doesNotMatch(fixed, /[^\r]\n/);
  });
});

describe('what fix must not write', () => {
  const FIXABLE = (): string => readFixture('protocol', 'xsr001_pin_override.c');

  it('a file with two hard links: refused, both names keep the old text, exit 2', () => {
    const dir = tempDir();
    const p = path.join(dir, 'a.c');
    fs.writeFileSync(p, FIXABLE());
    fs.linkSync(p, path.join(dir, 'b.c'));
    const r = xsr(['fix', p]);
    assert.equal(r.code, 2);
    assert.equal(
      r.err,
      `error: ${p}: the file has 2 hard links (a rewrite would leave the others on the old text); left unchanged\nfixed 0 findings in 0 files; 1 remains\n`,
    );
    assert.equal(fs.readFileSync(path.join(dir, 'b.c'), 'utf8'), FIXABLE());
    assert.equal(fs.statSync(p).nlink, 2);
  });

  it('a read-only file: refused, unchanged, exit 2', () => {
    const dir = tempDir();
    const p = path.join(dir, 'ro.c');
    fs.writeFileSync(p, FIXABLE());
    fs.chmodSync(p, 0o444);
    const r = xsr(['fix', p]);
    assert.equal(r.code, 2);
    assert.equal(r.err, `error: ${p}: the file is read-only; left unchanged\nfixed 0 findings in 0 files; 1 remains\n`);
    assert.equal(fs.readFileSync(p, 'utf8'), FIXABLE());
    assert.equal(fs.statSync(p).mode & 0o777, 0o444);
  });

  it('fix DIR and check DIR do not follow symlinks out of the folder (a file elsewhere, /etc/passwd)', () => {
    const outside = tempDir();
    const target = path.join(outside, 'outside.c');
    fs.writeFileSync(target, FIXABLE());
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'in.c'), FIXABLE());
    fs.symlinkSync(target, path.join(dir, 'link.c'));
    fs.symlinkSync('/etc/passwd', path.join(dir, 'passwd.c'));
    fs.symlinkSync('in.c', path.join(dir, 'inside_link.c'));
    const real = fs.realpathSync(dir);
    const check = xsr(['check', dir, '--format', 'json']);
    assert.equal(check.code, 2);
    const report = JSON.parse(check.out) as Json;
    assert.deepEqual(report.skipped, [
      { path: path.join(dir, 'link.c'), reason: `a symbolic link out of ${real}` },
      { path: path.join(dir, 'passwd.c'), reason: `a symbolic link out of ${real}` },
    ]);
    // A link inside the folder is the file it names: read once.
    assert.deepEqual(
      report.files.map((f: Json) => path.basename(f.path)),
      ['in.c'],
    );
    assert.doesNotMatch(check.out, /root:/);
    const fix = xsr(['fix', dir]);
    assert.equal(fix.code, 2);
    assert.equal(fs.readFileSync(target, 'utf8'), FIXABLE(), 'the file outside is untouched');
    assert.equal(fs.readFileSync(path.join(dir, 'in.c'), 'utf8'), readFixture('protocol', 'xsr001_pin_override.fixed.c'));
    assert.match(fix.err, /fixed 1 finding in 1 file; 0 remain/);
  });

  it('a failed write is not counted as fixed', () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.c');
    const ro = path.join(dir, 'ro.c');
    fs.writeFileSync(good, FIXABLE());
    fs.writeFileSync(ro, FIXABLE());
    fs.chmodSync(ro, 0o400);
    const r = xsr(['fix', good, ro]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^fixed 1 finding in 1 file; 1 remains$/m);
  });
});

describe('control bytes', () => {
  it('in file names and in lock expressions: escaped in text output, one finding per line; raw in JSON', () => {
    const dir = tempDir();
    const name = 'evil\u001b]0;pwned\u0007\nname.c';
    const text = BYSTANDER.replaceAll('&prv->lock', '&prv->locks["\u001b[2J"]');
    fs.writeFileSync(path.join(dir, name), text);
    const r = xsr(['check', dir]);
    assert.equal(r.code, 1, r.err);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.doesNotMatch(r.out + r.err, /[\u0000-\u0008\u000b-\u001f\u007f]/);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, new RegExp(`^${escape(dir)}/evil\\\\x1b\\]0;pwned\\\\x07\\\\x0aname\\.c:${leakLine}:\\d+: error XSR007 `));
    assert.match(lines[0]!, /prv->locks\["\\x1b\[2J"\]/);
    const json = JSON.parse(xsr(['check', dir, '--format', 'json']).out) as Json;
    assert.equal(json.files[0].path, path.join(dir, name));
    const locks = xsr(['locks', path.join(dir, name), '--no-color']);
    assert.equal(locks.code, 0);
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.doesNotMatch(locks.out + locks.err, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

describe('check --patch', () => {
  it('a symlink inside --base that leads out of it reads as a missing file', () => {
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'demo.c'), fs.readFileSync(path.join(PATCHES, 'base', 'xen', 'common', 'sched', 'demo.c')));
    const base = tempDir();
    fs.mkdirSync(path.join(base, 'xen', 'common', 'sched'), { recursive: true });
    fs.symlinkSync(path.join(outside, 'demo.c'), path.join(base, 'xen', 'common', 'sched', 'demo.c'));
    const r = xsr(['check', '--patch', path.join(PATCHES, '0001-old-sequence.patch'), '--base', base]);
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /^xsr: .*0001-old-sequence\.patch: xen\/common\/sched\/demo\.c: patch ".*" does not apply: the file is not in the base\n$/,
    );
  });

  it('a 20,000-line rewrite: checked (exit 0); a patch over 64 MB: refused (exit 2)', () => {
    const { base, patch } = rewritePatch(20_000);
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'xen', 'common', 'sched'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'xen', 'common', 'sched', 'big.c'), base);
    const r = xsr(['check', '--patch', '-', '--base', dir, '--format', 'json'], { input: patch });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      (JSON.parse(r.out) as Json).files.map((f: Json) => [f.path, f.diagnostics.length]),
      [['xen/common/sched/big.c', 0]],
    );
    const huge = path.join(tempDir(), 'huge.patch');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 64 * 1024 * 1024 + 1);
    const h = xsr(['check', '--patch', huge, '--base', dir]);
    assert.equal(h.code, 2);
    assert.equal(h.err, `xsr: ${huge}: the patch is over 64 MB: not read\n`);
  });
});
