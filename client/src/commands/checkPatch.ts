// `xsr.checkPatch`: check a unified diff or `git format-patch` mail (a file or
// the clipboard) with the server's `xsr/checkPatch` request. The findings go
// on the patched text (a read-only post-image document, opened in a diff
// editor beside its base), never on the unpatched file on disk at post-image
// lines; when the file on disk already is the post-image, on that file. A
// summary says what the patch introduces, what it fixes and what stays.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { CheckPatchRequest, type CheckPatchResult } from '../../../server/src/contracts/lspRequests';
import { type PatchDocuments } from '../patchDocuments';
import { patchSummary } from '../patchSummary';

export interface CheckPatchDeps {
  getClient: () => LanguageClient | undefined;
  diagnostics: vscode.DiagnosticCollection;
  documents: PatchDocuments;
  output: vscode.OutputChannel;
}

let checks = 0;

export function registerCheckPatch(deps: CheckPatchDeps): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.checkPatch', async (fileArg?: unknown) => {
    const client = deps.getClient();
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
      deps.output.appendLine(`Check Patch: ${result.error}`);
      void vscode.window.showErrorMessage(`Check Patch: ${result.error}`);
      return;
    }
    const shown = await publish(client, deps, result);
    const { message, details } = patchSummary(result);
    deps.output.appendLine(message);
    for (const d of details) deps.output.appendLine(`  ${d}`);
    if (shown) {
      const { base: left, patched, title } = shown;
      if (left) await vscode.commands.executeCommand('vscode.diff', left, patched, title, { preview: false });
      else await vscode.window.showTextDocument(patched, { preview: false });
    }
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showInformationMessage(message, 'Show Details').then((choice) => {
      if (choice) deps.output.show(true);
    });
  });
}

/**
 * Puts each file's findings on its post-image and returns the file to show:
 * the first with findings (else the first), as a diff of base and patched text.
 */
async function publish(
  client: LanguageClient,
  deps: CheckPatchDeps,
  result: CheckPatchResult,
): Promise<{ base?: vscode.Uri; patched: vscode.Uri; title: string } | undefined> {
  deps.diagnostics.clear();
  deps.documents.clear();
  const check = ++checks;
  let first: { base?: vscode.Uri; patched: vscode.Uri; title: string; findings: number } | undefined;
  for (const file of result.files) {
    const onDisk = vscode.Uri.parse(file.uri);
    const converted = await client.protocol2CodeConverter.asDiagnostics(file.diagnostics);
    const name = onDisk.path.replace(/^.*\//, '');
    let target: { base?: vscode.Uri; patched: vscode.Uri; title: string };
    if (file.text === undefined || (await diskText(onDisk)) === file.text) {
      // The patch is applied on disk already (or the server sent no text): the file is the post-image.
      target = { patched: onDisk, title: name };
    } else {
      const patched = deps.documents.postImage(onDisk, file.text, check);
      const base = file.status === 'added' ? deps.documents.emptyBase(onDisk, check) : onDisk;
      target = { base, patched, title: `${name} (base ↔ patched)` };
    }
    deps.diagnostics.set(target.patched, converted);
    if (!first || (first.findings === 0 && converted.length > 0)) first = { ...target, findings: converted.length };
  }
  return first;
}

async function diskText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
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
