// What Xen's operations do to the interrupt state, and which calls must not
// run with interrupts off or a spinlock held. Data the interrupt analysis
// (locks/irq.ts) and the rules XSR011-XSR013 read; the lock helpers' own
// effects (`_irq`, `_irqsave`, …) are in lockHelpers.ts (`irq`, `flagsArg`).

export type IrqEffect = 'disable' | 'enable' | 'save' | 'restore';

/** Interrupt primitives that are not lock operations. `flagsArg`: the argument naming the flags variable. */
const IRQ_PRIMITIVES: ReadonlyMap<string, { effect: IrqEffect; flagsArg?: number }> = new Map([
  ['local_irq_disable', { effect: 'disable' as const }],
  ['local_irq_enable', { effect: 'enable' as const }],
  ['local_irq_save', { effect: 'save' as const, flagsArg: 0 }],
  ['local_irq_restore', { effect: 'restore' as const, flagsArg: 0 }],
]);

export function irqPrimitive(name: string): { effect: IrqEffect; flagsArg?: number } | undefined {
  return IRQ_PRIMITIVES.get(name);
}

/** When a call is forbidden: with interrupts disabled, with any spinlock/rwlock held (a scheduler lock included), with a scheduler lock held. */
type ForbiddenWhen = 'irqOff' | 'spinlock' | 'schedLock';

export interface ForbiddenCall {
  names: readonly string[];
  when: readonly ForbiddenWhen[];
  /** Why, in one sentence (the finding quotes it). */
  reason: string;
}

/**
 * Calls that must not run in atomic context (Xen asserts most of them in
 * debug builds only: ASSERT_ALLOC_CONTEXT, ASSERT_NOT_IN_ATOMIC, the
 * ASSERT(local_irq_is_enabled()) of the `_irq` lock variants).
 */
const FORBIDDEN_CALLS: readonly ForbiddenCall[] = [
  {
    names: [
      'xmalloc',
      'xzalloc',
      '_xmalloc',
      '_xzalloc',
      'xmalloc_array',
      'xzalloc_array',
      'xmalloc_bytes',
      'xzalloc_bytes',
      'xmalloc_flex_struct',
      'xzalloc_flex_struct',
      'xmemdup',
      '_xrealloc',
      'xrealloc_array',
      'xvmalloc',
      'xvzalloc',
      'xvmalloc_array',
      'xvzalloc_array',
      'vmalloc',
      'vzalloc',
    ],
    when: ['irqOff'],
    reason: 'the allocator needs interrupts enabled (ASSERT_ALLOC_CONTEXT; its pool lock is taken with interrupts on)',
  },
  {
    names: ['xfree', 'XFREE', 'xvfree', 'XVFREE', 'vfree'],
    when: ['irqOff'],
    reason: 'freeing needs interrupts enabled like allocating (ASSERT_ALLOC_CONTEXT)',
  },
  {
    names: [
      'alloc_domheap_pages',
      'alloc_domheap_page',
      'free_domheap_pages',
      'free_domheap_page',
      'alloc_xenheap_pages',
      'free_xenheap_pages',
    ],
    when: ['irqOff'],
    reason: 'the heap allocator needs interrupts enabled (ASSERT_ALLOC_CONTEXT)',
  },
  {
    names: ['alloc_cpumask_var', 'zalloc_cpumask_var', 'free_cpumask_var'],
    when: ['irqOff'],
    reason: 'with many CPUs a cpumask is allocated with xmalloc, which needs interrupts enabled',
  },
  {
    names: ['vcpu_pause', 'domain_pause', 'vcpu_sleep_sync', 'domain_pause_by_systemcontroller', 'sync_vcpu_execstate'],
    when: ['irqOff', 'schedLock'],
    reason:
      'it waits for the vCPU to be descheduled on another CPU, which needs that CPU to take its scheduler lock and this one to take interrupts',
  },
  {
    names: ['process_pending_softirqs'],
    when: ['irqOff'],
    reason: 'it runs softirq handlers (timers, tasklets), which need interrupts enabled',
  },
  {
    names: ['do_softirq', 'wait_event', 'prepare_to_wait'],
    when: ['irqOff', 'spinlock'],
    reason: 'it must not run in atomic context (ASSERT_NOT_IN_ATOMIC)',
  },
  {
    names: ['on_selected_cpus', 'smp_call_function'],
    when: ['irqOff'],
    reason: 'waiting for other CPUs with interrupts off deadlocks against a CPU doing the same',
  },
  {
    names: ['stop_machine_run', 'rcu_barrier', 'cpu_up', 'cpu_down'],
    when: ['irqOff'],
    reason: 'it waits for every CPU to rendezvous, which a CPU with interrupts off never joins',
  },
];

const forbiddenByName = new Map<string, ForbiddenCall>();
for (const f of FORBIDDEN_CALLS) for (const n of f.names) forbiddenByName.set(n, f);

export function forbiddenCall(name: string): ForbiddenCall | undefined {
  return forbiddenByName.get(name);
}
