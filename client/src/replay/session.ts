// One race-replay webview (a panel, a restored panel, or the custom editor of a
// `.xsrtrace.json` file): its HTML, its messages, the editor line that follows
// the selected step, the lines of a race's two accesses, and whether the
// source changed since the trace was made (then the panel says so and offers
// to run the simulation again).
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

import * as vscode from 'vscode';

import {
  assertNever,
  type FromWebview,
  parseFromWebview,
  type ToWebview,
  type TraceOrigin,
} from '../../../server/src/contracts/webview/messages';
import { actionText } from '../../../server/src/contracts/webview/stepText';
import type { ReplayResult, TraceProvenance } from '../../../server/src/contracts/webview/trace';
import type { RevealMode, StepHighlighter, StepMark } from './decorations';
import { staleFiles } from './provenance';
import { replayShell } from './shell';
import { isInsideFolder, stepForLine, stepIsInDocument } from './stepLookup';
import { saveTrace } from './traceFile';
import { currentText, relativeToWorkspace, resolveInWorkspace } from './workspacePaths';

export type SessionContent =
  | { kind: 'trace'; trace: ReplayResult; origin: TraceOrigin; step: number }
  | { kind: 'error'; message: string; origin: TraceOrigin }
  | { kind: 'busy'; title: string };

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** What a session asks of the rest of the extension. */
export interface SessionHooks {
  /** Run the simulation a trace was made by again (its source changed). */
  rerun?(provenance: TraceProvenance): void;
}

