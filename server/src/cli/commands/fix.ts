// `xsr fix PATH…` (placeholder until the fix module lands).
import { CommandContext, InputError } from '../context';

export async function runFix(_ctx: CommandContext): Promise<number> {
  throw new InputError('fix: not available in this build');
}
