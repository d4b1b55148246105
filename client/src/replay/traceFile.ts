// Saving a trace to a `.xsrtrace.json` file and reading one back. The checking
// itself is in server/src/contracts/webview/traceValidation.ts (no vscode
// import). A saved trace names its files relative to the workspace folder.
import * as vscode from 'vscode';

import type { ReplayResult } from '../../../server/src/contracts/webview/trace';
import { parseTraceText, type Validation } from '../../../server/src/contracts/webview/traceValidation';
import { withRelativePaths } from './provenance';
import { relativeToWorkspace } from './workspacePaths';

const TRACE_SUFFIX = '.xsrtrace.json';

export async function saveTrace(trace: ReplayResult, suggestedName: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${suggestedName.replace(/[^\w.-]+/g, '_')}${TRACE_SUFFIX}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { 'Xen Scheduler Review trace': ['xsrtrace.json', 'json'] },
    saveLabel: 'Save Trace',
  });
  if (!target) return undefined;
  const saved = withRelativePaths(trace, relativeToWorkspace);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(saved, null, 2)}\n`));
  return target;
}

export async function readTrace(uri: vscode.Uri): Promise<Validation<ReplayResult>> {
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch (e) {
    return { ok: false, error: `The file cannot be read: ${(e as Error).message}` };
  }
  return parseTraceText(text);
}

export async function pickTraceFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'Xen Scheduler Review trace': ['json'] },
    openLabel: 'Open Trace',
  });
  return picked?.[0];
}
