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

import { fixtureMarks } from '../shared/fixtureMarks';
import { fixture, positionOf, startClient, type TestClient } from './harness';

const fx = fixture('migrate.c');
/** The lines the fixture marks with `@name` comments. */
const at = fixtureMarks(fx.text, 'migrate.c');
/** The 0-based line of a marker. */
const l0 = (name: string): number => at(name).line0;
const lineEnd = (line: number): number => fx.text.split('\n')[line]!.replace(/\s+$/, '').length;
/** A hint expected at the end of a marked line (its text, the marker comment included): [line, character, label]. */
const endOf = (name: string, label: string): [number, number, string] => [l0(name), lineEnd(l0(name)), label];

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
        ['XSR001', l0('force_flag'), 8, l0('force_flag'), 48],
        ['XSR007', l0('leak_return'), 8, l0('leak_return'), 23],
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
        [fx.uri, l0('leak_lock'), 'sched(v) taken here'],
        [fx.uri, l0('unlocked_return'), 'a path that returns without it'],
      ],
    );
    assert.ok(x7!.message.startsWith(`demo_leak() returns holding sched(v) (taken at line ${at('leak_lock').line})`), x7!.message);
    assert.equal(x7!.tags, undefined);
  });

  it('sends xsr/analysisStatus after the analysis', async () => {
    const st = await c.statuses.next((s) => s.uri === fx.uri && s.version === 1);
    const { ms, ...rest } = st;
    assert.ok(typeof ms === 'number' && ms >= 0);
    assert.deepEqual(rest, { uri: fx.uri, version: 1, state: 'done', findings: 2, errors: 2, warnings: 0, functions: 4, parseErrors: 0 });
  });

  it('puts a lock hint where the held set changes and on every start/finish call', async () => {
    const hints = await c.client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 50, character: 0 } },
    });
    assert.deepEqual(
      hints?.map((h) => [h.position.line, h.position.character, h.label]),
      [
        endOf('force_lock', '🔒 sched(v) · irq off'),
        endOf('force_unlock', '🔓 no lock held · irq on'),
        endOf('new_lock', '🔒 sched(v) · irq off'),
        endOf('new_start', '🔒 sched(v)'),
        endOf('new_unlock', '🔓 no lock held · irq on'),
        endOf('new_finish', '🔓 no lock held'),
        endOf('leak_lock', '🔒 sched(v)'),
        endOf('leak_unlock', '🔓 no lock held'),
      ],
    );
    // The tooltip says which side of the line the hint shows, and every entry in full (the interrupt state too).
    assert.equal(
      hints![0]!.tooltip,
      [
        `Held after line ${at('force_lock').line} (hover the line for before → after):`,
        '• sched(v): taken on this line',
        `• interrupts off since line ${at('force_lock').line} (vcpu_schedule_lock_irq)`,
      ].join('\n'),
    );
    assert.equal(
      hints![1]!.tooltip,
      [
        `Held after line ${at('force_unlock').line} (hover the line for before → after):`,
        'no lock held',
        `• interrupts on since line ${at('force_unlock').line} (vcpu_schedule_unlock_irq)`,
        'Released on this line: sched(v)',
      ].join('\n'),
    );
    assert.equal(hints![0]!.paddingLeft, true);
  });

  it('answers hints only for the requested range', async () => {
    const hints = await c.client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: fx.uri },
      // demo_new_initiator's lines: from its signature to demo_leak's.
      range: { start: { line: l0('new_initiator'), character: 0 }, end: { line: l0('leak'), character: 0 } },
    });
    assert.deepEqual(
      hints?.map((h) => h.position.line),
      [l0('new_lock'), l0('new_start'), l0('new_unlock'), l0('new_finish')],
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
        `**Locks at line ${at('force_test').line}** in \`demo_force_reschedule()\`: before → after`,
        '',
        `- before: 🔒 \`sched(v)\` (taken at line ${at('force_lock').line}), interrupts off since line ${at('force_lock').line} (\`vcpu_schedule_lock_irq\`)`,
        '- after: unchanged',
      ].join('\n'),
    );
  });

  it('hovers on a lock line with before → after, naming the lock the line takes', async () => {
    const h = await c.client.sendRequest(HoverRequest.type, {
      textDocument: { uri: fx.uri },
      position: { line: l0('force_lock'), character: 6 },
    });
    assert.equal(
      (h!.contents as MarkupContent).value,
      [
        `**Locks at line ${at('force_lock').line}** in \`demo_force_reschedule()\`: before → after`,
        '',
        '- before: 🔓 no lock held',
        `- after: 🔒 \`sched(v)\` (taken on this line), interrupts off since line ${at('force_lock').line} (\`vcpu_schedule_lock_irq\`)`,
      ].join('\n'),
    );
    const u = await c.client.sendRequest(HoverRequest.type, {
      textDocument: { uri: fx.uri },
      position: { line: l0('force_unlock'), character: 6 },
    });
    assert.equal(
      (u!.contents as MarkupContent).value,
      [
        `**Locks at line ${at('force_unlock').line}** in \`demo_force_reschedule()\`: before → after`,
        '',
        `- before: 🔒 \`sched(v)\` (taken at line ${at('force_lock').line}), interrupts off since line ${at('force_lock').line} (\`vcpu_schedule_lock_irq\`)`,
        `- after: 🔓 no lock held, interrupts on since line ${at('force_unlock').line} (\`vcpu_schedule_unlock_irq\`)`,
        '- released on this line: `sched(v)`',
      ].join('\n'),
    );
  });

  it('hovers over a protocol call with what the protocol requires', async () => {
    const pos = positionOf(fx.text, 'vcpu_migrate_start(v);', 3);
    const h = await c.client.sendRequest(HoverRequest.type, { textDocument: { uri: fx.uri }, position: pos });
    const md = (h!.contents as MarkupContent).value;
    assert.ok(md.startsWith(`**Locks at line ${at('new_start').line}** in \`demo_new_initiator()\`: before → after`), md);
    assert.match(
      md,
      /\*\*`vcpu_migrate_start\(\)`\*\*: Requires the vCPU's scheduler lock held; sets `_VPF_migrating` and takes v off its runqueue in one critical section/,
    );
    assert.deepEqual(h!.range, { start: { line: l0('new_start'), character: 4 }, end: { line: l0('new_start'), character: 22 } });
  });

  it('shows no hover outside function bodies', async () => {
    const h = await c.client.sendRequest(HoverRequest.type, {
      textDocument: { uri: fx.uri },
      position: { line: l0('outside'), character: 2 },
    });
    assert.equal(h, null);
  });

  it('offers Simulate interleavings above migration functions, with the arguments workspace/executeCommand takes', async () => {
    const lenses = await c.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: fx.uri } });
    assert.deepEqual(
      lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [
          l0('force_reschedule'),
          'Simulate interleavings',
          'xsr.simulate',
          [{ textDocument: { uri: fx.uri }, functions: ['demo_force_reschedule'] }],
        ],
        [
          l0('new_initiator'),
          'Simulate interleavings',
          'xsr.simulate',
          [{ textDocument: { uri: fx.uri }, functions: ['demo_new_initiator'] }],
        ],
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
      change.edits.every((e) => e.range.start.line >= l0('force_reschedule') && e.range.end.line < l0('new_initiator')),
      'edits stay inside demo_force_reschedule',
    );
  });

  it('offers the XSR001 quick fix for a cursor anywhere on its line, with no diagnostic sent back (Ctrl+. at column 0)', async () => {
    const diags = await c.diagnosticsFor(fx.uri, 1);
    const line = diags[0]!.range.start.line;
    const actions = await c.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    assert.deepEqual(
      actions?.map((a) => (a as { title: string }).title),
      ['Rewrite to vcpu_migrate_start() / vcpu_migrate_finish()'],
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
