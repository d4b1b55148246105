// Property: for random edit sequences on a Xen-style fixture (half-typed code,
// deleted braces, comment openers…), the incremental analysis of every version
// equals a fresh full analysis of that text (diagnostics and lock states per
// line), and nothing throws. Edits typed inside function bodies mostly take the
// local reparse (only the edited function is parsed): those are checked the
// same way, and settling (the whole-file reparse) must confirm them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  type AnalysedFile,
  createAnalyzer,
  createIncrementalAnalyzer,
  type LockShapeBaseline,
  newLockHelpers,
  nextLockShapeBaseline,
} from '../../server/src/core/index';
import { analyzerPair, findingsView } from './analyzerPair';
import { fixture } from './harness';

const base = fixture('migrate.c').text + fixture('xen_style.c').text;

const SNIPPETS = [
  '',
  'x',
  '{',
  '}',
  ';',
  '\n',
  '(',
  ')',
  '/*',
  '*/',
  '"',
  '    vcpu_schedule_unlock_irq(lock, v);\n',
  'lock = vcpu_schedule_lock_irq(v);',
  'if ( v->is_running )\n',
  'return 0;',
  'vcpu_migrate_start(v);',
  'vcpu_migrate_finish(v);',
  'for_each_vcpu ( d, v )\n    {',
  'static void f(struct vcpu *v)\n{\n',
  '#if 0\n',
  '#endif\n',
  'é𝄞',
];

type Edit = { at: number; del: number; text: string } | { brace: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc
    .record({
      at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x),
      del: fc.integer({ min: 0, max: 40 }),
      text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 4 })),
    })
    .map((e) => ({ at: e.at, del: e.del, text: e.text })),
  fc.nat({ max: 200 }).map((brace) => ({ brace })),
);

/** An edit at a relative place inside the body of a function chosen by index. */
interface BodyEdit {
  fn: number;
  at: number;
  del: number;
  text: string;
}

const BODY_SNIPPETS = [
  '',
  'q',
  'x',
  ' ',
  ';',
  '\n',
  '\n    ',
  '(',
  ')',
  '*',
  '/',
  '&',
  ',',
  'v->processor = 1;',
  'spin_lock(&prv->lock);',
  'spin_unlock(&prv->lock);',
  'return;',
  'if ( x ) ',
  'else ',
  'vcpu_migrate_start(v);',
  'vcpu_migrate_finish(v);',
  'lock = vcpu_schedule_lock_irq(v);',
  'vcpu_schedule_unlock_irq(lock, v);',
  'for_each_vcpu ( d, v ) ',
  'goto out;',
  'out:',
  '{',
  '}',
  '/*',
  '"',
  '#',
  'é',
];

const bodyEditArb: fc.Arbitrary<BodyEdit> = fc.record({
  fn: fc.nat({ max: 1000 }),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  del: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 })),
  text: fc.oneof(fc.constantFrom(...BODY_SNIPPETS), fc.string({ maxLength: 3 })),
});

/** Applies a body edit (inside the braces of a function of `file`, anywhere when there is none). */
function applyInBody(text: string, file: AnalysedFile, e: BodyEdit): { text: string; start: number; oldEnd: number; newText: string } {
  const fn = file.functions[e.fn % Math.max(1, file.functions.length)];
  const lo = fn ? fn.syntax.bodyStart + 1 : 0;
  const hi = fn ? fn.syntax.bodyEnd - 1 : text.length;
  const start = lo + Math.floor(e.at * Math.max(0, hi - lo));
  const oldEnd = Math.min(hi, start + e.del);
  return { text: text.slice(0, start) + e.text + text.slice(oldEnd), start, oldEnd, newText: e.text };
}

/** Applies an edit; returns the new text and the offsets edit. */
function apply(text: string, e: Edit): { text: string; start: number; oldEnd: number; newText: string } {
  if ('brace' in e) {
    const braces = [...text.matchAll(/[{}]/g)].map((m) => m.index!);
    if (braces.length === 0) return { text, start: 0, oldEnd: 0, newText: '' };
    const i = braces[e.brace % braces.length]!;
    return { text: text.slice(0, i) + text.slice(i + 1), start: i, oldEnd: i + 1, newText: '' };
  }
  const start = Math.floor((e.at as number) * text.length);
  const oldEnd = Math.min(text.length, start + e.del);
  return { text: text.slice(0, start) + e.text + text.slice(oldEnd), start, oldEnd, newText: e.text };
}

function view(f: AnalysedFile): unknown {
  return {
    diagnostics: findingsView(f),
    functions: f.functions.map((fn) => ({ name: fn.syntax.name, start: fn.syntax.start, lines: fn.lineLocks, summary: fn.summary })),
    parseErrors: f.parseErrors,
  };
}

