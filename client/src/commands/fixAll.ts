// `xsr.fixAll`: apply the server's `source.fixAll.xsr` action to the active
// document. Disabled in restricted mode (it rewrites code in bulk).
import * as vscode from 'vscode';

import { FIX_ALL_KIND } from '../languageClient';

export function registerFixAll(): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.fixAll', async () => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Fix All is not available in restricted mode: trust this workspace to apply fixes.');
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'c') {
      void vscode.window.showInformationMessage('Open a C file to fix its migration protocol issues.');
      return;
    }
    const doc = editor.document;
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, FIX_ALL_KIND.value)) ??
      [];
    const fix = actions.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind));
    if (!fix) {
      void vscode.window.showInformationMessage('No migration protocol issue to fix in this file.');
      return;
    }
    if (fix.edit && !(await vscode.workspace.applyEdit(fix.edit))) {
      void vscode.window.showErrorMessage('The fixes could not be applied (the file changed meanwhile?).');
      return;
    }
    if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
  });
}
