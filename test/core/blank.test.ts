// Attribute macros and GNU C idioms blanked before parsing (syntax/blank.ts):
// same length and line ends, exactly which spans, user macros from the
// configuration, and a Xen-style file that parses without errors only thanks
// to it. The incremental path gets the same tree as a fresh parse when an edit
// changes what is blanked outside the edit (typing the last letter of cf_check).
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';

import { Analyzer } from '../../server/src/core/analyzer';
import { createIncrementalAnalyzer } from '../../server/src/core/api';
import { Blanker } from '../../server/src/core/syntax/blank';
import { BUILTIN_ATTRIBUTES, parseAttributeConfig } from '../../server/src/core/xen/attributes';
import { fixtureMarks } from '../shared/fixtureMarks';
import { readFixture } from './fixtures';

const b = new Blanker();

/** The blanked text with each blank run shown as `_`s (so an expected value is readable). */
const shown = (text: string, blanker = b): string => {
  const out = blanker.blank(text);
  assert.equal(out.length, text.length);
  return [...out].map((c, i) => (c === text[i] ? c : c === ' ' && text[i] !== ' ' ? '_' : c)).join('');
};

describe('attribute macros: the blanked text', () => {
  it('blanks the bare words of the table, whole words only', () => {
    assert.equal(shown('static void cf_check foo(void)'), 'static void ________ foo(void)');
    assert.equal(shown('static int __init x;'), 'static int ______ x;');
    assert.equal(shown('static int __initdata_x;'), 'static int __initdata_x;');
    assert.equal(shown('int my_cf_check;'), 'int my_cf_check;');
    assert.equal(shown('unsigned int __read_mostly opt;'), 'unsigned int _____________ opt;');
  });

  it('blanks a function-like attribute with its balanced argument list, strings and line breaks included', () => {
    assert.equal(shown('int __attribute__((aligned(8))) x;'), 'int ___________________________ x;');
    assert.equal(shown('static int __section(".a;b") y;'), 'static int _________________ y;');
    assert.equal(shown('int __aligned(\n  8) z;'), 'int __________\n  __ z;');
    // No argument list, or one that runs into a statement boundary: only the word goes.
    assert.equal(shown('int __aligned z;'), 'int _________ z;');
    assert.equal(shown('int __aligned(8; z;'), 'int _________(8; z;');
  });

  it('turns a type argument of a macro into a plain identifier, but not of sizeof, a cast or a compound literal', () => {
    assert.equal(shown('u = xzalloc(struct foo);'), 'u = xzalloc(______ foo);');
    assert.equal(shown('e = list_entry(p, struct foo, elem);'), 'e = list_entry(p, ______ foo, elem);');
    assert.equal(shown('DEFINE_PER_CPU(struct res *, r);'), 'DEFINE_PER_CPU(______ res _, r);');
    assert.equal(shown('n = sizeof(struct foo);'), 'n = sizeof(struct foo);');
    assert.equal(shown('p = (struct foo *)q;'), 'p = (struct foo *)q;');
    assert.equal(shown('x = (struct foo){ 0 };'), 'x = (struct foo){ 0 };');
  });

  it('reads GNU alignof of an expression as sizeof, and drops the name of a named variadic macro parameter', () => {
    assert.equal(b.blank('BUILD_BUG_ON(alignof(*d) < 8);'), 'BUILD_BUG_ON(sizeof (*d) < 8);');
    assert.equal(b.blank('BUILD_BUG_ON(alignof(struct x) < 8);'), 'BUILD_BUG_ON(alignof(struct x) < 8);');
    assert.equal(shown('#define d2printk(x...) printk(x)'), '#define d2printk(_...) printk(x)');
  });

  it('keeps CRLF and CR line ends where they are', () => {
    const text = 'static void cf_check\r\nfoo(void)\r{\r\n}\n';
    const out = b.blank(text);
    assert.equal(out, 'static void         \r\nfoo(void)\r{\r\n}\n');
  });

  it('takes user macros from the configuration, and names a malformed entry', () => {
    const res = parseAttributeConfig(['__my_attr', ' __my_sect(…) ', '__my_args()', '1bad', 7], 'cfg');
    assert.deepEqual(res.attributes, [
      { name: '__my_attr', args: false },
      { name: '__my_sect', args: true },
      { name: '__my_args', args: true },
    ]);
    assert.deepEqual(res.errors, [
      'cfg[3]: "1bad" is not a C identifier, optionally followed by "(…)"',
      'cfg[4]: 7 is not a C identifier, optionally followed by "(…)"',
    ]);
    assert.deepEqual(parseAttributeConfig({}, 'cfg').errors, ['cfg: expected an array of macro names']);
    const mine = new Blanker(res.attributes);
    assert.equal(shown('int __my_attr __my_sect(1, (2)) x;', mine), 'int _________ ____________ ____ x;');
    assert.equal(shown('int __my_attr x;'), 'int __my_attr x;');
  });

  it('the table holds the macros of the issue, cf_check first', () => {
    const names = BUILTIN_ATTRIBUTES.map((a) => a.name);
    for (const n of ['cf_check', '__init', '__initdata', '__read_mostly', '__ro_after_init', '__used', 'noinline', 'always_inline'])
      assert.ok(names.includes(n), n);
    for (const n of ['__must_check', '__maybe_unused']) assert.ok(names.includes(n), n);
    assert.equal(new Set(names).size, names.length, 'no name twice');
  });
});

