// Runs the language server over real JSON-RPC: connectServer on one end of a
// pair of in-memory streams, a protocol connection as the client on the other
// (as vscode-languageserver-node's own tests do). The client answers
// workspace/configuration from `settings` and records what the server sends.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';

import {
  type ClientCapabilities,
  ConfigurationRequest,
  createProtocolConnection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  type InitializeResult,
  LogMessageNotification,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  ShowMessageNotification,
  type ShowMessageParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type TextDocumentContentChangeEvent,
  type WorkspaceFolder,
} from 'vscode-languageserver-protocol/node';

/** Requests a server may send the client: recorded, answered with null. */
const SERVER_REQUESTS = [
  'window/workDoneProgress/create',
  'client/registerCapability',
  'client/unregisterCapability',
  'workspace/inlayHint/refresh',
  'workspace/codeLens/refresh',
];

/** `$/progress`. */
const ProgressNotificationMethod = '$/progress';

import {
  AnalysisStatusNotification,
  type AnalysisStatusParams,
  IndexStatusNotification,
  type IndexStatusParams,
} from '../../server/src/contracts/lspRequests';
import { connectServer, type ServerOptions, type XsrServer } from '../../server/src/lsp/server';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'lsp');

export function fixture(name: string): { uri: string; text: string } {
  const file = path.join(FIXTURES, name);
  return { uri: pathToFileURL(file).toString(), text: fs.readFileSync(file, 'utf8') };
}

type Waiter<T> = { pred: (x: T) => boolean; resolve: (x: T) => void };

class Inbox<T> {
  readonly items: T[] = [];
  private waiters: Waiter<T>[] = [];
  push(x: T): void {
    this.items.push(x);
    this.waiters = this.waiters.filter((w) => (w.pred(x) ? (w.resolve(x), false) : true));
  }
  /** The first item (already received or coming) that matches. */
  next(pred: (x: T) => boolean, seen = 0): Promise<T> {
    const found = this.items.slice(seen).find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
}

export interface TestClient {
  client: ProtocolConnection;
  server: XsrServer;
  init: InitializeResult;
  settings: Record<string, unknown>;
  diagnostics: Inbox<PublishDiagnosticsParams>;
  messages: Inbox<ShowMessageParams>;
  statuses: Inbox<AnalysisStatusParams>;
  indexStatuses: Inbox<IndexStatusParams>;
  /** Requests the server sent the client (method and params), in order. */
  requests: Inbox<{ method: string; params: unknown }>;
  /** `$/progress` notifications. */
  progress: Inbox<{ token: string | number; value: { kind: string; title?: string; message?: string; percentage?: number } }>;
  open(uri: string, text: string, version?: number): Promise<void>;
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void>;
  close(uri: string): Promise<void>;
  /** Diagnostics published for exactly this version. */
  diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]>;
  configChanged(): Promise<void>;
  dispose(): Promise<void>;
}

export interface ClientOptions {
  settings?: Record<string, unknown>;
  server?: ServerOptions;
  pullConfiguration?: boolean;
  /** Client capabilities beside the defaults (workspace/configuration, window/workDoneProgress). */
  capabilities?: ClientCapabilities;
  workspaceFolders?: WorkspaceFolder[] | null;
  initializationOptions?: unknown;
}

/** A server and a connection to it, not initialized (the lifecycle tests send what they want). */
export function connect(server: ServerOptions = {}): { client: ProtocolConnection; server: XsrServer; dispose(): void } {
  const up = new PassThrough();
  const down = new PassThrough();
  const s = connectServer(new StreamMessageReader(up), new StreamMessageWriter(down), { debounceMs: 0, ...server });
  const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  return {
    client,
    server: s.server,
    dispose: () => {
      client.dispose();
      s.server.dispose();
      s.connection.dispose();
    },
  };
}

export async function startClient(opts: ClientOptions = {}): Promise<TestClient> {
  const { client, server, dispose } = connect(opts.server);
  const t: Partial<TestClient> & { settings: Record<string, unknown> } = { settings: opts.settings ?? {} };
  const diagnostics = new Inbox<PublishDiagnosticsParams>();
  const messages = new Inbox<ShowMessageParams>();
  const statuses = new Inbox<AnalysisStatusParams>();
  const indexStatuses = new Inbox<IndexStatusParams>();
  const requests = new Inbox<{ method: string; params: unknown }>();
  const progress: TestClient['progress'] = new Inbox();
  client.onNotification(PublishDiagnosticsNotification.type, (p) => diagnostics.push(p));
  client.onNotification(ShowMessageNotification.type, (p) => messages.push(p));
  client.onNotification(AnalysisStatusNotification.type, (p) => statuses.push(p));
  client.onNotification(IndexStatusNotification.type, (p) => indexStatuses.push(p));
  client.onNotification(LogMessageNotification.type, () => undefined);
  client.onNotification(ProgressNotificationMethod, (p: TestClient['progress']['items'][number]) => progress.push(p));
  client.onRequest(ConfigurationRequest.type, (p) => p.items.map((i) => (i.section === 'xsr' ? (t.settings.xsr ?? t.settings) : null)));
  for (const method of SERVER_REQUESTS)
    client.onRequest(method, (params: unknown) => {
      requests.push({ method, params });
      return null;
    });
  client.listen();
  const init = await client.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: null,
    workspaceFolders: opts.workspaceFolders ?? null,
    capabilities: {
      ...opts.capabilities,
      workspace: { configuration: opts.pullConfiguration ?? true, ...opts.capabilities?.workspace },
      window: { workDoneProgress: true, ...opts.capabilities?.window },
    },
    ...(opts.initializationOptions !== undefined ? { initializationOptions: opts.initializationOptions } : {}),
  });
  await client.sendNotification(InitializedNotification.type, {});
  return Object.assign(t, {
    client,
    server,
    init,
    diagnostics,
    messages,
    statuses,
    indexStatuses,
    requests,
    progress,
    open: (uri: string, text: string, version = 1) =>
      client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version, text } }),
    change: (uri: string, version: number, changes: TextDocumentContentChangeEvent[]) =>
      client.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes }),
    close: (uri: string) => client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } }),
    diagnosticsFor: async (uri: string, version: number) =>
      (await diagnostics.next((d) => d.uri === uri && d.version === version)).diagnostics,
    configChanged: () => client.sendNotification(DidChangeConfigurationNotification.type, { settings: null }),
    dispose: async () => {
      await client.sendRequest(ShutdownRequest.type);
      dispose();
    },
  }) as TestClient;
}

/** 0-based position of the first occurrence of `needle` (at its `at`-th character). */
export function positionOf(text: string, needle: string, at = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not in fixture: ${needle}`);
  const before = text.slice(0, i + at);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}
