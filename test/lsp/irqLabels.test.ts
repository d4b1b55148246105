// How the interrupt state reads on lock hints, their tooltips and the hover,
// over JSON-RPC on test/fixtures/lsp/irq.c: after the locks, only on the line
// that changes it (`· irq off`, `· irq on`, `· irq restored`) and on a
// function's first hint when it is entered with a known state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { HoverRequest, InlayHintRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';

import { fixtureMarks } from '../shared/fixtureMarks';
import { fixture, startClient, type TestClient } from './harness';

const fx = fixture('irq.c');
const at = fixtureMarks(fx.text, 'irq.c');
const l0 = (name: string): number => at(name).line0;

describe('the interrupt state in the editor', () => {
  let c: TestClient;
  before(async () => {
    c = await startClient();
    await c.open(fx.uri, fx.text);
  });
  after(async () => c.dispose());

  it('hints: irq off/on/restored where a line changes it, the entry state on the first hint', async () => {
    const hints = await c.client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: fx.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } },
    });
    assert.deepEqual(
      hints?.map((h) => [h.position.line, h.label]),
      [
        [l0('rv_lock'), '🔒 d->lock · irq off'],
        [l0('rv_unlock'), '🔓 no lock held'],
        [l0('save_lock'), '🔒 d->lock · irq off'],
        [l0('save_unlock'), '🔓 no lock held · irq restored'],
        [l0('irq_lock'), '🔒 d->lock · irq off'],
        [l0('irq_unlock'), '🔓 no lock held · irq on'],
      ],
    );
    assert.equal(
      hints![0]!.tooltip,
      [
        `Held after line ${at('rv_lock').line} (hover the line for before → after):`,
        '• d->lock: taken on this line',
        '• interrupts off on entry: a stop_machine_run() callback: every CPU disables interrupts before the function runs (stop_machine.c:117)',
      ].join('\n'),
    );
    assert.equal(
      hints![3]!.tooltip,
      [
        `Held after line ${at('save_unlock').line} (hover the line for before → after):`,
        'no lock held',
        `• interrupts restored to what was saved (line ${at('save_unlock').line}, spin_unlock_irqrestore)`,
        'Released on this line: d->lock',
      ].join('\n'),
    );
  });

  it('hover: the interrupt state before and after the line, with where it changed', async () => {
    const h = await c.client.sendRequest(HoverRequest.type, {
      textDocument: { uri: fx.uri },
      position: { line: l0('save_unlock'), character: 6 },
    });
    assert.equal(
      (h!.contents as MarkupContent).value,
      [
        `**Locks at line ${at('save_unlock').line}** in \`demo_save()\`: before → after`,
        '',
        `- before: 🔒 \`d->lock\` (taken at line ${at('save_lock').line}), interrupts off since line ${at('save_lock').line} (\`spin_lock_irqsave\`)`,
        `- after: 🔓 no lock held, interrupts restored to what was saved (line ${at('save_unlock').line}, \`spin_unlock_irqrestore\`)`,
        '- released on this line: `d->lock`',
      ].join('\n'),
    );
  });
});
