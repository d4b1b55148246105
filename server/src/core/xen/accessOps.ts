// What Xen calls do to the memory their arguments designate, as data: list
// operations (which argument is the list head, which the element, whether
// they change the list or only read it), iteration macros, the lockless
// operations (atomics, atomic bit operations, `read_atomic`/`ACCESS_ONCE`)
// whose operands need no lock, and the types that synchronise themselves
// (locks, atomics, timers). The guard inference (core/guards) reads it.

type ListEffect = 'write' | 'read' | 'iterate';

export interface ListOp {
  effect: ListEffect;
  /** Argument that is the list head. */
  head?: number;
  /** Argument that is an element (`&svc->runq_elem`): the list it is on is accessed. */
  elem?: number;
  /** `list_for_each_entry(pos, head, member)`: the cursor and the member naming the element field. */
  pos?: number;
  member?: number;
  /** `list_first_entry(head, type, member)`: the element type argument. */
  type?: number;
}

const L = (effect: ListEffect, o: Omit<ListOp, 'effect'>): ListOp => ({ effect, ...o });

/** Xen's list.h and page_list operations. */
const LIST_OPS: ReadonlyMap<string, ListOp> = new Map([
  ['list_add', L('write', { elem: 0, head: 1 })],
  ['list_add_tail', L('write', { elem: 0, head: 1 })],
  ['list_add_rcu', L('write', { elem: 0, head: 1 })],
  ['list_add_tail_rcu', L('write', { elem: 0, head: 1 })],
  ['list_del', L('write', { elem: 0 })],
  ['list_del_init', L('write', { elem: 0 })],
  ['list_del_rcu', L('write', { elem: 0 })],
  ['list_move', L('write', { elem: 0, head: 1 })],
  ['list_move_tail', L('write', { elem: 0, head: 1 })],
  ['list_splice', L('write', { head: 1 })],
  ['list_splice_init', L('write', { head: 1 })],
  ['list_empty', L('read', { head: 0 })],
  ['list_empty_careful', L('read', { head: 0 })],
  ['list_is_singular', L('read', { head: 0 })],
  ['list_is_last', L('read', { elem: 0, head: 1 })],
  ['list_first_entry', L('read', { head: 0, type: 1, member: 2 })],
  ['list_last_entry', L('read', { head: 0, type: 1, member: 2 })],
  ['list_first_entry_or_null', L('read', { head: 0, type: 1, member: 2 })],
  ['list_next_entry', L('read', { pos: 0, member: 1 })],
  ['list_prev_entry', L('read', { pos: 0, member: 1 })],
  ['list_for_each', L('iterate', { head: 1 })],
  ['list_for_each_prev', L('iterate', { head: 1 })],
  ['list_for_each_safe', L('iterate', { head: 2 })],
  ['list_for_each_backwards_safe', L('iterate', { head: 2 })],
  ['list_for_each_entry', L('iterate', { pos: 0, head: 1, member: 2 })],
  ['list_for_each_entry_reverse', L('iterate', { pos: 0, head: 1, member: 2 })],
  ['list_for_each_entry_continue', L('iterate', { pos: 0, head: 1, member: 2 })],
  ['list_for_each_entry_from', L('iterate', { pos: 0, head: 1, member: 2 })],
  ['list_for_each_entry_safe', L('iterate', { pos: 0, head: 2, member: 3 })],
  ['list_for_each_entry_safe_reverse', L('iterate', { pos: 0, head: 2, member: 3 })],
  ['list_for_each_entry_safe_continue', L('iterate', { pos: 0, head: 2, member: 3 })],
  ['list_for_each_rcu', L('iterate', { head: 1 })],
  ['list_for_each_entry_rcu', L('iterate', { pos: 0, head: 1, member: 2 })],
  ['page_list_add', L('write', { head: 1 })],
  ['page_list_add_tail', L('write', { head: 1 })],
  ['page_list_del', L('write', { head: 1 })],
  ['page_list_del2', L('write', { head: 1 })],
  ['page_list_move', L('write', { head: 0 })],
  ['page_list_splice', L('write', { head: 1 })],
  ['page_list_remove_head', L('write', { head: 0 })],
  ['page_list_empty', L('read', { head: 0 })],
  ['page_list_first', L('read', { head: 0 })],
  ['page_list_last', L('read', { head: 0 })],
  ['page_list_for_each', L('iterate', { head: 1 })],
  ['page_list_for_each_safe', L('iterate', { head: 2 })],
  ['page_list_for_each_safe_reverse', L('iterate', { head: 2 })],
]);

export function listOp(name: string): ListOp | undefined {
  return LIST_OPS.get(name);
}

/** `list_entry(ptr, type, member)` and `container_of`: the element type is argument 1. */
export function containerOf(name: string): { ptr: number; type: number; member: number } | undefined {
  return name === 'list_entry' || name === 'container_of' ? { ptr: 0, type: 1, member: 2 } : undefined;
}

