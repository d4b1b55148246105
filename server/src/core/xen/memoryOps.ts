// What Xen's memory operations are, beyond plain loads and stores: atomic
// bit operations and their non-atomic `__` twins, the `atomic_t` API,
// cmpxchg/xchg, READ_ONCE-style marked accesses, the pause-flag helpers, and
// the list API (insertions, removals, emptiness tests, iteration macros).
// Part of the vocabulary (with lockHelpers.ts and migration.ts): the model
// extraction turns these into single atomic steps or list updates, and
// `memoryOpsOf` (queries) lists them for the agreement test.
import type { AtomicFn as AtomicOp } from '../../../../sim/src/shared';
import type { CallSite } from '../syntax/expr';

/**
 * A memory operation of a call. `target`: the argument holding the address
 * (`&x`) of the word, or for the pause-flag helpers the vCPU whose
 * `pause_flags` it is; `arg`/`arg2`: the operand arguments; `constant`: an
 * operand fixed by the name (atomic_inc is add 1). `atomic: false` marks the
 * non-atomic `__` bit operations: a plain read and a plain write.
 */
export type MemoryOp =
  | { kind: 'atomic'; op: AtomicOp; atomic: boolean; target: number; arg?: number; arg2?: number; constant?: number; pauseFlags?: boolean }
  /** READ_ONCE(x) / ACCESS_ONCE(x) / read_atomic(&x): a marked load; WRITE_ONCE(x, v) / write_atomic(&x, v): a marked store. */
  | { kind: 'once'; write: boolean; target: number; byAddress: boolean; arg?: number }
  | { kind: 'list'; op: 'add' | 'del' | 'move' | 'empty' | 'first'; entry?: number; head?: number };

const BIT = (op: AtomicOp, atomic: boolean): MemoryOp => ({ kind: 'atomic', op, atomic, target: 1, arg: 0 });
const PAUSE = (op: AtomicOp, atomic: boolean): MemoryOp => ({ kind: 'atomic', op, atomic, target: 0, arg: 1, pauseFlags: true });

