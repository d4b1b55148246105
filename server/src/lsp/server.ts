// The language server's entry: it only wires the capabilities (one file each)
// to the connection. `xsr lsp --stdio` calls startServer; tests call
// createServer on one end of in-memory streams.
import type { MessageReader, MessageWriter } from 'vscode-languageserver/node';
import {
  CodeActionKind,
  type Connection,
  createConnection,
  DidChangeConfigurationNotification,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';

import { AnalysisStatusNotification, CheckPatchRequest, SimulateRequest } from '../contracts/lspRequests';
import { ALL_RULES, type Rule } from '../core/index';
import { AnalysisHistory } from './analysisHistory';
import { checkPatch } from './checkPatch';
import { codeActions, FIX_ALL_KIND } from './codeActions';
import { codeLenses } from './codeLens';
import { toLspDiagnostics } from './diagnostics';
import { DocumentManager } from './documents';
import { documentSymbols } from './documentSymbols';
import { provideHover } from './hover';
import { provideInlayHints } from './inlayHints';
import { defaultProviders, type Providers } from './seams';
import { SettingsCache } from './settings';
import { defaultWorkerPath, simulate } from './simulate';

export interface ServerOptions {
  /** Delay between the last change and the diagnostics, in ms (default 150; 0 in tests and the bench). */
  debounceMs?: number;
  /** Idle time before a document's whole-file tree is reparsed to confirm local reparses, in ms (default 400). */
  settleMs?: number;
  /** The rules to run (default: every rule of the registry). */
  rules?: readonly Rule[];
  /** Optional modules (fix-all, patch checking, model extraction); defaults to what the build has. */
  providers?: Providers;
  /** The simulation worker script (default: dist/simWorker.js or the compiled worker). */
  workerPath?: string;
}

export interface XsrServer {
  documents: DocumentManager;
  dispose(): void;
}

const DEFAULT_DEBOUNCE_MS = 150;

/** Registers every handler on `connection` (which the caller then `listen()`s — startServer does). */
export function createServer(connection: Connection, options: ServerOptions = {}): XsrServer {
  const providers = options.providers ?? defaultProviders();
  const rules = options.rules ?? ALL_RULES;
  const settings = new SettingsCache(connection);
  const history = new AnalysisHistory();
  const documents = new DocumentManager(connection, settings, {
    debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
    rules,
    onAnalysed: (st) => {
      history.observe(st);
      void connection.sendNotification(AnalysisStatusNotification.type, history.status(st));
    },
    onPublish: (st) =>
      void connection.sendDiagnostics({
        uri: st.uri,
        version: st.version,
        diagnostics: history.diagnostics(st, (file) => toLspDiagnostics(file, st.uri)),
      }),
    onCorrected: () => void connection.languages.inlayHint.refresh().catch(() => undefined),
    onError: (uri, version, e) =>
      connection.console.error(`xsr: analysis of ${uri} (version ${version}) failed: ${(e as Error).stack ?? String(e)}`),
  });
  let dynamicConfig = false;
  let workDoneSupported = false;
  let defaultBase: string | undefined;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    settings.pullSupported = !!params.capabilities.workspace?.configuration;
    dynamicConfig = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    workDoneSupported = !!params.capabilities.window?.workDoneProgress;
    defaultBase = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        inlayHintProvider: true,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
      },
      serverInfo: { name: 'xsr', version: '0.1.0' },
    };
  });
  connection.onInitialized(() => {
    if (dynamicConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'xsr' });
  });
  connection.onDidChangeConfiguration((change) => {
    settings.changed(change.settings);
    void documents.refreshAll();
    void connection.languages.inlayHint.refresh().catch(() => undefined);
  });

  connection.languages.inlayHint.on(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? provideInlayHints(st.file, st.settings, params) : [];
  });
  connection.onDocumentSymbol(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? documentSymbols(st.file) : [];
  });
  connection.onHover(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? (provideHover(st.file, params) ?? null) : null;
  });
  connection.onCodeAction(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? codeActions({ file: st.file, uri: st.uri, version: st.version, fixAll: providers.fixAll }, params) : [];
  });
  connection.onCodeLens(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? codeLenses(st.file, st.uri) : [];
  });
  connection.onRequest(SimulateRequest.type, async (params, token) => {
    // The client's token when it sent one; else a server-initiated progress when the client supports it.
    const progress =
      params?.workDoneToken === undefined && workDoneSupported
        ? await connection.window.createWorkDoneProgress()
        : connection.languages.attachWorkDoneProgress({ workDoneToken: params?.workDoneToken });
    return simulate(
      { documents, extractModel: providers.extractModel, workerPath: options.workerPath ?? defaultWorkerPath() },
      params,
      token,
      progress,
    );
  });
  connection.onRequest(CheckPatchRequest.type, (params) =>
    checkPatch(params, { checkPatch: providers.checkPatch, rules, defaultBase, analyzerFor: (uri) => documents.analyzerForResource(uri) }),
  );
  connection.onShutdown(() => documents.dispose());

  documents.listen();
  documents.documents.onDidClose((e) => history.forget(e.document.uri));
  return { documents, dispose: () => documents.dispose() };
}

/** Starts the server on stdio (`xsr lsp --stdio`) or on the given streams; resolves once it listens. */
export async function startServer(opts: { stdio: true } | { reader: MessageReader; writer: MessageWriter }): Promise<void> {
  const connection =
    'stdio' in opts
      ? createConnection(ProposedFeatures.all, process.stdin, process.stdout)
      : createConnection(ProposedFeatures.all, opts.reader, opts.writer);
  createServer(connection);
  // A bug of ours in an async path is logged, never the end of the server (Node ends the process on an unhandled rejection).
  process.on('unhandledRejection', (e) => connection.console.error(`xsr: unexpected error: ${(e as Error)?.stack ?? String(e)}`));
  connection.listen();
}
