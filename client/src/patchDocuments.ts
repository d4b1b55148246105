// The texts a checked patch produces, as read-only documents of the
// `xsr-patch` scheme: each changed file's post-image (where Check Patch puts
// its findings, so they sit on the lines they name, never on the unpatched
// file on disk) and an empty base for a file the patch creates. The diff
// editor shows base and post-image side by side.
import * as path from 'node:path';

import * as vscode from 'vscode';

const PATCH_SCHEME = 'xsr-patch';

export class PatchDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(PATCH_SCHEME, this);
  }

  /** The post-image of `file` (a file URI of the base folder) as a document; the query keeps the check's series apart. */
  postImage(file: vscode.Uri, text: string, check: number): vscode.Uri {
    return this.put(file, 'patched', text, check);
  }

  /** An empty document standing for the base of a file the patch creates. */
  emptyBase(file: vscode.Uri, check: number): vscode.Uri {
    return this.put(file, 'base', '', check);
  }

  private put(file: vscode.Uri, side: string, text: string, check: number): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PATCH_SCHEME, path: file.path, query: `${side}&check=${check}` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  /** Forgets the documents of earlier checks. */
  clear(): void {
    this.texts.clear();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? `// ${path.basename(uri.path)}: this patched text is gone; run Check Patch… again.\n`;
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
