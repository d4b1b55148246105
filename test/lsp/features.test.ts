// The language server's capabilities over real JSON-RPC on the fixture
// test/fixtures/lsp/migrate.c: exact ranges, codes, hint labels, hover text, edits.
import assert from 'node:assert/strict';
import * as nodePath from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  CodeActionRequest,
  CodeLensRequest,
  DiagnosticSeverity,
  DiagnosticTag,
  HoverRequest,
  InlayHintRequest,
  type MarkupContent,
  type TextDocumentEdit,
} from 'vscode-languageserver-protocol/node';

import { fixture, positionOf, startClient, type TestClient } from './harness';

const fx = fixture('migrate.c');
const lineEnd = (line: number): number => fx.text.split('\n')[line]!.replace(/\s+$/, '').length;

describe('language server: migrate.c', () => {
  let c: TestClient;
  before(async () => {
    c = await startClient();
    await c.open(fx.uri, fx.text);
  });
  after(() => c.dispose());

  it('advertises incremental sync and every capability', () => {
    const caps = c.init.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(caps.inlayHintProvider, true);
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.xsr'] });
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
  });

  it('publishes diagnostics with code, source, rule link, related information and version', async () => {
    const diags = await c.diagnosticsFor(fx.uri, 1);
    assert.deepEqual(
      diags.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]),
      [
        ['XSR001', 12, 8, 12, 48],
        ['XSR007', 36, 8, 36, 23],
      ],
    );
    const [x1, x7] = diags;
    assert.equal(x1!.source, 'xsr');
    assert.equal(x1!.severity, DiagnosticSeverity.Error);
    // The rule page shipped with the server: a link that works offline.
    assert.deepEqual(x1!.codeDescription, {
      href: pathToFileURL(nodePath.resolve(__dirname, '..', '..', '..', 'docs', 'rules', 'XSR001.md')).href,
    });
    assert.deepEqual(
      x7!.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]),
      [
        [fx.uri, 33, 'sched(v) taken here'],
        [fx.uri, 38, 'a path that returns without it'],
      ],
    );
    assert.match(x7!.message, /^demo_leak\(\) returns holding sched\(v\) \(taken at line 34\)/);
    assert.equal(x7!.tags, undefined);
  });

  it('sends xsr/analysisStatus after the analysis', async () => {
    const st = await c.statuses.next((s) => s.uri === fx.uri && s.version === 1);
    assert.deepEqual(st, { uri: fx.uri, version: 1, state: 'done', findings: 2 });
  });

  it('puts a lock hint where the held set changes and on every start/finish call', async () => {
    const hints = await c.client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 50, character: 0 } },
    });
    assert.deepEqual(
      hints?.map((h) => [h.position.line, h.position.character, h.label]),
      [
        [10, lineEnd(10), '🔒 sched(v)'],
        [13, lineEnd(13), '🔓'],
        [24, lineEnd(24), '🔒 sched(v)'],
        [26, lineEnd(26), '🔒 sched(v)'],
        [27, lineEnd(27), '🔓'],
        [28, lineEnd(28), '🔓'],
        [33, lineEnd(33), '🔒 sched(v)'],
        [37, lineEnd(37), '🔓'],
      ],
    );
    assert.equal(hints![0]!.tooltip, 'sched(v) taken at line 11');
    assert.equal(hints![0]!.paddingLeft, true);
  });

  it('answers hints only for the requested range', async () => {
    const hints = await c.client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line: 23, character: 0 }, end: { line: 30, character: 0 } },
    });
    assert.deepEqual(
      hints?.map((h) => h.position.line),
      [24, 26, 27, 28],
    );
  });

  it('hovers with the locks held before the line', async () => {
    const h = await c.client.sendRequest(HoverRequest.type, {
      textDocument: { uri: fx.uri },
      position: positionOf(fx.text, 'if ( v->is_running )', 4),
    });
    const md = (h!.contents as MarkupContent).value;
    assert.equal(
      md,
      [
        '**Locks held before line 12** in `demo_force_reschedule()`',
        '',
        '- must (every path): `sched(v)` (taken at line 11)',
        '- may (some paths): —',
      ].join('\n'),
    );
  });

  it('hovers over a protocol call with what the protocol requires', async () => {
    const pos = positionOf(fx.text, 'vcpu_migrate_start(v);', 3);
    const h = await c.client.sendRequest(HoverRequest.type, { textDocument: { uri: fx.uri }, position: pos });
    const md = (h!.contents as MarkupContent).value;
    assert.match(md, /^\*\*Locks held before line 27\*\* in `demo_new_initiator\(\)`/);
    assert.match(
      md,
      /\*\*`vcpu_migrate_start\(\)`\*\*: Requires the vCPU's scheduler lock held; sets `_VPF_migrating` and takes v off its runqueue in one critical section/,
    );
    assert.deepEqual(h!.range, { start: { line: 26, character: 4 }, end: { line: 26, character: 22 } });
  });

  it('shows no hover outside function bodies', async () => {
    const h = await c.client.sendRequest(HoverRequest.type, { textDocument: { uri: fx.uri }, position: { line: 4, character: 2 } });
    assert.equal(h, null);
  });

  it('offers Simulate interleavings above migration functions', async () => {
    const lenses = await c.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: fx.uri } });
    assert.deepEqual(
      lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [6, 'Simulate interleavings', 'xsr.simulate', [fx.uri, 'demo_force_reschedule']],
        [22, 'Simulate interleavings', 'xsr.simulate', [fx.uri, 'demo_new_initiator']],
      ],
    );
  });

  it('offers the XSR001 quick fix as a versioned edit', async () => {
    const diags = await c.diagnosticsFor(fx.uri, 1);
    const actions = await c.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fx.uri },
      range: diags[0]!.range,
      context: { diagnostics: [diags[0]!], only: ['quickfix'] },
    });
    assert.equal(actions?.length, 1);
    const a = actions![0]! as { title: string; kind: string; edit: { documentChanges: TextDocumentEdit[] }; diagnostics: unknown[] };
    assert.equal(a.title, 'Rewrite to vcpu_migrate_start() / vcpu_migrate_finish()');
    assert.equal(a.kind, 'quickfix');
    assert.deepEqual(a.diagnostics, [diags[0]]);
    const change = a.edit.documentChanges[0]!;
    assert.deepEqual(change.textDocument, { uri: fx.uri, version: 1 });
    assert.ok(change.edits.length > 0);
    assert.ok(
      change.edits.every((e) => e.range.start.line >= 6 && e.range.end.line <= 21),
      'edits stay inside demo_force_reschedule',
    );
  });

  it('offers source.fixAll.xsr on request', async () => {
    const actions = await c.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.xsr'] },
    });
    assert.equal(actions?.length, 1);
    const a = actions![0]! as { kind: string; edit: { documentChanges: TextDocumentEdit[] } };
    assert.equal(a.kind, 'source.fixAll.xsr');
    assert.deepEqual(a.edit.documentChanges[0]!.textDocument, { uri: fx.uri, version: 1 });
  });

  it('tags XSR005 findings as unnecessary', async () => {
    const text = [
      'static void demo_redundant(struct vcpu *v)',
      '{',
      '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
      '',
      '    vcpu_migrate_start(v);',
      '    vcpu_schedule_unlock_irq(lock, v);',
      '    vcpu_sleep_nosync(v);',
      '    vcpu_migrate_finish(v);',
      '}',
      '',
    ].join('\n');
    const uri = fx.uri.replace('migrate.c', 'redundant.c');
    await c.open(uri, text);
    const diags = await c.diagnosticsFor(uri, 1);
    const x5 = diags.find((d) => d.code === 'XSR005');
    assert.ok(x5, `XSR005 expected, got ${diags.map((d) => d.code).join(',')}`);
    assert.deepEqual(x5.tags, [DiagnosticTag.Unnecessary]);
    assert.equal(x5.severity, DiagnosticSeverity.Warning);
    await c.close(uri);
  });
});