/**
 * Calls whose operands are accessed without needing a lock: atomics, the
 * atomic bit and cpumask operations, explicit single accesses. The
 * non-atomic `__set_bit`, `__cpumask_set_cpu` & co are ordinary writes and
 * are not listed.
 */
const LOCKLESS: ReadonlySet<string> = new Set([
  'atomic_read',
  'atomic_set',
  'atomic_inc',
  'atomic_dec',
  'atomic_add',
  'atomic_sub',
  'atomic_inc_and_test',
  'atomic_dec_and_test',
  'atomic_sub_and_test',
  'atomic_add_negative',
  'atomic_inc_return',
  'atomic_dec_return',
  'atomic_add_return',
  'atomic_sub_return',
  'atomic_cmpxchg',
  'atomic_xchg',
  'atomic_add_unless',
  'read_atomic',
  'write_atomic',
  'add_sized',
  'ACCESS_ONCE',
  'READ_ONCE',
  'WRITE_ONCE',
  'cmpxchg',
  'xchg',
  'test_bit',
  'set_bit',
  'clear_bit',
  'change_bit',
  'test_and_set_bit',
  'test_and_clear_bit',
  'test_and_change_bit',
  'cpumask_set_cpu',
  'cpumask_clear_cpu',
  'cpumask_test_cpu',
  'cpumask_test_and_set_cpu',
  'cpumask_test_and_clear_cpu',
  'rcu_dereference',
  'rcu_assign_pointer',
]);

export function isLockless(name: string): boolean {
  return LOCKLESS.has(name);
}

/**
 * A function that states, unconditionally, that the domain it works on is
 * dying (`BUG_ON(!d->is_dying)`, `ASSERT(d->is_dying)`: domain_kill has set
 * it, the domain's vCPUs are paused for good and nothing new can start on
 * it) is that domain's teardown: what it does to the domain's own state is
 * teardown, not a shared access (grant, event channel and argo release
 * paths). Returns the offset of the statement in the body, or -1.
 */
export function dyingAssertion(body: string): number {
  const re = /\b(?:BUG_ON\s*\(\s*!\s*\(?\s*[A-Za-z_]\w*\s*->\s*is_dying\s*\)?\s*\)|ASSERT\s*\(\s*[A-Za-z_]\w*\s*->\s*is_dying\s*\))\s*;/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const before = body.slice(0, m.index);
    // At the top level of the body (not in a block) and not the statement of an unbraced if/else/loop.
    const depth = (before.match(/\{/g) ?? []).length - (before.match(/\}/g) ?? []).length;
    const prev = before
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/[^\n]*/g, '')
      .trimEnd();
    if (depth === 1 && /[;{}]$/.test(prev)) return m.index;
  }
  return -1;
}

/**
 * Consistency checks: `ASSERT` (debug builds) and `BUG_ON`/`WARN_ON` (a
 * crash or a warning when the state is already wrong). What they read is a
 * sanity check of state the code relies on, not a use of it: neither an
 * access that votes on a guard nor a call that must meet requirements.
 */
export function isDebugCheck(name: string): boolean {
  return name === 'ASSERT' || name === 'ASSERT_UNREACHABLE' || name === 'BUG_ON' || name === 'WARN_ON';
}

const DIAGNOSTIC_OUTPUT: ReadonlySet<string> = new Set([
  'printk',
  'printk_once',
  'dprintk',
  'gdprintk',
  'gprintk',
  'debugtrace_printk',
  'panic',
  'trace_var',
  '_trace_var',
  '__trace_var',
  'CPUMASK_PR',
]);

/**
 * Diagnostic output: what a dump or trace prints may be a stale or torn
 * value, and that is all that can go wrong with it. Reads in these
 * arguments neither vote on a guard nor are reported (a list walked to
 * print it is walked outside them, and is).
 */
export function isDiagnosticOutput(name: string): boolean {
  // (A set and a prefix, not one regex: asked of every call the discipline scans.)
  return DIAGNOSTIC_OUTPUT.has(name) || (name.startsWith('TRACE_') && /^TRACE_\w+$/.test(name));
}

/** Types that synchronise themselves (or are synchronisation): accessing one is never an unguarded access. */
const SELF_SYNCHRONISED: ReadonlySet<string> = new Set([
  'spinlock_t',
  'rspinlock_t',
  'struct spinlock',
  'struct rspinlock',
  'struct rwlock',
  'rwlock_t',
  'percpu_rwlock_t',
  'rcu_read_lock_t',
  'atomic_t',
  'atomic64_t',
  'struct timer',
  'struct tasklet',
  'struct rcu_head',
  'struct softirq_tasklet',
]);

export function selfSynchronised(base: string): boolean {
  return SELF_SYNCHRONISED.has(base);
}

