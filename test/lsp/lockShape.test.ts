// The lock hints' order and kinds, the document symbols' lock summaries, the
// XSR007 finding of a function an edit turned into a lock helper, and the
// status of a document whose function a syntax error hides: over JSON-RPC on
// test/fixtures/lsp/kinds.c.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { type DocumentSymbol, DocumentSymbolRequest, InlayHintRequest } from 'vscode-languageserver-protocol/node';

import { LockMapRequest } from '../../server/src/contracts/lspRequests';
import { fixtureMarks } from '../shared/fixtureMarks';
import { fixture, startClient, type TestClient } from './harness';

const fx = fixture('kinds.c');
const at = fixtureMarks(fx.text, 'kinds.c');
const l0 = (name: string): number => at(name).line0;

async function labels(c: TestClient, uri: string, from = 0, to = 1000): Promise<[number, string][]> {
  const hints = await c.client.sendRequest(InlayHintRequest.type, {
    textDocument: { uri },
    range: { start: { line: from, character: 0 }, end: { line: to, character: 0 } },
  });
  return (hints ?? []).map((h) => [h.position.line, h.label as string]);
}

describe('lock hints: order and kinds', () => {
  it('names the lock a line took first, dims RCU and shows the interrupt state where it changes', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    assert.deepEqual(await labels(c, fx.uri, l0('adjust'), l0('rcu_unlock')), [
      [l0('rcu_lock'), '🔒 rcu(sched_res_rculock)'],
      [l0('unit_lock'), '🔒 sched(unit) (+rcu) · irq off'],
      [l0('prv_lock'), '🔒 prv->lock, sched(unit) (+rcu)'],
      [l0('prv_unlock'), '🔒 sched(unit) (+rcu)'],
      [l0('unit_unlock'), '🔒 (rcu) · irq on'],
      [l0('rcu_unlock'), '🔓 no lock held'],
    ]);
    await c.dispose();
  });

  it('follows xsr.inlayHints.kinds: each kind shown, dimmed or hidden', async () => {
    const c = await startClient({ settings: { inlayHints: { kinds: { rcu: 'show', irq: 'dim' } } } });
    await c.open(fx.uri, fx.text);
    assert.deepEqual(await labels(c, fx.uri, l0('adjust'), l0('rcu_unlock')), [
      [l0('rcu_lock'), '🔒 rcu(sched_res_rculock)'],
      [l0('unit_lock'), '🔒 sched(unit), rcu(sched_res_rculock) · irq off'],
      [l0('prv_lock'), '🔒 prv->lock, sched(unit), rcu(sched_res_rculock)'],
      [l0('prv_unlock'), '🔒 sched(unit), rcu(sched_res_rculock)'],
      [l0('unit_unlock'), '🔒 rcu(sched_res_rculock) · irq on'],
      [l0('rcu_unlock'), '🔓 no lock held'],
    ]);
    // Hidden: the lines that change only RCU get no hint, and RCU is named nowhere.
    c.settings.inlayHints = { kinds: { rcu: 'hide' } };
    await c.configChanged();
    assert.deepEqual(await labels(c, fx.uri, l0('adjust'), l0('rcu_unlock')), [
      [l0('unit_lock'), '🔒 sched(unit) · irq off'],
      [l0('prv_lock'), '🔒 prv->lock, sched(unit)'],
      [l0('prv_unlock'), '🔒 sched(unit)'],
      [l0('unit_unlock'), '🔓 no lock shown · irq on'],
    ]);
    // A malformed value is named once and the defaults apply.
    c.settings.inlayHints = { kinds: { rcu: 'faint', bogus: 'hide' } };
    await c.configChanged();
    assert.deepEqual((await labels(c, fx.uri, l0('unit_lock'), l0('unit_lock')))[0], [l0('unit_lock'), '🔒 sched(unit) (+rcu) · irq off']);
    const warnings = c.messages.items.map((m) => m.message).filter((m) => m.startsWith('xsr.inlayHints.kinds'));
    assert.deepEqual(warnings, [
      'xsr.inlayHints.kinds.rcu: "faint" is not one of show, dim, hide; using "dim"',
      'xsr.inlayHints.kinds: unknown kind "bogus" (known: sched, private, rcu, irq); ignored',
    ]);
    await c.dispose();
  });

  it('shortens a long label in the middle and keeps the lock the line took', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    const [hint] = await labels(c, fx.uri, l0('many_last'), l0('many_last'));
    assert.deepEqual(hint, [l0('many_last'), '🔒 other_private_stru…e->replenish_lock, …+2, prv->lock']);
    await c.dispose();
  });
});

