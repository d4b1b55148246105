// The functions of a document as the language server's document symbols give
// them (name and whole extent), for the commands that need to know which
// function a cursor or an edit is in.
import * as vscode from 'vscode';

export interface DocumentFunction {
  name: string;
  range: vscode.Range;
}

export async function documentFunctions(uri: vscode.Uri): Promise<DocumentFunction[]> {
  const symbols =
    (await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>(
      'vscode.executeDocumentSymbolProvider',
      uri,
    )) ?? [];
  return symbols
    .filter((s) => s.kind === vscode.SymbolKind.Function)
    .map((s) => ({ name: s.name, range: 'range' in s ? s.range : s.location.range }));
}
