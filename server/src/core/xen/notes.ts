// What the 2018 migration protocol requires at each operation, in the words a
// hover shows (docs/background.md, "The 2018 migration race"). Keyed by
// the operation kinds of ./migration.ts, so every spelling gets its note.
import type { Era, MigrationOpKind } from './migration';

const NOTES: Readonly<Record<MigrationOpKind, Readonly<Record<Era, string>> | undefined>> = {
  migrateStart: {
    vcpu: "Requires the vCPU's scheduler lock held; sets `_VPF_migrating` and takes v off its runqueue in one critical section (`vcpu_sleep_nosync_locked`). Must be followed, on every path, by `vcpu_migrate_finish()` after the unlock.",
    unit: "Requires the unit's scheduler lock held; sets `_VPF_migrating` on each of its vCPUs and takes them off their runqueue in one critical section. Must be followed, on every path, by `sched_unit_migrate_finish()` after the unlock.",
  },
  migrateFinish: {
    vcpu: 'Requires no scheduler lock held (it takes the old and new pCPU locks itself). Call it unconditionally after the unlock: it returns at once if v is running or `_VPF_migrating` is clear.',
    unit: 'Requires no scheduler lock held (it takes the old and new resource locks itself). Call it unconditionally after the unlock: it returns at once if the unit is running or the flag is clear.',
  },
  oldMigrate: {
    vcpu: 'Old API (before 2018): must be preceded by `vcpu_sleep_nosync()`, or v may still sit on its old runqueue when `v->processor` changes. Since the fix: `vcpu_migrate_start()` under the lock, then `vcpu_migrate_finish()` after the unlock.',
    unit: 'Old API (before 2018): must be preceded by a sleep, or the vCPU may still sit on its old runqueue when its processor changes.',
  },
  sleep: {
    vcpu: "Takes and releases the vCPU's scheduler lock. Around a migration this is the old, racy sequence: `vcpu_migrate_start()` already takes v off its runqueue under the lock.",
    unit: "Takes and releases the unit's scheduler lock. Around a migration this is the old, racy sequence: `sched_unit_migrate_start()` already takes the unit off its runqueue under the lock.",
  },
  setMigrating: {
    vcpu: "Setting `_VPF_migrating` by hand is the old initiator sequence: the flag write and the runqueue removal happen in different critical sections. Use `vcpu_migrate_start()` (with the vCPU's scheduler lock held) instead.",
    unit: "Setting `_VPF_migrating` by hand is the old initiator sequence: the flag write and the runqueue removal happen in different critical sections. Use `sched_unit_migrate_start()` (with the unit's scheduler lock held) instead.",
  },
  sleepLocked: undefined,
  wake: undefined,
};

/** The protocol note for an operation, or undefined when the protocol says nothing special there. */
export function protocolNote(kind: MigrationOpKind, era: Era): string | undefined {
  return NOTES[kind]?.[era];
}
