// The lexer reading a range of a document in place (tokenizeRange) against
// the same range copied out first (tokenize of the slice): the same tokens at
// the same offsets, whatever is cut at either end of the range (a comment or
// a string left open, a punctuator split in two, a preprocessor line).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { tokenize, tokenizeRange, TokenPool } from '../../server/src/core/syntax/tokens';

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

// Tokens lent from a pool (the readers that keep none): the same tokens as a
// fresh lexing, for a statement longer than the pool keeps (a generated
// initializer), for a second borrower while the pool is lent, and for the
// next borrower after a long statement.
describe('TokenPool', () => {
  const plain = (ts: readonly { kind: string; text: string; start: number; end: number }[]): unknown[] =>
    ts.map((t) => ({ kind: t.kind, text: t.text, start: t.start, end: t.end }));

  it('lends what tokenizeRange makes, past its cap and after it', () => {
    const pool = new TokenPool();
    const huge = `x = f(${Array.from({ length: 3000 }, (_, i) => `a${i}`).join(', ')});`;
    const long = pool.borrow(huge, 0, huge.length);
    assert.equal(long.length, 6005); // x = f ( 3,000 arguments, 2,999 commas ) ;
    assert.deepEqual(plain(long), plain(tokenizeRange(huge, 0, huge.length)));
    pool.giveBack();
    const short = 'spin_lock(&prv->lock);';
    assert.deepEqual(plain(pool.borrow(short, 10, short.length)), plain(tokenizeRange(short, 10, short.length)));
    pool.giveBack();
  });

  it('appends the tokens of further ranges to what it lent, as tokenizeRange lexes each', () => {
    const pool = new TokenPool();
    const source = 'int a = 1; /* c */ struct s *p = q->r;\n#define X 1\nlong b[2] = { 0 };';
    const ranges: [number, number][] = [
      [0, 10],
      [19, 39],
      [53, source.length],
    ];
    const lent = pool.borrow(source, 0, 0);
    const starts = ranges.map(([s, e]) => pool.append(lent, source, s, e));
    assert.deepEqual(starts, [0, 5, 14]);
    assert.deepEqual(plain(lent), plain(ranges.flatMap(([s, e]) => tokenizeRange(source, s, e))));
    pool.giveBack();
    // The pool's objects are lent again, and a second borrower's array (tokens of its own) takes no pooled object.
    const again = pool.borrow(source, 0, 10);
    assert.equal(again[0], lent[0]);
    const other = pool.borrow('', 0, 0);
    pool.append(other, source, 0, 10);
    assert.deepEqual(plain(other), plain(again));
    assert.ok(other.every((t) => !again.includes(t)));
    pool.giveBack();
  });

  it('gives a second borrower tokens of its own while the pool is lent', () => {
    const pool = new TokenPool();
    const first = pool.borrow('a + b', 0, 5);
    const second = pool.borrow('c - d', 0, 5);
    assert.deepEqual(
      second.map((t) => t.text),
      ['c', '-', 'd'],
    );
    assert.deepEqual(
      first.map((t) => t.text),
      ['a', '+', 'b'],
    );
    assert.ok(second.every((t) => !first.includes(t)));
    pool.giveBack();
  });
});

// Short identifiers are interned: names that share a slot (there are more
// names here than slots) or a length, and names too long to intern, still
// read as their own characters, however often each comes back.
describe('identifier interning', () => {
  it('reads every name as its characters, in a text with more names than the table has slots', () => {
    const names: string[] = [];
    for (let i = 0; i < 12000; i++) {
      const n = i.toString(36);
      names.push(`_${n}`, `v${n}x`, `${'abcdefgh'[i % 8]!}${n}`.padEnd(12, 'q'), `long_name_${n}_past_twelve`);
    }
    // Twice over, in an order that revisits names after their slots were taken by others.
    const source = [...names, ...names.slice().reverse()].join(' + ');
    for (const t of tokenizeRange(source, 0, source.length)) if (t.kind === 'ident') assert.equal(t.text, source.slice(t.start, t.end));
    const pool = new TokenPool();
    for (const t of pool.borrow(source, 0, source.length)) if (t.kind === 'ident') assert.equal(t.text, source.slice(t.start, t.end));
    pool.giveBack();
  });
});
