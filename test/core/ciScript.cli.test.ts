// docs/ci/xsr-sched-check.sh (the job docs/ci/xen-gitlab.md gives Xen's GitLab
// CI) run as CI runs it, on commits of a throw-away git repository laid out
// like Xen: a merge request that does not touch the scheduler passes with an
// empty report; one that only moves code passes although the code has a
// finding; one that adds a lock leak fails with exactly that finding, in the
// Code Quality report, in SARIF and in the log; one that changes a helper
// reports the finding it causes in the unchanged caller's file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

import { ROOT, tempDir } from './cliHarness';

const SCRIPT = path.join(ROOT, 'docs', 'ci', 'xsr-sched-check.sh');
const CLI = path.join(ROOT, 'out', 'server', 'src', 'cli', 'main.js');
const SCHED = 'xen/common/sched';

/** Our own Xen-style scheduler code: a helper file and a user with one known leak. */
const HELPERS = `/* Helpers other files call. */
spinlock_t *demo_lock_cpu(unsigned int cpu)
{
    return pcpu_schedule_lock_irq(cpu);
}

void demo_unlock_cpu(spinlock_t *lock, unsigned int cpu)
{
    pcpu_schedule_unlock_irq(lock, cpu);
}
`;
const CORE = `/* Xen-style test code written for this project. */
int demo_known_leak(unsigned int cpu, int flag)
{
    spinlock_t *lock = demo_lock_cpu(cpu);

    if ( flag )
        return -EBUSY;
    pcpu_schedule_unlock_irq(lock, cpu);
    return 0;
}

void demo_two_ways(unsigned int cpu, int flag)
{
    spinlock_t *lock = pcpu_schedule_lock_irq(cpu);

    if ( flag )
    {
        demo_unlock_cpu(lock, cpu);
        return;
    }
    pcpu_schedule_unlock_irq(lock, cpu);
}
`;
const NEW_LEAK = `
int demo_new_leak(struct vcpu *v)
{
    spinlock_t *lock = vcpu_schedule_lock_irq(v);

    if ( v->pause_flags )
        return -EAGAIN;
    vcpu_schedule_unlock_irq(lock, v);
    return 0;
}
`;

interface Issue {
  check_name: string;
  description: string;
  location: { path: string; lines: { begin: number } };
}