describe('lock map', () => {
  it("lists each lock's interrupt discipline: sites with interrupts off, on, unknown", async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    const r = await c.client.sendRequest(LockMapRequest.type, { textDocument: { uri: fx.uri } });
    const lines = r!.text.split('\n');
    const from = lines.indexOf("Locks and interrupts (how each lock is taken: Xen's check_lock() wants one way only)");
    assert.ok(from >= 0, r!.text);
    // prv->lock under the unit's _irq lock (off), and in functions whose callers are not known (unknown).
    assert.deepEqual(lines.slice(from + 1, from + 3), [
      '  demo_private.lock  irqs off at 1 site, unknown at 4 sites',
      '  sched(cpu)  irqs off at 1 site',
    ]);
    await c.dispose();
  });
});

describe('document symbols', () => {
  it('gives each function with its locking shape: takes, releases, requires', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    const symbols = (await c.client.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: fx.uri } })) as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail, s.kind, s.selectionRange.start.line]),
      [
        ['demo_adjust', 'no lock taken or required', 12, l0('adjust')],
        ['demo_many', 'no lock taken or required', 12, l0('many')],
        ['demo_credit_lock', 'takes prv->lock', 12, l0('credit_lock')],
        ['demo_credit_unlock', 'releases prv->lock', 12, l0('credit_lock') + 5],
        ['demo_credit_locked', 'requires prv->lock', 12, l0('credit_lock') + 10],
        ['demo_burn', 'no lock taken or required', 12, l0('burn')],
        ['demo_tick', 'no lock taken or required', 12, l0('tick')],
      ],
    );
    // The selection is the function's name; the range its whole definition.
    const burn = symbols.find((s) => s.name === 'demo_burn')!;
    assert.deepEqual(burn.selectionRange, {
      start: { line: l0('burn'), character: 12 },
      end: { line: l0('burn'), character: 21 },
    });
    assert.equal(burn.range.start.line, l0('burn'));
    assert.equal(burn.range.end.line, l0('burn_unlock') + 1);
    await c.dispose();
  });
});

