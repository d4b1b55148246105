// Line emitter and the per-era / per-file vocabulary the templates draw on.
import type { Rng } from './rng';

/** Collects the lines of one function in Xen's 4-space style. */
export class Out {
  readonly lines: string[] = [];
  private depth = 0;

  /** One line at the current depth (an empty string gives an empty line). */
  l(text = ''): void {
    this.lines.push(text === '' ? '' : '    '.repeat(this.depth) + text);
  }

  /** A line at depth - 1, for labels (" out:") and case labels. */
  label(text: string): void {
    this.lines.push('    '.repeat(Math.max(0, this.depth - 1)) + text);
  }

  /** `head` then `{` on its own line, one level deeper. */
  open(head: string): void {
    this.l(head);
    this.l('{');
    this.depth++;
  }

  close(tail = ''): void {
    this.depth--;
    this.l('}' + tail);
  }

  /** `do {` ... `} while ( 0 );` */
  openDo(): void {
    this.l('do {');
    this.depth++;
  }

  closeDo(): void {
    this.depth--;
    this.l('} while ( 0 );');
  }

  in(): void {
    this.depth++;
  }

  out(): void {
    this.depth--;
  }
}

export type Era = 'vcpu' | 'unit';
export type LockStyle = 'plain' | 'irq' | 'irqsave';

/** The per-era spelling of the scheduler API (4.11 vCPU names or 4.13+ unit names). */
export interface Api {
  era: Era;
  /** Parameter name of the scheduled entity: `v` or `unit`. */
  obj: string;
  param: string;
  /** Loop macro over a domain's entities. */
  forEach(d: string): string;
  lock(style: LockStyle, flags?: string): string;
  unlock(style: LockStyle, lockVar: string, flags?: string): string;
  start: string;
  finish: string;
  running: string;
  runnable: string;
  /** Expression naming the pCPU the entity is on. */
  cpu: string;
  /** Statement moving the entity to pCPU `cpu`. */
  placeOn(cpu: string): string;
  /** A scheduler hook call in the era's style. */
  hook(name: string): string;
  /** Expression of the entity's scheduler lock pointer, for ASSERT(spin_is_locked()). */
  lockPtr: string;
  /** Pause flags word of (the first vCPU of) the entity. */
  pauseFlags: string;
  /** The vCPU expression (v, or unit->vcpu_list). */
  vcpu: string;
}

const SUFFIX: Record<LockStyle, [string, string]> = {
  plain: ['', ''],
  irq: ['_irq', '_irq'],
  irqsave: ['_irqsave', '_irqrestore'],
};

export const VCPU_API: Api = {
  era: 'vcpu',
  obj: 'v',
  param: 'struct vcpu *v',
  forEach: (d) => `for_each_vcpu ( ${d}, v )`,
  lock: (style, flags = 'flags') =>
    `vcpu_schedule_lock${SUFFIX[style][0]}(v${style === 'irqsave' ? `, &${flags}` : ''})`,
  unlock: (style, lockVar, flags = 'flags') =>
    `vcpu_schedule_unlock${SUFFIX[style][1]}(${lockVar}${style === 'irqsave' ? `, ${flags}` : ''}, v)`,
  start: 'vcpu_migrate_start(v)',
  finish: 'vcpu_migrate_finish(v)',
  running: 'v->is_running',
  runnable: 'vcpu_runnable(v)',
  cpu: 'v->processor',
  placeOn: (cpu) => `v->processor = ${cpu};`,
  hook: (name) => `SCHED_OP(vcpu_scheduler(v), ${name}, v)`,
  lockPtr: 'per_cpu(schedule_data, v->processor).schedule_lock',
  pauseFlags: 'v->pause_flags',
  vcpu: 'v',
};

export const UNIT_API: Api = {
  era: 'unit',
  obj: 'unit',
  param: 'struct sched_unit *unit',
  forEach: (d) => `for_each_sched_unit ( ${d}, unit )`,
  lock: (style, flags = 'flags') =>
    `unit_schedule_lock${SUFFIX[style][0]}(unit${style === 'irqsave' ? `, &${flags}` : ''})`,
  unlock: (style, lockVar, flags = 'flags') =>
    `unit_schedule_unlock${SUFFIX[style][1]}(${lockVar}${style === 'irqsave' ? `, ${flags}` : ''}, unit)`,
  start: 'sched_unit_migrate_start(unit)',
  finish: 'sched_unit_migrate_finish(unit)',
  running: 'unit->is_running',
  runnable: 'unit_runnable(unit)',
  cpu: 'sched_unit_master(unit)',
  placeOn: (cpu) => `unit->res = get_sched_res(${cpu});`,
  hook: (name) => `sched_${name}(unit_scheduler(unit), unit)`,
  lockPtr: 'get_sched_res(sched_unit_master(unit))->schedule_lock',
  pauseFlags: 'unit->vcpu_list->pause_flags',
  vcpu: 'unit->vcpu_list',
};

/** Raw lock primitives on a scheduler-private or global lock. */
export function rawLock(kind: 'spin' | 'rw', style: LockStyle, lockExpr: string, write: boolean): [string, string] {
  const [a, r] = SUFFIX[style];
  if (kind === 'spin') {
    if (style === 'irqsave') return [`spin_lock_irqsave(&${lockExpr}, flags);`, `spin_unlock_irqrestore(&${lockExpr}, flags);`];
    return [`spin_lock${a}(&${lockExpr});`, `spin_unlock${r}(&${lockExpr});`];
  }
  const rw = write ? 'write' : 'read';
  if (style === 'irqsave') return [`${rw}_lock_irqsave(&${lockExpr}, flags);`, `${rw}_unlock_irqrestore(&${lockExpr}, flags);`];
  return [`${rw}_lock${a}(&${lockExpr});`, `${rw}_unlock${r}(&${lockExpr});`];
}

export function pickStyle(rng: Rng): LockStyle {
  return rng.pick<LockStyle>(['irq', 'irq', 'irqsave', 'irqsave', 'plain']);
}

export const ERRNOS = ['-EINVAL', '-EBUSY', '-EAGAIN', '-ENOMEM', '-ESRCH', '-EPERM'] as const;
export const NOUNS = ['runq', 'budget', 'credit', 'weight', 'cap', 'tick', 'load', 'affinity', 'prio', 'slice', 'repl', 'idle', 'smt', 'pool', 'stat', 'deadline'] as const;
export const VERBS = ['update', 'adjust', 'refresh', 'account', 'balance', 'scan', 'reset', 'check', 'kick', 'trim', 'sync', 'charge', 'drain', 'settle', 'collect', 'tune'] as const;