describe('docs/ci/xsr-sched-check.sh on a git repository', () => {
  let repo: string;
  let bin: string;
  const git = (...args: string[]): string => {
    const r = spawnSync('git', ['-c', 'user.name=CI Test', '-c', 'user.email=ci@example.org', ...args], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const write = (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  };
  const commit = (message: string): string => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  /** Runs the script at the checked-out commit against `base`, as a merge-request pipeline does. */
  const run = (
    base: string,
  ): { code: number; out: string; err: string; issues: Issue[]; sarif: { runs: { results: unknown[] }[] } | undefined } => {
    const outDir = tempDir();
    const r = spawnSync('bash', [SCRIPT], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, XSR: bin, XSR_OUT: outDir, CI_MERGE_REQUEST_DIFF_BASE_SHA: base, NO_COLOR: '1' },
    });
    const read = (f: string): unknown =>
      fs.existsSync(path.join(outDir, f)) ? JSON.parse(fs.readFileSync(path.join(outDir, f), 'utf8')) : undefined;
    return {
      code: r.status ?? -1,
      out: r.stdout,
      err: r.stderr,
      issues: read('gl-code-quality-report.json') as Issue[],
      sarif: read('xsr.sarif') as { runs: { results: unknown[] }[] } | undefined,
    };
  };

  let base: string;
  before(() => {
    repo = tempDir();
    bin = path.join(tempDir(), 'xsr');
    fs.writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    git('init', '-q');
    write('README', 'Xen\n');
    write(`${SCHED}/helpers.c`, HELPERS);
    write(`${SCHED}/core.c`, CORE);
    base = commit('base');
  });

  it('passes with an empty report when the scheduler is not touched', () => {
    git('checkout', '-q', '-B', 'docs', base);
    write('README', 'Xen, the hypervisor\n');
    commit('docs only');
    const r = run(base);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.issues, []);
    assert.match(r.out, /^xsr-sched-check: no scheduler file changed since [0-9a-f]{7,}$/m);
  });

  it('passes when code only moved, although the code has a finding', () => {
    git('checkout', '-q', '-B', 'moved', base);
    write(`${SCHED}/core.c`, `/*\n * Moved down by this comment.\n */\n${CORE}`);
    commit('comment');
    const r = run(base);
    assert.equal(r.code, 0, r.out + r.err);
    assert.deepEqual(r.issues, []);
    assert.equal(r.sarif!.runs[0]!.results.length, 0);
  });

  it('fails with exactly the finding a change adds: Code Quality, SARIF and the log', () => {
    git('checkout', '-q', '-B', 'leak', base);
    const text = `/* One more line. */\n${CORE}${NEW_LEAK}`;
    write(`${SCHED}/core.c`, text);
    commit('new function');
    const r = run(base);
    assert.equal(r.code, 1, r.out + r.err);
    const line = text.split('\n').findIndex((l) => l.includes('return -EAGAIN;')) + 1;
    assert.deepEqual(
      r.issues.map((i) => [i.check_name, i.location.path, i.location.lines.begin]),
      [['XSR007', `${SCHED}/core.c`, line]],
    );
    assert.match(r.issues[0]!.description, /^XSR007 demo_new_leak\(\) returns holding sched\(v\)/);
    assert.equal(r.sarif!.runs[0]!.results.length, 1);
    assert.match(
      r.out,
      new RegExp(`^xen/common/sched/core\\.c:${line}:9: error XSR007 demo_new_leak\\(\\) returns holding sched\\(v\\)`, 'm'),
    );
    assert.match(r.out, /^ {2}xen\/common\/sched\/core\.c$/m);
  });

  it("reports the finding a changed helper causes in an unchanged caller's file", () => {
    git('checkout', '-q', '-B', 'helper', base);
    // A function added to the helpers' file: the helper itself is unchanged.
    write(
      `${SCHED}/helpers.c`,
      HELPERS.replace('pcpu_schedule_lock_irq(cpu);', 'pcpu_schedule_lock_irq(cpu);\n}\n\nvoid demo_noop(void)\n{'),
    );
    write(`${SCHED}/core.c`, CORE);
    commit('helper');
    const r = run(base);
    // Nothing new: the known leak stays in the baseline.
    assert.equal(r.code, 0, r.out + r.err);
    assert.deepEqual(r.issues, []);
    git('checkout', '-q', '-B', 'helper2', base);
    write(`${SCHED}/helpers.c`, HELPERS.replace('    pcpu_schedule_unlock_irq(lock, cpu);', '    cpu_relax();'));
    commit('the unlock helper no longer unlocks');
    const r2 = run(base);
    // demo_two_ways() now returns holding the lock on one path: a new finding in core.c, which the change did not touch.
    assert.equal(r2.code, 1, r2.out + r2.err);
    const line = CORE.split('\n').findIndex((l) => l.includes('        return;')) + 1;
    assert.deepEqual(
      r2.issues.map((i) => [i.check_name, i.location.path, i.location.lines.begin]),
      [['XSR007', `${SCHED}/core.c`, line]],
    );
    assert.match(r2.issues[0]!.description, /^XSR007 demo_two_ways\(\) returns holding sched\(cpu\)/);
  });

  it('says why it cannot run (exit 2): an unknown base commit', () => {
    const r = run('0123456789abcdef0123456789abcdef01234567');
    assert.equal(r.code, 2);
    assert.equal(
      r.err.trim(),
      'xsr-sched-check: no such commit: 0123456789abcdef0123456789abcdef01234567 (fetch more history: GIT_DEPTH=0)',
    );
  });
});
