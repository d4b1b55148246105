// Hostile input to the language server over real JSON-RPC (issue 17): change
// ranges far past the end, a didOpen without text, eight simulations at once,
// invalid simulation options, backticks in a lock expression under the hover,
// Fix All on a CRLF document, and the memory a closed document leaves behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import {
  CancellationTokenSource,
  CodeActionRequest,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InlayHintRequest,
  LSPErrorCodes,
  type MarkupContent,
  type ResponseError,
  type TextDocumentEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { SimulateRequest } from '../../server/src/contracts/lspRequests';
import { createAnalyzer } from '../../server/src/core/index';
import { fixtureMarks } from '../shared/fixtureMarks';
import { BYSTANDER, conditionalLockPairs, heldFlagPairs, nestedIfs } from '../shared/worstCases';
import { fixture, positionOf, startClient } from './harness';

const fx = fixture('migrate.c');
const l0 = (name: string): number => fixtureMarks(fx.text, 'migrate.c')(name).line0;

/** A garbage collection on demand (the heap figures below are read after one). */
function collectedHeapMb(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

/** A fresh analysis' findings as line:code, and their messages (the server words them around the core's message). */
async function fresh(text: string): Promise<{ rows: string[]; messages: string[] }> {
  const r = (await createAnalyzer()).analyze({ path: 'x.c', text });
  return {
    rows: r.diagnostics.map((d) => `${r.lineIndex.position(d.start).line}:${d.code}`),
    messages: r.diagnostics.map((d) => d.message),
  };
}

describe('language server: hostile input', () => {
  it('a change at line 10^8 or 10^9 is clamped to the end: the text grows by what was typed, memory stays put, other requests answered', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
    const before = collectedHeapMb();
    await c.change(fx.uri, 2, [{ range: { start: { line: 1e8, character: 0 }, end: { line: 1e8, character: 5 } }, text: '\n/* a */\n' }]);
    await c.change(fx.uri, 3, [{ range: { start: { line: 1e9, character: 1e9 }, end: { line: 2e9, character: 0 } }, text: 'int x;\n' }]);
    // Negative and fractional positions mean the start.
    await c.change(fx.uri, 4, [{ range: { start: { line: -5, character: 0.5 }, end: { line: -1, character: -1 } }, text: '/* top */\n' }]);
    const text = `/* top */\n${fx.text}\n/* a */\nint x;\n`;
    const diags = await c.diagnosticsFor(fx.uri, 4);
    const expected = await fresh(text);
    assert.deepEqual(
      diags.map((d) => `${d.range.start.line}:${d.code}`),
      expected.rows,
    );
    diags.forEach((d, i) => assert.ok(d.message.includes(expected.messages[i]!), d.message));
    assert.ok(collectedHeapMb() - before < 50, 'no allocation for the far-away line numbers');
    // The document's text is what the clamped edits make: a hint request on it is answered at the shifted line.
    const hints = await c.client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 1e9, character: 0 } },
    });
    assert.equal(hints?.[0]?.position.line, l0('force_lock') + 1);
    await c.dispose();
  });

  it('a didOpen whose text is not a string opens an empty document; the server goes on', async () => {
    const c = await startClient();
    const uri = fx.uri.replace('migrate.c', 'no-text.c');
    await c.client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'c', version: 1, text: { not: 'a string' } as unknown as string },
    });
    assert.deepEqual(await c.diagnosticsFor(uri, 1), []);
    await c.open(fx.uri, fx.text);
    assert.deepEqual(
      (await c.diagnosticsFor(fx.uri, 1)).map((d) => d.code),
      ['XSR001', 'XSR007'],
    );
    // Typing into the empty document works as in any other.
    await c.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: BYSTANDER }]);
    assert.deepEqual(
      (await c.diagnosticsFor(uri, 2)).map((d) => d.code),
      ['XSR007'],
    );
    await c.dispose();
  });

  it('eight simulations at once: one runs, four wait their turn, three are refused', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
    const cts = new CancellationTokenSource();
    // A model big enough to run until cancelled.
    const params = {
      textDocument: { uri: fx.uri },
      functions: ['demo_force_reschedule', 'demo_new_initiator'],
      options: { initiators: 3, pcpus: 4 },
    };
    const REFUSED = { code: -32803, message: 'xsr/simulate: 4 simulations are already waiting; try again when they are done' };
    let refused = 0;
    let threeRefused!: () => void;
    const refusals = new Promise<void>((resolve) => (threeRefused = resolve));
    const settled = Array.from({ length: 8 }, () =>
      c.client.sendRequest(SimulateRequest.type, params, cts.token).then(
        (r) => ({ ok: r.result }),
        (e: ResponseError<void>) => {
          if (e.code === REFUSED.code && ++refused === 3) threeRefused();
          return { code: e.code, message: e.message };
        },
      ),
    );
    // The refusals come back at once; the others wait (one runs) until cancelled.
    await refusals;
    cts.cancel();
    const all = await Promise.all(settled);
    const cancelled = { code: LSPErrorCodes.RequestCancelled, message: 'xsr/simulate cancelled' };
    assert.deepEqual(
      [
        all.filter((r) => JSON.stringify(r) === JSON.stringify(REFUSED)).length,
        all.filter((r) => JSON.stringify(r) === JSON.stringify(cancelled)).length,
      ],
      [3, 5],
    );
    // The queue drained: the next one runs.
    const next = await c.client.sendRequest(SimulateRequest.type, {
      textDocument: { uri: fx.uri },
      functions: ['demo_new_initiator'],
      options: { maxStates: 2000 },
    });
    assert.ok(['verified', 'violation', 'limit'].includes(next.result));
    await c.dispose();
  });

  it('invalid simulation options are errors that say which and why', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    const ask = (options: unknown): Promise<unknown> =>
      c.client
        .sendRequest(SimulateRequest.type, {
          textDocument: { uri: fx.uri },
          functions: ['demo_new_initiator'],
          options: options as { initiators: number },
        })
        .then(
          () => 'accepted',
          (e: ResponseError<void>) => [e.code, e.message],
        );
    assert.deepEqual(await ask({ initiators: 'abc' }), [
      -32602,
      'xsr/simulate: option "initiators" must be an integer from 1 to 8, got "abc"',
    ]);
    assert.deepEqual(await ask({ maxStates: -1 }), [
      -32602,
      'xsr/simulate: option "maxStates" must be an integer from 1 to 1000000000, got -1',
    ]);
    assert.deepEqual(await ask({ timeoutMs: 0 }), [
      -32602,
      'xsr/simulate: option "timeoutMs" must be an integer from 1 to 86400000, got 0',
    ]);
    assert.deepEqual(await ask({ pcpus: 1 }), [-32602, 'xsr/simulate: option "pcpus" must be an integer from 2 to 8, got 1']);
    assert.deepEqual(await ask({ pcpus: 99 }), [-32602, 'xsr/simulate: option "pcpus" must be an integer from 2 to 8, got 99']);
    assert.deepEqual(await ask({ initiators: 1.5 }), [-32602, 'xsr/simulate: option "initiators" must be an integer from 1 to 8, got 1.5']);
    assert.deepEqual(await ask({ frobnicate: 1 }), [
      -32602,
      'xsr/simulate: unknown option "frobnicate" (known: initiators, pcpus, maxStates, timeoutMs, inlineDepth, copies, init, distinct)',
    ]);
    assert.deepEqual(await ask('fast'), [-32602, 'xsr/simulate: options must be an object']);
    await c.dispose();
  });

  it('backticks in a lock expression stay inside the hover’s code span (no live link, no image)', async () => {
    const c = await startClient();
    const name = 'prv->locks["`](https://evil.example)![x](https://evil.example/i.png)`"]';
    const text = `static void demo_ticks(struct sched_priv *prv)\n{\n    spin_lock(&${name});\n    prv->n++;\n    spin_unlock(&${name});\n}\n`;
    const uri = fx.uri.replace('migrate.c', 'ticks.c');
    await c.open(uri, text);
    const h = await c.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'prv->n++', 1) });
    const md = (h!.contents as MarkupContent).value;
    assert.equal(
      md,
      [
        '**Locks at line 4** in `demo_ticks()`: before → after',
        '',
        `- before: 🔒 \`\` ${name} \`\` (taken at line 3)`,
        '- after: unchanged',
      ].join('\n'),
    );
    await c.dispose();
  });

  it('the hover of a function the analysis gave up on says so', async () => {
    const c = await startClient();
    const uri = fx.uri.replace('migrate.c', 'deep.c');
    const text = nestedIfs(300);
    await c.open(uri, text);
    const h = await c.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'prv->n++', 1) });
    assert.equal(
      (h!.contents as MarkupContent).value,
      [
        `**Locks at line ${text.split('\n').findIndex((l) => l.includes('prv->n++')) + 1}** in \`sched_nested_ifs()\`: before → after`,
        '',
        '- before: 🔓 no lock held',
        '- after: unchanged',
        '',
        '_Note: not analysed: statements nested deeper than 200 levels._',
      ].join('\n'),
    );
    await c.dispose();
  });

  it('Fix All on a CRLF document: the edited text keeps CRLF line ends', async () => {
    const c = await startClient();
    const text = fx.text.replace(/\n/g, '\r\n');
    await c.open(fx.uri, text);
    const actions = await c.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.xsr'] },
    });
    const edit = (actions![0]! as { edit: { documentChanges: TextDocumentEdit[] } }).edit.documentChanges[0]!;
    const fixed = TextDocument.applyEdits(TextDocument.create(fx.uri, 'c', 1, text), edit.edits);
    assert.doesNotMatch(fixed, /[^\r]\n/);
    const lf = fx.text;
    const lfActions = await (async () => {
      const d = await startClient();
      await d.open(fx.uri, lf);
      const a = await d.client.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: fx.uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll.xsr'] },
      });
      await d.dispose();
      return a;
    })();
    const lfEdit = (lfActions![0]! as { edit: { documentChanges: TextDocumentEdit[] } }).edit.documentChanges[0]!;
    assert.equal(fixed, TextDocument.applyEdits(TextDocument.create(fx.uri, 'c', 1, lf), lfEdit.edits).replace(/\n/g, '\r\n'));
    await c.dispose();
  });

  it('closing documents frees what their analyses held', async () => {
    const c = await startClient();
    const warm = fx.uri.replace('migrate.c', 'warm.c');
    await c.open(warm, BYSTANDER);
    await c.diagnosticsFor(warm, 1);
    await c.close(warm);
    await c.diagnostics.next((d) => d.uri === warm && d.version === undefined);
    const base = collectedHeapMb();
    const uris = Array.from({ length: 4 }, (_, i) => fx.uri.replace('migrate.c', `big${i}.c`));
    for (const [i, uri] of uris.entries()) {
      await c.open(uri, conditionalLockPairs(300 + i) + heldFlagPairs(100 + i));
      await c.diagnosticsFor(uri, 1);
    }
    const open = collectedHeapMb();
    for (const uri of uris) {
      const seen = c.diagnostics.items.length;
      await c.close(uri);
      // Closing publishes an empty diagnostics list for the document.
      assert.deepEqual((await c.diagnostics.next((d) => d.uri === uri && d.version === undefined, seen)).diagnostics, []);
    }
    const closed = collectedHeapMb();
    assert.ok(open - base > 20, `four open documents hold their analyses (${(open - base).toFixed(1)} MB)`);
    assert.ok(closed - base < (open - base) / 4, `after closing: ${(closed - base).toFixed(1)} MB of ${(open - base).toFixed(1)} MB kept`);
    await c.dispose();
  });
});
