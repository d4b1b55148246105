// LSP 3.17 conformance over real JSON-RPC: the lifecycle (nothing before
// initialize, nothing after shutdown), progress cancellation from the client,
// inlay-hint refresh only to clients that handle it, position encodings
// (UTF-8 when the client prefers it) and quick fixes found by code and line
// when the client sends a finding back with columns in another encoding, and
// `workspace/executeCommand` for the command the code lenses name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CodeActionRequest,
  CodeLensRequest,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type MarkupContent,
  ResponseError,
  ShutdownRequest,
  type TextDocumentEdit,
  type TextEdit,
  WorkDoneProgressCancelNotification,
} from 'vscode-languageserver-protocol/node';

import { SimulateRequest } from '../../server/src/contracts/lspRequests';
import { fixtureMarks } from '../shared/fixtureMarks';
import { connect, fixture, startClient } from './harness';

const fx = fixture('migrate.c');
const l0 = (name: string): number => fixtureMarks(fx.text, 'migrate.c')(name).line0;

/** The error a request was answered with. */
async function errorOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ResponseError, String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail('the request succeeded');
}

const hoverAt = (uri: string, line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });

describe('LSP lifecycle', () => {
  it('answers a request before initialize with ServerNotInitialized (-32002), and drops didOpen', async () => {
    const { client, server, dispose } = connect();
    client.listen();
    const early = await errorOf(client.sendRequest(HoverRequest.type, hoverAt(fx.uri, 0, 0)));
    assert.deepEqual(early, { code: -32002, message: 'textDocument/hover before initialize: the server is not initialized' });
    await client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fx.uri, languageId: 'c', version: 1, text: fx.text },
    });
    await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, workspaceFolders: null, capabilities: {} });
    await client.sendNotification(InitializedNotification.type, {});
    // Messages are handled in order: had the early didOpen been processed, the document would be open by now.
    assert.deepEqual(await client.sendRequest(CodeLensRequest.type, { textDocument: { uri: fx.uri } }), []);
    assert.equal(server.documents.isOpen(fx.uri), false);
    const again = await errorOf(
      client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, workspaceFolders: null, capabilities: {} }),
    );
    assert.deepEqual(again, { code: -32600, message: 'initialize was already received' });
    dispose();
  });

  it('answers a request after shutdown with InvalidRequest (-32600), and drops notifications', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
    await c.client.sendRequest(ShutdownRequest.type);
    const late = await errorOf(c.client.sendRequest(HoverRequest.type, hoverAt(fx.uri, l0('force_flag'), 10)));
    assert.deepEqual(late, { code: -32600, message: 'textDocument/hover after shutdown: the server is shutting down' });
    assert.deepEqual(await errorOf(c.client.sendRequest(ShutdownRequest.type)), {
      code: -32600,
      message: 'shutdown after shutdown: the server is shutting down',
    });
    c.client.dispose();
    c.server.dispose();
  });
});

describe('LSP progress and refresh', () => {
  it('cancels a simulation when the client cancels the progress the server created for it', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    // A model far too large to finish: only the cancel can end it.
    const run = c.client.sendRequest(SimulateRequest.type, {
      textDocument: { uri: fx.uri },
      functions: ['demo_new_initiator'],
      options: { initiators: 6, pcpus: 8 },
    });
    const created = await c.requests.next((r) => r.method === 'window/workDoneProgress/create');
    const token = (created.params as { token: string }).token;
    await c.progress.next((p) => p.token === token && p.value.kind === 'begin');
    await c.client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
    assert.deepEqual(await errorOf(run), { code: -32800, message: 'xsr/simulate cancelled' });
    await c.progress.next((p) => p.token === token && p.value.kind === 'end');
    await c.dispose();
  });

  for (const refreshSupport of [false, true]) {
    it(`sends workspace/inlayHint/refresh ${refreshSupport ? 'to a client that declared refreshSupport' : 'only to clients that declared it'}`, async () => {
      const c = await startClient({ capabilities: { workspace: { inlayHint: { refreshSupport } } } });
      await c.open(fx.uri, fx.text);
      await c.diagnosticsFor(fx.uri, 1);
      await c.client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      // Handled in order: a refresh sent for the configuration change comes before this answer.
      await c.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: fx.uri } });
      assert.equal(c.requests.items.filter((r) => r.method === 'workspace/inlayHint/refresh').length, refreshSupport ? 1 : 0);
      await c.dispose();
    });
  }
});

