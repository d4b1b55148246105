// Data-driven lock-state tests: every fixture in test/fixtures/locks states the
// exact must/may sets per line and the exact XSR007 findings (see its README).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

import type { FileAnalysis } from '../../server/src/core/analysis';
import { Analyzer } from '../../server/src/core/analyzer';
import { lockHints, lockOrigin } from '../../server/src/core/queries/lockView';
import { fixtureMarks } from '../shared/fixtureMarks';
import { afterExpectations, findingExpectations, FIXTURES, heldExpectations } from './fixtures';

const DIR = path.join(FIXTURES, 'locks');

function heldAt(file: FileAnalysis, line: number): { must: string[]; may: string[] } | undefined {
  for (const fn of file.functions) {
    const l = fn.lineLocks.find((x) => x.line + 1 === line);
    if (l) return { must: l.must.map((r) => r.name).sort(), may: l.may.map((r) => r.name).sort() };
  }
  return undefined;
}

function hintAt(file: FileAnalysis, line: number): { must: string[]; may: string[] } | undefined {
  const h = lockHints(file, 'all', line - 1, line - 1).find((x) => x.line + 1 === line);
  return h && { must: h.held.must.map((r) => r.name).sort(), may: h.held.may.map((r) => r.name).sort() };
}

function check(file: FileAnalysis): void {
  const failures: string[] = [];
  for (const exp of afterExpectations(file.text)) {
    const got = hintAt(file, exp.line);
    const want = JSON.stringify({ must: exp.must, may: exp.may });
    if (JSON.stringify(got) !== want)
      failures.push(`${path.basename(file.path)}:${exp.line}: hint ${JSON.stringify(got)}, expected ${want}`);
  }
  for (const exp of heldExpectations(file.text)) {
    const got = heldAt(file, exp.line);
    const want = JSON.stringify({ must: exp.must, may: exp.may });
    if (!got) failures.push(`${path.basename(file.path)}:${exp.line}: no statement line analysed, expected ${want}`);
    else if (JSON.stringify(got) !== want)
      failures.push(`${path.basename(file.path)}:${exp.line}: got ${JSON.stringify(got)}, expected ${want}`);
  }
  const findings = file.diagnostics
    .filter((d) => d.code === 'XSR007')
    .map((d) => `${file.lineIndex.lineOf(d.start) + 1}:${d.code}`)
    .sort();
  const expected = findingExpectations(file.text).filter((e) => e.endsWith('XSR007'));
  if (JSON.stringify(findings) !== JSON.stringify(expected))
    failures.push(`${path.basename(file.path)}: XSR007 findings ${JSON.stringify(findings)}, expected ${JSON.stringify(expected)}`);
  assert.deepEqual(failures, []);
}

describe('lock-state fixtures', () => {
  let analyzer: Analyzer;
  before(async () => {
    analyzer = await Analyzer.create();
  });

  const single = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.c') && !f.startsWith('multi_'))
    .sort();
  for (const name of single) {
    it(name, () => {
      const text = fs.readFileSync(path.join(DIR, name), 'utf8');
      check(analyzer.analyze({ path: name, text }));
    });
  }

  it('multi_*.c share summaries as one folder', () => {
    const files = fs
      .readdirSync(DIR)
      .filter((f) => f.startsWith('multi_'))
      .sort()
      .map((name) => ({ path: name, text: fs.readFileSync(path.join(DIR, name), 'utf8') }));
    assert.equal(files.length, 2);
    for (const r of analyzer.analyzeMany(files)) check(r);
  });

  it('an unclosed `{` ends its function where the next definition starts; those after it stand alone', () => {
    const text = fs.readFileSync(path.join(DIR, 'unclosed.c'), 'utf8');
    const r = analyzer.analyze({ path: 'unclosed.c', text });
    const spans = r.functions.map(
      (f) => `${f.syntax.name}:${r.lineIndex.lineOf(f.syntax.start) + 1}-${r.lineIndex.lineOf(f.syntax.end) + 1}`,
    );
    const at = fixtureMarks(text, 'unclosed.c');
    const span = (fn: string, mark: string): string => `${fn}:${at(mark).line}-${at(`${mark}_end`).line}`;
    assert.deepEqual(spans, [
      span('sched_unclosed_if', 'unclosed_if'),
      span('sched_after', 'after'),
      span('sched_last', 'last'),
      span('sched_pin_initial', 'pin_initial'),
    ]);
    assert.equal(r.parseErrors, 1);
    assert.deepEqual(
      r.functions.map((f) => f.syntax.hasError),
      [true, false, false, false],
    );
  });

  it("the same user file alone does not know the other file's helpers", () => {
    const text = fs.readFileSync(path.join(DIR, 'multi_users.c'), 'utf8');
    const r = analyzer.analyze({ path: 'multi_users.c', text });
    assert.deepEqual(heldAt(r, fixtureMarks(text, 'multi_users.c')('credit_up').line), { must: [], may: [] });
  });

  it('a lock held on entry says why it is assumed held: the name, an ASSERT, a release without a take', () => {
    const text = [
      'static void sched_tick_locked(struct vcpu *v)',
      '{',
      '    v->ticks++;',
      '}',
      'static void pool_count(struct pool *p)',
      '{',
      '    ASSERT(spin_is_locked(&p->lock));',
      '    p->count++;',
      '}',
      'static void pool_leave(struct pool *p)',
      '{',
      '    p->count--;',
      '    spin_unlock(&p->lock);',
      '}',
      '',
    ].join('\n');
    const r = analyzer.analyze({ path: 'entry.c', text });
    const originAt = (line: number): string[] => {
      for (const fn of r.functions) {
        const l = fn.lineLocks.find((x) => x.line + 1 === line);
        if (l) return [...l.must, ...l.may].map((ref) => `${ref.name}: ${lockOrigin(ref)}`);
      }
      return [];
    };
    assert.deepEqual(originAt(3), ['sched(v): assumed held on entry: the function is named *_locked']);
    assert.deepEqual(originAt(8), ['p->lock: assumed held on entry: the ASSERT at line 7 says so']);
    assert.deepEqual(originAt(12), ['p->lock: assumed held on entry: released at line 13 without being taken here']);
  });
});
