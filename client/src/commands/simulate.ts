// `xsr.simulate`: explore the interleavings of one or more functions with the
// server's `xsr/simulate` request and show the result in the replay panel.
// Called from the code lens with `[{ textDocument: { uri }, functions }]` (what the
// server's own `workspace/executeCommand` takes, for other editors), or
// `[uri, functionName]`, or from the palette: then the function at the cursor,
// or a pick among the functions the server offers.
import * as path from 'node:path';

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { SimulateRequest } from '../../../server/src/contracts/lspRequests';
import type { ReplayPanels } from '../replay/panel';

interface Candidate {
  name: string;
  range: vscode.Range;
}

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

async function resolveTarget(uriArg: unknown, fnArg: unknown): Promise<{ uri: vscode.Uri; functions: string[] } | undefined> {
  const lens = lensTarget(uriArg);
  if (lens) return { uri: vscode.Uri.parse(lens.uri), functions: lens.functions };
  if ((typeof uriArg === 'string' || uriArg instanceof vscode.Uri) && typeof fnArg === 'string' && fnArg !== '') {
    return { uri: typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg, functions: [fnArg] };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'c') {
    void vscode.window.showInformationMessage('Open a C file and put the cursor in a function to simulate it.');
    return undefined;
  }
  const candidates = await functionCandidates(editor.document);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      'No function in this file starts or finishes a vCPU migration, so there is nothing to simulate.',
    );
    return undefined;
  }
  const selection = editor.selection;
  const atCursor = candidates.filter((c) => c.range.contains(selection.active));
  if (selection.isEmpty && atCursor.length === 1) return { uri: editor.document.uri, functions: [atCursor[0]!.name] };
  const items = candidates.map((c) => ({
    label: c.name,
    description: `line ${c.range.start.line + 1}`,
    picked: !selection.isEmpty ? c.range.intersection(selection) !== undefined : false,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'Simulate interleavings of…',
    placeHolder: 'Pick the functions whose paths run concurrently',
  });
  if (!picked || picked.length === 0) return undefined;
  return { uri: editor.document.uri, functions: picked.map((p) => p.label) };
}

/**
 * The functions the server offers a "Simulate interleavings" lens for. Their
 * extent comes from the document symbols when a symbol provider is installed;
 * otherwise a function reaches from its lens to the next one.
 */
async function functionCandidates(doc: vscode.TextDocument): Promise<Candidate[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
  const names = lenses
    .filter((l) => l.command?.command === 'xsr.simulate')
    .flatMap((l) => (lensTarget(l.command!.arguments?.[0])?.functions ?? []).map((name) => ({ name, line: l.range.start.line })))
    .sort((a, b) => a.line - b.line);
  const symbols =
    (await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>(
      'vscode.executeDocumentSymbolProvider',
      doc.uri,
    )) ?? [];
  const ranges = new Map<string, vscode.Range>();
  for (const s of symbols) {
    if (s.kind === vscode.SymbolKind.Function) ranges.set(s.name, 'range' in s ? s.range : s.location.range);
  }
  const unique = [...new Map(names.map((n) => [n.name, n])).values()];
  return unique.map((n, i) => ({
    name: n.name,
    range: ranges.get(n.name) ?? new vscode.Range(n.line, 0, (unique[i + 1]?.line ?? doc.lineCount) - 1, 0),
  }));
}

async function runSimulation(client: LanguageClient, panels: ReplayPanels, uri: vscode.Uri, functions: string[]): Promise<void> {
  const title = `${functions.join(' ∥ ')} in ${path.basename(uri.fsPath)}`;
  const origin = { title, documentUri: uri.toString() };
  panels.showBusy(title);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Simulating ${functions.join(', ')}`, cancellable: true },
      (_progress, token) => client.sendRequest(SimulateRequest.type, { textDocument: { uri: uri.toString() }, functions }, token),
    );
    // The result is checked in the panel (validateSimResult), which reports a malformed one.
    panels.showTrace(result, origin);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    panels.showError(`The simulation failed: ${message}`, origin);
  }
}
