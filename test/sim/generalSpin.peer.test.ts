// Cross-check with Spin on general models: the Promela peers of the lost
// update (a race monitor) and the lock-order inversion (Spin's invalid end
// state) give the same verdicts as the simulator on the same models.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { explore } from '../../sim/src/index';
import { abba, lostUpdate } from './generalModels';
import { runSpin, spinAvailable } from './spinRunner';

const skip = spinAvailable() ? false : 'spin is not on PATH (Debian package "spin"): peer cross-check skipped';

test('Spin agrees on the lost update: a race with one thread unlocked, none with both locked', { skip }, () => {
  const racy = runSpin('lost_update.pml');
  assert.equal(racy.verdict, 'violation', racy.output);
  assert.match(racy.output, /assertion violated/);
  const sim = explore(lostUpdate(true, false));
  assert.deepEqual([sim.result, sim.invariant], ['violation', 'RACE']);
  const locked = runSpin('lost_update_locked.pml');
  assert.equal(locked.verdict, 'verified', locked.output);
  assert.equal(explore(lostUpdate(true, true)).result, 'verified');
});

test('Spin agrees on ABBA: a deadlock in opposite orders, none in one order', { skip }, () => {
  const inverted = runSpin('abba.pml');
  assert.equal(inverted.verdict, 'violation', inverted.output);
  assert.match(inverted.output, /invalid end state/);
  assert.equal(explore(abba(false)).invariant, 'DEADLOCK');
  const ordered = runSpin('abba_ordered.pml');
  assert.equal(ordered.verdict, 'verified', ordered.output);
  assert.equal(explore(abba(true)).result, 'verified');
});
