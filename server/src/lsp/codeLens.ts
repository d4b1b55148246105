// "Simulate interleavings" above each function the core names as a
// simulation target (simulationTargets). The command's arguments are the ones
// `workspace/executeCommand` takes (commands.ts), so any LSP client can run it.
import type { CodeLens } from 'vscode-languageserver';

import { type AnalysedFile, simulationTargets } from '../core/index';
import { SIMULATE_COMMAND, type SimulateCommandArgs } from './commands';
import type { Positions } from './convert';

export function codeLenses(file: AnalysedFile, uri: string, at: Positions): CodeLens[] {
  return simulationTargets(file).map((t) => {
    const start = file.lineIndex.lineStart(file.lineIndex.lineOf(t.start));
    const args: SimulateCommandArgs = { textDocument: { uri }, functions: [t.name] };
    return {
      range: at.range(start, start),
      command: { title: 'Simulate interleavings', command: SIMULATE_COMMAND, arguments: [args] },
    };
  });
}
