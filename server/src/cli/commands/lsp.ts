// `xsr lsp --stdio`: the language server on stdin/stdout.
import { startServer } from '../../lsp/server';
import { type CommandContext, UsageError } from '../context';

export async function runLsp(ctx: CommandContext): Promise<number> {
  if (!ctx.values.stdio && !ctx.values['node-ipc']) throw new UsageError('lsp: pass --stdio');
  await startServer();
  return await new Promise<number>(() => undefined);
}
