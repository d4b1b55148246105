// `xsr.simulate`: explore the interleavings of one or more functions with the
// server's `xsr/simulate` request and show the result in the replay panel.
// Called from the code lens with `[{ textDocument: { uri }, functions }]` (what the
// server's own `workspace/executeCommand` takes, for other editors), with
// `[uri, functionName]`, from a trace's "Run Again" with `[uri, functionNames]`,
// or from the palette: then the function at the cursor, or a pick among the
// functions the server offers. What the model cannot use is said in words
// (never as an RPC error), and the trace records what it was made from, so the
// panel can tell when the source changes.
import * as path from 'node:path';

import * as vscode from 'vscode';
import { type LanguageClient, ResponseError } from 'vscode-languageclient/node';

import { SimulateRequest } from '../../../server/src/contracts/lspRequests';
import type { ReplayResult } from '../../../server/src/contracts/webview/trace';
import { type DocumentFunction, documentFunctions } from '../documentFunctions';
import type { ReplayPanels } from '../replay/panel';
import { makeProvenance } from '../replay/provenance';
import { relativeToWorkspace } from '../replay/workspacePaths';

type Candidate = DocumentFunction;

export function registerSimulate(getClient: () => LanguageClient | undefined, panels: ReplayPanels): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.simulate', async (uriArg?: unknown, fnArg?: unknown) => {
    const client = getClient();
    if (!client?.isRunning()) {
      void vscode.window.showErrorMessage('Xen Scheduler Review: the language server is not running (see the output channel).');
      return;
    }
    const target = await resolveTarget(uriArg, fnArg);
    if (!target) return;
    await runSimulation(client, panels, target.uri, target.functions);
  });
}

/** The code lens's argument: `{ textDocument: { uri }, functions: [names] }`. */
function lensTarget(arg: unknown): { uri: string; functions: string[] } | undefined {
  const a = arg as { textDocument?: { uri?: unknown }; functions?: unknown } | undefined;
  const uri = a?.textDocument?.uri;
  const functions = a?.functions;
  if (typeof uri !== 'string' || !Array.isArray(functions) || functions.length === 0) return undefined;
  if (!functions.every((f): f is string => typeof f === 'string' && f !== '')) return undefined;
  return { uri, functions };
}

function functionsArg(fnArg: unknown): string[] | undefined {
  if (typeof fnArg === 'string' && fnArg !== '') return [fnArg];
  if (Array.isArray(fnArg) && fnArg.length > 0 && fnArg.every((f) => typeof f === 'string' && f !== '')) return fnArg as string[];
  return undefined;
}

async function resolveTarget(uriArg: unknown, fnArg: unknown): Promise<{ uri: vscode.Uri; functions: string[] } | undefined> {
  const lens = lensTarget(uriArg);
  if (lens) return { uri: vscode.Uri.parse(lens.uri), functions: lens.functions };
  const given = functionsArg(fnArg);
  if ((typeof uriArg === 'string' || uriArg instanceof vscode.Uri) && given) {
    return { uri: typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg, functions: given };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'c') {
    void vscode.window.showInformationMessage('Open a C file and put the cursor in a function to simulate it.');
    return undefined;
  }
  const { candidates, functions } = await functionCandidates(editor.document);
  const selection = editor.selection;
  const enclosing = functions.find((f) => f.range.contains(selection.active));
  // The cursor is in a function the model cannot run: say why, then offer the ones it can.
  const notSimulable = enclosing && !candidates.some((c) => c.name === enclosing.name) ? enclosing.name : undefined;
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      `${notSimulable ? `${notSimulable}() cannot be simulated: ` : ''}no function in this file starts or finishes a vCPU migration, so the model has nothing to run.`,
    );
    return undefined;
  }
  const atCursor = candidates.filter((c) => c.range.contains(selection.active));
  if (selection.isEmpty && atCursor.length === 1) return { uri: editor.document.uri, functions: [atCursor[0]!.name] };
  const items = candidates.map((c) => ({
    label: c.name,
    description: `line ${c.range.start.line + 1}`,
    picked: !selection.isEmpty ? c.range.intersection(selection) !== undefined : false,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: notSimulable
      ? `${notSimulable}() starts no migration, so the model cannot run it on its own: pick the functions to simulate`
      : 'Simulate interleavings of…',
    placeHolder: 'Pick the functions whose paths run concurrently',
  });
  if (!picked || picked.length === 0) return undefined;
  return { uri: editor.document.uri, functions: picked.map((p) => p.label) };
}

/**
 * The functions the server offers a "Simulate interleavings" lens for, and
 * every function of the file. Their extent comes from the document symbols;
 * without them a candidate reaches from its lens to the next one.
 */
async function functionCandidates(doc: vscode.TextDocument): Promise<{ candidates: Candidate[]; functions: Candidate[] }> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
  const names = lenses
    .filter((l) => l.command?.command === 'xsr.simulate')
    .flatMap((l) => (lensTarget(l.command!.arguments?.[0])?.functions ?? []).map((name) => ({ name, line: l.range.start.line })))
    .sort((a, b) => a.line - b.line);
  const functions = await documentFunctions(doc.uri);
  const ranges = new Map(functions.map((f) => [f.name, f.range]));
  const unique = [...new Map(names.map((n) => [n.name, n])).values()];
  const candidates = unique.map((n, i) => ({
    name: n.name,
    range: ranges.get(n.name) ?? new vscode.Range(n.line, 0, (unique[i + 1]?.line ?? doc.lineCount) - 1, 0),
  }));
  return { candidates, functions };
}

/** An error from the server in words: what could not be simulated and why, without the request's name or code. */
function reason(e: unknown): { cancelled: boolean; text: string } {
  if (e instanceof ResponseError) {
    return { cancelled: e.code === -32800, text: e.message.replace(/^xsr\/simulate:\s*/, '') };
  }
  return { cancelled: false, text: e instanceof Error ? e.message : String(e) };
}

export async function runSimulation(client: LanguageClient, panels: ReplayPanels, uri: vscode.Uri, functions: string[]): Promise<void> {
  const title = `${functions.join(' ∥ ')} in ${path.basename(uri.fsPath)}`;
  const origin = { title, documentUri: uri.toString() };
  panels.showBusy(title);
  // The server simulates open documents (a re-run from a saved trace may name a closed one); the text
  // simulated is recorded so that the panel can tell when it changes.
  let simulatedText: string | undefined;
  try {
    simulatedText = (await vscode.workspace.openTextDocument(uri)).getText();
  } catch (e) {
    panels.showError(`Cannot simulate ${functions.join(', ')}: ${(e as Error).message}`, origin);
    return;
  }
  let result: ReplayResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Simulating ${functions.join(', ')}`, cancellable: true },
      (_progress, token) => client.sendRequest(SimulateRequest.type, { textDocument: { uri: uri.toString() }, functions }, token),
    );
  } catch (e) {
    const r = reason(e);
    const message = r.cancelled ? 'The simulation was cancelled.' : `Cannot simulate ${functions.join(', ')}: ${r.text}`;
    panels.showError(message, origin);
    if (!r.cancelled) void vscode.window.showWarningMessage(message);
    return;
  }
  const document = relativeToWorkspace(uri.toString());
  if (document && simulatedText !== undefined && result && typeof result === 'object') {
    result = {
      ...result,
      provenance: makeProvenance(result, {
        document,
        functions,
        relative: relativeToWorkspace,
        read: (p) => (p === document ? simulatedText : undefined),
      }),
    };
  }
  // The result is checked in the panel (validateSimResult), which reports a malformed one.
  panels.showTrace(result, origin);
}
