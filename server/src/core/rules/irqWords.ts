// How interrupt-state findings say why a function is entered with interrupts
// on or off (shared by XSR012 and XSR013).
import type { FunctionLocks } from '../locks/analyze';

export function entryIrqWords(fn: FunctionLocks): string {
  return fn.entryIrqWhy ?? (fn.entryIrq === false ? 'its callers disable them' : 'its callers enable them');
}
