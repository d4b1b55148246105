// "Simulate interleavings" above each function the core names as a
// simulation target (simulationTargets).
import type { CodeLens } from 'vscode-languageserver';

import { type AnalysedFile, simulationTargets } from '../core/index';
import { toRange } from './convert';

const SIMULATE_COMMAND = 'xsr.simulate';

export function codeLenses(file: AnalysedFile, uri: string): CodeLens[] {
  return simulationTargets(file).map((t) => {
    const line = file.lineIndex.lineOf(t.start);
    const at = file.lineIndex.lineStart(line);
    return {
      range: toRange(file.lineIndex, at, at),
      command: { title: 'Simulate interleavings', command: SIMULATE_COMMAND, arguments: [uri, t.name] },
    };
  });
}
