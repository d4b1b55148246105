// `check --format codequality` (GitLab Code Quality) and `check --baseline
// REPORT` (only what is new against an earlier JSON or SARIF report), as a
// reviewer uses them on a patch series: the findings of a version whose lines
// moved are not new, a finding the patch adds is, exit codes count only new ones.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { tempDir, xsr } from './cliHarness';
import { readFixture } from './fixtures';

interface Issue {
  type: string;
  check_name: string;
  description: string;
  categories: string[];
  severity: string;
  fingerprint: string;
  location: { path: string; lines: { begin: number; end: number } };
}

const BASE = readFixture('protocol', 'xsr007_lock_imbalance.c');
/** The same file three lines further down (a patch that adds a comment at the top). */
const SHIFTED = `/* one */\n/* two */\n/* three */\n${BASE}`;
/** …and a new lock leak at the end, in a function of its own. */
const NEW_LEAK = `${SHIFTED}
int sched_new_leak(struct vcpu *v)
{
    spinlock_t *lock = vcpu_schedule_lock_irq(v);

    if ( v->pause_flags )
        return -EBUSY;
    vcpu_schedule_unlock_irq(lock, v);
    return 0;
}
`;

function inTemp(text: string): { dir: string; file: string } {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'sched.c'), text);
  return { dir, file: 'sched.c' };
}

const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('check --format codequality', () => {
  it('writes one Code Quality issue per finding, with path, lines, severity and unique fingerprints', () => {
    const { dir, file } = inTemp(BASE);
    const r = xsr(['check', '--format', 'codequality', file], { cwd: dir });
    assert.equal(r.code, 1, r.err);
    const issues = JSON.parse(r.out) as Issue[];
    const json = JSON.parse(xsr(['check', '--format', 'json', file], { cwd: dir }).out) as {
      files: { diagnostics: { code: string; line: number; endLine: number; function: string; message: string }[] }[];
    };
    const diags = json.files[0]!.diagnostics;
    assert.equal(issues.length, diags.length);
    assert.equal(issues.length, 4);
    issues.forEach((issue, i) => {
      const d = diags[i]!;
      assert.deepEqual(issue, {
        type: 'issue',
        check_name: d.code,
        description: d.message.startsWith(`${d.function}(`) ? `${d.code} ${d.message}` : `${d.code} ${d.function}(): ${d.message}`,
        categories: ['Bug Risk'],
        severity: 'major',
        fingerprint: issue.fingerprint,
        location: { path: 'sched.c', lines: { begin: d.line, end: d.endLine } },
      });
      assert.match(issue.fingerprint, /^[0-9a-f]{32}$/);
    });
    assert.equal(new Set(issues.map((x) => x.fingerprint)).size, issues.length);
  });

  it('keeps every fingerprint when the lines move, so GitLab reports nothing new', () => {
    const a = inTemp(BASE);
    const b = inTemp(SHIFTED);
    const before = JSON.parse(xsr(['check', '--format', 'codequality', a.file], { cwd: a.dir }).out) as Issue[];
    const after = JSON.parse(xsr(['check', '--format', 'codequality', b.file], { cwd: b.dir }).out) as Issue[];
    assert.deepEqual(
      after.map((x) => [x.fingerprint, x.location.lines.begin - 3]),
      before.map((x) => [x.fingerprint, x.location.lines.begin]),
    );
  });

  it('is for check only', () => {
    const r = xsr(['locks', '--format', 'codequality', 'x.c']);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), 'xsr: --format codequality is for check only');
  });
});

describe('check --baseline', () => {
  for (const format of ['json', 'sarif'] as const) {
    it(`against a ${format} report: only the finding the change adds, at its new line; the moved ones are left out`, () => {
      const old = inTemp(BASE);
      const baseline = path.join(old.dir, `baseline.${format}`);
      fs.writeFileSync(baseline, xsr(['check', '--format', format, old.file], { cwd: old.dir }).out);

      const moved = inTemp(SHIFTED);
      const same = xsr(['check', '--format', 'json', '--baseline', baseline, moved.file], { cwd: moved.dir });
      assert.equal(same.code, 0, same.err);
      const sameReport = JSON.parse(same.out) as { files: { diagnostics: unknown[] }[]; summary: Record<string, number> };
      assert.deepEqual(sameReport.files[0]!.diagnostics, []);
      assert.equal(sameReport.summary.diagnostics, 0);
      assert.equal(sameReport.summary.inBaseline, 4);

      const added = inTemp(NEW_LEAK);
      const r = xsr(['check', '--baseline', baseline, added.file], { cwd: added.dir });
      assert.equal(r.code, 1, r.err);
      const line = lineOf(NEW_LEAK, 'return -EBUSY');
      assert.equal(
        r.out.trim(),
        `sched.c:${line}:9: error XSR007 sched_new_leak() returns holding sched(v) (taken at line ${line - 3}) on this path, while the path through line ${line + 2} returns without it`,
      );
      assert.match(r.err, /^1 new finding in 1 file \(11 functions, 0 parse errors, 4 more in the baseline, \d+ ms\)$/m);
    });
  }

  it('matches one for one: a second identical finding in the same function is new', () => {
    const twice = BASE.replace(
      'vcpu_schedule_unlock_irq(lock, v); /* expect XSR007 */',
      'vcpu_schedule_unlock_irq(lock, v); /* expect XSR007 */\n    vcpu_schedule_unlock_irq(lock, v);',
    );
    const old = inTemp(BASE);
    const baseline = path.join(old.dir, 'baseline.json');
    fs.writeFileSync(baseline, xsr(['check', '--format', 'json', old.file], { cwd: old.dir }).out);
    const now = inTemp(twice);
    const r = xsr(['check', '--format', 'json', '--baseline', baseline, now.file], { cwd: now.dir });
    assert.equal(r.code, 1, r.err);
    const report = JSON.parse(r.out) as { files: { diagnostics: { code: string; function: string; line: number }[] }[] };
    assert.deepEqual(
      report.files[0]!.diagnostics.map((d) => [d.code, d.function, d.line]),
      [['XSR007', 'sched_drop_twice', lineOf(twice, 'vcpu_schedule_unlock_irq(lock, v);\n}')]],
    );
  });

  it('refuses a baseline that is not a report, naming it (exit 2)', () => {
    const { dir, file } = inTemp(BASE);
    fs.writeFileSync(path.join(dir, 'notes.json'), '{"hello": 1}');
    fs.writeFileSync(path.join(dir, 'broken.json'), '{');
    let r = xsr(['check', '--baseline', 'notes.json', file], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), 'xsr: notes.json: not an xsr report (expected the output of --format json or --format sarif)');
    r = xsr(['check', '--baseline', 'broken.json', file], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.err.trim(), /^xsr: broken\.json: the baseline is not JSON \(/);
    r = xsr(['check', '--baseline', 'missing.json', file], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), 'xsr: missing.json: cannot read the baseline (ENOENT)');
  });
});
