// The language server's entry: it only wires the capabilities (one file each)
// to the connection. `xsr lsp --stdio` calls startServer; tests call
// connectServer on one end of in-memory streams. The lifecycle rules of LSP
// 3.17 (nothing before initialize, nothing after shutdown) are enforced on the
// incoming messages (lifecycle.ts); the position encoding is negotiated here
// and every conversion uses it (convert.ts).
import {
  type CancellationToken,
  CancellationTokenSource,
  CodeActionKind,
  type Connection,
  createConnection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  type InitializeParams,
  type InitializeResult,
  type MessageReader,
  MessageType,
  type MessageWriter,
  ProposedFeatures,
  ShowMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';

import {
  AnalysisStatusNotification,
  CheckPatchRequest,
  IndexStatusNotification,
  LockMapRequest,
  SimulateRequest,
  SimulationPartnersRequest,
} from '../contracts/lspRequests';
import { ALL_RULES, type AnalysedFile, indexRecord, type Rule } from '../core/index';
import { AnalysisHistory } from './analysisHistory';
import { checkPatch } from './checkPatch';
import { codeActions, FIX_ALL_KIND } from './codeActions';
import { codeLenses } from './codeLens';
import { advertisedCommands, executeCommand } from './commands';
import { negotiateEncoding, type PositionEncoding, Positions } from './convert';
import { DocumentManager } from './documents';
import { documentSymbols } from './documentSymbols';
import { provideHover } from './hover';
import { provideInlayHints } from './inlayHints';
import { LifecycleGate } from './lifecycle';
import { lockMap } from './lockMap';
import { partners } from './partners';
import { defaultProviders, type Providers } from './seams';
import { type Settings, SettingsCache } from './settings';
import { defaultWorkerPath, simulate } from './simulate';
import { defaultIndexWorkerPath, WorkspaceIndexer } from './workspace';

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
  /** The index worker script (default: dist/indexWorker.js or the compiled worker). */
  indexWorkerPath?: string;
  /** Files the index worker analyses together (default 200). */
  indexBatchSize?: number;
  /** Idle time after an open document's diagnostics before its summaries replace its file's in the index, in ms (default 300). */
  indexIdleMs?: number;
}

export interface XsrServer {
  documents: DocumentManager;
  indexer: WorkspaceIndexer;
  dispose(): void;
}

const DEFAULT_DEBOUNCE_MS = 150;

/** A token cancelled when either is (a request's own, and the progress the server created for it). */
function either(a: CancellationToken, b: CancellationToken | undefined): CancellationToken {
  if (!b) return a;
  const source = new CancellationTokenSource();
  if (a.isCancellationRequested || b.isCancellationRequested) source.cancel();
  a.onCancellationRequested(() => source.cancel());
  b.onCancellationRequested(() => source.cancel());
  return source.token;
}

/** What decides the index's contents: re-index when it changes. */
const indexKey = (s: Settings): string => JSON.stringify([s.extraHelpers, s.extraAttributes, s.maxFileSize, s.indexMaxFiles]);

