// The language server's figures (issue 5): edit latency over real JSON-RPC
// (in-process streams, debounce 0) and the memory of a real `xsr lsp --stdio`
// process after opening the whole corpus.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

import { generateCorpus } from './corpus/generate';
import { benchLsp } from './lspDriver';
import { round1 } from './measure';
import type { Bench } from './types';

/** RSS of a real server process (VmRSS) after it has analysed every file of the corpus. */
async function serverProcessRssMb(repo: string, files: { path: string; text: string }[]): Promise<number> {
  const child = spawn(process.execPath, [path.join(repo, 'dist', 'xsr.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const pending = new Map<string, () => void>();
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => pending.get(p.uri)?.());
  conn.onNotification('xsr/analysisStatus', () => undefined);
  conn.onRequest('workspace/configuration', () => []);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  try {
    await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
    await conn.sendNotification(InitializedNotification.type, {});
    for (const [i, f] of files.entries()) {
      const uri = `file:///corpus/${i}/${f.path}`;
      const done = new Promise<void>((resolve) => pending.set(uri, resolve));
      await conn.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'c', version: 1, text: f.text },
      });
      await done;
    }
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  } finally {
    conn.dispose();
    child.kill();
  }
}

export const lspBench: Bench = {
  name: 'lsp',
  async run(ctx) {
    const big = generateCorpus({ lines: 5000, files: 1, seed: 7 }).files[0]!;
    // 100 untimed edits first: the JIT compiles the edit path over the first ~90
    // (a server someone types into is warm); then 200 timed edits.
    const r = await benchLsp({ text: big.text, edits: 200, warmup: 100 });
    const rss = fs.existsSync('/proc/self/status') ? await serverProcessRssMb(ctx.repo, ctx.files) : NaN;
    return {
      lspFileLines: big.text.split('\n').length,
      editToDiagnosticsP50Ms: round1(r.editToDiagnosticsP50Ms),
      editToDiagnosticsP95Ms: round1(r.editToDiagnosticsP95Ms),
      fullAnalysisMs: round1(r.fullAnalysisMs),
      coreFullAnalysisMs: round1(r.coreFullAnalysisMs),
      ratioEditToFull: Math.round(r.ratioEditToFull * 1000) / 1000,
      inlayHintsMs: round1(r.inlayHintsMs),
      serverRssMb: round1(rss),
    };
  },
};
