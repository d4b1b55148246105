// LineIndex.edited (the editor's keystroke path reads only the lines around an
// edit) against a line index built from the whole text, on random texts of
// every line-end kind and random replacements, a `\r` and a `\n` meeting at
// the edge of an edit included.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { LineIndex } from '../../server/src/core/index';

const piece = fc.constantFrom('a', 'bc', '\n', '\r', '\r\n', '\n\n', '\r\r', 'é𝄞');
const text = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));

/** Every line's start, end and text, as the index answers. */
function lines(ix: LineIndex): { start: number; text: string }[] {
  return Array.from({ length: ix.lineCount }, (_, i) => ({ start: ix.lineStart(i), text: ix.lineText(i) }));
}

describe('LineIndex.edited', () => {
  it('equals the index of the whole edited text', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), text, (before, a, b, inserted) => {
        const start = a % (before.length + 1);
        const oldEnd = start + (b % (before.length - start + 1));
        const after = before.slice(0, start) + inserted + before.slice(oldEnd);
        const got = LineIndex.edited(new LineIndex(before), after, start, oldEnd, inserted.length);
        assert.deepEqual(lines(got), lines(new LineIndex(after)));
        for (let o = 0; o <= after.length; o++) assert.equal(got.lineOf(o), new LineIndex(after).lineOf(o), `offset ${o}`);
      }),
      { numRuns: 3000, seed: 20261126 },
    );
  });

  it('a `\\n` typed right after a `\\r` joins it into one line end', () => {
    const before = 'ab\rcd\nef';
    const got = LineIndex.edited(new LineIndex(before), 'ab\r\ncd\nef', 3, 3, 1);
    assert.deepEqual(lines(got), [
      { start: 0, text: 'ab' },
      { start: 4, text: 'cd' },
      { start: 7, text: 'ef' },
    ]);
  });
});

describe('LineIndex of a whole text', () => {
  it('has the lines `split` finds, for texts with `\\n` only (counted, then written) and with `\\r`', () => {
    fc.assert(
      fc.property(text, (t) => {
        const got = lines(new LineIndex(t));
        const want: { start: number; text: string }[] = [];
        let start = 0;
        for (const line of t.split(/\r\n|\n|\r/)) {
          want.push({ start, text: line });
          start += line.length + (t.startsWith('\r\n', start + line.length) ? 2 : 1);
        }
        assert.deepEqual(got, want);
        const ix = new LineIndex(t);
        for (let o = 0; o <= t.length; o++) assert.equal(ix.lineOf(o), want.filter((l) => l.start <= o).length - 1, `offset ${o}`);
      }),
      { numRuns: 2000, seed: 20261126 },
    );
  });
});

describe('LineIndex.window', () => {
  it('answers lineOf as the whole index does, for every offset of its stretch', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (t, a, b) => {
        const ix = new LineIndex(t);
        const from = a % (t.length + 1);
        const to = from + (b % (t.length - from + 1));
        const w = ix.window(from, to);
        for (let o = from; o <= to; o++) assert.equal(w.lineOf(o), ix.lineOf(o), `offset ${o} of [${from}, ${to}]`);
      }),
    );
  });
});
