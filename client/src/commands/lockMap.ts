// `xsr.lockMap`: opens the lock discipline learned from the active C file
// (`xsr guards` in the editor): each field's guard with the evidence, what
// each function requires and why, the lock order and the entry points, as a
// read-only document beside the code.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { LockMapRequest } from '../../../server/src/contracts/lspRequests';

export function registerLockMap(getClient: () => LanguageClient | undefined): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.lockMap', async (uriArg?: unknown) => {
    const client = getClient();
    const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
    if (!client || !uri) {
      void vscode.window.showWarningMessage('Open a C file of the Xen scheduler to see its lock map.');
      return;
    }
    const result = await client.sendRequest(LockMapRequest.type, { textDocument: { uri: uri.toString() } });
    if (!result) {
      void vscode.window.showWarningMessage(`No analysis of ${vscode.workspace.asRelativePath(uri)} yet: open it in an editor first.`);
      return;
    }
    const name = uri.path.split('/').pop() ?? uri.toString();
    const header = `Lock map of ${name}: ${result.guards} guarded locations, ${result.requires} requirements, ${result.order} order edges\n\n`;
    const doc = await vscode.workspace.openTextDocument({ content: header + result.text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  });
}
