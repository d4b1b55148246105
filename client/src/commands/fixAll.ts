// `xsr.fixAll`: apply the server's `source.fixAll.xsr` action to the active
// document, after a preview: every edit carries a change annotation that
// needs confirmation, so VS Code's Refactor Preview shows them (its "Group
// Changes By Type" groups them by the finding and function each fixes) for
// the reviewer to tick and apply,
// and the command says what it did.
// Disabled in restricted mode (it rewrites code in bulk).
import * as vscode from 'vscode';

import { documentFunctions } from '../documentFunctions';
import { FIX_ALL_KIND } from '../languageClient';

/** What an edit fixes: the findings of the function it lies in (`XSR001 in vcpu_set_affinity()`). */
async function labeller(doc: vscode.TextDocument): Promise<(range: vscode.Range) => string> {
  const functions = await documentFunctions(doc.uri);
  const findings = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'xsr');
  return (range) => {
    const fn = functions.find((f) => f.range.contains(range));
    if (!fn) return 'Helpers the fixes call (outside any function)';
    const codes = [
      ...new Set(findings.filter((d) => fn.range.contains(d.range)).map((d) => String(typeof d.code === 'object' ? d.code.value : d.code))),
    ];
    return `${codes.length ? codes.join(', ') : 'Fix'} in ${fn.name}()`;
  };
}

/** The text with every edit of the fix applied (what a full application gives). */
function applyAll(text: string, doc: vscode.TextDocument, edit: vscode.WorkspaceEdit): string {
  const edits = edit
    .get(doc.uri)
    .map((e) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

export function registerFixAll(output: vscode.OutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.fixAll', async () => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Fix All is not available in restricted mode: trust this workspace to apply fixes.');
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'c') {
      void vscode.window.showInformationMessage('Open a C file to fix its migration protocol issues.');
      return;
    }
    const doc = editor.document;
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, whole, FIX_ALL_KIND.value)) ??
      [];
    const fix = actions.find((a) => a.kind && FIX_ALL_KIND.contains(a.kind));
    if (!fix?.edit) {
      void vscode.window.showInformationMessage('No migration protocol issue to fix in this file.');
      return;
    }
    // Every edit needs confirmation: VS Code shows the Refactor Preview, grouped by what each edit fixes.
    const label = await labeller(doc);
    const annotated = new vscode.WorkspaceEdit();
    const groups = new Map<string, number>();
    for (const [uri, edits] of fix.edit.entries()) {
      for (const e of edits) {
        const what = label(e.range);
        groups.set(what, (groups.get(what) ?? 0) + 1);
        annotated.replace(uri, e.range, e.newText, { label: what, description: fix.title, needsConfirmation: true });
      }
    }
    const total = [...groups.values()].reduce((a, b) => a + b, 0);
    const before = doc.getText();
    const full = applyAll(before, doc, fix.edit); // offsets of the text before the edit
    const applied = await vscode.workspace.applyEdit(annotated);
    // The preview lets the user leave edits out: say what happened to the text, not what was offered.
    const after = doc.getText();
    if (!applied || after === before) {
      void vscode.window.showInformationMessage('Fix All: nothing was changed (no edit was ticked and applied in the Refactor Preview).');
      return;
    }
    const skipped = /\((\d+) skipped\)/.exec(fix.title)?.[1];
    const what = [...groups].map(([g, n]) => `${g}${n > 1 ? ` (${n} edits)` : ''}`).join('; ');
    const all = after === full;
    const file = vscode.workspace.asRelativePath(doc.uri);
    const message = `Fix All: applied ${all ? `${total} edit${total === 1 ? '' : 's'}` : `some of ${total} edits (those checked in the preview)`} to ${file}: ${what}.${skipped ? ` ${skipped} fix${skipped === '1' ? ' was' : 'es were'} skipped (they overlap another).` : ''}`;
    output.appendLine(message);
    void vscode.window.showInformationMessage(message);
    if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
  });
}
