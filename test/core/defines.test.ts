// A text's function-like defines (syntax/defines.ts) and what is made of
// them (the jump and ASSERT macros, syntax/jumpMacros.ts). An edited text
// takes its predecessor's list when the edit cannot have touched a define
// (LineIndex.edited notes the edit): the same list a scan of the whole
// edited text finds, on random texts and edits, and the same objects made
// of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { functionDefines } from '../../server/src/core/syntax/defines';
import { assertMacrosOf, jumpMacrosOf } from '../../server/src/core/syntax/jumpMacros';
import { LineIndex } from '../../server/src/core/syntax/lineIndex';
import { forgetText } from '../../server/src/core/syntax/textMemo';

const FILE = [
  '#define fail_if(c, l) do { if ( c ) goto l; } while ( 0 )',
  '#define ASSERT_LOCKED(l) ASSERT(spin_is_locked(l))',
  '#define bail(rc) \\',
  '    return rc',
  'static int demo_pick(struct demo *d)',
  '{',
  '    int rc = 0;',
  '    fail_if(!d, out);',
  'out:',
  '    return rc;',
  '}',
  '',
].join('\n');

/** `text` with `[start, oldEnd)` replaced by `inserted`, the edit noted as the editor's analysis notes it. */
function edited(text: string, start: number, oldEnd: number, inserted: string): string {
  const after = text.slice(0, start) + inserted + text.slice(oldEnd);
  LineIndex.edited(new LineIndex(text), after, start, oldEnd, inserted.length);
  return after;
}

/** The defines of `text` found by a scan of the whole of it (the edit noted last is another text's). */
function scanned(text: string): unknown {
  forgetText(text);
  LineIndex.edited(new LineIndex(text), `${text} `, text.length, text.length, 1);
  return functionDefines(text).map((d) => ({ ...d }));
}

test('defines: a keystroke in a body keeps the list, the jump macros and the ASSERT macros', () => {
  const defines = functionDefines(FILE);
  const jumps = jumpMacrosOf(FILE);
  const asserts = assertMacrosOf(FILE);
  assert.deepEqual(
    defines.map((d) => d.name),
    ['fail_if', 'ASSERT_LOCKED', 'bail'],
  );
  assert.deepEqual([...jumps.macros.keys()], ['fail_if', 'bail']);
  assert.deepEqual(jumps.macros.get('fail_if')!.goto, { param: 1 });
  assert.deepEqual([...asserts], [['ASSERT_LOCKED', { predicate: 'spin_is_locked', param: 0 }]]);
  const at = FILE.indexOf('rc = 0') + 1;
  const after = edited(FILE, at, at, 'q');
  assert.equal(functionDefines(after), defines);
  assert.equal(jumpMacrosOf(after), jumps);
  assert.equal(assertMacrosOf(after), asserts);
});

test('defines: an edit on a define line, a continuation line, or one making a define scans again', () => {
  // The define's own line: its body changes.
  const onDefine = FILE.indexOf('goto l;') + 5;
  const a = edited(FILE, onDefine, onDefine + 1, 'x');
  assert.equal(functionDefines(a)[0]!.body, ' do { if ( c ) goto x; } while ( 0 )');
  assert.deepEqual(jumpMacrosOf(a).macros.get('fail_if')!.goto, { label: 'x' });
  // A continuation line: `bail`'s body is `return rc` no more.
  const cont = FILE.indexOf('    return rc\n') + 4;
  const b = edited(FILE, cont, cont + 6, 'exit');
  assert.equal(functionDefines(b)[2]!.body, ' \\\n    exit rc');
  assert.deepEqual([...jumpMacrosOf(b).macros.keys()], ['fail_if']);
  // A `#` typed at the start of a line inside a body makes a directive of it.
  const line = FILE.indexOf('int rc = 0;');
  const c = edited(FILE, line, line + 4, '#define R(x) ');
  assert.deepEqual(
    functionDefines(c).map((d) => d.name),
    ['fail_if', 'ASSERT_LOCKED', 'bail', 'R'],
  );
  // A line break removed: the line after `bail`'s continuation joins a body line (no define changes, but scanned).
  const join = FILE.indexOf('static int');
  const d = edited(FILE, join - 1, join, '');
  assert.deepEqual(
    functionDefines(d).map((x) => ({ ...x })),
    scanned(d),
  );
});

test('defines of an edited text equal a whole scan of it', () => {
  const piece = fc.constantFrom(
    '#define m(a) goto a;',
    '#define n(x) \\\n    return x',
    '#define ASSERT_X(l) ASSERT(held(l))',
    '#',
    'define',
    ' ',
    '\n',
    '\r\n',
    '\\',
    '\\\n',
    '(',
    ')',
    'x',
    'goto out;',
    '    rc = 0;',
    '{',
    '}',
  );
  const text = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(), fc.array(piece, { maxLength: 3 }), (before, a, b, ins) => {
      const inserted = ins.join('');
      const start = a % (before.length + 1);
      const oldEnd = start + (b % (Math.min(before.length - start, 8) + 1));
      forgetText(before);
      functionDefines(before);
      const after = edited(before, start, oldEnd, inserted);
      forgetText(after);
      const got = functionDefines(after).map((d) => ({ ...d }));
      assert.deepEqual(got, scanned(after), JSON.stringify({ before, after }));
    }),
    { numRuns: 3000 },
  );
});

test('defines: an edit in a very long line, or in a text past the scan limit, is scanned whole and never throws', () => {
  // A generated table on one line (no line break for 20,000 characters): the line is not searched for a `#`.
  const long = `${FILE}static const int table[] = { ${'1, '.repeat(7000)}};\n`;
  forgetText(long);
  const defines = functionDefines(long);
  const at = long.indexOf('1, 1') + 1;
  const after = edited(long, at, at, '2');
  forgetText(after);
  const got = functionDefines(after);
  assert.notEqual(got, defines);
  assert.deepEqual(
    got.map((d) => ({ ...d })),
    scanned(after),
  );
  // Binary junk and lone directive marks read as no define.
  const junk = '\u0000\u00ff#\\\n#define\n#define (x) y\n';
  assert.deepEqual(functionDefines(junk), []);
});
