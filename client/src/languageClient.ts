// Starts the language server (`node dist/xsr.js lsp --stdio`, the bundled CLI)
// through vscode-languageclient. All analysis lives in the server; the client
// only forwards documents and settings, and in an untrusted workspace it hides
// the actions that rewrite code in bulk.
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type Middleware, type ServerOptions, TransportKind } from 'vscode-languageclient/node';

const CLIENT_ID = 'xsr';
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('xsr');

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/xsr.js');
  // TransportKind.stdio appends `--stdio` to the arguments.
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio, args: ['lsp'] },
    debug: { module, transport: TransportKind.stdio, args: ['lsp'], options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'c' },
      { scheme: 'untitled', language: 'c' },
    ],
    outputChannel: output,
    // `xsr.trace.server` is read by the client library itself (its id is `xsr`).
    synchronize: { configurationSection: 'xsr' },
    // `xsr.simulate` runs here (the replay panel): the server then does not register it as its own command.
    initializationOptions: { trusted: vscode.workspace.isTrusted, clientCommands: ['xsr.simulate'] },
    middleware: untrustedMiddleware(),
  };
  return new LanguageClient(CLIENT_ID, 'Xen Scheduler Review', serverOptions, clientOptions);
}

/** In restricted mode the server still analyses, but fix-all actions are not offered. */
function untrustedMiddleware(): Middleware {
  return {
    async provideCodeActions(document, range, context, token, next) {
      const actions = await next(document, range, context, token);
      if (vscode.workspace.isTrusted || !actions) return actions;
      return actions.filter((a) => !(a instanceof vscode.CodeAction && a.kind && FIX_ALL_KIND.contains(a.kind)));
    },
  };
}
