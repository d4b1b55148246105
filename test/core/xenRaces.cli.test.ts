// Historical Xen scheduler races reproduced from Xen's own pre-fix sources
// (scripts/xen-races.mjs reads them from a Xen git mirror into a temporary
// folder; nothing of Xen is in this repository) and verified on the fix
// commit's sources. Skipped where no mirror is available ($XEN_MIRROR).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { ROOT } from './cliHarness';

const MIRROR = process.env.XEN_MIRROR ?? '/work/.mirror/xen-project+xen/repo';
const skip = fs.existsSync(path.join(MIRROR, 'HEAD')) ? false : `no Xen git mirror at ${MIRROR} (set XEN_MIRROR): historical races skipped`;

interface Run {
  id: string;
  fix: string;
  pre: { result: string; invariant?: string; trace: { thread: string; line?: number; action: string }[]; race?: { location: string } };
  preCode: number;
  fixed: { result: string; invariant?: string };
  fixCode: number;
}

test('two historical scheduler races: found before their fix, verified after it', { skip }, () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/xen-races.mjs'), '--json', MIRROR], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, r.stderr);
  const runs = JSON.parse(r.stdout) as Run[];
  const byId = new Map(runs.map((x) => [x.id, x]));

  // ef55257bc8: sched_move_domain() moves v->processor while vcpu_wake() holds the old pCPU's lock.
  const move = byId.get('sched-move-domain-processor-unlocked')!;
  assert.deepEqual([move.pre.result, move.pre.invariant, move.preCode], ['violation', 'ASSERT', 1]);
  assert.equal(move.pre.trace.length, 13);
  const last = move.pre.trace[move.pre.trace.length - 1]!;
  assert.equal(last.thread, 'X:vcpu_wake');
  assert.match(last.action, /^ASSERT\(spin_is_locked\(per_cpu\(schedule_data,v->processor\)\.schedule_lock\)\) FAILS$/);
  assert.ok(move.pre.trace.some((s) => s.thread === 'Y:sched_move_domain' && /^write v->processor = B/.test(s.action)));
  assert.deepEqual([move.fixed.result, move.fixCode], ['verified', 0]);

  // be65075094: credit1's flags word updated with plain |= under different locks (PARKED lost).
  const flags = byId.get('credit1-flags-non-atomic')!;
  assert.deepEqual([flags.pre.result, flags.pre.invariant, flags.preCode], ['violation', 'RACE', 1]);
  assert.equal(flags.pre.race?.location, 'sv->flags');
  assert.equal(flags.pre.trace.length, 11);
  assert.deepEqual([flags.fixed.result, flags.fixCode], ['verified', 0]);
});
