// The race-replay panel: one reusable webview panel for simulation results, and
// the serializer that restores it (with its trace and step) after a reload.
import * as vscode from 'vscode';

import type { SimResult } from '../../../server/src/contracts/simResult';
import { parsePersistedState, type TraceOrigin } from '../../../server/src/contracts/webview/messages';
import { StepHighlighter } from './decorations';
import { ReplaySession, type SessionContent, webviewOptions } from './session';

const REPLAY_VIEW_TYPE = 'xsr.replay';

export class ReplayPanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  readonly highlighter = new StepHighlighter();
  private session: ReplaySession | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  register(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(REPLAY_VIEW_TYPE, this);
  }

  showBusy(title: string): void {
    this.open({ kind: 'busy', title });
  }

  showTrace(trace: SimResult, origin: TraceOrigin): void {
    this.open({ kind: 'trace', trace, origin, step: 0 });
  }

  showError(message: string, origin: TraceOrigin): void {
    this.open({ kind: 'error', message, origin });
  }

  private open(content: SessionContent): void {
    if (this.session) {
      this.session.setContent(content);
      this.session.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      REPLAY_VIEW_TYPE,
      'Race Replay',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { ...webviewOptions(this.extensionUri), enableFindWidget: true },
    );
    this.adopt(panel, content);
  }

  private adopt(panel: vscode.WebviewPanel, content: SessionContent): void {
    const session = new ReplaySession(panel, this.extensionUri, this.highlighter, content);
    session.setContent(content);
    session.onDidDispose(() => {
      if (this.session === session) this.session = undefined;
    });
    this.session = session;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const saved = parsePersistedState(state);
    const origin = saved?.origin ?? { title: 'race replay' };
    const content: SessionContent = saved?.trace
      ? { kind: 'trace', trace: saved.trace, origin, step: saved.step }
      : { kind: 'error', message: saved?.error ?? 'The replay could not be restored: run the simulation again.', origin };
    this.session?.dispose();
    this.adopt(panel, content);
  }

  dispose(): void {
    this.session?.panel.dispose();
    this.highlighter.dispose();
  }
}
