// Accesses ordered without a lock (guards/handshake.ts) in the lock map: the
// set-up write before a publication flag, the read after a test of it and
// the own-slot write before a rendezvous mask is cleared are still listed as
// unguarded sites of their location (the guard is what it was), but not
// reported; their look-alikes (a reader that never tests the flag, a slot
// written after the bit was cleared) are.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { createAnalyzer, guardsReport } from '../../server/src/core/index';
import { fixtureMarks } from '../shared/fixtureMarks';
import { FIXTURES } from './rulesHarness';

async function unguarded(name: string, location: string): Promise<{ guard: string; sites: string[] }> {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const r = guardsReport((await createAnalyzer()).analyzeMany([{ path: name, text }]));
  const g = r.guards.find((x) => x.location === location);
  assert.ok(g, `${location} has a guard in ${name}: ${r.guards.map((x) => x.location).join(', ')}`);
  return { guard: g.guard, sites: g.unguarded.map((s) => `${s.line}:${s.access}:${s.reported ? 'reported' : 'quiet'}`).sort() };
}

test('a publication flag: set-up before it and reads after a test of it are listed, not reported', async () => {
  const name = 'xsr009_publication.c';
  const mark = fixtureMarks(fs.readFileSync(path.join(FIXTURES, name), 'utf8'), name);
  const prod = await unguarded(name, 'struct demo_ring.prod');
  assert.equal(prod.guard, 'per_cpu(demo_ring_lock)');
  assert.deepEqual(prod.sites, [`${mark('setup').line}:write:quiet`]);
  const size = await unguarded(name, 'demo_size');
  assert.equal(size.guard, 'demo_ctl_lock');
  assert.deepEqual(size.sites, [`${mark('gated').line}:read:quiet`, `${mark('ungated').line}:read:reported`].sort());
});

test('a rendezvous mask: the own slot written before the bit is cleared is quiet, after it reported', async () => {
  const name = 'xsr009_rendezvous.c';
  const mark = fixtureMarks(fs.readFileSync(path.join(FIXTURES, name), 'utf8'), name);
  const stamp = await unguarded(name, 'per_cpu(demo_stamp)');
  assert.equal(stamp.guard, 'lock (static in demo_stamp_all)');
  assert.deepEqual(stamp.sites, [`${mark('slot').line}:write:quiet`]);
  const ticks = await unguarded(name, 'per_cpu(demo_ticks)');
  assert.deepEqual(ticks.sites, [`${mark('late').line}:write:reported`]);
});
