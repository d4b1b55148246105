// The built-in models of the protocol doc: initiators X, Y, Z… all targeting
// vCPU v, which runs on pCPU A; one scheduler thread per pCPU.

import type { InstrAt, Model } from './program';

/** The pre-2018 initiator: lock; set flag; unlock; if (flag) { vcpu_sleep_nosync; vcpu_migrate }. */
const OLD_INITIATOR: InstrAt[] = [
  { op: 'lockVcpu', text: 'lock = vcpu_schedule_lock_irq(v);' },
  { op: 'setMigrating', text: 'set_bit(_VPF_migrating, &v->pause_flags);' },
  { op: 'unlockVcpu', text: 'vcpu_schedule_unlock_irq(lock, v);' },
  { op: 'ifMigrating', else: 6, text: 'if ( v->pause_flags & VPF_migrating )' },
  { op: 'sleepNosync', text: 'vcpu_sleep_nosync(v);' },
  { op: 'migrate', text: 'vcpu_migrate(v);' },
];

/** The 2018 fix: lock; vcpu_migrate_start; unlock; vcpu_migrate_finish. */
const NEW_INITIATOR: InstrAt[] = [
  { op: 'lockVcpu', text: 'lock = vcpu_schedule_lock_irq(v);' },
  { op: 'migrateStart', text: 'vcpu_migrate_start(v);' },
  { op: 'unlockVcpu', text: 'vcpu_schedule_unlock_irq(lock, v);' },
  { op: 'migrateFinish', text: 'vcpu_migrate_finish(v);' },
];

const INITIATOR_NAMES = ['X', 'Y', 'Z', 'W', 'U', 'T'];

function pcpuNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i));
}

export function referenceModel(protocol: 'old' | 'new', opts: { initiators?: number; pcpus?: number; rounds?: number } = {}): Model {
  const initiators = opts.initiators ?? 2;
  const pcpus = pcpuNames(opts.pcpus ?? 3);
  if (initiators < 0 || initiators > INITIATOR_NAMES.length) throw new Error(`initiators must be 0..${INITIATOR_NAMES.length}`);
  if (pcpus.length < 1 || pcpus.length > 8) throw new Error('pcpus must be 1..8');
  const instrs = protocol === 'old' ? OLD_INITIATOR : NEW_INITIATOR;
  return {
    pcpus,
    vcpus: [{ name: 'v', processor: 'A', running: true }],
    threads: INITIATOR_NAMES.slice(0, initiators).map((name) => ({ name, instrs: instrs.map((i) => ({ ...i })) })),
    schedulers: { contextSaved: protocol, rounds: opts.rounds ?? 1 },
  };
}
