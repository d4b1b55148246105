// Cross-check with Spin: the Promela peers of the reference models must give
// the same verdicts as the simulator (old: violation, new: verified).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { explore, referenceModel } from '../../sim/src/index';
import { runSpin, spinAvailable } from './spinRunner';

const skip = spinAvailable() ? false : 'spin is not on PATH (Debian package "spin"): peer cross-check skipped';

test('Spin agrees: old protocol (2 initiators x 3 pCPUs) violates an invariant', { skip }, () => {
  const spin = runSpin('old.pml');
  assert.equal(spin.verdict, 'violation', spin.output);
  assert.equal(explore(referenceModel('old', { initiators: 2, pcpus: 3 })).result, 'violation');
});

test('Spin agrees: new protocol (2 initiators x 3 pCPUs) has no errors', { skip }, () => {
  const spin = runSpin('new.pml');
  assert.equal(spin.verdict, 'verified', spin.output);
  assert.ok(spin.states > 1000, `pan stored ${spin.states} states`);
  assert.equal(explore(referenceModel('new', { initiators: 2, pcpus: 3 }), { reduction: 'none' }).result, 'verified');
});
