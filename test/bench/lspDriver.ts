// Benchmark hooks for the language server: the real server over in-memory
// JSON-RPC streams (debounce 0), timed from a one-character edit inside a
// function to its diagnostics plus the inlay hints of the visible range (what
// an editor asks for: VIEWPORT_LINES around the edit). The hints of the whole
// file are timed separately (inlayHintsMs).
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';

import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  type ProtocolConnection,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

import { createAnalyzer } from '../../server/src/core/index';
import { connectServer } from '../../server/src/lsp/server';

export interface LspBenchOptions {
  /** The file edited (about 5,000 lines of Xen-style C). */
  text: string;
  /** Files opened to measure the server's memory (the corpus). */
  corpus?: readonly { path: string; text: string }[];
  /** One-character edits timed (default 60, after `warmup` untimed ones). */
  edits?: number;
  /** Untimed edits first, so the JIT has compiled the edit path (default 20). */
  warmup?: number;
  /** A workspace folder the server indexes before the edits are timed (the figures then include the index's work). */
  folder?: string;
}

export interface LspBenchResult {
  /** The core alone analysing the same text from scratch (no LSP, no JSON-RPC). */
  coreFullAnalysisMs: number;
  /** From a one-character edit to its diagnostics and the hints of the visible range. */
  editToDiagnosticsP50Ms: number;
  editToDiagnosticsP95Ms: number;
  fullAnalysisMs: number;
  ratioEditToFull: number;
  /** The hints of the whole file (median). */
  inlayHintsMs: number;
  serverRssMb: number;
}

/** Lines an editor shows (and asks hints for) around the edit. */
const VIEWPORT_LINES = 60;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

/** Offsets inside function bodies where typing a letter keeps the code well-formed: right after an identifier's first letter. */
function editPoints(text: string, count: number): number[] {
  const out: number[] = [];
  const re = /\n {4}([a-z_]\w{3,})\b/g;
  for (let m = re.exec(text); m && out.length < count * 4; m = re.exec(text)) out.push(m.index + 6);
  const step = Math.max(1, Math.floor(out.length / count));
  return out.filter((_, i) => i % step === 0).slice(0, count);
}

/** `text` with a `q` typed at each of the ascending offsets `points` (each offset in the text as it was before any). */
function typedAt(text: string, points: readonly number[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const at of points) {
    parts.push(text.slice(from, at), 'q');
    from = at;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/** The real server on one end of in-memory JSON-RPC streams (debounce 0), a client connection on the other (not yet listening). */
export function inMemoryServer(): { client: ProtocolConnection; server: ReturnType<typeof connectServer> } {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = connectServer(new StreamMessageReader(up), new StreamMessageWriter(down), { debounceMs: 0 });
  return { client: createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up)), server };
}

