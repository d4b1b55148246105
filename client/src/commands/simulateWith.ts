// `xsr.simulateWith` ("Simulate Interleavings With…"): the function at the
// cursor (or one picked) run against partner functions the reviewer picks.
// The server offers the partners (`xsr/simulationPartners`: the functions
// that take one of its locks or touch one of its shared locations, most
// shared first); they are all ticked the first time, and the last choice for
// that function is remembered per workspace and ticked again next time.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { type SimulationPartner, SimulationPartnersRequest } from '../../../server/src/contracts/lspRequests';
import { documentFunctions } from '../documentFunctions';
import type { ReplayPanels } from '../replay/panel';
import { runSimulation } from './simulate';

/** workspaceState key of the partners last chosen for a function of a file. */
const choiceKey = (uri: vscode.Uri, fn: string): string => `xsr.partners:${uri.toString()}#${fn}`;

export function registerSimulateWith(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
  panels: ReplayPanels,
): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.simulateWith', async () => {
    const client = getClient();
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage('Xen Scheduler Review: the language server is not running (see the output channel).');
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'c') {
      void vscode.window.showInformationMessage('Open a C file and put the cursor in a function to simulate it with its partners.');
      return;
    }
    const uri = editor.document.uri;
    const fn = await functionAtCursor(editor);
    if (!fn) return;
    let partners: SimulationPartner[];
    try {
      partners = (await client.sendRequest(SimulationPartnersRequest.type, { textDocument: { uri: uri.toString() }, function: fn }))
        .partners;
    } catch (e) {
      void vscode.window.showWarningMessage(`Cannot find the partners of ${fn}(): ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (partners.length === 0) {
      void vscode.window.showInformationMessage(
        `No other function in this file takes ${fn}()'s locks or touches its shared state: simulating ${fn}() with copies of itself.`,
      );
      await runSimulation(client, panels, uri, [fn]);
      return;
    }
    const remembered = context.workspaceState.get<string[]>(choiceKey(uri, fn));
    const items = partners.map((p) => ({
      label: p.name,
      description: `line ${p.line + 1}`,
      detail: `shares ${p.shares.join(', ')}`,
      picked: remembered ? remembered.includes(p.name) : true,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: `Simulate ${fn}() with…`,
      placeHolder: 'The functions that run concurrently with it (ticked: your last choice, else every function sharing its locks or state)',
    });
    if (!picked) return;
    const chosen = picked.map((p) => p.label);
    await context.workspaceState.update(choiceKey(uri, fn), chosen);
    await runSimulation(client, panels, uri, [fn, ...chosen]);
  });
}

/** The function the cursor is in, else one the user picks among the file's functions. */
async function functionAtCursor(editor: vscode.TextEditor): Promise<string | undefined> {
  const functions = await documentFunctions(editor.document.uri);
  const here = functions.find((f) => f.range.contains(editor.selection.active));
  if (here) return here.name;
  if (functions.length === 0) {
    void vscode.window.showInformationMessage('No function found in this file (is the language server still analysing it?).');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    functions.map((f) => ({ label: f.name, description: `line ${f.range.start.line + 1}` })),
    { title: 'Simulate which function with its partners?' },
  );
  return pick?.label;
}
