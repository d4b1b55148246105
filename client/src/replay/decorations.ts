// The editor side of the replay: a whole-line decoration that follows the
// selected step (with an after-text naming it), and marks on the lines a
// verdict names (both accesses of a race), kept on every visible editor of
// those documents and cleared elsewhere. Each has a border as well as a
// background, so high-contrast themes show it too.
import * as vscode from 'vscode';

/**
 * `passive`: decorate the line only where the document is already visible (on load,
 * when the panel becomes active); `open`: open the document if needed (a step the
 * user selected); `focus`: also move the cursor there and focus it (Enter).
 */
export type RevealMode = 'passive' | 'open' | 'focus';

/** A line the verdict names, marked while the trace is shown. */
export interface StepMark {
  uri: vscode.Uri;
  /** 0-based. */
  line: number;
  label: string;
}

export class StepHighlighter implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('xsr.replayStepBackground'),
    overviewRulerColor: new vscode.ThemeColor('xsr.replayStepBackground'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
    border: '1px solid',
    borderColor: new vscode.ThemeColor('contrastActiveBorder'),
  });
  private readonly markType = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    border: '1px dashed',
    borderColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerColor: new vscode.ThemeColor('editorWarning.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private current: { uri: vscode.Uri; line: number; label: string } | undefined;
  private marks: StepMark[] = [];
  private readonly subscription = vscode.window.onDidChangeVisibleTextEditors(() => this.apply());

  /**
   * Highlights `line` (0-based) of `uri`, opening the document when it is not
   * visible: in the first group, or beside the replay when the replay is there
   * (a trace file's custom editor), so the replay itself is never replaced.
   */
  async show(uri: vscode.Uri, line: number, label: string, options: { mode: RevealMode; panelColumn?: vscode.ViewColumn }): Promise<void> {
    this.current = { uri, line, label };
    let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    if (!editor && options.mode === 'passive') {
      this.apply(); // decorate it whenever it becomes visible
      return;
    }
    const focus = options.mode === 'focus';
    if (!editor || focus) {
      const doc = await vscode.workspace.openTextDocument(uri);
      editor = await vscode.window.showTextDocument(doc, {
        viewColumn:
          editor?.viewColumn ?? (options.panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One),
        preserveFocus: !focus,
        preview: false,
      });
    }
    if (this.current?.uri !== uri || this.current.line !== line) return; // superseded meanwhile
    const range = editor.document.lineAt(Math.min(line, editor.document.lineCount - 1)).range;
    if (focus) editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.apply();
  }

  clear(): void {
    this.current = undefined;
    this.marks = [];
    this.apply();
  }

  setMarks(marks: StepMark[]): void {
    this.marks = marks;
    this.apply();
  }

  private apply(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const doc = editor.document;
      editor.setDecorations(
        this.markType,
        this.marks
          .filter((m) => m.uri.toString() === doc.uri.toString() && m.line < doc.lineCount)
          .map((m) => ({
            range: doc.lineAt(m.line).range,
            renderOptions: { after: { contentText: `  ${m.label}`, color: new vscode.ThemeColor('editorWarning.foreground') } },
          })),
      );
      const c = this.current;
      if (!c || editor.document.uri.toString() !== c.uri.toString() || c.line >= editor.document.lineCount) {
        editor.setDecorations(this.type, []);
        continue;
      }
      const range = editor.document.lineAt(c.line).range;
      editor.setDecorations(this.type, [
        {
          range,
          renderOptions: {
            after: {
              contentText: `  ◀ ${c.label}`,
              color: new vscode.ThemeColor('editorCodeLens.foreground'),
              fontStyle: 'italic',
            },
          },
        },
      ]);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.type.dispose();
    this.markType.dispose();
  }
}
