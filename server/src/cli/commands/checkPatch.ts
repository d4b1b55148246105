// `xsr check --patch FILE|-` (placeholder until the patch module lands).
import { CommandContext, InputError } from '../context';

export async function runCheckPatch(_ctx: CommandContext): Promise<number> {
  throw new InputError('check --patch: not available in this build');
}
