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

// `smp_store_release(&flag, 1)` publishes too; a reader's `flag && …` test gates the branch it guards, not the
// condition itself, and a test whose "set" branch joins the other gates nothing.
const STORE_RELEASE = [
  'static DEFINE_SPINLOCK(cfg_lock);',
  'DEFINE_PER_CPU(spinlock_t, use_lock);',
  'static unsigned int cfg_limit;',
  'static bool cfg_ready;',
  'static void cfg_setup(unsigned int limit)',
  '{',
  '    if ( cfg_limit )',
  '        return;',
  '    cfg_limit = limit;',
  '    smp_store_release(&cfg_ready, 1);',
  '}',
  'void cfg_set(unsigned int limit)',
  '{',
  '    spin_lock(&cfg_lock);',
  '    cfg_setup(limit);',
  '    spin_unlock(&cfg_lock);',
  '}',
  'unsigned int cfg_get(void)',
  '{',
  '    unsigned int n;',
  '    spin_lock(&cfg_lock);',
  '    n = cfg_limit;',
  '    n += cfg_limit / 2;',
  '    n += cfg_limit / 4;',
  '    n += cfg_limit / 8;',
  '    spin_unlock(&cfg_lock);',
  '    return n;',
  '}',
  'unsigned int cfg_use(unsigned int n)',
  '{',
  '    unsigned int m = 0;',
  '    spin_lock(&this_cpu(use_lock));',
  '    if ( cfg_ready && n > 0 )',
  '        m = cfg_limit; /* @gated */',
  '    if ( cfg_ready )',
  '        n++;',
  '    m += cfg_limit; /* @joined */',
  '    spin_unlock(&this_cpu(use_lock));',
  '    return m + n;',
  '}',
  '',
].join('\n');

test('a store-release publishes; a flag test gates only the branch it guards', async () => {
  const mark = fixtureMarks(STORE_RELEASE, 'store release');
  const r = guardsReport((await createAnalyzer()).analyzeMany([{ path: 'cfg.c', text: STORE_RELEASE }]));
  const g = r.guards.find((x) => x.location === 'cfg_limit');
  assert.ok(g, r.guards.map((x) => x.location).join(', '));
  assert.equal(g.guard, 'cfg_lock');
  assert.deepEqual(
    g.unguarded.map((s) => `${s.line}:${s.access}:${s.reported ? 'reported' : 'quiet'}`).sort(),
    [`${mark('gated').line}:read:quiet`, `${mark('joined').line}:read:reported`].sort(),
  );
});
