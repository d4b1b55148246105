// Simulating any code path from an editor: code lenses on every function that
// takes a lock and touches shared state, the partners offered for a function
// (xsr/simulationPartners), xsr/simulate with the extraction's options and its
// result's new fields, and clear errors for what the model cannot take.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';

import { CodeLensRequest, type ResponseError } from 'vscode-languageserver-protocol/node';

import { SimulateRequest, SimulationPartnersRequest } from '../../server/src/contracts/lspRequests';
import { fixtureMarks } from '../shared/fixtureMarks';
import { fixture, startClient, type TestClient } from './harness';

const fx = fixture('shared_state.c');
const l0 = (name: string): number => fixtureMarks(fx.text, 'shared_state.c')(name).line0;

describe('simulating shared state from the editor', () => {
  let c: TestClient;
  before(async () => {
    c = await startClient();
    await c.open(fx.uri, fx.text);
    await c.diagnosticsFor(fx.uri, 1);
  });
  after(async () => c.dispose());

  it('a lens on each function that takes a lock and touches shared state (not on the unlocked one, nor on a local counter)', async () => {
    const lenses = await c.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: fx.uri } });
    assert.deepEqual(
      lenses?.map((l) => [l.range.start.line, l.command?.command, l.command?.arguments]),
      [
        [l0('locked'), 'xsr.simulate', [{ textDocument: { uri: fx.uri }, functions: ['burn_credit_locked'] }]],
        [l0('busy'), 'xsr.simulate', [{ textDocument: { uri: fx.uri }, functions: ['mark_busy'] }]],
      ],
    );
  });

  it('partners: the functions that take its locks or touch its shared locations, most shared first', async () => {
    const res = await c.client.sendRequest(SimulationPartnersRequest.type, {
      textDocument: { uri: fx.uri },
      function: 'burn_credit_locked',
    });
    assert.deepEqual(res.partners, [
      { name: 'burn_credit_racy', line: l0('racy'), shares: ['prv->credit'] },
      { name: 'mark_busy', line: l0('busy'), shares: ['prv->lock'] },
    ]);
    const none = await c.client.sendRequest(SimulationPartnersRequest.type, { textDocument: { uri: fx.uri }, function: 'count_locally' });
    assert.deepEqual(none.partners, []);
    const bad = await c.client.sendRequest(SimulationPartnersRequest.type, { textDocument: { uri: fx.uri }, function: 'nope' }).then(
      () => undefined,
      (e: ResponseError<void>) => e,
    );
    assert.equal(bad?.code, -32602);
    assert.match(bad!.message, /no function named nope/);
  });

  it('simulate: the race with its two steps and what was modelled; copies and init options', async () => {
    const res = await c.client.sendRequest(SimulateRequest.type, {
      textDocument: { uri: fx.uri },
      functions: ['burn_credit_locked', 'burn_credit_racy'],
    });
    assert.equal(res.result, 'violation');
    assert.equal(res.invariant, 'RACE');
    assert.deepEqual(res.race, { first: 3, second: 4, location: 'prv->credit' });
    assert.deepEqual(res.model?.locations, ['prv->credit']);
    const three = await c.client.sendRequest(SimulateRequest.type, {
      textDocument: { uri: fx.uri },
      functions: ['burn_credit_locked'],
      options: { copies: { burn_credit_locked: 3 }, init: { 'prv->credit': 1 } },
    });
    assert.equal(three.result, 'verified');
    assert.deepEqual(
      three.model?.threads.map((t) => t.name),
      ['X:burn_credit_locked', 'Y:burn_credit_locked', 'Z:burn_credit_locked'],
    );
    const apart = await c.client.sendRequest(SimulateRequest.type, {
      textDocument: { uri: fx.uri },
      functions: ['burn_credit_locked', 'burn_credit_racy'],
      options: { distinct: true },
    });
    assert.equal(apart.result, 'nothing-to-check');
  });

  it('bad options and models are request errors that say why', async () => {
    const err = (options: unknown) =>
      c.client
        .sendRequest(SimulateRequest.type, { textDocument: { uri: fx.uri }, functions: ['burn_credit_locked'], options: options as never })
        .then(
          () => undefined,
          (e: ResponseError<void>) => e,
        );
    const a = await err({ copies: { burn_credit_locked: 0 } });
    assert.equal(a?.code, -32602);
    assert.match(a!.message, /option "copies": "burn_credit_locked" must be a count from 1 to 8, got 0/);
    const b = await err({ distinct: 'yes' });
    assert.match(b!.message, /option "distinct" must be true or false/);
    const d = await err({ init: { 'prv->nope': 1 } });
    assert.equal(d?.code, -32602);
    assert.match(d!.message, /--init prv->nope: not a location of the model/);
  });
});
