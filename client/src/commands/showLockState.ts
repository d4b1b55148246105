// `xsr.showLockState`: toggle the lock-state inlay hints (`xsr.inlayHints.mode`)
// between `off` and the last mode shown (`changes` by default).
import * as vscode from 'vscode';

const LAST_MODE_KEY = 'xsr.lastInlayHintsMode';
type Mode = 'off' | 'changes' | 'all';

export function registerShowLockState(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.commands.registerCommand('xsr.showLockState', async () => {
    const config = vscode.workspace.getConfiguration('xsr');
    const current = config.get<Mode>('inlayHints.mode', 'changes');
    const inspected = config.inspect<Mode>('inlayHints.mode');
    // Write where the value comes from, so a workspace setting is not shadowed.
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    let next: Mode;
    if (current === 'off') {
      next = context.globalState.get<Mode>(LAST_MODE_KEY, 'changes');
    } else {
      await context.globalState.update(LAST_MODE_KEY, current);
      next = 'off';
    }
    await config.update('inlayHints.mode', next, target);
    if (next !== 'off' && !vscode.workspace.getConfiguration('editor').get<unknown>('inlayHints.enabled')) {
      void vscode.window.showInformationMessage('Lock hints are on, but the editor hides inlay hints (editor.inlayHints.enabled).');
    }
    vscode.window.setStatusBarMessage(`Lock state hints: ${next}`, 3000);
  });
}
