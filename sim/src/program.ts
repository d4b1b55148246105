// The model's input language (what the C extraction emits) and its compilation
// into micro-operations, one per atomic step of the simulator.
//
// Modelling choices (Credit1, 4.11-era semantics; see actions.ts for each step):
// - lockVcpu is two visible steps: read v->processor; lock that pCPU's lock and
//   re-check (v moved: drop it and retry from the read). unlockVcpu is one step.
// - Critical sections the code runs inside one call are one step each, taken
//   only when the lock is free: vcpu_wake, vcpu_sleep_nosync, schedule()'s
//   deschedule and pick, and vcpu_migrate's body under both locks (the second
//   lock's acquire, the re-check / give-up / move, and unlocking both). The
//   first of the two locks is a separate acquire, so lock-order deadlocks stay.
// - vcpu_migrate's pick_cpu is a nondeterministic choice among the other pCPUs
//   (the same one when there is only one). vcpu_migrate_finish's lock-free early
//   return (is_running || !migrating) is folded into its first read.
// - Scheduler threads: one per pCPU, `rounds` rounds (default 1) of deschedule,
//   context_saved, pick. An idle pCPU deschedules nothing and an empty runqueue
//   is read without the lock: both are no-ops, so they take no lock step.
// - Bounded: every thread runs a finite program unless it jumps backwards; a
//   loop made only of jumps ends the thread (with a note).

import type { ExprCompiler, GOp, SharedIndex, SharedInstr, SharedSpec } from './shared';
import { compileShared, isSharedInstr, type SharedKind } from './sharedProgram';
import type { SourceRef } from './types';

/** Instructions of an initiator thread. `vcpu` names the target (default: the model's first vCPU). */
type XenInstr =
  | { op: 'lockVcpu'; vcpu?: string }
  | { op: 'unlockVcpu'; vcpu?: string }
  | { op: 'setMigrating'; vcpu?: string }
  | { op: 'sleepNosyncLocked'; vcpu?: string }
  | { op: 'sleepNosync'; vcpu?: string }
  | { op: 'migrate'; vcpu?: string }
  | { op: 'migrateStart'; vcpu?: string }
  | { op: 'migrateFinish'; vcpu?: string }
  | { op: 'wake'; vcpu?: string }
  | { op: 'ifMigrating'; else: number; vcpu?: string }
  | { op: 'ifRunning'; else: number; vcpu?: string }
  /** A condition the model cannot evaluate: every target is possible. `labels` say what each means (`migrate is false`). */
  | { op: 'choice'; targets: number[]; labels?: string[] }
  | { op: 'jump'; target: number }
  | { op: 'nop' };

type Instr = XenInstr | SharedInstr;

export type InstrAt = Instr & { src?: SourceRef; text?: string };

export interface ThreadProgram {
  name: string;
  /** The C function the thread runs (for the result's `model`), when it comes from one. */
  function?: string;
  instrs: InstrAt[];
}

interface VcpuInit {
  name: string;
  /** v->processor (pCPU name). */
  processor: string;
  /** Current on its processor (curr_on_cpu, is_running set). */
  running?: boolean;
  /** On its processor's runqueue. */
  queued?: boolean;
  /** _VPF_migrating initially set. */
  migrating?: boolean;
}

export interface SchedulerSpec {
  /** What context_saved() does after clearing is_running: old = `if flag: vcpu_migrate(prev)`, new = `vcpu_migrate_finish(prev)`. */
  contextSaved: 'old' | 'new';
  /** Rounds per scheduler thread (each: deschedule, context_saved, pick). Default 1. */
  rounds?: number;
  /** pCPUs that run a scheduler thread (default: all). */
  pcpus?: string[];
  /**
   * Where the user's source does the scheduler's steps, when it shows them
   * (context_saved in the file under review): the trace links those steps
   * there. Only labels change; the search does not read them.
   */
  sources?: SchedulerSources;
}

/** A place in the user's source with the statement's text. */
type SourceAt = SourceRef & { text?: string };

export interface SchedulerSources {
  /** context_saved's write that clears is_running. */
  clearRunning?: SourceAt;
  /** context_saved's test of _VPF_migrating (old protocol). */
  testMigrating?: SourceAt;
  /** context_saved's call of vcpu_migrate (old) or the finish (new): every step of that call. */
  migrate?: SourceAt;
}

export interface Model {
  /** pCPUs and vCPUs of the Xen scheduler model (empty when it is not in play). */
  pcpus: string[];
  vcpus: VcpuInit[];
  threads: ThreadProgram[];
  /** The Xen scheduler's own threads; absent when the scheduler model is not in play. */
  schedulers?: SchedulerSpec;
  /** General shared state: locations with small value domains, and locks. */
  shared?: SharedSpec;
  /** What the extraction left out and why (calls it does not know, loops cut, …). */
  skipped?: string[];
}

