// Property: for random edit sequences on a Xen-style fixture (half-typed code,
// deleted braces, comment openers…), the incremental analysis of every version
// equals a fresh full analysis of that text (diagnostics and lock states per
// line), and nothing throws.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Analyzer, FileAnalysis } from '../../server/src/core/analyzer';
import { DocumentAnalyzer } from '../../server/src/core/incremental/documentAnalysis';
import { PROTOCOL_RULES } from '../../server/src/core/rules/index';
import { fixture } from './harness';

const base = fixture('migrate.c').text + fixture('xen_style.c').text;

const SNIPPETS = ['', 'x', '{', '}', ';', '\n', '(', ')', '/*', '*/', '"', '    vcpu_schedule_unlock_irq(lock, v);\n', 'lock = vcpu_schedule_lock_irq(v);', 'if ( v->is_running )\n', 'return 0;', 'vcpu_migrate_start(v);', 'vcpu_migrate_finish(v);', 'for_each_vcpu ( d, v )\n    {', 'static void f(struct vcpu *v)\n{\n', '#if 0\n', '#endif\n', 'é𝄞'];

type Edit = { at: number; del: number; text: string } | { brace: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x), del: fc.integer({ min: 0, max: 40 }), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 4 })) }).map((e) => ({ at: e.at, del: e.del, text: e.text })),
  fc.nat({ max: 200 }).map((brace) => ({ brace })),
);

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

function view(f: FileAnalysis): unknown {
  return {
    diagnostics: f.diagnostics.map((d) => ({ code: d.code, start: d.start, end: d.end, message: d.message, severity: d.severity, related: d.related, edits: d.edits })),
    functions: f.functions.map((fn) => ({ name: fn.syntax.name, start: fn.syntax.start, lines: fn.lines, summary: fn.summary })),
    parseErrors: f.parseErrors,
  };
}

describe('incremental analysis', () => {
  let fresh: Analyzer;
  let inc: DocumentAnalyzer;
  before(async () => {
    fresh = await Analyzer.create({ rules: PROTOCOL_RULES });
    inc = new DocumentAnalyzer(await Analyzer.create({ rules: PROTOCOL_RULES }));
  });

  it('equals a fresh analysis after every edit of random sequences', () => {
    let doc = 0;
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 12 }), (edits) => {
        const uri = `file:///prop/${doc++}.c`;
        let text = base;
        let version = 1;
        inc.analyze(uri, version, text);
        for (const e of edits) {
          const r = apply(text, e);
          text = r.text;
          inc.edit(uri, [{ start: r.start, oldEnd: r.oldEnd, newText: r.newText }]);
          const got = inc.analyze(uri, ++version, text);
          assert.ok(got, 'parse finished');
          assert.deepEqual(view(got), view(fresh.analyze({ path: uri, text })));
        }
        inc.close(uri);
      }),
      { numRuns: 60, seed: 20240611 },
    );
  });

  it('reuses unchanged functions and recomputes only the edited one', async () => {
    const a = new DocumentAnalyzer(await Analyzer.create({ rules: PROTOCOL_RULES }));
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
