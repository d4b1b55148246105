// The lexer reading a range of a document in place (tokenizeRange) against
// the same range copied out first (tokenize of the slice): the same tokens at
// the same offsets, whatever is cut at either end of the range (a comment or
// a string left open, a punctuator split in two, a preprocessor line).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { tokenize, tokenizeRange } from '../../server/src/core/syntax/tokens';

const piece = fc.constantFrom(
  'a',
  'x1',
  '_y',
  '42',
  '0x1f',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\\\n',
  '/*',
  '*/',
  '//',
  '#',
  '"s',
  '"',
  "'",
  '\\',
  '<',
  '>',
  '=',
  '.',
  '-',
  '+',
  '&',
  '|',
  '!',
  '*',
  '/',
  '%',
  '^',
  '(',
  ')',
  ',',
  ';',
  'é',
  '𝄞',
);
const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));

describe('tokenizeRange', () => {
  it('equals tokenize of the range copied out, at document offsets', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (source, a, b) => {
        const start = a % (source.length + 1);
        const end = start + (b % (source.length - start + 1));
        assert.deepEqual(tokenizeRange(source, start, end), tokenize(source.slice(start, end), start));
      }),
      { numRuns: 5000, seed: 20261126 },
    );
  });

  it('stops a comment, a string and a punctuator at the end of the range', () => {
    const source = 'a <<= b /* c */ "d" >>= e';
    // `<<=` cut after `<<`; the comment cut before its `*/`.
    assert.deepEqual(
      tokenizeRange(source, 2, 4).map((t) => [t.text, t.start, t.end]),
      [['<<', 2, 4]],
    );
    assert.deepEqual(
      tokenizeRange(source, 6, 14).map((t) => [t.text, t.start, t.end]),
      [['b', 6, 7]],
    );
    // A string cut before its closing quote ends with the range.
    assert.deepEqual(
      tokenizeRange(source, 16, 18).map((t) => [t.kind, t.text, t.start, t.end]),
      [['string', '"d', 16, 18]],
    );
    assert.deepEqual(
      tokenizeRange(source, 20, source.length).map((t) => [t.text, t.start, t.end]),
      [
        ['>>=', 20, 23],
        ['e', 24, 25],
      ],
    );
  });

  it('reads a range that starts with `#` as a preprocessor line, as a copied-out text would', () => {
    const source = 'x = 1;\n#define A 2\ny = 3;';
    assert.deepEqual(
      tokenizeRange(source, 7, source.length).map((t) => t.text),
      ['y', '=', '3', ';'],
    );
    // The range's start is a line start to the lexer (it does not read what came before).
    assert.deepEqual(
      tokenizeRange('a # b', 2, 5).map((t) => t.text),
      [],
    );
  });
});
