// ifStatementAt (the fixes' reading of an `if` statement) reads a window
// after the condition that grows until it holds the whole statement and the
// token after it: long bodies, an `else` just past a window's edge, a token
// cut by the edge, and a statement never closed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ifStatementAt, Source } from '../../server/src/core/fix/text';

const pad = (n: number): string => '    x = 1;\n'.repeat(n);

/** The text with an `if ( c )` at the start of a line: the condition's offsets. */
function cond(text: string): { start: number; end: number } {
  const start = text.indexOf('( c )');
  return { start, end: start + '( c )'.length };
}

test('a braced body longer than the first window is read to its closing brace', () => {
  const body = pad(1000); // 11,000 characters
  const text = `void f(void)\n{\n    if ( c )\n    {\n${body}    }\n    y = 2;\n}\n`;
  const c = cond(text);
  const st = ifStatementAt(new Source(text), c.start, c.end)!;
  assert.ok(st);
  assert.equal(st.braces, true);
  assert.equal(st.ifStart, text.indexOf('if ( c )'));
  assert.equal(text.slice(st.end - 1, st.end), '}');
  assert.equal(st.end, text.indexOf('    y = 2;') - 1);
  assert.equal(text.slice(st.bodyStart, st.bodyEnd), `\n${body}    `);
});

test('an else past the first window is seen: no plain if statement there', () => {
  // The closing brace sits just before the 4,096-character window's edge; `else` comes after it.
  const body = pad(369);
  const text = `    if ( c )\n    {\n${body}    }\n    else\n        z = 3;\n`;
  const c = cond(text);
  assert.ok(text.indexOf('else') - c.end > 4096 - 40 && text.indexOf('else') - c.end < 4096 + 40);
  assert.equal(ifStatementAt(new Source(text), c.start, c.end), undefined);
});

test('a word cut by the window edge is not taken for the token after the statement', () => {
  // Place `else` so that the first window ends inside it, for each cut position.
  for (let shift = 0; shift < 6; shift++) {
    const head = '    if ( c )\n    {\n';
    const close = '    }\n';
    const fill = 4096 - ('\n    {\n'.length + close.length) - 2 + shift;
    const body = `    /*${'-'.repeat(Math.max(0, fill - 8))}*/\n`;
    const text = `${head}${body}${close}else\n        z = 3;\n`;
    const c = cond(text);
    assert.equal(ifStatementAt(new Source(text), c.start, c.end), undefined, `cut at ${shift}`);
  }
});

test('a body never closed gives no statement, after the whole bounded search', () => {
  const text = `    if ( c )\n    {\n${pad(3000)}`;
  const c = cond(text);
  assert.equal(ifStatementAt(new Source(text), c.start, c.end), undefined);
});
