// A custom editor for `*.xsrtrace.json`: the file opens as a race replay, and a
// malformed file shows why in the panel. The text stays the source of truth.
import * as path from 'node:path';

import * as vscode from 'vscode';

import { parseTraceText } from '../../../server/src/contracts/webview/traceValidation';
import type { StepHighlighter } from './decorations';
import { ReplaySession, type SessionContent, type SessionHooks } from './session';

const TRACE_EDITOR_VIEW_TYPE = 'xsr.traceEditor';

export class TraceEditorProvider implements vscode.CustomTextEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly highlighter: StepHighlighter,
    private readonly hooks: SessionHooks,
  ) {}

  register(): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(TRACE_EDITOR_VIEW_TYPE, this, {
      webviewOptions: { enableFindWidget: true },
      supportsMultipleEditorsPerDocument: false,
    });
  }

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const content = (): SessionContent => {
      const origin = { title: path.basename(document.uri.fsPath) };
      const parsed = parseTraceText(document.getText());
      return parsed.ok ? { kind: 'trace', trace: parsed.value, origin, step: 0 } : { kind: 'error', message: parsed.error, origin };
    };
    const session = new ReplaySession(panel, this.extensionUri, this.highlighter, content(), this.hooks);
    const watch = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === document.uri.toString() && e.contentChanges.length > 0) session.setContent(content());
    });
    session.onDidDispose(() => watch.dispose());
  }
}
