// The status bar item: the analysis state and finding count of the active C
// document (statusText.ts words it), fed by the server's `xsr/analysisStatus`
// notifications.
import * as vscode from 'vscode';

import type { AnalysisStatusParams } from '../../server/src/contracts/lspRequests';
import { statusText } from './statusText';

export type ServerState = 'starting' | 'running' | 'failed' | 'stopped';

export class AnalysisStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('xsr.status', vscode.StatusBarAlignment.Left, 10);
  private readonly byUri = new Map<string, AnalysisStatusParams>();
  private server: ServerState = 'starting';
  private serverMessage = '';
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.item.name = 'Xen Scheduler Review';
    this.item.command = 'xsr.showOutput';
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((d) => this.byUri.delete(d.uri.toString())),
    );
    this.render();
  }

  setServerState(state: ServerState, message = ''): void {
    this.server = state;
    this.serverMessage = message;
    this.render();
  }

  update(status: AnalysisStatusParams): void {
    this.byUri.set(status.uri, status);
    this.render();
  }

  private render(): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'c') {
      this.item.hide();
      return;
    }
    const restricted = vscode.workspace.isTrusted ? '' : ' (restricted mode: analysis only)';
    this.item.backgroundColor = undefined;
    if (this.server !== 'running') {
      const text = { starting: '$(sync~spin) XSR', failed: '$(error) XSR', stopped: '$(circle-slash) XSR' }[this.server];
      this.item.text = text;
      this.item.tooltip = `Xen Scheduler Review: server ${this.server}${this.serverMessage ? ` — ${this.serverMessage}` : ''}${restricted}`;
      if (this.server === 'failed') this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      this.item.show();
      return;
    }
    const s = this.byUri.get(editor.document.uri.toString());
    if (!s) {
      this.item.text = '$(shield) XSR';
      this.item.tooltip = `Xen Scheduler Review: waiting for analysis${restricted}`;
    } else {
      switch (s.state) {
        case 'analysing':
          this.item.text = '$(sync~spin) XSR';
          this.item.tooltip = 'Xen Scheduler Review: analysing…';
          break;
        case 'done': {
          const { text, tooltip } = statusText(s, restricted);
          this.item.text = text;
          this.item.tooltip = tooltip;
          break;
        }
        case 'skipped':
          this.item.text = '$(circle-slash) XSR';
          this.item.tooltip = `Xen Scheduler Review: skipped${s.message ? ` — ${s.message}` : ''}`;
          break;
        case 'error':
          this.item.text = '$(error) XSR';
          this.item.tooltip = `Xen Scheduler Review: analysis failed${s.message ? ` — ${s.message}` : ''}`;
          this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
          break;
      }
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}
