// SARIF 2.1.0 output for `check` (placeholder until the SARIF writer lands).
import type { CheckReport } from './commands/check';
import { InputError } from './context';

export function toSarif(_report: CheckReport): unknown {
  throw new InputError('--format sarif: not available in this build');
}
