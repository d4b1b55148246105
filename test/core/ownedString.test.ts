// Strings kept by long-lived tables must not keep the text they were cut from
// alive (V8 makes a substring of 13 characters or more a view into its
// parent): `owned` against a plain slice, measured by what a full collection
// leaves on the heap after sixty 100 KB texts (an editor's keystrokes each
// make a new text of the document) had one piece each kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';

import { owned } from '../../server/src/core/syntax/ownedString';
import { tokenizeRange } from '../../server/src/core/syntax/tokens';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const TEXTS = 60;
/** 98 KB: below V8's large-object size, as a 4,000-line file is (large objects are freed lazily, so not measured). */
const STATEMENTS = 14000;

/**
 * Heap in use after `keep` took one piece of each of TEXTS fresh texts (each ends with ` csched_unit_acct_K;`),
 * and the tenth piece (the pieces are let go on return: one measure does not count another's).
 */
function heapKeeping(keep: (text: string, k: number) => string): { tenth: string; used: number } {
  const kept: string[] = [];
  for (let k = 0; k < TEXTS; k++) {
    // Joined from an array: one flat string, as a document's text is (`repeat` and `+` make trees V8 may cut into).
    const text = [new Array<string>(STATEMENTS).fill('int x; ').join(''), ` csched_unit_acct_${k};`].join('');
    kept.push(keep(text, k));
  }
  gc();
  gc();
  return { tenth: kept[9]!, used: process.memoryUsage().heapUsed };
}

const textBytes = STATEMENTS * 7 * TEXTS;

describe('owned strings', () => {
  it('equal the slice they copy', () => {
    const t = 'static void csched_unit_acct(struct csched_private *prv)';
    for (const [a, b] of [
      [0, 6],
      [12, 30],
      [0, t.length],
      [5, 5],
    ] as const)
      assert.equal(owned(t.slice(a, b)), t.slice(a, b));
  });

  it('keep no text alive, where slices of it keep all of it', () => {
    const base = heapKeeping(() => '').used;
    const slices = heapKeeping((t, k) => t.slice(k * 7, k * 7 + 40));
    const copies = heapKeeping((t, k) => owned(t.slice(k * 7, k * 7 + 40)));
    assert.ok(slices.used - base > textBytes / 2, `slices keep the texts (${slices.used - base} bytes)`);
    assert.ok(copies.used - base < textBytes / 20, `owned pieces keep ${copies.used - base} bytes`);
    assert.equal(copies.tenth, slices.tenth);
  });

  it('the lexer hands out long identifiers that keep no text alive', () => {
    const base = heapKeeping(() => '').used;
    const names = heapKeeping((t) => tokenizeRange(t, t.lastIndexOf(' '), t.length)[0]!.text);
    assert.equal(names.tenth, 'csched_unit_acct_9');
    assert.ok(names.used - base < textBytes / 20, `identifiers keep ${names.used - base} bytes`);
  });
});