describe('incremental analysis', () => {
  const analyzers = analyzerPair();

  it('equals a fresh analysis after every edit of random sequences', () => {
    let doc = 0;
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 12 }), (edits) => {
        const uri = `file:///prop/${doc++}.c`;
        let text = base;
        let version = 1;
        analyzers.inc.analyze(uri, version, text);
        for (const e of edits) {
          const r = apply(text, e);
          text = r.text;
          analyzers.inc.edit(uri, [{ start: r.start, oldEnd: r.oldEnd, newText: r.newText }]);
          const got = analyzers.inc.analyze(uri, ++version, text);
          assert.ok(got, 'parse finished');
          assert.deepEqual(view(got), view(analyzers.fresh.analyze({ path: uri, text })));
        }
        const settled = analyzers.inc.settle(uri, version, text);
        assert.ok(!settled || settled.consistent, 'the whole-file reparse confirms the local reparses');
        analyzers.inc.close(uri);
      }),
      { numRuns: 60, seed: 20240611 },
    );
  });

  it('local reparses of edits inside function bodies equal a fresh analysis, and settling confirms them', () => {
    let doc = 0;
    let local = 0;
    let edits = 0;
    fc.assert(
      fc.property(fc.array(bodyEditArb, { minLength: 1, maxLength: 16 }), fc.nat({ max: 15 }), (seq, settleAt) => {
        const uri = `file:///local/${doc++}.c`;
        let text = base;
        let version = 1;
        analyzers.inc.analyze(uri, version, text);
        for (const [k, e] of seq.entries()) {
          const r = applyInBody(text, analyzers.fresh.analyze({ path: uri, text }), e);
          text = r.text;
          analyzers.inc.edit(uri, [{ start: r.start, oldEnd: r.oldEnd, newText: r.newText }]);
          const got = analyzers.inc.analyze(uri, ++version, text);
          assert.ok(got, 'parse finished');
          edits++;
          if (analyzers.inc.lastStats.local) local++;
          assert.deepEqual(view(got), view(analyzers.fresh.analyze({ path: uri, text })));
          if (k === settleAt) {
            const settled = analyzers.inc.settle(uri, version, text);
            assert.ok(!settled || settled.consistent, 'the whole-file reparse confirms the local reparses');
          }
        }
        const settled = analyzers.inc.settle(uri, version, text);
        assert.ok(!settled || settled.consistent, 'the whole-file reparse confirms the local reparses');
        analyzers.inc.close(uri);
      }),
      { numRuns: 80, seed: 20240612 },
    );
    // The property must exercise the local path, not only the fallback.
    assert.ok(local > edits / 5, `local reparses: ${local} of ${edits}`);
  });

  // newLockHelpers and nextLockShapeBaseline keep each function's answer from their last walk against the same
  // baseline while its name, summary and degraded note are the same: on the edit path (summaries reused) they
  // must answer as on a fresh analysis of the same text (new summaries: nothing kept), against a copy of the
  // baseline (a walk of its own).
  it('the lock-helper comparison of each version equals that of a fresh analysis, against the same baseline', () => {
    let doc = 0;
    let flagged = 0;
    const unlockArb = fc.nat({ max: 1000 }).map((unlock) => ({ unlock }));
    fc.assert(
      fc.property(fc.array(fc.oneof(bodyEditArb, unlockArb, unlockArb), { minLength: 1, maxLength: 16 }), (seq) => {
        const uri = `file:///helpers/${doc++}.c`;
        let text = base;
        let version = 1;
        let baseline: LockShapeBaseline = nextLockShapeBaseline(undefined, analyzers.inc.analyze(uri, version, text)!);
        for (const e of seq) {
          let r: { text: string; start: number; oldEnd: number; newText: string };
          if ('unlock' in e) {
            // Delete an unlock statement: the function may now return holding the lock.
            const unlocks = [...text.matchAll(/\b\w*unlock\w*\([^;{}]*\);/g)];
            const m = unlocks[e.unlock % Math.max(1, unlocks.length)];
            const start = m ? m.index! : 0;
            const oldEnd = m ? start + m[0].length : 0;
            r = { text: text.slice(0, start) + text.slice(oldEnd), start, oldEnd, newText: '' };
          } else r = applyInBody(text, analyzers.fresh.analyze({ path: uri, text }), e);
          text = r.text;
          analyzers.inc.edit(uri, [{ start: r.start, oldEnd: r.oldEnd, newText: r.newText }]);
          const got = analyzers.inc.analyze(uri, ++version, text)!;
          const fresh = analyzers.fresh.analyze({ path: uri, text });
          const copy = new Map(baseline);
          const helpers = newLockHelpers(baseline, got);
          assert.deepEqual(helpers, newLockHelpers(copy, fresh));
          flagged += helpers.length;
          const next = nextLockShapeBaseline(baseline, got);
          const freshNext = nextLockShapeBaseline(copy, fresh);
          assert.equal(next === baseline, freshNext === copy, 'the baseline kept');
          assert.deepEqual([...next], [...freshNext]);
          baseline = next;
        }
        analyzers.inc.close(uri);
      }),
      { numRuns: 40, seed: 20260611 },
    );
    // The comparison must find lock helpers, not only their absence.
    assert.ok(flagged > 0, `findings: ${flagged}`);
  });

  it('falls back to the whole-file reparse for edits that can change tokens beyond the function', async () => {
    const a = createIncrementalAnalyzer(await createAnalyzer());
    const uri = 'file:///fallback.c';
    a.analyze(uri, 1, base);
    let text = base;
    let version = 1;
    for (const ins of ['x', '/*', '"', '}', '#if 0\n']) {
      const at = text.indexOf('(*x)++;');
      a.edit(uri, [{ start: at, oldEnd: at, newText: ins }]);
      text = text.slice(0, at) + ins + text.slice(at);
      const got = a.analyze(uri, ++version, text)!;
      assert.equal(a.lastStats.local, ins === 'x', `local for ${JSON.stringify(ins)}`);
      assert.deepEqual(view(got), view(analyzers.fresh.analyze({ path: uri, text })));
    }
    a.dispose();
  });

  it('an edit past the end of a function left unclosed, in text its CFG still reads, recomputes it (found by the edit fuzzer)', async () => {
    // A mutant of the example, shrunk: vcpu_migrate's `{` is never closed; it ends where oldfor_each_vcpu starts,
    // but the statements the parser kept in its body after that are in its CFG (the XSR002 below is one).
    const text = [
      'static void vcpu_migrate(struct vcpu *v)',
      '{',
      '    unsiheld = true;gned int oldfor_each_vcpu ( d, v )',
      '    {_cpu, new_cpu;',
      '    {',
      '    return poked;',
      '        }',
      '    }',
      '        vcpu_migrate_start(v);',
    ].join('\n');
    const a = createIncrementalAnalyzer(await createAnalyzer());
    const uri = 'file:///unclosed.c';
    a.analyze(uri, 1, text);
    const at = text.indexOf('    return poked;');
    a.edit(uri, [{ start: at, oldEnd: at + 2, newText: '' }]);
    const next = text.slice(0, at) + text.slice(at + 2);
    const got = a.analyze(uri, 2, next)!;
    assert.deepEqual(view(got), view(analyzers.fresh.analyze({ path: uri, text: next })));
    assert.deepEqual(
      got.diagnostics.map((d) => [d.code, d.function, d.start]),
      [['XSR002', 'vcpu_migrate', next.indexOf('vcpu_migrate_start(v)')]],
    );
    a.dispose();
  });

  // The functions below an edit are placed anew on every keystroke, each in the record of its last
  // placement (documentAnalysis.ts): moved along their lines, across lines, and back where they were computed.
  it('functions moved by keystrokes above them, along their lines, across lines and back, equal a fresh analysis each time', async () => {
    const a = createIncrementalAnalyzer(await createAnalyzer());
    const fresh = await createAnalyzer();
    const uri = 'file:///moves.c';
    let text = base;
    let version = 1;
    const first = a.analyze(uri, version, text)!;
    assert.ok(first.diagnostics.length > 0, 'the fixture has findings to move');
    // Inside the first function's body, so every other function moves.
    const at = first.functions[0]!.syntax.bodyStart + 1;
    // The others move by +1, +2, +1 (back to an earlier move), +2 and a line, +1, 0 (where they were computed), +1 and a line.
    const steps: { start: number; oldEnd: number; newText: string }[] = [
      { start: at, oldEnd: at, newText: 'q' },
      { start: at, oldEnd: at, newText: 'q' },
      { start: at, oldEnd: at + 1, newText: '' },
      { start: at, oldEnd: at, newText: '\n' },
      { start: at, oldEnd: at + 1, newText: '' },
      { start: at, oldEnd: at + 1, newText: '' },
      { start: at, oldEnd: at, newText: '\n' },
    ];
    for (const e of steps) {
      text = text.slice(0, e.start) + e.newText + text.slice(e.oldEnd);
      a.edit(uri, [e]);
      const got = a.analyze(uri, ++version, text)!;
      assert.ok(a.lastStats.local, JSON.stringify(e));
      const again = fresh.analyze({ path: uri, text });
      assert.deepEqual(view(got), view(again), JSON.stringify(e));
      // A moved function's syntax is written out field by field (documentAnalysis.ts, movedSyntax): the same
      // fields, in the same order, as the parser's.
      assert.deepEqual(
        got.functions.map((f) => Object.entries(f.syntax)),
        again.functions.map((f) => Object.entries(f.syntax)),
        JSON.stringify(e),
      );
    }
    a.dispose();
  });

  it('reuses unchanged functions and recomputes only the edited one', async () => {
    const a = createIncrementalAnalyzer(await createAnalyzer());
    const uri = 'file:///reuse.c';
    a.analyze(uri, 1, base);
    const at = base.indexOf('(*x)++;');
    a.edit(uri, [{ start: at, oldEnd: at, newText: 'y = 0; ' }]);
    const text = base.slice(0, at) + 'y = 0; ' + base.slice(at);
    a.analyze(uri, 2, text);
    assert.equal(a.lastStats.computed, 1);
    assert.ok(a.lastStats.reused >= a.lastStats.functions - 1);
    a.dispose();
  });
});
