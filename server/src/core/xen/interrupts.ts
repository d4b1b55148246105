// Which lock operations turn interrupts off for as long as the lock is held:
// Xen's `_irq` and `_irqsave` acquire variants (`spin_lock_irq`,
// `spin_lock_irqsave`, `vcpu_schedule_lock_irq`, `pcpu_schedule_lock_irqsave`,
// `read_lock_irq`, …). Their releases (`_irq`, `_irqrestore`) turn them back on.
// The editor reads this to show the interrupt state next to the held locks.

const IRQ_OFF_ACQUIRE = /(^|_)(lock|trylock)_irq(save)?$/;

/** A call of this name takes a lock with interrupts disabled. */
export function disablesInterrupts(callName: string): boolean {
  return IRQ_OFF_ACQUIRE.test(callName);
}