const CALLS: ReadonlyMap<string, MemoryOp> = new Map<string, MemoryOp>([
  ['set_bit', BIT('setBit', true)],
  ['clear_bit', BIT('clearBit', true)],
  ['change_bit', BIT('changeBit', true)],
  ['test_and_set_bit', BIT('testAndSetBit', true)],
  ['test_and_clear_bit', BIT('testAndClearBit', true)],
  ['test_and_change_bit', BIT('testAndChangeBit', true)],
  ['test_bit', BIT('testBit', true)],
  ['__set_bit', BIT('setBit', false)],
  ['__clear_bit', BIT('clearBit', false)],
  ['__change_bit', BIT('changeBit', false)],
  ['__test_and_set_bit', BIT('testAndSetBit', false)],
  ['__test_and_clear_bit', BIT('testAndClearBit', false)],
  ['__test_and_change_bit', BIT('testAndChangeBit', false)],
  ['sched_set_pause_flags', PAUSE('setBit', false)],
  ['sched_clear_pause_flags', PAUSE('clearBit', false)],
  ['sched_set_pause_flags_atomic', PAUSE('setBit', true)],
  ['sched_clear_pause_flags_atomic', PAUSE('clearBit', true)],
  ['atomic_read', { kind: 'atomic', op: 'read', atomic: true, target: 0 }],
  ['atomic_set', { kind: 'atomic', op: 'set', atomic: true, target: 0, arg: 1 }],
  ['atomic_inc', { kind: 'atomic', op: 'add', atomic: true, target: 0, constant: 1 }],
  ['atomic_dec', { kind: 'atomic', op: 'sub', atomic: true, target: 0, constant: 1 }],
  ['atomic_add', { kind: 'atomic', op: 'add', atomic: true, target: 1, arg: 0 }],
  ['atomic_sub', { kind: 'atomic', op: 'sub', atomic: true, target: 1, arg: 0 }],
  ['atomic_inc_return', { kind: 'atomic', op: 'addReturn', atomic: true, target: 0, constant: 1 }],
  ['atomic_dec_return', { kind: 'atomic', op: 'subReturn', atomic: true, target: 0, constant: 1 }],
  ['atomic_add_return', { kind: 'atomic', op: 'addReturn', atomic: true, target: 1, arg: 0 }],
  ['atomic_sub_return', { kind: 'atomic', op: 'subReturn', atomic: true, target: 1, arg: 0 }],
  ['atomic_inc_and_test', { kind: 'atomic', op: 'incAndTest', atomic: true, target: 0 }],
  ['atomic_dec_and_test', { kind: 'atomic', op: 'decAndTest', atomic: true, target: 0 }],
  ['atomic_cmpxchg', { kind: 'atomic', op: 'cmpxchg', atomic: true, target: 0, arg: 1, arg2: 2 }],
  ['atomic_xchg', { kind: 'atomic', op: 'xchg', atomic: true, target: 0, arg: 1 }],
  ['cmpxchg', { kind: 'atomic', op: 'cmpxchg', atomic: true, target: 0, arg: 1, arg2: 2 }],
  ['xchg', { kind: 'atomic', op: 'xchg', atomic: true, target: 0, arg: 1 }],
  ['read_atomic', { kind: 'once', write: false, target: 0, byAddress: true }],
  ['write_atomic', { kind: 'once', write: true, target: 0, byAddress: true, arg: 1 }],
  ['READ_ONCE', { kind: 'once', write: false, target: 0, byAddress: false }],
  ['ACCESS_ONCE', { kind: 'once', write: false, target: 0, byAddress: false }],
  ['WRITE_ONCE', { kind: 'once', write: true, target: 0, byAddress: false, arg: 1 }],
  ['list_add', { kind: 'list', op: 'add', entry: 0, head: 1 }],
  ['list_add_tail', { kind: 'list', op: 'add', entry: 0, head: 1 }],
  ['list_del', { kind: 'list', op: 'del', entry: 0 }],
  ['list_del_init', { kind: 'list', op: 'del', entry: 0 }],
  ['list_move', { kind: 'list', op: 'move', entry: 0, head: 1 }],
  ['list_move_tail', { kind: 'list', op: 'move', entry: 0, head: 1 }],
  ['list_empty', { kind: 'list', op: 'empty', head: 0 }],
  ['list_first_entry', { kind: 'list', op: 'first', head: 0 }],
  ['list_first_entry_or_null', { kind: 'list', op: 'first', head: 0 }],
]);

/** Iteration macros over a list: the argument holding the head. */
const LIST_LOOPS: ReadonlyMap<string, number> = new Map([
  ['list_for_each', 1],
  ['list_for_each_safe', 2],
  ['list_for_each_entry', 1],
  ['list_for_each_entry_safe', 2],
  ['list_for_each_entry_reverse', 1],
  ['list_for_each_prev', 1],
]);

/** The memory operation a call (by name) performs, if it is one. */
export function memoryOp(name: string): MemoryOp | undefined {
  return CALLS.get(name);
}

/** For a list-iteration loop macro, the argument index of the list head. */
export function listLoopHead(macro: string): number | undefined {
  return LIST_LOOPS.get(macro);
}

/** A statement's memory operations (calls at any depth), in source order. */
export function memoryOpsOfCalls(calls: readonly CallSite[]): { op: MemoryOp; call: CallSite }[] {
  return calls
    .map((call) => ({ op: CALLS.get(call.name), call }))
    .filter((x): x is { op: MemoryOp; call: CallSite } => x.op !== undefined)
    .sort((a, b) => a.call.start - b.call.start);
}

/** Calls the model reads as barriers, hints or bookkeeping with no shared effect (no note for them). */
export const NO_SHARED_EFFECT: ReadonlySet<string> = new Set([
  'likely',
  'unlikely',
  'smp_mb',
  'smp_rmb',
  'smp_wmb',
  'barrier',
  'cpu_relax',
  'local_irq_disable',
  'local_irq_enable',
  'local_irq_save',
  'local_irq_restore',
  'rcu_read_lock',
  'rcu_read_unlock',
  'printk',
  'dprintk',
  'gdprintk',
  'gprintk',
  'SCHED_STAT_CRANK',
  'TRACE_0D',
  'TRACE_1D',
  'TRACE_2D',
  'TRACE_3D',
  'TRACE_4D',
  'TRACE_5D',
  'TRACE_6D',
  '__trace_var',
  'perfc_incr',
  'ASSERT_UNREACHABLE',
]);