describe('XSR007 on a function an edit makes a lock helper', () => {
  const unlockLine = l0('burn_unlock');
  const deleteUnlock = { range: { start: { line: unlockLine, character: 0 }, end: { line: unlockLine + 1, character: 0 } }, text: '' };
  const finding = 'demo_burn() now returns holding prv->lock on every path: callers treat it as a lock helper';

  it('puts the finding on the function itself, at its name, with where the lock is taken', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    assert.deepEqual(await c.diagnosticsFor(fx.uri, 1), []);
    await c.change(fx.uri, 2, [deleteUnlock]);
    const d = await c.diagnosticsFor(fx.uri, 2);
    const own = d.find((x) => x.message === finding);
    assert.ok(own, d.map((x) => `${x.code} ${x.message}`).join('\n'));
    assert.equal(own.code, 'XSR007');
    assert.deepEqual(own.range, { start: { line: l0('burn'), character: 12 }, end: { line: l0('burn'), character: 21 } });
    assert.deepEqual(
      own.relatedInformation?.map((r) => [r.location.range.start.line, r.message]),
      [
        [l0('burn_lock'), 'prv->lock taken here'],
        [l0('burn_unlock'), 'returns holding prv->lock'],
      ],
    );
    // The callers' findings stay where they are (demo_tick retakes the lock demo_burn now returns with).
    assert.ok(d.some((x) => x.code === 'XSR007' && x.range.start.line > l0('tick')));
    const st = await c.statuses.next((s) => s.uri === fx.uri && s.version === 2);
    assert.equal(st.findings, d.length);
    // Put the unlock back: the finding goes.
    await c.change(fx.uri, 3, [
      {
        range: { start: { line: unlockLine, character: 0 }, end: { line: unlockLine, character: 0 } },
        text: fx.text.split('\n')[unlockLine] + '\n',
      },
    ]);
    assert.deepEqual(await c.diagnosticsFor(fx.uri, 3), []);
    await c.dispose();
  });

  it('moves the finding with its function when lines are added above it (where the lock is taken, too)', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
    await c.change(fx.uri, 2, [deleteUnlock]);
    assert.ok((await c.diagnosticsFor(fx.uri, 2)).some((x) => x.message === finding));
    // Two lines above every function: demo_burn's result is reused, moved two lines down.
    await c.change(fx.uri, 3, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '/* one */\n/* two */\n' },
    ]);
    const own = (await c.diagnosticsFor(fx.uri, 3)).find((x) => x.message === finding);
    assert.ok(own);
    assert.deepEqual(own.range, { start: { line: l0('burn') + 2, character: 12 }, end: { line: l0('burn') + 2, character: 21 } });
    assert.deepEqual(
      own.relatedInformation?.map((r) => [r.location.range.start.line, r.location.range.start.character, r.message]),
      [
        [l0('burn_lock') + 2, 4, 'prv->lock taken here'],
        [l0('burn_unlock') + 2, 0, 'returns holding prv->lock'],
      ],
    );
    await c.dispose();
  });

  it('keeps the finding at the name through edits above that move it by characters only, again and again', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
    await c.change(fx.uri, 2, [deleteUnlock]);
    assert.ok((await c.diagnosticsFor(fx.uri, 2)).some((x) => x.message === finding));
    // Characters on the first line: every function moves by offsets, not lines (its finding is made again from what
    // was found where its result was computed).
    for (let version = 3; version <= 5; version++) {
      await c.change(fx.uri, version, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '/* x */' }]);
      const own = (await c.diagnosticsFor(fx.uri, version)).find((x) => x.message === finding);
      assert.ok(own);
      assert.deepEqual(own.range, { start: { line: l0('burn'), character: 12 }, end: { line: l0('burn'), character: 21 } });
      assert.deepEqual(
        own.relatedInformation?.map((r) => [r.location.range.start.line, r.location.range.start.character, r.message]),
        [
          [l0('burn_lock'), 4, 'prv->lock taken here'],
          [l0('burn_unlock'), 0, 'returns holding prv->lock'],
        ],
      );
    }
    await c.dispose();
  });

  it('compares with the shape the function had last: one that stopped taking the lock, then keeps it, is written as a helper', async () => {
    const c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
    const lockLine = l0('burn_lock');
    const lockText = fx.text.split('\n')[lockLine] + '\n';
    const line = (n: number) => ({ line: n, character: 0 });
    // Neither the lock nor the unlock: its shape changes (no lock at all), without a finding.
    await c.change(fx.uri, 2, [deleteUnlock, { range: { start: line(lockLine), end: line(lockLine + 1) }, text: '' }]);
    const none = (await c.diagnosticsFor(fx.uri, 2)).filter((x) => x.message.startsWith('demo_burn() now returns holding'));
    assert.deepEqual(none, []);
    // The lock back, not the unlock: it now takes a lock it never released since.
    await c.change(fx.uri, 3, [{ range: { start: line(lockLine), end: line(lockLine) }, text: lockText }]);
    const d = await c.diagnosticsFor(fx.uri, 3);
    assert.ok(d.length > 0, 'the callers have their findings');
    assert.deepEqual(
      d.filter((x) => x.message.startsWith('demo_burn() now returns holding')),
      [],
    );
    await c.dispose();
  });

  it('never fires on a file opened as it is (an acquirer helper written as such)', async () => {
    const c = await startClient();
    const lines = fx.text.split('\n');
    lines.splice(unlockLine, 1);
    await c.open(fx.uri, lines.join('\n'));
    const d = await c.diagnosticsFor(fx.uri, 1);
    assert.ok(d.length > 0, 'the callers have their findings');
    assert.equal(
      d.find((x) => x.message.includes('now returns holding')),
      undefined,
    );
    await c.dispose();
  });
});

