// Finds the pre-2018 initiator sequence (XSR001): `_VPF_migrating` written
// under a scheduler lock (one or more sites), then, after the unlock, a
// `vcpu_migrate()` (usually preceded by `vcpu_sleep_nosync()` and a
// `pause_flags` re-check). Shared by the XSR001/XSR008 rules and the fixes.
import type { FileAnalysis } from '../analysis';
import type { CfgNode } from '../cfg/types';
import type { FunctionLocks } from '../locks/analyze';
import type { HeldLock } from '../locks/state';
import type { Era } from '../xen/migration';
import {
  acquireCall,
  type FlagWrite,
  flagWriteOf,
  graphOf,
  isMigratingTest,
  isSchedRelease,
  migrationKindsIn,
  mustSched,
  opsAt,
} from './view';

export interface OldSequence {
  /** The flag writes, in source order (the first is the anchor). */
  writes: FlagWrite[];
  /** The scheduler lock held at the first write, and the call that took it. */
  lock: HeldLock;
  lockCall?: { name: string; arg: string; start: number; end: number };
  /** The unlock statements between the writes and the migrate. */
  unlocks: CfgNode[];
  sleeps: CfgNode[];
  recheck?: CfgNode;
  migrate: CfgNode;
  /** The vCPU expression passed to vcpu_migrate(). */
  entity: string;
  era: Era;
}

/** What a function's old sequences are. */
interface OldSequences {
  sequences: readonly OldSequence[];
  /** The vcpu_migrate() calls that belong to none. */
  strayMigrates: readonly CfgNode[];
}

/** The answer for the many functions without a vcpu_migrate() (shared: XSR001 and XSR008 ask of every function). */
const NONE: OldSequences = { sequences: [], strayMigrates: [] };

/** Every old sequence of a function, and the vcpu_migrate() calls that belong to none. */
export function oldSequences(file: FileAnalysis, fn: FunctionLocks): OldSequences {
  if (!migrationKindsIn(fn).has('oldMigrate')) return NONE;
  const g = graphOf(fn);
  const nodes = g.reachableNodes();
  const migrates = nodes.filter((n) => n.kind === 'stmt' && opsAt(n, 'oldMigrate').length > 0);
  if (migrates.length === 0) return NONE;
  const writes: { w: FlagWrite; lock: HeldLock }[] = [];
  for (const n of nodes) {
    const w = flagWriteOf(n);
    if (!w) continue;
    const held = mustSched(fn.before[n.id]!);
    if (held.length > 0) writes.push({ w, lock: held[0]! });
  }
  const sequences: OldSequence[] = [];
  const stray: CfgNode[] = [];
  for (const m of migrates) {
    // The migrate runs with no scheduler lock held, after the flag was written under one.
    if (mustSched(fn.before[m.id]!).length > 0) {
      stray.push(m);
      continue;
    }
    const reachingM = g.reaching(m.id);
    const mine = writes.filter((x) => reachingM.has(x.w.node.id)).sort((a, b) => a.w.start - b.w.start);
    if (mine.length === 0) {
      stray.push(m);
      continue;
    }
    const fromWrites = new Set<number>();
    for (const x of mine) for (const id of g.reachable(x.w.node.id)) fromWrites.add(id);
    const between = (n: CfgNode): boolean => fromWrites.has(n.id) && reachingM.has(n.id);
    const entity = opsAt(m, 'oldMigrate')[0]!.entity || 'v';
    const sleeps = nodes.filter((n) => between(n) && n.kind === 'stmt' && opsAt(n, 'sleep')[0]?.entity === entity);
    const recheck = nodes.filter((n) => between(n) && isMigratingTest(file, n)).sort((a, b) => b.start - a.start)[0];
    const unlocks = nodes.filter((n) => between(n) && isSchedRelease(fn, n) && n.start > mine[0]!.w.start && n.start < m.start);
    const lock = mine[0]!.lock;
    const call = acquireCall(fn, lock.at);
    const era: Era = call && call.name.startsWith('unit_') ? 'unit' : 'vcpu';
    const seq: OldSequence = { writes: mine.map((x) => x.w), lock, unlocks, sleeps, migrate: m, entity, era };
    if (recheck) seq.recheck = recheck;
    if (call) seq.lockCall = { name: call.name, arg: call.args[0]?.text ?? '', start: call.start, end: call.end };
    sequences.push(seq);
  }
  return { sequences, strayMigrates: stray };
}

/** The expression the new-API calls take: the unit helper's argument in the 4.13+ era, else the vCPU. */
export function sequenceTarget(seq: OldSequence): string {
  if (seq.era === 'unit' && seq.lockCall?.arg) return seq.lockCall.arg;
  return seq.entity;
}
