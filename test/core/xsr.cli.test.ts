// The `xsr` command line as a user runs it: real processes, exact outputs,
// the JSON schemas, exit codes and bad input.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import Ajv2020 from 'ajv/dist/2020';

import { fixtureMarks } from '../shared/fixtureMarks';
import { readFixture, REPO } from './fixtures';

const CLI = path.join(REPO, 'out', 'server', 'src', 'cli', 'main.js');

function xsr(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO,
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, ...opts.env },
    timeout: 60000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function schema(name: string) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO, 'server', 'schemas', `${name}.schema.json`), 'utf8')));
}

// Parsed CLI JSON, read loosely: the schemas check the shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The marked lines of a fixture under test/fixtures. */
const marks = (...parts: string[]) => fixtureMarks(readFixture(...parts), parts.join('/'));

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-cli-'));
}

describe('xsr check', () => {
  it('reports the lock imbalance in the bundled example, text form, exit 1', () => {
    const r = xsr(['check', 'examples/sched_example.c', '--no-color']);
    assert.equal(r.code, 1, r.err);
    const lines = r.out.trim().split('\n');
    for (const l of lines) assert.match(l, /^examples\/sched_example\.c:\d+:\d+: (error|warning|information|hint) XSR\d{3} .+/);
    assert.ok(
      lines.some((l) => / error XSR007 sched_set_vcpu_cap\(\) returns holding sched\(v\)/.test(l)),
      r.out,
    );
    assert.match(r.err, /^\d+ findings? in 1 file \(\d+ functions, 0 parse errors, \d+ ms\)\n$/);
  });

  it('JSON output validates against check.schema.json', () => {
    const r = xsr(['check', 'examples/sched_example.c', 'test/fixtures/locks', '--format', 'json']);
    assert.equal(r.code, 1, r.err);
    const report = JSON.parse(r.out) as Json;
    const validate = schema('check');
    assert.ok(validate(JSON.parse(r.out)), JSON.stringify(validate.errors));
    assert.equal(report.version, 1);
    const control = report.files.find((f: { path: string }) => f.path.endsWith('control.c'));
    const codes = control.diagnostics.map((d: { line: number; code: string; function: string }) => `${d.line}:${d.code}:${d.function}`);
    const at = marks('locks', 'control.c');
    assert.deepEqual(codes, [
      `${at('weight_return').line}:XSR007:sched_set_weight`,
      `${at('second_release').line}:XSR007:sched_double_release`,
      `${at('second_lock').line}:XSR007:sched_retake`,
    ]);
    const first = control.diagnostics[0];
    assert.deepEqual(
      [first.line, first.column, first.endLine, first.endColumn, first.severity, first.fixable],
      [at('weight_return').line, 9, at('weight_return').line, 24, 'error', false],
    );
    assert.equal(report.summary.files, report.files.length);
  });

  it('--fail-on none exits 0 with findings; --quiet drops the summary', () => {
    const r = xsr(['check', 'test/fixtures/locks/control.c', '--fail-on', 'none', '--quiet']);
    assert.equal(r.code, 0);
    assert.equal(r.err, '');
  });

  it('colour only on a TTY: piped output has no escape codes', () => {
    const r = xsr(['check', 'test/fixtures/locks/control.c']);
    assert.ok(!r.out.includes('\u001b['), 'no ANSI escape');
  });

  it('a broken file still yields its functions and a parse-error count', () => {
    const r = xsr(['check', 'test/fixtures/locks/broken.c', '--format', 'json']);
    const report = JSON.parse(r.out) as Json;
    assert.ok(report.files[0].parseErrors >= 1);
    assert.ok(report.summary.functions >= 2, JSON.stringify(report.summary));
  });
});