describe('loop macros: the header the parser reads', () => {
  it('turns a loop macro heading a block or a statement into for(;;), the rest of its header blanked', () => {
    /** `head` as the parser reads it: `for(;;)`, then blanks, line ends kept. */
    const asFor = (head: string): string => `for(;;)${head.slice(7).replace(/[^\n]/g, ' ')}`;
    const cases: [before: string, head: string, after: string][] = [
      ['{\n    ', 'for_each_vcpu ( d, v )', '\n    {'],
      ['x;\n    ', 'list_for_each_entry(svc, &prv->runq, elem)', ' n++;'],
      // After a condition, a label, else and do; nested brackets and a line break inside the argument list.
      ['if ( a ) ', 'for_each_cpu(i, mask(c))', ' f(i);'],
      ['out: ', 'for_each_domain ( d )', ' {'],
      ['} else ', 'for_each_domain(d)', ' {'],
      ['do ', 'for_each_domain(d)', ' f(d); while ( 0 );'],
      // After a block comment (or two), as Xen often writes one above a loop.
      ['x = 1;\n    /* Wake on new CPU. */\n    ', 'for_each_sched_unit_vcpu ( unit, v )', '\n        vcpu_wake(v);'],
      ['{\n    /*\n     * Two.\n     */ /* comments */ ', 'for_each_vcpu ( d, v )', ' {'],
      [';\n', 'for_each_cpu ( cpu,\n               mask )', ' {'],
    ];
    for (const [before, head, after] of cases) assert.equal(b.blank(before + head + after), before + asFor(head) + after);
    assert.equal(asFor('for_each_cpu ( cpu,\n  m )'), 'for(;;)            \n     ');
  });

  it('leaves every other for_each text as it is', () => {
    for (const text of [
      '#define for_each_vcpu(d, v) for ( (v) = (d)->vcpu[0]; (v); (v) = (v)->next )',
      'n = for_each_count(d);',
      '{ for_each_vcpu(d, v); }',
      '{ for_each_vcpu(d, v) /* all */ { } }',
      'int x = /* n */ for_each_count(d) + 1;',
      'x */ for_each_vcpu(d, v) { }',
      '{ for_each_vcpu(d, v) ++n; }',
      'static void for_each_thing(struct domain *d)\n{',
      '{ for_each_vcpu(d, v { }',
      '{ sched_for_each; }',
    ])
      assert.equal(b.blank(text), text, text);
  });
});

describe('loop macros: the edit path', () => {
  it('an edit that makes a header stop and start being rewritten gives what a fresh analysis gives', async () => {
    const analyzer = await Analyzer.create();
    const text = readFixture('locks', 'loops.c');
    const inc = createIncrementalAnalyzer(analyzer);
    /** What the editor shows of an analysis: findings, parse errors, every line's held locks. */
    const seen = (f: {
      parseErrors: number;
      diagnostics: readonly { code: string; start: number; end: number }[];
      functions: readonly { lineLocks: unknown }[];
    }): string =>
      JSON.stringify([f.parseErrors, f.diagnostics.map((d) => [d.code, d.start, d.end]), f.functions.map((fn) => fn.lineLocks)]);
    inc.analyze('file:///loops.c', 1, text);
    // `for_each_domain` becomes `for_eXach_domain` (no longer rewritten: read through the parser's repair), then back.
    const at = text.indexOf('for_each_domain ( d )') + 'for_e'.length;
    const renamed = `${text.slice(0, at)}X${text.slice(at)}`;
    assert.equal(analyzer.blank(renamed).includes('for_eXach_domain'), true);
    inc.edit('file:///loops.c', [{ start: at, oldEnd: at, newText: 'X' }]);
    assert.equal(seen(inc.analyze('file:///loops.c', 2, renamed)!), seen(analyzer.analyze({ path: 'file:///loops.c', text: renamed })));
    inc.edit('file:///loops.c', [{ start: at, oldEnd: at + 1, newText: '' }]);
    const back = inc.analyze('file:///loops.c', 3, text)!;
    assert.equal(seen(back), seen(analyzer.analyze({ path: 'file:///loops.c', text })));
    assert.equal(back.parseErrors, 0);
    inc.dispose();
  });
});

