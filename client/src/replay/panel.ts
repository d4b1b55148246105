// The race-replay panel: one reusable webview panel for simulation results, and
// the serializer that restores it (with its trace and step) after a reload.
import * as vscode from 'vscode';

import { parsePersistedState, type TraceOrigin } from '../../../server/src/contracts/webview/messages';
import type { ReplayResult } from '../../../server/src/contracts/webview/trace';
import { StepHighlighter } from './decorations';
import { ReplaySession, type SessionContent, type SessionHooks, webviewOptions } from './session';
import { resolveInWorkspace } from './workspacePaths';

const REPLAY_VIEW_TYPE = 'xsr.replay';

export class ReplayPanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  readonly highlighter = new StepHighlighter();
  private session: ReplaySession | undefined;
  /** A trace's "Run Again" (in the panel or a trace file's editor) simulates the same functions of the same document. */
  readonly hooks: SessionHooks = {
    rerun: (p) => {
      const uri = resolveInWorkspace(p.document);
      if (uri) void vscode.commands.executeCommand('xsr.simulate', uri, p.functions);
    },
  };

  constructor(private readonly extensionUri: vscode.Uri) {}

  register(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(REPLAY_VIEW_TYPE, this);
  }

  showBusy(title: string): void {
    this.open({ kind: 'busy', title });
  }

  showTrace(trace: ReplayResult, origin: TraceOrigin): void {
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
    const session = new ReplaySession(panel, this.extensionUri, this.highlighter, content, this.hooks);
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