/** `fx` with two non-ASCII characters before the XSR001 finding on its line: UTF-16 column 8 is UTF-8 column 11. */
const wide = fx.text.replace('        set_bit(_VPF_migrating', '/*é€*/  set_bit(_VPF_migrating');
const WIDE_URI = fx.uri.replace('migrate.c', 'migrate-wide.c');

/** Applies edits whose columns count `unit`s (UTF-16 code units or UTF-8 bytes). */
function applyEdits(text: string, edits: TextEdit[], unit: 'utf-16' | 'utf-8'): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => {
    const before = lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0);
    const line = lines[p.line] ?? '';
    const col = unit === 'utf-16' ? p.character : Buffer.from(line, 'utf8').subarray(0, p.character).toString('utf8').length;
    return before + col;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

async function quickFixOf(c: Awaited<ReturnType<typeof startClient>>, d: Diagnostic) {
  const actions = await c.client.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: WIDE_URI },
    range: d.range,
    context: { diagnostics: [d], only: ['quickfix'] },
  });
  assert.equal(actions?.length, 1);
  return actions![0] as { title: string; diagnostics: Diagnostic[]; edit: { documentChanges: TextDocumentEdit[] } };
}

describe('LSP position encodings', () => {
  it('negotiates the first encoding of the client it speaks (UTF-16 otherwise)', async () => {
    for (const [offered, chosen] of [
      [undefined, 'utf-16'],
      [['utf-8', 'utf-16'], 'utf-8'],
      [['utf-16', 'utf-8'], 'utf-16'],
      [['utf-32', 'utf-8'], 'utf-8'],
      [['utf-32'], 'utf-16'],
    ] as const) {
      const c = await startClient({ capabilities: offered ? { general: { positionEncodings: [...offered] } } : {} });
      assert.equal(c.init.capabilities.positionEncoding, chosen, JSON.stringify(offered));
      await c.dispose();
    }
  });

  it('speaks UTF-8 columns to a client that prefers them: diagnostics, hover, edits and changes', async () => {
    const u8 = await startClient({ capabilities: { general: { positionEncodings: ['utf-8', 'utf-16'] } } });
    const u16 = await startClient();
    await u8.open(WIDE_URI, wide);
    await u16.open(WIDE_URI, wide);
    const d8 = (await u8.diagnosticsFor(WIDE_URI, 1))[0]!;
    const d16 = (await u16.diagnosticsFor(WIDE_URI, 1))[0]!;
    assert.equal(d8.code, 'XSR001');
    assert.deepEqual(d16.range, { start: { line: l0('force_flag'), character: 8 }, end: { line: l0('force_flag'), character: 48 } });
    assert.deepEqual(d8.range, { start: { line: l0('force_flag'), character: 11 }, end: { line: l0('force_flag'), character: 51 } });
    // The same fix, in each client's columns, makes the same text.
    const f8 = await quickFixOf(u8, d8);
    const f16 = await quickFixOf(u16, d16);
    assert.deepEqual(f8.diagnostics, [d8]);
    const fixed16 = applyEdits(wide, f16.edit.documentChanges[0]!.edits, 'utf-16');
    assert.equal(applyEdits(wide, f8.edit.documentChanges[0]!.edits, 'utf-8'), fixed16);
    assert.notEqual(fixed16, wide);
    // A hover at UTF-8 column 11 is over `set_bit` (UTF-16 column 8).
    const hover = await u8.client.sendRequest(HoverRequest.type, hoverAt(WIDE_URI, l0('force_flag'), 11));
    assert.match((hover?.contents as MarkupContent).value, new RegExp(`^\\*\\*Locks at line ${l0('force_flag') + 1}\\*\\*`));
    assert.deepEqual(hover?.range?.start, { line: l0('force_flag'), character: 11 });
    // A change at UTF-8 column 11 inserts before `set_bit`, not inside it.
    await u8.change(WIDE_URI, 2, [
      { range: { start: { line: l0('force_flag'), character: 11 }, end: { line: l0('force_flag'), character: 11 } }, text: '(void)0; ' },
    ]);
    await u8.diagnosticsFor(WIDE_URI, 2);
    const line = u8.server.documents.documents.get(WIDE_URI)!.getText().split('\n')[l0('force_flag')]!;
    assert.equal(line.trimEnd(), '/*é€*/  (void)0; set_bit(_VPF_migrating, &v->pause_flags); /* @force_flag */');
    await u8.dispose();
    await u16.dispose();
  });

  it("offers the quick fix anywhere on the finding's line, also before the client has the diagnostic", async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    const line = l0('force_flag');
    const actions = await c.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    assert.deepEqual(
      actions?.map((a) => [a.title, (a as { diagnostics: Diagnostic[] }).diagnostics.map((d) => [d.code, d.range.start.line])]),
      [['Rewrite to vcpu_migrate_start() / vcpu_migrate_finish()', [['XSR001', line]]]],
    );
    await c.dispose();
  });

  it('finds the quick fix by code and line when the client sends the finding back with columns in another encoding', async () => {
    const c = await startClient();
    await c.open(WIDE_URI, wide);
    const d = (await c.diagnosticsFor(WIDE_URI, 1))[0]!;
    // The same finding with UTF-8 columns, as a client that counts bytes would send it back.
    const bytes: Diagnostic = { ...d, range: { start: { ...d.range.start, character: 11 }, end: { ...d.range.end, character: 51 } } };
    const fix = await quickFixOf(c, bytes);
    assert.equal(fix.title, 'Rewrite to vcpu_migrate_start() / vcpu_migrate_finish()');
    assert.deepEqual(fix.diagnostics, [bytes]);
    await c.dispose();
  });
});

