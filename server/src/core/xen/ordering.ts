// How Xen code orders plain accesses without a lock, as data: the write
// barriers a publication flag is set after (`smp_wmb(); ready = 1;`, the
// readers test the flag before they use what it publishes), and the
// rendezvous handshake through a CPU mask (each CPU writes its own per-CPU
// slot, then clears its own bit with an atomic bit operation; the CPU that
// started the rendezvous spins until the mask is empty before it reads the
// slots). guards/handshake.ts reads it.

/** Barriers that order the writes before them before the writes after them (a full barrier does too). */
export function isWriteBarrier(name: string): boolean {
  return name === 'smp_wmb' || name === 'wmb' || name === 'smp_mb' || name === 'mb';
}

/** `smp_store_release(&flag, v)`: the store is ordered after every access before it. */
export function isStoreRelease(name: string): boolean {
  return name === 'smp_store_release';
}

/**
 * An atomic clear of one bit of a mask (`cpumask_clear_cpu(cpu, &mask)`,
 * `clear_bit(nr, &word)`): which argument is the bit, which the mask. The
 * locked instruction orders the stores before it (x86's lock prefix); Xen's
 * rendezvous code relies on it.
 */
export function atomicBitClear(name: string): { bit: number; mask: number } | undefined {
  return name === 'cpumask_clear_cpu' || name === 'clear_bit' ? { bit: 0, mask: 1 } : undefined;
}

/** A test that no bit of a mask is left (`cpumask_empty(&mask)`): which argument is the mask. */
export function emptinessTest(name: string): number | undefined {
  return name === 'cpumask_empty' || name === 'bitmap_empty' ? 0 : undefined;
}

/** Marked loads a flag test may read its flag through (`!read_atomic(&ready)`, `READ_ONCE(ready)`). */
export function isMarkedLoad(name: string): boolean {
  return name === 'read_atomic' || name === 'READ_ONCE' || name === 'ACCESS_ONCE';
}

/** The running CPU's number: a per-CPU slot indexed by it is that CPU's own. */
export function isOwnCpuId(expr: string): boolean {
  return /^smp_processor_id\s*\(\s*\)$/.test(expr.trim());
}