describe('analysis status', () => {
  let c: TestClient;
  before(async () => {
    c = await startClient();
  });
  after(() => c.dispose());

  it('names a function a deleted brace hides, instead of a clean result', async () => {
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
    // Delete demo_burn's opening brace: the function is no longer found.
    const brace = l0('burn') + 1;
    await c.change(fx.uri, 2, [{ range: { start: { line: brace, character: 0 }, end: { line: brace, character: 1 } }, text: '' }]);
    await c.diagnosticsFor(fx.uri, 2);
    const st = await c.statuses.next((s) => s.uri === fx.uri && s.version === 2);
    assert.ok((st.parseErrors ?? 0) > 0);
    assert.deepEqual(
      st.incomplete?.find((f) => f.name === 'demo_burn'),
      { name: 'demo_burn', line: l0('burn'), reason: 'no longer found: a syntax error around it hides it from the analysis' },
    );
    // Put it back: the status is clean again.
    await c.change(fx.uri, 3, [{ range: { start: { line: brace, character: 0 }, end: { line: brace, character: 0 } }, text: '{' }]);
    await c.diagnosticsFor(fx.uri, 3);
    const ok = await c.statuses.next((s) => s.uri === fx.uri && s.version === 3);
    assert.equal(ok.incomplete, undefined);
    assert.equal(ok.parseErrors, 0);
    assert.equal(ok.functions, 7);
  });

  it('gives a hidden function the line it had last, after edits that moved it, and keeps it while other edits go on', async () => {
    const uri = fx.uri.replace('kinds.c', 'moved.c');
    const status = async (version: number) => {
      await c.diagnosticsFor(uri, version);
      return c.statuses.next((s) => s.uri === uri && s.version === version);
    };
    const at = (line: number, character = 0) => ({ line, character });
    await c.open(uri, fx.text);
    await status(1);
    // Two lines above every function (the same functions: only their lines change), then demo_burn's brace deleted.
    await c.change(uri, 2, [{ range: { start: at(0), end: at(0) }, text: '\n\n' }]);
    assert.equal((await status(2)).incomplete, undefined);
    const brace = l0('burn') + 3;
    await c.change(uri, 3, [{ range: { start: at(brace), end: at(brace, 1) }, text: '' }]);
    const hidden = {
      name: 'demo_burn',
      line: l0('burn') + 2,
      reason: 'no longer found: a syntax error around it hides it from the analysis',
    };
    assert.deepEqual(
      (await status(3)).incomplete?.find((f) => f.name === 'demo_burn'),
      hidden,
    );
    // A keystroke elsewhere (the same functions found as in the last analysis): still hidden, at the same line.
    await c.change(uri, 4, [{ range: { start: at(0), end: at(0) }, text: ' ' }]);
    assert.deepEqual(
      (await status(4)).incomplete?.find((f) => f.name === 'demo_burn'),
      hidden,
    );
    await c.change(uri, 5, [{ range: { start: at(brace), end: at(brace) }, text: '{' }]);
    const ok = await status(5);
    assert.equal(ok.incomplete, undefined);
    assert.equal(ok.functions, 7);
  });

  it('counts a function analysed on a recovered parse without calling it not analysed', async () => {
    const uri = fx.uri.replace('kinds.c', 'broken.c');
    await c.open(uri, 'static void demo_broken(struct vcpu *v)\n{\n    spin_lock(&v->lock;\n    spin_unlock(&v->lock);\n}\n');
    await c.diagnosticsFor(uri, 1);
    const st = await c.statuses.next((s) => s.uri === uri);
    assert.equal(st.recovered, 1);
    assert.equal(st.incomplete, undefined);
  });

  it('lists a function the analysis could not take (nesting too deep)', async () => {
    const uri = fx.uri.replace('kinds.c', 'deep.c');
    const depth = 210;
    const body = `${'    if ( x ) {\n'.repeat(depth)}        spin_lock(&l);\n${'    }\n'.repeat(depth)}`;
    await c.open(uri, `static void demo_deep(int x)\n{\n${body}}\n`);
    await c.diagnosticsFor(uri, 1);
    const st = await c.statuses.next((s) => s.uri === uri);
    assert.deepEqual(
      st.incomplete?.map((f) => [f.name, f.line]),
      [['demo_deep', 0]],
    );
    assert.match(st.incomplete?.[0]?.reason ?? '', /^not analysed: /);
  });
});