/** Micro-operation kinds. `v` = vCPU index, or PREV for the scheduler's prev register. */
export type Kind =
  | 'readProc'
  | 'acqV'
  | 'unlockV'
  | 'setFlag'
  | 'sleepLocked'
  | 'startBody'
  | 'sleepAtomic'
  | 'wakeAtomic'
  | 'ifFlag'
  | 'ifRunning'
  | 'choice'
  | 'jump'
  | 'migRead'
  | 'migLock1'
  | 'migBody'
  | 'desched'
  | 'ifPrev'
  | 'clearRun'
  | 'pick'
  | SharedKind;

export const PREV = -1;

export interface MicroOp {
  k: Kind;
  v: number;
  /** Jump target (else / retry / return), or the pCPU of scheduler ops. */
  a: number;
  /** Second target (migBody: where to go when it gives up). */
  b: number;
  targets?: number[];
  src?: SourceRef;
  /** The C source text of the instruction it comes from. */
  text?: string;
  /** The function the step belongs to, for labels (e.g. "vcpu_migrate"). */
  fn?: string;
  /** The payload of a general micro-operation (reads, writes, locks, …). */
  g?: GOp;
  /** A choice's label per target. */
  labels?: string[];
}

/** Steps that are thread-local and deterministic are folded into the previous step. */
export const SILENT: ReadonlySet<Kind> = new Set(['jump', 'ifPrev', 'gLet', 'gBranch']);

export interface CompiledThread {
  name: string;
  ops: MicroOp[];
  scheduler?: number;
}

class Emitter {
  readonly ops: MicroOp[] = [];
  emit(k: Kind, v: number, a = -1, b = -1, extra: Partial<MicroOp> = {}): number {
    this.ops.push({ k, v, a, b, ...extra });
    return this.ops.length - 1;
  }
  get here(): number {
    return this.ops.length;
  }
}

/** lock = vcpu_schedule_lock(v): read v->processor, lock it, re-check (retry if moved). */
function emitLockV(e: Emitter, v: number, src?: SourceRef, fn?: string): void {
  const start = e.emit('readProc', v, -1, -1, { src, fn });
  e.emit('acqV', v, start, -1, { src, fn });
}

/**
 * vcpu_migrate(v) (or, with `finish`, vcpu_migrate_finish(v) whose lock-free early
 * return is folded into the first step): read v->processor and pick the new pCPU;
 * lock the lower of the two locks; lock the other, re-check / give up / move, and
 * unlock both (one step: the body under both locks is atomic to lock users);
 * then vcpu_wake(v). `patch` collects ops whose exit target is "after this call".
 */
function emitMigrate(e: Emitter, v: number, patch: number[], finish: boolean, at: Partial<MicroOp>, fn = 'vcpu_migrate'): void {
  const start = e.emit('migRead', v, -1, finish ? 1 : 0, { ...at, fn });
  if (finish) patch.push(start);
  e.emit('migLock1', v, -1, -1, { ...at, fn });
  patch.push(e.emit('migBody', v, start, -1, { ...at, fn }));
  e.emit('wakeAtomic', v, -1, -1, { ...at, fn: 'vcpu_wake' });
}

/** The op fields for a scheduler step done at `at` in the user's source (none when unknown). */
function placed(at: SourceAt | undefined): Partial<MicroOp> {
  if (!at) return {};
  const src = { file: at.file, line: at.line };
  return at.text === undefined ? { src } : { src, text: at.text };
}

/** Points early exits (migRead's return, migBody's give-up, ifFlag's else) at `to`. */
function patchExits(ops: MicroOp[], patch: number[], to: number): void {
  for (const op of patch) {
    const m = ops[op]!;
    if (m.k === 'migBody') m.b = to;
    else m.a = to;
  }
}

/** What a thread needs to compile general instructions: the model's names and its own expression compiler. */
export interface SharedCompile {
  ix: SharedIndex;
  c: ExprCompiler;
}

