// `xsr.openTrace`: open a saved `.xsrtrace.json` in the replay panel; a malformed
// file is reported in the panel itself.
import * as path from 'node:path';

import * as vscode from 'vscode';

import type { ReplayPanels } from '../replay/panel';
import { pickTraceFile, readTrace } from '../replay/traceFile';

export function registerOpenTrace(panels: ReplayPanels): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.openTrace', async (uriArg?: unknown) => {
    const uri = uriArg instanceof vscode.Uri ? uriArg : await pickTraceFile();
    if (!uri) return;
    const origin = { title: path.basename(uri.fsPath) };
    const parsed = await readTrace(uri);
    if (parsed.ok) panels.showTrace(parsed.value, origin);
    else panels.showError(parsed.error, origin);
  });
}