describe('workspace/executeCommand', () => {
  it('advertises xsr.simulate, unless the client runs it itself (initializationOptions.clientCommands)', async () => {
    const plain = await startClient();
    assert.deepEqual(plain.init.capabilities.executeCommandProvider, { commands: ['xsr.simulate'] });
    await plain.dispose();
    const vscode = await startClient({ initializationOptions: { clientCommands: ['xsr.simulate'] } });
    assert.equal(vscode.init.capabilities.executeCommandProvider, undefined);
    await vscode.dispose();
  });

  it("runs a code lens's command: the xsr/simulate result, plus the text table, and the verdict shown", async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    const lenses = await c.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: fx.uri } });
    const lens = lenses!.find((l) => l.range.start.line === l0('force_reschedule'))!;
    const result = (await c.client.sendRequest(ExecuteCommandRequest.type, {
      command: lens.command!.command,
      arguments: lens.command!.arguments!,
    })) as { result: string; invariant: string; trace: unknown[]; text: string; stats: { states: number } };
    const direct = await c.client.sendRequest(SimulateRequest.type, {
      textDocument: { uri: fx.uri },
      functions: ['demo_force_reschedule'],
    });
    assert.equal(result.result, 'violation');
    assert.equal(result.invariant, direct.invariant);
    assert.equal(result.trace.length, direct.trace.length);
    assert.deepEqual(result.stats.states, direct.stats.states);
    const lines = result.text.split('\n');
    assert.equal(lines[0], 'migrate.c: demo_force_reschedule');
    assert.ok(lines.includes(`result: VIOLATION of ${direct.invariant}: ${direct.message}`), result.text);
    const shown = await c.messages.next((m) => m.message.startsWith('xsr: demo_force_reschedule: '));
    assert.equal(
      shown.message,
      `xsr: demo_force_reschedule: violation of ${direct.invariant} (${direct.trace.length} steps): ${direct.message}`,
    );
    await c.dispose();
  });

  it('refuses an unknown command and malformed arguments (-32602)', async () => {
    const c = await startClient();
    assert.deepEqual(await errorOf(c.client.sendRequest(ExecuteCommandRequest.type, { command: 'xsr.nothing', arguments: [] })), {
      code: -32602,
      message: 'unknown command: xsr.nothing',
    });
    assert.deepEqual(await errorOf(c.client.sendRequest(ExecuteCommandRequest.type, { command: 'xsr.simulate', arguments: [42] })), {
      code: -32602,
      message: 'xsr.simulate: expected arguments [ { textDocument: { uri }, functions: [names] } ]',
    });
    await c.dispose();
  });
});