/** Compiles an initiator program; jump targets are instruction indices (instrs.length = end). */
export function compileThread(
  p: ThreadProgram,
  vcpuIndex: (name?: string) => number,
  notes: string[],
  shared?: SharedCompile,
): CompiledThread {
  const e = new Emitter();
  const startOf: number[] = [];
  const fixups: { op: number; field: 'a' | 'b' | 'targets'; instr: number | number[] }[] = [];
  p.instrs.forEach((ins, i) => {
    startOf[i] = e.here;
    const src = ins.src;
    const patchEnd: number[] = [];
    if (isSharedInstr(ins)) {
      if (!shared) throw new Error(`thread ${p.name}: instruction ${ins.op} needs the model's shared state`);
      const m = compileShared(ins, shared.c, shared.ix);
      const op = e.emit(m.k, -1, -1, -1, { src, g: m.g });
      if (m.elseInstr !== undefined) fixups.push({ op, field: 'a', instr: m.elseInstr });
      if (ins.text !== undefined) e.ops[op]!.text = ins.text;
      return;
    }
    const v = 'vcpu' in ins ? vcpuIndex(ins.vcpu) : vcpuIndex(undefined);
    switch (ins.op) {
      case 'lockVcpu':
        emitLockV(e, v, src, 'vcpu_schedule_lock');
        break;
      case 'unlockVcpu':
        e.emit('unlockV', v, -1, -1, { src });
        break;
      case 'setMigrating':
        e.emit('setFlag', v, -1, -1, { src });
        break;
      case 'sleepNosyncLocked':
        e.emit('sleepLocked', v, -1, -1, { src, fn: 'vcpu_sleep_nosync_locked' });
        break;
      case 'sleepNosync':
        e.emit('sleepAtomic', v, -1, -1, { src, fn: 'vcpu_sleep_nosync' });
        break;
      case 'migrate':
        emitMigrate(e, v, patchEnd, false, { src });
        break;
      case 'migrateStart':
        e.emit('startBody', v, -1, -1, { src, fn: 'vcpu_migrate_start' });
        break;
      case 'migrateFinish':
        emitMigrate(e, v, patchEnd, true, { src }, 'vcpu_migrate_finish');
        break;
      case 'wake':
        e.emit('wakeAtomic', v, -1, -1, { src, fn: 'vcpu_wake' });
        break;
      case 'ifMigrating':
        fixups.push({ op: e.emit('ifFlag', v, -1, -1, { src }), field: 'a', instr: ins.else });
        break;
      case 'ifRunning':
        fixups.push({ op: e.emit('ifRunning', v, -1, -1, { src }), field: 'a', instr: ins.else });
        break;
      case 'choice':
        fixups.push({
          op: e.emit('choice', -1, -1, -1, { src, ...(ins.labels ? { labels: ins.labels } : {}) }),
          field: 'targets',
          instr: ins.targets,
        });
        break;
      case 'jump':
        fixups.push({ op: e.emit('jump', -1, -1, -1, { src }), field: 'a', instr: ins.target });
        break;
      case 'nop':
        break;
    }
    if (ins.text !== undefined) for (let k = startOf[i]!; k < e.here; k++) e.ops[k]!.text = ins.text;
    // Early returns of migrate/finish go to the first op after this instruction.
    patchExits(e.ops, patchEnd, e.here);
  });
  startOf[p.instrs.length] = e.here;
  const at = (i: number): number => {
    if (!Number.isInteger(i) || i < 0 || i > p.instrs.length) {
      notes.push(`thread ${p.name}: jump target ${i} out of range, treated as the end of the thread`);
      return e.here;
    }
    return startOf[i]!;
  };
  for (const f of fixups) {
    const m = e.ops[f.op]!;
    if (f.field === 'targets') m.targets = (f.instr as number[]).map(at);
    else m[f.field] = at(f.instr as number);
  }
  breakSilentCycles(e.ops, p.name, notes);
  return { name: p.name, ops: e.ops };
}

/** A loop made only of jumps would spin without a step: end the thread there instead. */
function breakSilentCycles(ops: MicroOp[], name: string, notes: string[]): void {
  ops.forEach((op, i) => {
    if (op.k !== 'jump') return;
    const seen = new Set<number>([i]);
    for (let pc = op.a; pc < ops.length && ops[pc]!.k === 'jump'; pc = ops[pc]!.a) {
      if (seen.has(pc)) {
        notes.push(`thread ${name}: a loop of jumps without any action, treated as the end of the thread`);
        op.a = ops.length;
        return;
      }
      seen.add(pc);
    }
  });
}

/**
 * One scheduler thread for pCPU c, `rounds` times: schedule() deschedules the
 * current vCPU (requeued if runnable; is_running stays set) under c's lock; if
 * there was one, context_saved(prev) clears is_running, then runs the old flag
 * test + vcpu_migrate or the new vcpu_migrate_finish; then schedule() picks the
 * runqueue's head under c's lock and runs it. Each schedule() critical section
 * is one atomic step (it only touches c's lock-protected state and cur(c)).
 */
export function compileScheduler(c: number, name: string, spec: SchedulerSpec): CompiledThread {
  const e = new Emitter();
  const rounds = spec.rounds ?? 1;
  for (let r = 0; r < rounds; r++) {
    e.emit('desched', PREV, c, -1, { fn: 'schedule' });
    const ifPrev = e.emit('ifPrev', PREV);
    const at = spec.sources ?? {};
    const call = placed(at.migrate);
    e.emit('clearRun', PREV, -1, -1, { ...placed(at.clearRunning), fn: 'context_saved' });
    const patch: number[] = [];
    if (spec.contextSaved === 'old') {
      patch.push(e.emit('ifFlag', PREV, -1, -1, { ...placed(at.testMigrating), fn: 'context_saved' }));
      emitMigrate(e, PREV, patch, false, call, 'vcpu_migrate');
    } else {
      emitMigrate(e, PREV, patch, true, call, 'vcpu_migrate_finish');
    }
    const pickAt = e.emit('pick', PREV, c, -1, { fn: 'schedule' });
    e.ops[ifPrev]!.a = pickAt;
    patchExits(e.ops, patch, pickAt);
  }
  return { name, ops: e.ops, scheduler: c };
}
