// Incremental sync over JSON-RPC: edits, versions, settings, skipped files, simulation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CancellationTokenSource, InlayHintRequest, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';

import { SimulateRequest } from '../../server/src/contracts/lspRequests';
import { createAnalyzer } from '../../server/src/core/index';
import { fixtureMarks } from '../shared/fixtureMarks';
import { fixture, startClient } from './harness';

const fx = fixture('migrate.c');
/** The 0-based line of a line the fixture marks with an `@name` comment. */
const l0 = (name: string): number => fixtureMarks(fx.text, 'migrate.c')(name).line0;
const fullRange = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

describe('language server: editing', () => {
  it('re-publishes for each new version, equal to a fresh analysis of the text', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
    // Delete the early return of demo_leak (its `if` and `return` lines): XSR007 goes away.
    const [ifLine, returnLine] = [l0('leak_test'), l0('leak_return')];
    await c.change(fx.uri, 2, [
      { range: { start: { line: ifLine, character: 0 }, end: { line: returnLine + 1, character: 0 } }, text: '' },
    ]);
    const d2 = await c.diagnosticsFor(fx.uri, 2);
    assert.deepEqual(
      d2.map((d) => d.code),
      ['XSR001'],
    );
    // Type a few characters one by one inside demo_plain, then put the return back.
    let text = fx.text
      .split('\n')
      .filter((_, i) => i !== ifLine && i !== returnLine)
      .join('\n');
    const line = text.split('\n').findIndex((l) => l.includes('(*x)++;'));
    for (const [i, ch] of ['/', '/', ' ', 'x'].entries()) {
      await c.change(fx.uri, 3 + i, [{ range: { start: { line, character: 4 + i }, end: { line, character: 4 + i } }, text: ch }]);
    }
    const lines = text.split('\n');
    lines[line] = `    // x${lines[line]!.slice(4)}`;
    text = lines.join('\n');
    const d6 = await c.diagnosticsFor(fx.uri, 6);
    const fresh = (await createAnalyzer()).analyze({ path: fx.uri, text });
    assert.deepEqual(
      d6.map((d) => [d.code, d.range.start.line, d.message]),
      // The editor's messages name their function first when the rule's words do not.
      fresh.diagnostics.map((d) => [
        d.code,
        fresh.lineIndex.position(d.start).line,
        d.message.includes(`${d.function}(`) ? d.message : `${d.function}(): ${d.message}`,
      ]),
    );
    await c.dispose();
  });

  it('never publishes diagnostics for a version that is no longer current', async () => {
    const c = await startClient({ server: { debounceMs: 20 } });
    await c.open(fx.uri, fx.text);
    for (let v = 2; v <= 6; v++)
      await c.change(fx.uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
    await c.diagnosticsFor(fx.uri, 6);
    assert.deepEqual(
      c.diagnostics.items.filter((d) => d.uri === fx.uri).map((d) => d.version),
      [6],
    );
    await c.dispose();
  });

  it('computes code actions for the current version', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.change(fx.uri, 7, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    const diags = await c.diagnosticsFor(fx.uri, 7);
    const x1 = diags.find((d) => d.code === 'XSR001')!;
    assert.equal(x1.range.start.line, l0('force_flag') + 1, 'one line down, below the inserted one');
    const actions = (await c.client.sendRequest('textDocument/codeAction', {
      textDocument: { uri: fx.uri },
      range: x1.range,
      context: { diagnostics: [x1], only: ['quickfix'] },
    })) as { edit: { documentChanges: { textDocument: { version: number } }[] } }[];
    assert.equal(actions[0]!.edit.documentChanges[0]!.textDocument.version, 7);
    await c.dispose();
  });

  it('follows xsr.inlayHints.mode per resource and re-reads it after a configuration change', async () => {
    const c = await startClient({ settings: { inlayHints: { mode: 'all' } } });
    await c.open(fx.uri, fx.text);
    const all = await c.client.sendRequest(InlayHintRequest.type, { textDocument: { uri: fx.uri }, range: fullRange });
    // Every statement line of the three functions that take a lock (demo_plain takes none).
    assert.equal(all?.length, 8 + 4 + 5);
    assert.equal(all?.find((h) => h.position.line === l0('force_test'))?.label, '🔒 sched(v)');
    c.settings.inlayHints = { mode: 'off' };
    await c.configChanged();
    const off = await c.client.sendRequest(InlayHintRequest.type, { textDocument: { uri: fx.uri }, range: fullRange });
    assert.deepEqual(off, []);
    await c.dispose();
  });

  it('warns once about malformed settings and keeps the defaults', async () => {
    const c = await startClient({
      settings: {
        inlayHints: { mode: 'sometimes' },
        locks: {
          extraHelpers: [
            { name: 'my lock', kind: 'acquire', lock: 'sched' },
            { name: 'my_sched_lock', kind: 'acquire', lock: 'sched', arg: 0 },
          ],
        },
        maxFileSize: 'big',
      },
    });
    await c.open(fx.uri, fx.text);
    const d = await c.diagnosticsFor(fx.uri, 1);
    assert.deepEqual(
      d.map((x) => x.code),
      ['XSR001', 'XSR007'],
    );
    const hints = await c.client.sendRequest(InlayHintRequest.type, { textDocument: { uri: fx.uri }, range: fullRange });
    assert.equal(hints?.length, 8, 'the default mode (changes) applies');
    const texts = c.messages.items.map((m) => m.message);
    assert.equal(texts.length, 3);
    assert.ok(texts.some((t) => t.includes('xsr.inlayHints.mode') && t.includes('"sometimes"')));
    assert.ok(texts.some((t) => t.includes('helpers[0] ("my lock")')));
    assert.ok(texts.some((t) => t.includes('xsr.maxFileSize')));
    await c.dispose();
  });

  it('uses valid user lock helpers', async () => {
    const text = 'static void demo_user(struct vcpu *v)\n{\n    my_sched_lock(v);\n    vcpu_migrate_start(v);\n}\n';
    const c = await startClient({
      settings: { locks: { extraHelpers: [{ name: 'my_sched_lock', kind: 'acquire', lock: 'sched', arg: 0 }] } },
    });
    const uri = fx.uri.replace('migrate.c', 'user.c');
    await c.open(uri, text);
    const hints = await c.client.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: fullRange });
    assert.equal(hints?.[0]?.label, '🔒 sched(v)');
    await c.dispose();
  });

  it('skips files over xsr.maxFileSize with one notice, and binary content', async () => {
    const c = await startClient({ settings: { maxFileSize: 100 } });
    await c.open(fx.uri, fx.text);
    assert.deepEqual(await c.diagnosticsFor(fx.uri, 1), []);
    await c.change(fx.uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
    await c.diagnosticsFor(fx.uri, 2);
    assert.equal(c.messages.items.length, 1);
    assert.match(c.messages.items[0]!.message, /migrate\.c is \d+ bytes, over xsr\.maxFileSize \(100\)/);
    const st = await c.statuses.next((s) => s.version === 2);
    assert.equal(st.state, 'skipped');
    const bin = fx.uri.replace('migrate.c', 'blob.c');
    await c.open(bin, 'a\u0000b');
    assert.deepEqual(await c.diagnosticsFor(bin, 1), []);
    assert.match((await c.statuses.next((s) => s.uri === bin)).message ?? '', /binary/);
    await c.dispose();
  });

  it('skips a document while an edit has put a NUL byte in it, and counts the UTF-8 bytes of a short text of wide characters', async () => {
    const c = await startClient({ settings: { maxFileSize: 100 } });
    const small = 'static int a;\n';
    const uri = fx.uri.replace('migrate.c', 'small.c');
    await c.open(uri, small);
    assert.equal((await c.statuses.next((s) => s.uri === uri && s.version === 1)).state, 'done');
    const at = (character: number) => ({ line: 0, character });
    await c.change(uri, 2, [{ range: { start: at(11), end: at(11) }, text: 'b\u0000' }]);
    const nul = await c.statuses.next((s) => s.uri === uri && s.version === 2);
    assert.equal(nul.state, 'skipped');
    assert.match(nul.message ?? '', /binary content \(NUL bytes\)/);
    await c.change(uri, 3, [{ range: { start: at(12), end: at(13) }, text: '' }]);
    assert.equal((await c.statuses.next((s) => s.uri === uri && s.version === 3)).state, 'done');
    await c.change(uri, 4, [{ text: 'x\u0000' }]);
    assert.equal((await c.statuses.next((s) => s.uri === uri && s.version === 4)).state, 'skipped');
    // 54 characters, 102 bytes in UTF-8: over 100, though 54 characters are not.
    await c.change(uri, 5, [{ text: `/* ${'é'.repeat(48)} */` }]);
    const wide = await c.statuses.next((s) => s.uri === uri && s.version === 5);
    assert.equal(wide.state, 'skipped');
    assert.match(wide.message ?? '', /small\.c is 102 bytes, over xsr\.maxFileSize \(100\)/);
    await c.dispose();
  });

  it('simulates the functions off the message loop', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    const res = await c.client.sendRequest(SimulateRequest.type, {
      textDocument: { uri: fx.uri },
      functions: ['demo_new_initiator'],
      options: { maxStates: 200000 },
    });
    assert.equal(res.version, 1);
    assert.ok(['verified', 'violation', 'limit'].includes(res.result));
    const bad = await c.client.sendRequest(SimulateRequest.type, { textDocument: { uri: fx.uri }, functions: ['no_such_function'] }).then(
      () => undefined,
      (e: ResponseError<void>) => e,
    );
    assert.ok(bad instanceof ResponseError);
    assert.match(bad.message, /no function named no_such_function/);
    await c.dispose();
  });

  it('honours cancellation of a simulation', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    const cts = new CancellationTokenSource();
    const p = c.client.sendRequest(
      SimulateRequest.type,
      { textDocument: { uri: fx.uri }, functions: ['demo_force_reschedule', 'demo_new_initiator'], options: { initiators: 3, pcpus: 4 } },
      cts.token,
    );
    cts.cancel();
    const err = await p.then(
      () => undefined,
      (e: ResponseError<void>) => e,
    );
    assert.ok(err instanceof ResponseError);
    assert.equal(err.code, LSPErrorCodes.RequestCancelled);
    await c.dispose();
  });
});
