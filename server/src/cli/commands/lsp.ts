// `xsr lsp --stdio`: the language server on stdin/stdout.
import { type CommandContext, UsageError } from '../context';

export async function runLsp(ctx: CommandContext): Promise<number> {
  if (!ctx.values.stdio && !ctx.values['node-ipc']) throw new UsageError('lsp: pass --stdio');
  // Loaded here, not with the CLI: vscode-languageserver costs every other command ~20 ms of start-up.
  const { startServer } = await import('../../lsp/server.js');
  await startServer();
  return await new Promise<number>(() => undefined);
}