export class ReplaySession implements vscode.Disposable {
  private content: SessionContent;
  private ready = false;
  private stale: string[] = [];
  private staleCheck: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly highlighter: StepHighlighter,
    content: SessionContent,
    private readonly hooks: SessionHooks = {},
  ) {
    this.content = content;
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) void this.highlightCurrent('passive');
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onEditorSelection(e)),
      // An edit to a file the trace was made from makes it stale (and an undo fresh again).
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.recordsFile(e.document.uri)) this.scheduleStaleCheck();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (this.recordsFile(d.uri)) this.scheduleStaleCheck();
      }),
    );
    void this.checkStale();
  }

  /** Replaces what the panel shows (posting the whole trace once). */
  setContent(content: SessionContent): void {
    this.content = content;
    if (content.kind === 'trace') this.panel.title = `Race Replay: ${content.origin.title}`;
    this.stale = [];
    if (this.ready) this.postContent();
    if (content.kind === 'trace') void this.highlightCurrent('passive');
    else this.highlighter.clear();
    void this.checkStale();
  }

  private provenance(): TraceProvenance | undefined {
    return this.content.kind === 'trace' ? this.content.trace.provenance : undefined;
  }

  private recordsFile(uri: vscode.Uri): boolean {
    const rel = relativeToWorkspace(uri.toString());
    return !!rel && !!this.provenance()?.files.some((f) => f.path === rel);
  }

  private scheduleStaleCheck(): void {
    // Typing sends a change per key: compare the texts once the burst is over.
    if (this.staleCheck) clearTimeout(this.staleCheck);
    this.staleCheck = setTimeout(() => {
      this.staleCheck = undefined;
      void this.checkStale();
    }, 250);
  }

  /** Compares the files the trace was made from with their text now; tells the webview when that changes. */
  private async checkStale(): Promise<void> {
    const p = this.provenance();
    if (!p) return;
    const texts = new Map<string, string | undefined>();
    for (const f of p.files) {
      const uri = resolveInWorkspace(f.path);
      texts.set(f.path, uri ? await currentText(uri) : undefined);
    }
    if (this.provenance() !== p) return; // replaced meanwhile
    const stale = staleFiles(p, (path) => texts.get(path));
    if (stale.join('\n') === this.stale.join('\n')) return;
    this.stale = stale;
    if (this.ready) this.postStale();
  }

  private postStale(): void {
    const p = this.provenance();
    if (!p) return;
    this.post({ type: 'stale', files: this.stale, canRerun: !!this.hooks.rerun && !!resolveInWorkspace(p.document) });
  }

  private html(): string {
    const webview = this.panel.webview;
    return replayShell({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'replay.css')).toString(),
      title: 'Race Replay',
    });
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private postContent(): void {
    const c = this.content;
    switch (c.kind) {
      case 'trace':
        this.post({ type: 'load', trace: c.trace, origin: c.origin, step: c.step });
        if (this.stale.length) this.postStale();
        break;
      case 'error':
        this.post({ type: 'loadError', message: c.message, origin: c.origin });
        break;
      case 'busy':
        this.post({ type: 'busy', title: c.title });
        break;
      default:
        assertNever(c);
    }
  }

  private receive(raw: unknown): void {
    const msg: FromWebview | undefined = parseFromWebview(raw);
    if (!msg) return;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.postContent();
        break;
      case 'stepSelected':
        if (this.content.kind === 'trace') {
          this.content.step = msg.step;
          void this.highlightCurrent('open');
        }
        break;
      case 'openSource':
        if (this.content.kind === 'trace') {
          this.content.step = msg.step;
          void this.highlightCurrent('focus');
        }
        break;
      case 'saveTrace':
        if (this.content.kind === 'trace') void this.save(this.content.trace, this.content.origin);
        break;
      case 'rerun': {
        const p = this.provenance();
        if (p && this.hooks.rerun) this.hooks.rerun(p);
        break;
      }
      case 'openAssertion':
        void this.openAssertion();
        break;
      default:
        assertNever(msg);
    }
  }

  private async save(trace: ReplayResult, origin: TraceOrigin): Promise<void> {
    try {
      const uri = await saveTrace(trace, origin.title.split(' ')[0] ?? 'trace');
      if (uri) void vscode.window.showInformationMessage(`Trace saved to ${vscode.workspace.asRelativePath(uri)}.`);
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not save the trace: ${(e as Error).message}`);
    }
  }

  /**
   * The document a step's line belongs to, if it is one we may open: a file
   * inside a workspace folder. A trace is data from anywhere (a saved
   * `.xsrtrace.json`): a step naming `/etc/passwd`, `../../x` or another
   * scheme is refused, in restricted mode too.
   */
  private stepUri(file: string | undefined, origin: TraceOrigin): vscode.Uri | undefined {
    const uri = this.resolveStep(file, origin);
    if (!uri) return undefined;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    if (uri.scheme === 'file' && folders.some((f) => isInsideFolder(uri.fsPath, f))) return uri;
    throw new Error(`the trace names ${file ?? uri.toString()}, which is not a file inside the workspace folder: not opened`);
  }

  private resolveStep(file: string | undefined, origin: TraceOrigin): vscode.Uri | undefined {
    const doc = origin.documentUri ? vscode.Uri.parse(origin.documentUri) : undefined;
    if (!file) return doc;
    if (/^[a-z][\w+.-]*:\/\//i.test(file)) return vscode.Uri.parse(file); // the server reports document URIs
    if (doc && (doc.fsPath === file || path.basename(doc.fsPath) === path.basename(file))) return doc;
    if (path.isAbsolute(file)) return vscode.Uri.file(file);
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? vscode.Uri.file(path.resolve(folder.uri.fsPath, file)) : doc;
  }

  private async openAssertion(): Promise<void> {
    if (this.content.kind !== 'trace' || !this.content.trace.assertion) return;
    const a = this.content.trace.assertion;
    if (a.file === undefined || a.line === undefined) return;
    try {
      const uri = this.stepUri(a.file, this.content.origin);
      if (uri)
        await this.highlighter.show(uri, a.line - 1, `assertion fails: ${a.text}`, { mode: 'focus', panelColumn: this.panel.viewColumn });
    } catch (e) {
      void vscode.window.showWarningMessage(`Cannot show the assertion: ${(e as Error).message}.`);
    }
  }

  /** The editor lines to mark besides the selected step's: both accesses of a race. */
  private marks(trace: ReplayResult, origin: TraceOrigin): StepMark[] {
    const race = trace.race;
    if (trace.invariant !== 'RACE' || !race) return [];
    const out: StepMark[] = [];
    for (const [n, which] of [
      [race.first, 'first'],
      [race.second, 'second'],
    ] as const) {
      const s = trace.trace.find((x) => x.step === n);
      if (!s?.line) continue;
      try {
        const uri = this.stepUri(s.file, origin);
        if (uri) out.push({ uri, line: s.line - 1, label: `⚡ race on ${race.location}: ${which} access (step ${n}, ${s.thread})` });
      } catch {
        // A step outside the workspace is not marked (highlightCurrent says why when it is selected).
      }
    }
    return out;
  }

  private async highlightCurrent(mode: RevealMode): Promise<void> {
    if (this.content.kind !== 'trace') return;
    const { trace, origin, step } = this.content;
    this.highlighter.setMarks(this.marks(trace, origin));
    const s = trace.trace[step];
    let uri: vscode.Uri | undefined;
    try {
      uri = s?.line !== undefined ? this.stepUri(s.file, origin) : undefined;
    } catch (e) {
      this.highlighter.clear();
      void vscode.window.showWarningMessage(`Step ${s?.step ?? step + 1}: ${(e as Error).message}.`);
      return;
    }
    if (!s || s.line === undefined || !uri) {
      this.highlighter.clear();
      return;
    }
    try {
      await this.highlighter.show(uri, s.line - 1, `step ${s.step} · ${s.thread}: ${actionText(s)}`, {
        mode,
        panelColumn: this.panel.viewColumn,
      });
    } catch (e) {
      void vscode.window.showWarningMessage(`Cannot show the source of step ${s.step}: ${(e as Error).message}`);
    }
  }

  /** Moving the cursor onto a traced line selects that step. */
  private onEditorSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    // Our own cursor move (Enter on a step) lands on the current step's line, which
    // stepForLine maps back to the current step, so no change kind is filtered out.
    if (this.content.kind !== 'trace') return;
    const { trace, origin } = this.content;
    const docPath = e.textEditor.document.uri.fsPath;
    const originPath = origin.documentUri ? vscode.Uri.parse(origin.documentUri).fsPath : undefined;
    const line = e.selections[0]!.active.line + 1;
    const index = stepForLine(trace.trace, this.content.step, line, (s) => stepIsInDocument(s, docPath, originPath));
    if (index === undefined || index === this.content.step) return;
    this.content.step = index;
    this.post({ type: 'select', step: index });
    void this.highlightCurrent('passive');
  }

  dispose(): void {
    if (this.staleCheck) clearTimeout(this.staleCheck);
    this.highlighter.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}