/** Registers every handler on `connection` (which the caller then `listen()`s — connectServer does). */
function createServer(connection: Connection, options: ServerOptions = {}): XsrServer {
  const providers = options.providers ?? defaultProviders();
  const rules = options.rules ?? ALL_RULES;
  const settings = new SettingsCache(connection);
  const history = new AnalysisHistory();
  let encoding: PositionEncoding = 'utf-16';
  let hintRefresh = false;
  let workDoneSupported = false;
  const at = (file: AnalysedFile): Positions => new Positions(file.lineIndex, encoding);
  // window/showMessage, a notification: nothing waits for the user (showInformationMessage would be a request).
  const info = (message: string): void =>
    void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message });
  const refreshHints = (): void => {
    // Only to a client that said it handles workspace/inlayHint/refresh.
    if (hintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
  };

  /** What was last published for each document (its version and diagnostics). */
  const published = new Map<string, { version: number; diagnostics: readonly Diagnostic[] }>();
  // The index and the documents call each other back (only once both exist: after initialize).
  const indexer: WorkspaceIndexer = new WorkspaceIndexer({
    workerPath: options.indexWorkerPath ?? defaultIndexWorkerPath(),
    ...(options.indexBatchSize !== undefined ? { batchSize: options.indexBatchSize } : {}),
    onSummariesChanged: (names) => documents.invalidate([...indexer.index.dependents(names)].filter((u) => documents.isOpen(u))),
    status: (p) => void connection.sendNotification(IndexStatusNotification.type, p),
    progress: async () => (workDoneSupported ? connection.window.createWorkDoneProgress() : undefined),
    inform: (message) => info(message),
    isOpen: (uri) => documents.isOpen(uri),
  });
  const documents = new DocumentManager(connection, settings, {
    debounceMs: options.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
    rules,
    onAnalysed: (st) => {
      history.observe(st);
      void connection.sendNotification(AnalysisStatusNotification.type, history.status(st));
    },
    onPublish: (st) => {
      const diagnostics = history.diagnostics(st, at);
      // The same findings again for the same version (an analysis redone because the workspace changed
      // elsewhere) are not sent: an editor takes every publication as a change of its markers.
      // (Compared as JSON only then: a new version is always sent, and most publications are of one.)
      const last = published.get(st.uri);
      if (last?.version !== st.version || JSON.stringify(last.diagnostics) !== JSON.stringify(diagnostics)) {
        published.set(st.uri, { version: st.version, diagnostics });
        void connection.sendDiagnostics({ uri: st.uri, version: st.version, diagnostics });
      }
      if (st.file) overlayLater(st.uri, st.version);
    },
    onCorrected: () => refreshHints(),
    onError: (uri, version, e) =>
      connection.console.error(`xsr: analysis of ${uri} (version ${version}) failed: ${(e as Error).stack ?? String(e)}`),
    onClosed: (uri) => {
      published.delete(uri);
      overlayTimers.get(uri)?.();
      overlayTimers.delete(uri);
      indexer.setOpen(uri, undefined);
    },
    shared: (uri) => indexer.index.lookupFor(uri),
  });
  // Once a document is idle, its own summaries replace its file's in the index (other files then see its
  // current text): not on every keystroke, which must stay cheap.
  const overlayTimers = new Map<string, () => void>();
  const overlayLater = (uri: string, version: number): void => {
    overlayTimers.get(uri)?.();
    const h = setTimeout(() => {
      overlayTimers.delete(uri);
      void documents.analysisFor(uri).then((st) => {
        if (st?.file && st.version === version && documents.isOpen(uri)) indexer.setOpen(uri, indexRecord(st.file, uri));
      });
    }, options.indexIdleMs ?? 300);
    overlayTimers.set(uri, () => clearTimeout(h));
  };
  let dynamicConfig = false;
  let watchFiles = false;
  let folders: string[] = [];
  let indexedWith: string | undefined;
  let defaultBase: string | undefined;
  let commands: string[] = [];

  const startIndex = async (): Promise<void> => {
    if (folders.length === 0) return;
    const s = await settings.get(folders[0]!);
    indexedWith = indexKey(s);
    indexer.start(folders, s);
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities ?? {};
    settings.pullSupported = !!caps.workspace?.configuration;
    dynamicConfig = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    watchFiles = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    workDoneSupported = !!caps.window?.workDoneProgress;
    hintRefresh = !!caps.workspace?.inlayHint?.refreshSupport;
    encoding = negotiateEncoding(caps.general?.positionEncodings);
    documents.encoding = encoding;
    folders = (params.workspaceFolders ?? []).map((f) => f.uri).filter((u) => typeof u === 'string');
    if (folders.length === 0 && typeof params.rootUri === 'string') folders = [params.rootUri];
    defaultBase = folders[0];
    commands = advertisedCommands(params.initializationOptions);
    return {
      capabilities: {
        positionEncoding: encoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        inlayHintProvider: true,
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        codeLensProvider: { resolveProvider: false },
        ...(commands.length ? { executeCommandProvider: { commands } } : {}),
        documentSymbolProvider: true,
      },
      serverInfo: { name: 'xsr', version: '0.1.0' },
    };
  });
  connection.onInitialized(() => {
    if (dynamicConfig) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'xsr' });
    if (watchFiles)
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{c,h}' }],
      });
    void startIndex();
  });
  connection.onDidChangeConfiguration((change) => {
    settings.changed(change.settings);
    void documents.refreshAll();
    refreshHints();
    // New lock helpers or attribute macros change every summary: index again.
    if (folders.length)
      void settings.get(folders[0]!).then((s) => {
        if (indexKey(s) !== indexedWith) void startIndex();
      });
  });
  connection.onDidChangeWatchedFiles((p) => indexer.filesChanged(Array.isArray(p?.changes) ? p.changes : []));

  connection.languages.inlayHint.on(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? provideInlayHints(st.file, st.settings, params, at(st.file)) : [];
  });
  connection.onDocumentSymbol(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? documentSymbols(st.file, at(st.file)) : [];
  });
  connection.onHover(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? (provideHover(st.file, params, at(st.file)) ?? null) : null;
  });
  connection.onCodeAction(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file
      ? codeActions({ file: st.file, uri: st.uri, version: st.version, at: at(st.file), fixAll: providers.fixAll }, params)
      : [];
  });
  connection.onCodeLens(async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? codeLenses(st.file, st.uri, at(st.file)) : [];
  });

  const simulation = { documents, extractModel: providers.extractModel, workerPath: options.workerPath ?? defaultWorkerPath() };
  /** The client's progress token when it sent one; else a server-initiated progress (whose cancel also cancels) when supported. */
  const progressFor = async (
    workDoneToken: string | number | undefined,
    token: CancellationToken,
  ): Promise<{ progress: WorkDoneProgressReporter; token: CancellationToken }> => {
    if (workDoneToken === undefined && workDoneSupported) {
      const created = await connection.window.createWorkDoneProgress();
      return { progress: created, token: either(token, created.token) };
    }
    return { progress: connection.languages.attachWorkDoneProgress({ workDoneToken }), token };
  };
  connection.onRequest(SimulateRequest.type, async (params, token) => {
    const p = await progressFor(params?.workDoneToken, token);
    return simulate(simulation, params, p.token, p.progress);
  });
  connection.onExecuteCommand(async (params, token) => {
    const p = await progressFor(params?.workDoneToken, token);
    return executeCommand(
      {
        ...simulation,
        report: (summary, text) => {
          info(summary);
          connection.console.log(text);
        },
      },
      params,
      p.token,
      p.progress,
    );
  });
  connection.onRequest(SimulationPartnersRequest.type, (params) => partners(documents, params));
  connection.onRequest(CheckPatchRequest.type, (params) =>
    checkPatch(params, {
      checkPatch: providers.checkPatch,
      rules,
      defaultBase,
      analyzerFor: (uri) => documents.analyzerForResource(uri),
      encoding,
    }),
  );
  connection.onRequest(LockMapRequest.type, async (params) => {
    const st = await documents.analysisFor(params.textDocument.uri);
    return st?.file ? lockMap(st.file) : null;
  });
  const dispose = (): void => {
    for (const cancel of overlayTimers.values()) cancel();
    overlayTimers.clear();
    indexer.dispose();
    documents.dispose();
  };
  connection.onShutdown(dispose);

  documents.listen();
  documents.documents.onDidClose((e) => history.forget(e.document.uri));
  return {
    documents,
    indexer: indexer,
    dispose: () => {
      indexer.dispose();
      documents.dispose();
    },
  };
}

/** A server on a reader and writer, with the lifecycle rules; listening when this returns. */
export function connectServer(
  reader: MessageReader,
  writer: MessageWriter,
  options: ServerOptions = {},
): { server: XsrServer; connection: Connection; gate: LifecycleGate } {
  const gate = new LifecycleGate(writer);
  const connection = createConnection(ProposedFeatures.all, gate.wrap(reader), writer);
  const server = createServer(connection, options);
  connection.listen();
  return { server, connection, gate };
}

/** Starts the server on stdio (`xsr lsp --stdio`); resolves once it listens. */
export async function startServer(): Promise<void> {
  const { connection, gate } = connectServer(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  // A bug of ours in an async path is logged, never the end of the server (Node ends the process on an unhandled rejection).
  process.on('unhandledRejection', (e) => connection.console.error(`xsr: unexpected error: ${(e as Error)?.stack ?? String(e)}`));
  // The client went away: exit (0 after a shutdown request, as LSP says for `exit`).
  const end = (): never => process.exit(gate.shutDown ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
}
