// `xsr.checkPatch`: check a unified diff or `git format-patch` mail (a file or
// the clipboard) with the server's `xsr/checkPatch` request; its findings go to
// their own diagnostic collection and so to the Problems panel.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { CheckPatchRequest } from '../../../server/src/contracts/lspRequests';

export function registerCheckPatch(
  getClient: () => LanguageClient | undefined,
  diagnostics: vscode.DiagnosticCollection,
): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.checkPatch', async (fileArg?: unknown) => {
    const client = getClient();
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage('Xen Scheduler Review: the language server is not running (see the output channel).');
      return;
    }
    const patch = fileArg instanceof vscode.Uri ? await readText(fileArg) : await pickPatch();
    if (patch === undefined) return;
    if (patch.trim() === '') {
      void vscode.window.showWarningMessage('The patch is empty.');
      return;
    }
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!base) {
      void vscode.window.showWarningMessage('Open the folder of the tree the patch applies to, then check the patch again.');
      return;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Checking patch', cancellable: true },
      (_p, token) => client.sendRequest(CheckPatchRequest.type, { patch, baseUri: base.toString() }, token),
    );
    if (result.error) {
      void vscode.window.showErrorMessage(`Check Patch: ${result.error}`);
      return;
    }
    diagnostics.clear();
    let count = 0;
    for (const file of result.files) {
      const converted = await client.protocol2CodeConverter.asDiagnostics(file.diagnostics);
      count += converted.length;
      diagnostics.set(vscode.Uri.parse(file.uri), converted);
    }
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showInformationMessage(
      `Check Patch: ${count} finding${count === 1 ? '' : 's'} in ${result.files.length} changed file${result.files.length === 1 ? '' : 's'}.`,
    );
  });
}

async function pickPatch(): Promise<string | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: '$(file) Patch File…', detail: 'A .patch/.diff file or a git format-patch mbox', id: 'file' as const },
      { label: '$(clippy) Clipboard', detail: 'The unified diff or mail currently on the clipboard', id: 'clipboard' as const },
    ],
    { title: 'Check Patch', placeHolder: 'Where is the patch?' },
  );
  if (!choice) return undefined;
  if (choice.id === 'clipboard') return vscode.env.clipboard.readText();
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { Patches: ['patch', 'diff', 'mbox', 'eml'], 'All files': ['*'] },
    openLabel: 'Check Patch',
  });
  return picked?.[0] ? readText(picked[0]) : undefined;
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot read ${uri.fsPath}: ${(e as Error).message}`);
    return undefined;
  }
}
