// A real `xsr lsp --stdio` process for the benches that measure what a user
// waits for from a fresh server (indexing, first hints) and its memory.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

export interface ServerProcess {
  conn: ProtocolConnection;
  child: ChildProcess;
  /** Resolves when the index says `ready` (after `initialized`). */
  indexed: Promise<void>;
  /** Sends `initialized` (the index starts then); resolves when it is written. */
  initialized(): Promise<void>;
  /** Opens a document; resolves with its first diagnostics. */
  open(uri: string, text: string): Promise<void>;
  /** The inlay hints of lines `from`..`to` of a document. */
  hints(uri: string, from: number, to: number): Promise<unknown>;
  /** VmRSS of the process, in MB. */
  rssMb(): number;
  /** Threads of the process (the index thread stops once the index is idle). */
  threads(): number;
  dispose(): void;
}

/** Starts the bundled server and initializes it with these workspace folders. */
export async function startServerProcess(repo: string, folders: readonly string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, [path.join(repo, 'dist', 'xsr.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published = new Map<string, () => void>();
  let ready: () => void = () => undefined;
  const indexed = new Promise<void>((resolve) => (ready = resolve));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => published.get(p.uri)?.());
  conn.onNotification('xsr/analysisStatus', () => undefined);
  conn.onNotification('window/showMessage', () => undefined);
  conn.onNotification('xsr/indexStatus', (p: { state: string }) => {
    if (p.state === 'ready') ready();
  });
  conn.onRequest('workspace/configuration', () => []);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: folders.length ? folders.map((f, i) => ({ uri: pathToFileURL(f).href, name: `folder${i}` })) : null,
    capabilities: {},
  });
  return {
    conn,
    child,
    indexed,
    initialized: () => conn.sendNotification(InitializedNotification.type, {}),
    open: async (uri, text) => {
      const done = new Promise<void>((resolve) => published.set(uri, resolve));
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version: 1, text } });
      await done;
    },
    hints: (uri, from, to) =>
      conn.sendRequest(InlayHintRequest.type, {
        textDocument: { uri },
        range: { start: { line: from, character: 0 }, end: { line: to, character: 0 } },
      }),
    rssMb: () => Number(/VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024,
    threads: () => Number(/Threads:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN),
    dispose: () => {
      conn.dispose();
      child.kill();
    },
  };
}
