// A publication converts a finding it converted before only to check its
// positions: the same finding object comes back from the analysis while its
// function is untouched, though the text before it changed. Edits of the
// same length in comments outside every function move no offset, so the
// findings below stay the objects they were, while their lines move (a
// character replaced by a line break) and, for a UTF-8 client, their
// columns (a character of two bytes before a function's name on its line).
// Every version's diagnostics must be those of a fresh analysis of the same
// history, whose findings are all new objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Diagnostic } from 'vscode-languageserver-protocol/node';

import { rng } from '../shared/rng';
import { fixture, startClient, type TestClient } from './harness';

const fx = fixture('kinds.c');
const PAD = '/* padpadpad */';
// Comments above every function, and one before demo_burn's header on its line (its name's column then moves).
const opened = `${`${PAD}\n`.repeat(4)}${fx.text.replace('static void demo_burn(', `${PAD} static void demo_burn(`)}`;
const UNLOCK = '    spin_unlock(&prv->lock); /* @burn_unlock */\n';

type Encoding = 'utf-16' | 'utf-8';

/** The LSP position of an offset of `text` (line breaks are `\n` only here). */
function positionAt(text: string, offset: number, encoding: Encoding): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const prefix = before.slice(before.lastIndexOf('\n') + 1);
  return { line, character: encoding === 'utf-8' ? Buffer.byteLength(prefix, 'utf8') : prefix.length };
}

/** The change deleting the unlock of demo_burn (it then returns holding the lock: XSR007 at its name). */
function deleteUnlock(
  text: string,
  encoding: Encoding,
): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const at = text.indexOf(UNLOCK);
  return { range: { start: positionAt(text, at, encoding), end: positionAt(text, at + UNLOCK.length, encoding) }, text: '' };
}

/** The diagnostics of a fresh analysis of the same history: `text` opened with the unlock, which is then deleted. */
async function fresh(c: TestClient, text: string, version: number, encoding: Encoding): Promise<Diagnostic[]> {
  await c.open(fx.uri, text, version);
  // (Analysed as opened first: the finding compares the edit with the document as opened.)
  await c.diagnosticsFor(fx.uri, version);
  await c.change(fx.uri, version + 1, [deleteUnlock(text, encoding)]);
  const d = await c.diagnosticsFor(fx.uri, version + 1);
  await c.close(fx.uri);
  return d;
}

describe('published diagnostics: findings converted before', () => {
  for (const encoding of ['utf-16', 'utf-8'] as Encoding[])
    it(`are those of a fresh analysis after edits that move no offset (${encoding})`, async () => {
      const capabilities = { general: { positionEncodings: [encoding] } };
      const c = await startClient({ capabilities });
      const f = await startClient({ capabilities });
      const next = rng(encoding === 'utf-8' ? 8 : 16);
      let text = opened;
      await c.open(fx.uri, text);
      await c.diagnosticsFor(fx.uri, 1);
      await c.change(fx.uri, 2, [deleteUnlock(text, encoding)]);
      let edited = text.replace(UNLOCK, '');
      const first = await c.diagnosticsFor(fx.uri, 2);
      assert.ok(
        first.some((d) => d.message.startsWith('demo_burn() now returns holding')),
        first.map((d) => d.message).join('\n'),
      );
      assert.deepEqual(first, await fresh(f, text, 10, encoding));
      // The comments' letters (never their delimiters), where a replacement keeps every function's text.
      const inComments: number[] = [];
      for (let i = opened.indexOf(PAD); i >= 0; i = opened.indexOf(PAD, i + 1))
        for (let k = 3; k < PAD.length - 3; k++) inComments.push(i + k);
      for (let step = 0; step < 16; step++) {
        const at = inComments[Math.floor(next() * inComments.length)]!;
        const letter = ['\n', 'é', 'x'][Math.floor(next() * 3)]!;
        // The same offset in the edited text: the unlock deleted is below every comment.
        const start = positionAt(edited, at, encoding);
        const end = positionAt(edited, at + 1, encoding);
        await c.change(fx.uri, step + 3, [{ range: { start, end }, text: letter }]);
        text = text.slice(0, at) + letter + text.slice(at + 1);
        edited = edited.slice(0, at) + letter + edited.slice(at + 1);
        assert.deepEqual(await c.diagnosticsFor(fx.uri, step + 3), await fresh(f, text, 100 * (step + 1), encoding), `step ${step}`);
      }
      await c.dispose();
      await f.dispose();
    });
});
