// `workspace/executeCommand`: the commands the server's code lenses and code
// actions name, so that an editor without this project's VS Code client (Neovim,
// Emacs, Helix…) can run them. `xsr.simulate` runs the same simulation as the
// `xsr/simulate` request and returns its result plus `text`, the table
// `xsr simulate` prints; the verdict is also shown (window/showMessage) and the
// table logged, since most clients do not display a command's result. The VS
// Code client runs `xsr.simulate` itself (its replay panel): it says so in
// `initializationOptions.clientCommands`, and the server then leaves that
// command out of what it advertises.
import * as path from 'node:path';

import { type CancellationToken, ResponseError, type WorkDoneProgressReporter } from 'vscode-languageserver';

import type { SimulateParams } from '../contracts/lspRequests';
import { printable, type SimResult, simulationText } from '../core/index';
import { type SimulateDeps, simulateModel } from './simulate';

export const SIMULATE_COMMAND = 'xsr.simulate';

/** The arguments of `xsr.simulate` (one object, as code lenses send it). */
export type SimulateCommandArgs = Omit<SimulateParams, 'workDoneToken'>;

/** Every command the server implements. */
const SERVER_COMMANDS: readonly string[] = [SIMULATE_COMMAND];

/** The commands to advertise: the server's, less those the client says it runs itself. */
export function advertisedCommands(initializationOptions: unknown): string[] {
  const own = (initializationOptions as { clientCommands?: unknown } | null | undefined)?.clientCommands;
  const skip = new Set(Array.isArray(own) ? own.filter((c): c is string => typeof c === 'string') : []);
  return SERVER_COMMANDS.filter((c) => !skip.has(c));
}

/** `{ textDocument: { uri }, functions, options? }`, or the older `[uri, functionName]`. */
function simulateArgs(args: unknown[] | undefined): SimulateParams | undefined {
  const [first, second] = args ?? [];
  if (typeof first === 'string' && typeof second === 'string') return { textDocument: { uri: first }, functions: [second] };
  if (first && typeof first === 'object') return first as SimulateParams;
  return undefined;
}

export interface CommandDeps extends SimulateDeps {
  /** Tells the user the verdict and logs the table (clients rarely show a command's result). */
  report(summary: string, text: string): void;
}

export async function executeCommand(
  deps: CommandDeps,
  params: { command: string; arguments?: unknown[] },
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
): Promise<(SimResult & { text: string }) | ResponseError<void>> {
  if (params?.command !== SIMULATE_COMMAND) return new ResponseError(-32602, `unknown command: ${String(params?.command)}`);
  const sim = simulateArgs(params.arguments);
  if (!sim) return new ResponseError(-32602, `${SIMULATE_COMMAND}: expected arguments [ { textDocument: { uri }, functions: [names] } ]`);
  const r = await simulateModel(deps, sim, token, progress);
  if (r instanceof ResponseError) return r;
  const title = `${path.basename(sim.textDocument.uri)}: ${sim.functions.join(', ')}`;
  const text = simulationText(r.result, { title, safe: printable });
  const verdict =
    r.result.result === 'violation'
      ? `violation of ${r.result.invariant ?? 'an invariant'} (${r.result.trace.length} steps)`
      : r.result.result;
  deps.report(`xsr: ${sim.functions.join(' ∥ ')}: ${verdict}: ${r.result.message}`, text);
  return { ...r.result, text };
}