describe('loop macros: half-typed headers', () => {
  it('every prefix of a function with loop macros, and the header typed letter by letter, is analysed without an exception', async () => {
    const analyzer = await Analyzer.create();
    const body = [
      'static void demo(struct domain *d, struct sched_priv *prv)',
      '{',
      '    struct vcpu *v;',
      '',
      '    spin_lock(&prv->lock);',
      '    /* Every vCPU. */',
      '    for_each_vcpu ( d, v )',
      '        prv->count++;',
      '    for_each_vcpu ( d, v ) {',
      '        v->weight = prv->weight;',
      '    }',
      '    spin_unlock(&prv->lock);',
      '}',
      '',
    ].join('\n');
    const texts: string[] = [];
    for (let n = 0; n <= body.length; n++) texts.push(body.slice(0, n));
    // The second header typed at its place, one character at a time, the rest of the file kept.
    const at = body.lastIndexOf('for_each_vcpu');
    const header = 'for_each_vcpu ( d, v ) {';
    for (let n = 0; n <= header.length; n++) texts.push(body.slice(0, at) + header.slice(0, n) + body.slice(at + header.length));
    for (const text of texts) {
      assert.equal(analyzer.blank(text).length, text.length);
      const r = analyzer.analyze({ path: 'half.c', text });
      assert.ok(!r.diagnostics.some((d) => d.code === 'XSR000'), `no internal error at ${text.length}: ${JSON.stringify(text.slice(-30))}`);
    }
    // Whole, it holds the lock in both loop bodies.
    const whole = analyzer.analyze({ path: 'half.c', text: body }).functions[0]!;
    const line = (s: string): number => body.split('\n').findIndex((l) => l.includes(s));
    for (const s of ['prv->count++', 'v->weight = prv->weight']) {
      const held = whole.lineLocks.find((l) => l.line === line(s));
      assert.deepEqual(
        held?.must.map((h) => h.name),
        ['prv->lock'],
        s,
      );
    }
  });
});

describe('attribute macros: parsing a Xen-style file', () => {
  const text = readFixture('locks', 'attributes.c');
  let analyzer: Analyzer;
  before(async () => {
    analyzer = await Analyzer.create();
  });

  it('parses without errors and finds every function, none degraded', () => {
    const r = analyzer.analyze({ path: 'attributes.c', text });
    assert.equal(r.parseErrors, 0);
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.syntax.hasError]),
      [
        ['demo_boot_setup', false],
        ['demo_tick', false],
        ['demo_alloc', false],
        ['demo_lock_both', false],
        ['demo_pick', false],
        ['demo_halt', false],
      ],
    );
    assert.ok(r.diagnostics.every((d) => !d.conservative));
  });

  it('a user macro the table does not know is an error site until the configuration names it', async () => {
    const mine = text.replace('static void cf_check demo_tick', 'static void __demo_hot demo_tick');
    assert.ok((await Analyzer.create()).analyze({ path: 'a.c', text: mine }).parseErrors > 0);
    const configured = await Analyzer.create({ attributes: [{ name: '__demo_hot', args: false }] });
    assert.equal(configured.analyze({ path: 'a.c', text: mine }).parseErrors, 0);
  });

  it('the incremental analysis equals a fresh one when an edit changes what is blanked beyond it', async () => {
    const inc = createIncrementalAnalyzer(analyzer);
    // Start from `cf_chec` (not a macro: an error site), then type the `k`.
    const at = text.indexOf('cf_check demo_tick') + 'cf_chec'.length;
    const v1 = text.slice(0, at) + text.slice(at + 1);
    const first = inc.analyze('file:///a.c', 1, v1)!;
    assert.ok(first.parseErrors > 0);
    inc.edit('file:///a.c', [{ start: at, oldEnd: at, newText: 'k' }]);
    const second = inc.analyze('file:///a.c', 2, text)!;
    const fresh = analyzer.analyze({ path: 'file:///a.c', text });
    assert.equal(second.parseErrors, 0);
    assert.deepEqual(
      second.functions.map((f) => [f.syntax.name, f.syntax.start, f.syntax.end, f.syntax.hasError]),
      fresh.functions.map((f) => [f.syntax.name, f.syntax.start, f.syntax.end, f.syntax.hasError]),
    );
    assert.deepEqual(
      second.diagnostics.map((d) => [d.code, d.start, d.end]),
      fresh.diagnostics.map((d) => [d.code, d.start, d.end]),
    );
    // And back: deleting the `k` makes it an error site again.
    inc.edit('file:///a.c', [{ start: at, oldEnd: at + 1, newText: '' }]);
    assert.equal(inc.analyze('file:///a.c', 3, v1)!.parseErrors, first.parseErrors);
    inc.dispose();
  });

  it('the fixture marks the xzalloc line, whose type argument is blanked', () => {
    const line = fixtureMarks(text, 'attributes.c')('xzalloc').line0;
    const blanked = analyzer.blank(text).split('\n')[line]!;
    assert.match(blanked, /xzalloc\( {7}demo_unit\)/);
  });
});