export async function benchLsp(opts: LspBenchOptions): Promise<LspBenchResult> {
  const { client, server } = inMemoryServer();
  const waiting = new Map<string, (p: PublishDiagnosticsParams) => void>();
  // Each publication is handed to its waiter once and let go: a client that kept every one (300 diagnostics lists
  // of a 5,000-line file) grew the heap the server's collector works in, since both share this process.
  client.onNotification(PublishDiagnosticsNotification.type, (p) => {
    const key = `${p.uri}#${p.version}`;
    const resolve = waiting.get(key);
    waiting.delete(key);
    resolve?.(p);
  });
  client.onNotification('xsr/analysisStatus', () => undefined);
  let indexReady: () => void = () => undefined;
  const indexed = new Promise<void>((resolve) => (indexReady = resolve));
  client.onNotification('xsr/indexStatus', (p: { state: string }) => {
    if (p.state === 'ready') indexReady();
  });
  client.listen();
  await client.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: null,
    workspaceFolders: opts.folder ? [{ uri: pathToFileURL(opts.folder).href, name: 'corpus' }] : null,
    capabilities: {},
  });
  await client.sendNotification(InitializedNotification.type, {});
  if (opts.folder) await indexed;
  const published = (uri: string, version: number): Promise<PublishDiagnosticsParams> =>
    new Promise((resolve) => waiting.set(`${uri}#${version}`, resolve));

  const uri = 'file:///bench/edited.c';
  let text = opts.text;
  const open = published(uri, 1);
  await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version: 1, text } });
  await open;
  const wholeFile = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
  const hintsOnce = async (): Promise<number> => {
    const t0 = performance.now();
    await client.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: wholeFile });
    return performance.now() - t0;
  };
  const inlay: number[] = [];
  for (let i = 0; i < 10; i++) inlay.push(await hintsOnce());

  const n = opts.edits ?? 60;
  const warmup = opts.warmup ?? 20;
  const points = editPoints(text, n + warmup);
  const times: number[] = [];
  let version = 1;
  // Each edit's position is read from the text as opened, which stays flat: the text with the letters typed so far
  // is a chain of slices, and searching it for line breaks flattened it, a copy of the whole file per edit, made in
  // the server's process (the client shares it) and left to its collector. A letter typed earlier on the same line
  // moves the column by one (the points ascend); the edited text is made once, after the edits.
  const opened = text;
  let counted = 0;
  let line = 0;
  let lineStart = 0;
  let typedOnLine = 0;
  for (const [i, at] of points.entries()) {
    for (let nl = opened.indexOf('\n', counted); nl !== -1 && nl < at; nl = opened.indexOf('\n', nl + 1)) {
      line++;
      lineStart = nl + 1;
      typedOnLine = 0;
    }
    counted = at;
    const character = at - lineStart + typedOnLine++;
    version++;
    const t0 = performance.now();
    const done = published(uri, version);
    await client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: 'q' }],
    });
    await done;
    const top = Math.max(0, line - VIEWPORT_LINES / 2);
    await client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: top, character: 0 }, end: { line: top + VIEWPORT_LINES, character: 0 } },
    });
    if (i >= warmup) times.push(performance.now() - t0);
  }
  text = typedAt(opened, points);

  // The same file from scratch through the same path as an edit: a fresh
  // document opened in the server, until its diagnostics and the viewport's
  // hints are back (so the ratio compares like with like).
  const full: number[] = [];
  const lastLine = text.split('\n').length;
  for (let i = 0; i < 7; i++) {
    const fresh = `file:///bench/fresh-${i}.c`;
    const t0 = performance.now();
    const done = published(fresh, 1);
    await client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: fresh, languageId: 'c', version: 1, text },
    });
    await done;
    const top = Math.max(0, Math.floor(lastLine / 2) - VIEWPORT_LINES / 2);
    await client.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: fresh },
      range: { start: { line: top, character: 0 }, end: { line: top + VIEWPORT_LINES, character: 0 } },
    });
    full.push(performance.now() - t0);
    await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: fresh } });
  }
  // The core alone on the same text, for reference.
  const analyzer = await createAnalyzer();
  const core: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    analyzer.analyze({ path: uri, text });
    core.push(performance.now() - t0);
  }

  for (const [i, f] of (opts.corpus ?? []).entries()) {
    const cu = `file:///bench/corpus/${i}/${f.path.replace(/^.*\//, '')}`;
    const p = published(cu, 1);
    await client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: cu, languageId: 'c', version: 1, text: f.text },
    });
    await p;
  }
  (globalThis as { gc?: () => void }).gc?.();
  const serverRssMb = process.memoryUsage().rss / (1024 * 1024);
  client.dispose();
  server.server.dispose();
  server.connection.dispose();

  const p95 = quantile(times, 0.95);
  const fullMs = quantile(full, 0.5);
  return {
    editToDiagnosticsP50Ms: quantile(times, 0.5),
    editToDiagnosticsP95Ms: p95,
    fullAnalysisMs: fullMs,
    coreFullAnalysisMs: quantile(core, 0.5),
    ratioEditToFull: fullMs > 0 ? p95 / fullMs : 0,
    inlayHintsMs: quantile(inlay, 0.5),
    serverRssMb,
  };
}
