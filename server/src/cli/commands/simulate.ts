// `xsr simulate` (placeholder until the extraction lands).
import { CommandContext, InputError } from '../context';

export async function runSimulate(_ctx: CommandContext): Promise<number> {
  throw new InputError('simulate: not available in this build');
}