describe('xsr locks', () => {
  it('JSON output validates and names locks canonically', () => {
    const r = xsr(['locks', 'test/fixtures/locks/pointers.c', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as Json;
    const validate = schema('locks');
    assert.ok(validate(JSON.parse(r.out)), JSON.stringify(validate.errors));
    const fn = report.functions.find((f: { name: string }) => f.name === 'sched_move_unit');
    const at = marks('locks', 'pointers.c');
    assert.deepEqual([fn.line, fn.endLine], [at('move_unit').line, at('move_unit_end').line]);
    const reread = at('reread_cpu').line;
    assert.deepEqual(
      fn.lines.find((l: { line: number }) => l.line === reread),
      { line: reread, must: ['sched(new_cpu)', 'sched(unit->res->master_cpu)'], may: [] },
    );
  });

  it('text output: one row per statement line with the held column', () => {
    const r = xsr(['locks', 'test/fixtures/locks/trylock.c', '--function', 'sched_try_steal', '--no-color']);
    assert.equal(r.code, 0, r.err);
    const rows = r.out.split('\n');
    const at = marks('locks', 'trylock.c');
    assert.match(
      rows[0]!,
      new RegExp(`^sched_try_steal {2}test/fixtures/locks/trylock\\.c:${at('try_steal').line}-${at('try_steal_end').line}$`),
    );
    assert.ok(
      rows.some((l) => new RegExp(`^\\s+${at('stolen').line} {2}sched\\(cpu\\)\\s+\\| {5}prv->stolen\\+\\+;`).test(l)),
      r.out,
    );
    assert.ok(
      rows.some((l) => new RegExp(`^\\s+${at('trylock_test').line} {2}sched\\(cpu\\)\\?\\s+\\| {5}if \\( !lock \\)`).test(l)),
      r.out,
    );
  });

  it('a reader that stops early (| head) ends the run quietly, exit 0', () => {
    // Far more output than a pipe buffer holds, read through `head -n 2`.
    const dir = tmpdir();
    const body = Array.from(
      { length: 4000 },
      (_, i) => `    spin_lock(&prv->lock);\n    prv->count += ${i};\n    spin_unlock(&prv->lock);`,
    ).join('\n');
    fs.writeFileSync(path.join(dir, 'long.c'), `static void sched_long(struct sched_priv *prv)\n{\n${body}\n}\n`);
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" locks long.c --no-color | head -n 2`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.deepEqual(r.stdout.split('\n'), ['sched_long  long.c:1-12003', '     3  -             |     spin_lock(&prv->lock);', '']);
  });
});

describe('bad input', () => {
  it('binary, oversized, non-UTF-8, empty and unreadable files: warnings, the rest analysed, exit 2 for unreadable', () => {
    const dir = tmpdir();
    fs.writeFileSync(path.join(dir, 'binary.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
    fs.writeFileSync(path.join(dir, 'huge.c'), Buffer.alloc(5 * 1024 * 1024 + 10, 0x20));
    fs.writeFileSync(
      path.join(dir, 'latin1.c'),
      Buffer.concat([
        Buffer.from('/* caf'),
        Buffer.from([0xe9]),
        Buffer.from(
          ' */\nint f(spinlock_t *l, int x)\n{\n    spin_lock(l);\n    if ( x )\n        return -1;\n    spin_unlock(l);\n    return 0;\n}\n',
        ),
      ]),
    );
    fs.writeFileSync(path.join(dir, 'empty.c'), '');
    fs.copyFileSync(path.join(REPO, 'test/fixtures/locks/control.c'), path.join(dir, 'good.c'));
    const r = xsr(['check', dir, path.join(dir, 'missing.c'), '--format', 'json']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /warning: .*binary\.c: skipped, binary content/);
    assert.match(r.err, /warning: .*huge\.c: skipped, 5\.0 MB is over the 5 MB limit/);
    assert.match(r.err, /warning: .*latin1\.c: not valid UTF-8; read as Latin-1/);
    assert.match(r.err, /warning: .*empty\.c: empty file, nothing to analyse/);
    assert.match(r.err, /error: .*missing\.c: cannot read \(no such file or directory\)/);
    const report = JSON.parse(r.out) as Json;
    assert.deepEqual(report.files.map((f: { path: string }) => path.basename(f.path)).sort(), ['empty.c', 'good.c', 'latin1.c']);
    const latin1 = report.files.find((f: { path: string }) => f.path.endsWith('latin1.c'));
    assert.deepEqual(
      latin1.diagnostics.map((d: { code: string; line: number }) => `${d.line}:${d.code}`),
      ['6:XSR007'],
    );
  });

  it('a directory of 3,000 files is analysed without a crash', () => {
    const dir = tmpdir();
    for (let i = 0; i < 3000; i++)
      fs.writeFileSync(
        path.join(dir, `f${i}.c`),
        `static void f${i}(struct vcpu *v)\n{\n    spinlock_t *lock = vcpu_schedule_lock(v);\n    v->n = ${i};\n    vcpu_schedule_unlock(lock, v);\n}\n`,
      );
    const r = xsr(['check', dir, '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).summary.files, 3000);
  });

  it('usage errors exit 2 with one line on stderr', () => {
    for (const args of [
      ['frobnicate'],
      ['check', 'x.c', '--format', 'yaml'],
      ['check', '--bogus'],
      ['locks'],
      ['locks', 'examples/sched_example.c', '--format', 'sarif'],
    ]) {
      const r = xsr(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.match(r.err, /^xsr: /);
    }
  });

  it('--config: user helpers are used; a malformed entry is named', () => {
    const dir = tmpdir();
    const good = path.join(dir, 'good.json');
    fs.writeFileSync(
      good,
      JSON.stringify({
        helpers: [
          { name: 'rq_lock', op: 'acquire', lock: 'spin', arg: 0 },
          { name: 'rq_unlock', op: 'release', lock: 'spin', arg: 0 },
        ],
      }),
    );
    const src = path.join(dir, 'user.c');
    fs.writeFileSync(src, 'static void g(struct rq *rq)\n{\n    rq_lock(&rq->lock);\n    rq->n++;\n    rq_unlock(&rq->lock);\n}\n');
    const r = xsr(['locks', src, '--config', good, '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).functions[0].lines[1], { line: 4, must: ['rq->lock'], may: [] });
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ helpers: [{ name: 'rq_lock', op: 'grab', lock: 'spin' }] }));
    const b = xsr(['check', src, '--config', bad]);
    assert.equal(b.code, 2);
    assert.match(
      b.err,
      /bad\.json: helpers\[0\] \("rq_lock"\): "op" must be one of acquire, tryacquire, release, acquireDouble, releaseDouble/,
    );
    const notJson = path.join(dir, 'not.json');
    fs.writeFileSync(notJson, '{ helpers: ');
    assert.match(xsr(['check', src, '--config', notJson]).err, /not\.json: not valid JSON/);
  });

  it('--version and help', () => {
    assert.match(xsr(['--version']).out, /^\d+\.\d+\.\d+\n$/);
    assert.match(xsr(['help', 'check']).out, /^xsr check PATH…/);
  });
});

describe('xsr simulate', () => {
  it('finds the race in an old-protocol file: exit 1, JSON valid against simulate.schema.json', () => {
    const r = xsr([
      'simulate',
      'test/fixtures/model/old_protocol.c',
      '--function',
      'sched_move_vcpu',
      '--function',
      'context_saved',
      '--initiators',
      '1',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 1, r.err);
    const validate = schema('simulate');
    assert.ok(validate(JSON.parse(r.out)), JSON.stringify(validate.errors));
    const res = JSON.parse(r.out) as Json;
    const at = marks('model', 'old_protocol.c');
    assert.deepEqual([res.version, res.result, res.invariant, res.trace.length], [1, 'violation', 'INV1', 10]);
    assert.equal(res.trace[0].step, 1);
    assert.ok(
      res.trace.some(
        (s: Json) => s.file === 'test/fixtures/model/old_protocol.c' && s.line === at('set_flag').line && s.action === 'set _VPF_migrating',
      ),
      r.out,
    );
    assert.ok(res.notes.includes('sched_move_vcpu: skipped calls the model does not know: domain_update_node_affinity'));
    // The scheduler's context_saved steps carry the file's lines too.
    assert.ok(
      res.trace.some(
        (s: Json) => s.thread === 'pCPU A' && s.line === at('clear_running').line && s.action === 'context_saved: clear v->is_running',
      ),
      r.out,
    );
  });

  it("shows each step's source line first in the text table", () => {
    const r = xsr([
      'simulate',
      'test/fixtures/model/old_protocol.c',
      '--function',
      'sched_move_vcpu',
      '--function',
      'context_saved',
      '--initiators',
      '1',
      '--no-color',
    ]);
    assert.equal(r.code, 1, r.err);
    const at = marks('model', 'old_protocol.c');
    assert.match(
      r.out,
      new RegExp(`^ +4 \\| L${at('set_flag').line} set _VPF_migrating +\\| +\\| v\\.flags=\\{migrating,is_running\\}$`, 'm'),
    );
    assert.match(
      r.out,
      new RegExp(`^ +\\d+ \\| +\\| L${at('clear_running').line} context_saved: clear v->is_ru… \\| v\\.flags=\\{migrating\\}$`, 'm'),
    );
  });

  it('verifies the fixed file: exit 0, text with the verdict and the stats', () => {
    const r = xsr(['simulate', 'test/fixtures/model/new_protocol.c', '--function', 'sched_move_vcpu', '--no-color']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^result: VERIFIED: /m);
    assert.match(r.out, /^stats: \d+ states, \d+ transitions, \d+ executions, \d+ ms, reduction dpor$/m);
  });

  it('text trace: one column per acting thread, the changes of each step', () => {
    const r = xsr(['simulate', '--protocol', 'old', '--initiators', '1', '--no-color']);
    assert.equal(r.code, 1, r.err);
    const header = r.out.split('\n').find((l) => l.startsWith('step |'))!;
    assert.deepEqual(
      header.split('|').map((c) => c.trim()),
      ['step', 'X', 'pCPU A', 'changes'],
    );
    assert.match(r.out, /\| set _VPF_migrating +\| +\| v\.flags=\{migrating,is_running\}/);
  });

  it('any code path: the race, its two steps and the variables in the text; JSON with race and model, valid against the schema', () => {
    const file = 'test/fixtures/model/general/lost_update.c';
    const r = xsr(['simulate', file, '--function', 'burn_credit_locked', '--function', 'burn_credit_racy', '--no-color']);
    assert.equal(r.code, 1, r.err);
    const at = marks('model/general', 'lost_update.c');
    assert.match(r.out, /^model: threads X:burn_credit_locked, Y:burn_credit_racy; locations prv->credit$/m);
    assert.match(r.out, /^result: VIOLATION of RACE: data race on prv->credit: /m);
    assert.match(
      r.out,
      new RegExp(
        `^race on prv->credit: step 3 \\(X:burn_credit_locked, line ${at('locked_add').line}: write prv->credit\\) and step 4 \\(Y:burn_credit_racy, line ${at('racy_add').line}: read prv->credit\\)$`,
        'm',
      ),
    );
    assert.match(r.out, /^\* {2}4 \| +\| L\d+ read prv->credit +\| $/m);
    const j = xsr(['simulate', file, '--function', 'burn_credit_locked', '--function', 'burn_credit_racy', '--format', 'json']);
    const validate = schema('simulate');
    assert.ok(validate(JSON.parse(j.out)), JSON.stringify(validate.errors));
    const res = JSON.parse(j.out) as Json;
    assert.deepEqual(res.race, { first: 3, second: 4, location: 'prv->credit' });
    assert.deepEqual(res.model.locations, ['prv->credit']);
    const busy = xsr(['simulate', 'test/fixtures/model/general/check_then_act.c', '--function', 'claim_pcpu', '--no-color']);
    assert.equal(busy.code, 1);
    assert.match(busy.out, /^assertion: ASSERT\(!spc->busy\) at test\/fixtures\/model\/general\/check_then_act\.c:\d+$/m);
    assert.match(busy.out, /spc->busy=true/);
  });

  it('--copies, --init, --distinct; nothing to check is exit 2, never a pass', () => {
    const file = 'test/fixtures/model/general/lost_update.c';
    const ok = xsr([
      'simulate',
      file,
      '--function',
      'burn_credit_locked',
      '--copies',
      'burn_credit_locked=3',
      '--init',
      'prv->credit=1',
      '--no-color',
    ]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^model: threads X:burn_credit_locked, Y:burn_credit_locked, Z:burn_credit_locked; locations prv->credit$/m);
    const none = xsr(['simulate', file, '--function', 'burn_credit_locked', '--function', 'burn_credit_racy', '--distinct', '--no-color']);
    assert.equal(none.code, 2);
    assert.match(none.out, /^result: NOTHING TO CHECK: /m);
    assert.match(none.err, /^xsr: simulate: nothing to check: /);
    const bad = xsr(['simulate', file, '--function', 'burn_credit_locked', '--copies', 'burn_credit_locked']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--copies expects NAME=VALUE, got 'burn_credit_locked'/);
    const badInit = xsr(['simulate', file, '--function', 'burn_credit_locked', '--init', 'nope=1']);
    assert.equal(badInit.code, 2);
    assert.match(badInit.err, /--init nope: not a location of the model/);
  });

  it('bad input: unknown function, bad option values', () => {
    const a = xsr(['simulate', 'test/fixtures/model/old_protocol.c', '--function', 'nope']);
    assert.equal(a.code, 2);
    assert.match(a.err, /^xsr: test\/fixtures\/model\/old_protocol\.c: no function named nope in /);
    const b = xsr(['simulate', '--protocol', 'new', '--pcpus', '99']);
    assert.equal(b.code, 2);
    assert.match(b.err, /--pcpus must be an integer from 2 to 8, got '99'/);
    assert.equal(xsr(['simulate', 'x.c']).code, 2);
  });
});