/**
 * Objects freshly allocated: nobody else can reach them until they are
 * published. The arch hooks that allocate a domain or a vCPU structure
 * (`alloc_domain_struct`, `alloc_vcpu_struct`: zeroed xenheap pages) are
 * allocators too: `domain_create`/`vcpu_create` initialise what they return
 * before linking it into the domain list or `d->vcpu[]`. A reallocation
 * (`xrealloc`, `_xrealloc`) hands the caller a block nobody else has, like
 * the allocation it replaces.
 */
export function isAllocator(name: string): boolean {
  return ALLOCATORS.has(name);
}

/**
 * Xen's allocators by name: `[_]x[v]{m,z,re}alloc[_array|_flex_struct|_bytes]`
 * and the arch hooks. A set of every spelling, not a pattern: the discipline
 * asks of every call a function's result is assigned from.
 */
const ALLOCATORS: ReadonlySet<string> = new Set([
  ...['', '_'].flatMap((u) =>
    ['x', 'xv'].flatMap((x) =>
      ['m', 'z', 're'].flatMap((k) => ['', '_array', '_flex_struct', '_bytes'].map((suffix) => `${u}${x}${k}alloc${suffix}`)),
    ),
  ),
  'xmemdup',
  'alloc_domheap_page',
  'alloc_domain_struct',
  'alloc_vcpu_struct',
]);

/**
 * Calls that use the memory their pointers designate and keep no pointer
 * (the C library's copies and compares, cpumask and bitmap operations):
 * handing them a private object does not publish it.
 */
export function keepsNoPointer(name: string): boolean {
  return /^(memcpy|memmove|memset|memcmp|strlcpy|strcmp|strncmp|cpumask_\w+|bitmap_\w+|nodes_\w+)$/.test(name);
}

/** Calls that free their argument: after them the object is unreachable (before them it is being torn down). */
export function isDeallocator(name: string): boolean {
  return DEALLOCATORS.has(name);
}

/** `[_]x[v]free` and the macros that free and clear the pointer: a set, asked of every call of every function. */
const DEALLOCATORS: ReadonlySet<string> = new Set(['xfree', 'xvfree', '_xfree', '_xvfree', 'XFREE', 'XVFREE']);

/** Fields that hold the per-CPU scheduler lock pointer (re-routed by switch_sched): type-level locations. */
const SCHED_LOCK_POINTERS: ReadonlySet<string> = new Set(['struct sched_resource.schedule_lock', 'struct schedule_data.schedule_lock']);

export function isSchedLockPointer(location: string): boolean {
  return SCHED_LOCK_POINTERS.has(location);
}

/** Well-known variables that are macros of arch headers we may not read: their types. */
export const BUILTIN_VARIABLES: ReadonlyMap<string, { base: string; ptr: number }> = new Map([
  ['current', { base: 'struct vcpu', ptr: 1 }],
]);

/**
 * Iteration macros over lists only a lock keeps stable, and the locks that
 * do (any one of them): the domain list is RCU (readers under
 * `rcu_read_lock(&domlist_read_lock)`, writers under `domlist_update_lock`,
 * domain.c), the cpupool list is `cpupool_lock`'s (cpupool.c:32-40).
 */
const PROTECTED_ITERATIONS: ReadonlyMap<string, { locks: readonly string[]; list: string }> = new Map([
  ['for_each_domain', { locks: ['rcu(domlist_read_lock)', 'domlist_update_lock'], list: 'the domain list' }],
  ['for_each_domain_in_cpupool', { locks: ['rcu(domlist_read_lock)', 'domlist_update_lock'], list: 'the domain list' }],
  ['for_each_cpupool', { locks: ['cpupool_lock'], list: 'the cpupool list' }],
]);

export function protectedIteration(macro: string): { locks: readonly string[]; list: string } | undefined {
  return PROTECTED_ITERATIONS.get(macro);
}

/** A read of the system time: `NOW()` (a macro for `get_s_time()`). Two samples taken on different CPUs are ordered only by what the samplers synchronised on. */
export function isTimeSample(name: string): boolean {
  return name === 'NOW' || name === 'get_s_time';
}

/**
 * Kinds of objects the scheduler treats apart, as a predicate and the
 * expressions that name members of the kind: an idle vCPU
 * (`is_idle_vcpu(v)`, `idle_vcpu[cpu]`) is lent to other scheduling units
 * under core scheduling, so its `sched_unit` changes where a guest vCPU's
 * does not.
 */
const OBJECT_KINDS: readonly { test: string; member: RegExp; what: string }[] = [
  { test: 'is_idle_vcpu', member: /^idle_vcpu\s*\[/, what: 'an idle vCPU' },
];

/** The kind a predicate call tests (`is_idle_vcpu`). */
export function objectKindTest(name: string): { test: string; what: string } | undefined {
  return OBJECT_KINDS.find((k) => k.test === name);
}

/** The kind an expression names a member of (`idle_vcpu[cpu]`: an idle vCPU). */
export function objectKindOf(expr: string): { test: string; what: string } | undefined {
  return OBJECT_KINDS.find((k) => k.member.test(expr.trim()));
}
