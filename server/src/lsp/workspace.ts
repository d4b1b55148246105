// The workspace index's LSP side: on start it lists the workspace folders' C
// files and headers (up to `xsr.index.maxFiles`) and has the index worker
// analyse them in the background, with cancellable `$/progress` and
// `xsr/indexStatus`; later, watched-file events and the open documents' own
// analyses update it. Every change reports the function names whose summaries
// changed (the server then re-analyses the open documents that call them),
// and files not open that call them are indexed again, a few rounds deep.
// What a record holds and how records merge is the core's (core/workspace).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { FileChangeType, type FileEvent, type WorkDoneProgressServerReporter } from 'vscode-languageserver';

import type { IndexStatusParams } from '../contracts/lspRequests';
import { type IndexedFile, listSourceFiles, WorkspaceIndex } from '../core/index';
import { type IndexJob, type IndexMessage, isIndexMessage } from '../indexWorker/messages';
import type { Settings } from './settings';

/** dist/indexWorker.js next to the bundle, else the compiled worker under out/. */
export function defaultIndexWorkerPath(): string {
  const candidates = [path.join(__dirname, 'indexWorker.js'), path.join(__dirname, '..', 'indexWorker', 'worker.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0]!;
}

export interface WorkspaceIndexerDeps {
  workerPath: string;
  /** Summaries of these function names changed: analyse again what reads them. */
  onSummariesChanged(names: Set<string>): void;
  status(p: IndexStatusParams): void;
  /** A cancellable progress for the first indexing, when the client shows progress. */
  progress(): Promise<WorkDoneProgressServerReporter | undefined>;
  /** Tells the user something once (window/showMessage). */
  inform(message: string): void;
  /** The URIs of the open documents (their text, not the disk's, is indexed while they are open). */
  isOpen(uri: string): boolean;
  /** Files analysed together in the worker (default 200). */
  batchSize?: number;
  /** How long the index thread stays after its last job, in ms (default 1000): its memory goes with it. */
  idleExitMs?: number;
}

interface Job {
  files: { path: string; key: string }[];
  /** How many rounds of "callers of what changed" led to this job (bounded). */
  depth: number;
  /** The first indexing of the workspace (shows progress, can be cancelled). */
  initial: boolean;
}

const MAX_DEPTH = 4;

export class WorkspaceIndexer {
  readonly index = new WorkspaceIndex();
  private readonly queue: Job[] = [];
  private running: { job: Job; end(): void } | undefined;
  private worker: Worker | undefined;
  private idleExit: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;
  /** The running job's handler of the thread's messages, by job id. */
  private readonly handlers = new Map<number, (m: IndexMessage) => void>();
  private settings: Settings | undefined;
  private folders: string[] = [];
  private total = 0;
  private disposed = false;
  private cancelled = false;

  constructor(private readonly deps: WorkspaceIndexerDeps) {}

  /** Whether a job is running or waiting (tests and the status wait for it to end). */
  get busy(): boolean {
    return !!this.running || this.queue.length > 0;
  }

  /** Indexes the folders (file URIs) from scratch with `settings` (the first folder's). */
  start(folderUris: readonly string[], settings: Settings): void {
    this.stop();
    this.settings = settings;
    this.cancelled = false;
    this.folders = folderUris.flatMap((u) => {
      try {
        return [fileURLToPath(u)];
      } catch {
        return [];
      }
    });
    if (settings.indexMaxFiles === 0 || this.folders.length === 0) return;
    const all = [...new Set(this.folders.flatMap((f) => listSourceFiles(f).files))];
    this.total = Math.min(all.length, settings.indexMaxFiles);
    if (all.length > settings.indexMaxFiles)
      this.deps.inform(
        `xsr: the workspace has ${all.length} C files and headers; indexing the first ${settings.indexMaxFiles} (setting xsr.index.maxFiles)`,
      );
    const files = all.slice(0, settings.indexMaxFiles).map((p) => ({ path: p, key: pathToFileURL(p).href }));
    this.enqueue({ files, depth: 0, initial: true });
  }

  /** workspace/didChangeWatchedFiles: index created and changed C files again, forget deleted ones. */
  filesChanged(events: readonly FileEvent[]): void {
    // No index (turned off, cancelled, or not started): the open documents are analysed on their own.
    if (!this.settings || this.settings.indexMaxFiles === 0 || this.cancelled) return;
    const changed: { path: string; key: string }[] = [];
    const names = new Set<string>();
    for (const e of events) {
      if (typeof e?.uri !== 'string' || !/\.[ch]$/.test(e.uri)) continue;
      let file: string;
      try {
        file = fileURLToPath(e.uri);
      } catch {
        continue;
      }
      if (!this.folders.some((f) => file === f || file.startsWith(f + path.sep))) continue;
      const key = pathToFileURL(file).href;
      if (e.type === FileChangeType.Deleted) for (const n of this.index.set('disk', key, undefined)) names.add(n);
      else changed.push({ path: file, key });
    }
    if (changed.length) this.enqueue({ files: changed, depth: 0, initial: false });
    if (names.size) this.summariesChanged(names, new Set(), 0);
    if (!this.busy) this.sendStatus('ready');
  }

  /** An open document's record (its current text), or undefined when it closes (the disk's record applies again). */
  setOpen(uri: string, record: IndexedFile | undefined): void {
    const names = this.index.set('open', uri, record);
    if (names.size) this.summariesChanged(names, new Set([uri]), 0);
  }

  /** Stops the current job and drops the waiting ones. */
  stop(): void {
    this.queue.length = 0;
    const r = this.running;
    this.running = undefined;
    if (!r) return;
    // A job cannot be interrupted inside the thread: the thread goes (the next job starts another). Its end is
    // not awaited: a thread that does not end must not hold the index up.
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
    r.end();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.idleExit);
    this.stop();
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private summariesChanged(names: Set<string>, except: ReadonlySet<string>, depth: number): void {
    this.deps.onSummariesChanged(names);
    if (depth >= MAX_DEPTH || !this.settings) return;
    const closed = [...this.index.dependents(names)].filter((k) => !except.has(k) && !this.deps.isOpen(k) && this.index.has(k));
    if (closed.length === 0) return;
    const files = closed.flatMap((key) => {
      try {
        return [{ path: fileURLToPath(key), key }];
      } catch {
        return [];
      }
    });
    this.enqueue({ files, depth: depth + 1, initial: false });
  }

  private enqueue(job: Job): void {
    if (this.disposed) return;
    // A file already waiting is indexed once, in the later job (with the newer shared summaries).
    const keys = new Set(job.files.map((f) => f.key));
    for (const q of this.queue) q.files = q.files.filter((f) => !keys.has(f.key));
    this.queue.push(job);
    if (!this.running) void this.next();
  }

  /**
   * The index thread, started for a job and kept while jobs follow (see
   * indexWorker/worker.ts); idle for idleExitMs, it is stopped and its memory
   * (a parser's WASM heap, the analyses) goes with it. By then no compile job
   * of V8 runs in it, so its end cannot hang (and nothing waits for it).
   */
  private thread(): Worker {
    clearTimeout(this.idleExit);
    this.idleExit = undefined;
    if (this.worker) return this.worker;
    const w = new Worker(this.deps.workerPath);
    // It never keeps the process alive (the server lives as long as its connection).
    w.unref();
    w.on('message', (m: unknown) => {
      if (isIndexMessage(m)) this.handlers.get(m.id)?.(m);
    });
    const lost = (why: string): void => {
      if (this.worker !== w) return;
      this.worker = undefined;
      for (const h of [...this.handlers.values()]) h({ type: 'error', message: why });
    };
    w.on('error', (e) => lost(e.message));
    w.on('exit', (code) => lost(`the thread exited (code ${code})`));
    this.worker = w;
    return w;
  }

  private async next(): Promise<void> {
    const job = this.queue.shift();
    if (!job || this.disposed) return;
    if (job.files.length === 0) return this.next();
    const settings = this.settings!;
    const keys = new Set(job.files.map((f) => f.key));
    const data: IndexJob = {
      files: job.files,
      shared: this.index.records().filter((r) => !keys.has(r.path)),
      helpers: settings.extraHelpers,
      attributes: settings.extraAttributes,
      maxFileSize: settings.maxFileSize,
      batchSize: this.deps.batchSize ?? 200,
    };
    let worker: Worker;
    try {
      worker = this.thread();
    } catch (e) {
      this.sendStatus('failed', `cannot start the index worker (${(e as Error).message})`);
      return;
    }
    const id = this.nextId++;
    let progress: WorkDoneProgressServerReporter | undefined;
    let ended = false;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    let sub: { dispose(): void } | undefined;
    const end = (error?: string): void => {
      if (ended) return;
      ended = true;
      this.handlers.delete(id);
      sub?.dispose();
      // After shutdown the connection may be gone: nothing more is sent.
      if (!this.disposed) progress?.done();
      if (this.running === running) this.running = undefined;
      if (error) this.sendStatus('failed', error);
      finished();
    };
    const running = { job, end };
    this.running = running;
    this.handlers.set(id, (m) => {
      if (this.running !== running) return;
      switch (m.type) {
        case 'progress':
          progress?.report(Math.round((100 * m.done) / Math.max(1, m.total)), `${m.done}/${m.total} files`);
          break;
        case 'records': {
          const names = new Set<string>();
          for (const r of m.records) for (const n of this.index.set('disk', r.path, r)) names.add(n);
          if (names.size) this.summariesChanged(names, keys, job.depth);
          break;
        }
        case 'skipped':
          this.index.set('disk', m.key, undefined);
          break;
        case 'done':
          end();
          break;
        case 'error':
          end(`the index worker failed: ${m.message}`);
          break;
      }
    });
    worker.postMessage({ id, job: data });
    this.sendStatus('indexing', undefined, job.files.length);
    if (job.initial) {
      const created = await this.deps.progress().catch(() => undefined);
      if (ended || this.running !== running) {
        if (!this.disposed) created?.done();
      } else {
        progress = created;
        progress?.begin('Indexing C files', 0, `0/${job.files.length} files`, true);
        sub = progress?.token.onCancellationRequested(() => {
          this.cancelled = true;
          this.stop();
          this.sendStatus('cancelled', 'indexing was cancelled; open files are analysed on their own');
        });
      }
    }
    await done;
    // Restarted or stopped meanwhile: whoever runs now goes on with the queue.
    if (this.running || this.disposed) return;
    if (this.queue.length > 0) return this.next();
    if (!this.cancelled) this.sendStatus('ready');
    this.idleExit = setTimeout(() => {
      this.idleExit = undefined;
      const w = this.worker;
      this.worker = undefined;
      void w?.terminate();
    }, this.deps.idleExitMs ?? 1000);
    this.idleExit.unref();
  }

  private sendStatus(state: IndexStatusParams['state'], message?: string, total?: number): void {
    if (this.disposed) return;
    if (total !== undefined && this.total < total) this.total = total;
    this.deps.status({ state, indexed: this.index.size, total: this.total, ...(message ? { message } : {}) });
  }
}
