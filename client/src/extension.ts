// Wires the extension together: the output channel, the status bar, the language
// client, the commands and the race-replay views. No logic of its own lives here.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { AnalysisStatusNotification } from '../../server/src/contracts/lspRequests';
import { AnalysisLog } from './analysisLog';
import { registerCheckPatch } from './commands/checkPatch';
import { registerFixAll } from './commands/fixAll';
import { registerLockMap } from './commands/lockMap';
import { registerOpenTrace } from './commands/openTrace';
import { registerShowLockState } from './commands/showLockState';
import { registerSimulate } from './commands/simulate';
import { registerSimulateWith } from './commands/simulateWith';
import { createLanguageClient } from './languageClient';
import { PatchDocuments } from './patchDocuments';
import { ReplayPanels } from './replay/panel';
import { TraceEditorProvider } from './replay/traceEditor';
import { AnalysisStatusBar } from './statusBar';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Xen Scheduler Review');
  const status = new AnalysisStatusBar();
  const panels = new ReplayPanels(context.extensionUri);
  const patchDiagnostics = vscode.languages.createDiagnosticCollection('xsr-patch');
  const patchDocuments = new PatchDocuments();
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  const trust = vscode.workspace.isTrusted ? 'trusted' : 'restricted mode';
  output.appendLine(`Xen Scheduler Review ${version} activated (${trust}).`);
  console.log(`[xsr] Xen Scheduler Review ${version} activated (${trust})`);

  context.subscriptions.push(
    output,
    status,
    panels,
    patchDiagnostics,
    patchDocuments,
    patchDocuments.register(),
    panels.register(),
    new TraceEditorProvider(context.extensionUri, panels.highlighter, panels.hooks).register(),
    registerSimulate(() => client, panels),
    registerSimulateWith(context, () => client, panels),
    registerFixAll(output),
    registerCheckPatch({ getClient: () => client, diagnostics: patchDiagnostics, documents: patchDocuments, output }),
    registerShowLockState(context),
    registerLockMap(() => client),
    registerOpenTrace(panels),
    vscode.commands.registerCommand('xsr.showOutput', () => output.show(true)),
    // Trusting the workspace later lifts the restrictions: restart with the new state.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart(context, output, status)),
  );

  await start(context, output, status);
}

async function start(context: vscode.ExtensionContext, output: vscode.OutputChannel, status: AnalysisStatusBar): Promise<void> {
  const c = createLanguageClient(context, output);
  client = c;
  const log = new AnalysisLog(output);
  context.subscriptions.push(
    c.onNotification(AnalysisStatusNotification.type, (p) => {
      status.update(p);
      log.record(p);
    }),
  );
  status.setServerState('starting');
  try {
    await c.start();
    status.setServerState('running');
    output.appendLine('Language server started.');
    console.log('[xsr] language server started');
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    status.setServerState('failed', message);
    output.appendLine(`The language server could not start: ${message}`);
    console.log(`[xsr] language server failed to start: ${message}`);
  }
}

async function restart(context: vscode.ExtensionContext, output: vscode.OutputChannel, status: AnalysisStatusBar): Promise<void> {
  const old = client;
  client = undefined;
  await old?.stop().catch(() => undefined);
  await start(context, output, status);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
