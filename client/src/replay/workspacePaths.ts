// Files of a trace and the workspace: a step's file as a workspace-relative
// path (what saved traces and provenance record), a recorded path back to a
// file inside the workspace folder, and a file's text as the editor has it
// (an open document's unsaved edits count).
import * as path from 'node:path';

import * as vscode from 'vscode';

import { isInsideFolder } from './stepLookup';

function fileFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/** A path or `file:` URI as a workspace-relative path (`/`-separated), or undefined when it lies outside every folder. */
export function relativeToWorkspace(fileOrUri: string): string | undefined {
  let fsPath = fileOrUri;
  if (/^[a-z][\w+.-]*:\/\//i.test(fileOrUri)) {
    const uri = vscode.Uri.parse(fileOrUri);
    if (uri.scheme !== 'file') return undefined;
    fsPath = uri.fsPath;
  }
  if (!path.isAbsolute(fsPath)) return fsPath.replace(/\\/g, '/');
  const folder = fileFolders().find((f) => isInsideFolder(fsPath, f));
  return folder ? path.relative(folder, fsPath).split(path.sep).join('/') : undefined;
}

/** A workspace-relative path as a file inside the first workspace folder (undefined when it would leave it). */
export function resolveInWorkspace(relative: string): vscode.Uri | undefined {
  const folder = fileFolders()[0];
  if (!folder || path.isAbsolute(relative)) return undefined;
  const full = path.resolve(folder, relative);
  return isInsideFolder(full, folder) ? vscode.Uri.file(full) : undefined;
}

/** The text of a file as the editor has it: an open document's (unsaved edits included), else the disk's. */
export async function currentText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
