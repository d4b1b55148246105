// TypeTable.fileKey of an edited text is the previous key, not made again,
// when the edit leaves the file-scope text and the `#define`s as they were
// (syntax/textEdits.ts hands it the edit): against the key made from the
// whole text, on random files of bodies, declarations and defines (with
// continued lines) and random edits, inside bodies and elsewhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { LineIndex } from '../../server/src/core/syntax/lineIndex';
import { TypeTable } from '../../server/src/core/types/typeTable';

type Range = { start: number; end: number };

const scope = fc.constantFrom(
  'int x;\n',
  '#define A(x) x\n',
  '#define B \\\n  1\n',
  'struct s { int a; };\n',
  ' #x\n',
  'y \\\n',
  '#define E \\\n',
);
const body = fc.constantFrom('{ a; }', '{\n    b = 1;\n}', '{\n#define C 2\n    c;\n}', '{ x \\\n y; }', '{ "#" }');
const file = fc.array(fc.tuple(scope, fc.option(body)), { maxLength: 8 }).map((parts) => {
  let text = '';
  const bodies: Range[] = [];
  for (const [s, b] of parts) {
    text += s;
    if (b !== null) {
      bodies.push({ start: text.length, end: text.length + b.length });
      text += b;
    }
  }
  return { text, bodies };
});
const inserted = fc.constantFrom('', 'q', ' ', '\n', '#', '\\', 'define D 1', '}', '{');

/** The bodies moved by an edit as the parser would find them when the edit stays inside one (or some bodies otherwise). */
function moved(bodies: Range[], start: number, oldEnd: number, delta: number): Range[] {
  const at = (x: number): number => (x < start ? x : x >= oldEnd ? x + delta : start);
  return bodies.map((b) => ({ start: at(b.start), end: b.end > start && b.end <= oldEnd ? start : at(b.end) }));
}

test('file key of an edited text equals the key made from the whole of it', () => {
  fc.assert(
    fc.property(file, fc.nat(), fc.nat(), inserted, ({ text, bodies }, a, b, ins) => {
      const start = a % (text.length + 1);
      const oldEnd = start + (b % Math.min(4, text.length - start + 1));
      const after = text.slice(0, start) + ins + text.slice(oldEnd);
      const afterBodies = moved(bodies, start, oldEnd, ins.length - (oldEnd - start));
      TypeTable.fileKey(text, bodies);
      LineIndex.edited(new LineIndex(text), after, start, oldEnd, ins.length);
      const edited = TypeTable.fileKey(after, afterBodies);
      // Not the last edit any more: made from the whole text.
      LineIndex.edited(new LineIndex(after), `${after};`, after.length, after.length, 1);
      assert.equal(edited, TypeTable.fileKey(after, afterBodies), JSON.stringify({ text, after, start, oldEnd }));
    }),
    { numRuns: 3000 },
  );
});
