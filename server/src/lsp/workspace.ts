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
import { type IndexJob, isIndexMessage } from '../indexWorker/messages';
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
  private running: { worker: Worker; job: Job } | undefined;
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
    if (!this.settings || this.cancelled) return;
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
    if (r) void r.worker.terminate();
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
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
      worker = new Worker(this.deps.workerPath, { workerData: data });
    } catch (e) {
      this.sendStatus('failed', `cannot start the index worker (${(e as Error).message})`);
      return;
    }
    const running = { worker, job };
    this.running = running;
    const progress = job.initial ? await this.deps.progress().catch(() => undefined) : undefined;
    if (this.running !== running) {
      if (!this.disposed) progress?.done();
      return;
    }
    progress?.begin('Indexing C files', 0, `0/${job.files.length} files`, true);
    const sub = progress?.token.onCancellationRequested(() => {
      this.cancelled = true;
      this.stop();
      this.sendStatus('cancelled', 'indexing was cancelled; open files are analysed on their own');
    });
    this.sendStatus('indexing', undefined, job.files.length);
    await new Promise<void>((resolve) => {
      let ended = false;
      const end = (error?: string): void => {
        if (ended) return;
        ended = true;
        sub?.dispose();
        // After shutdown the connection may be gone: nothing more is sent.
        if (!this.disposed) progress?.done();
        if (this.running === running) this.running = undefined;
        if (error) this.sendStatus('failed', error);
        resolve();
      };
      worker.on('message', (m: unknown) => {
        if (!isIndexMessage(m) || this.running !== running) return;
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
            void worker.terminate();
            end();
            break;
          case 'error':
            void worker.terminate();
            end(`the index worker failed: ${m.message}`);
            break;
        }
      });
      worker.on('error', (e) => end(`the index worker failed: ${e.message}`));
      worker.on('exit', () => end());
    });
    if (this.disposed) return;
    if (this.queue.length > 0) return this.next();
    if (!this.cancelled) this.sendStatus('ready');
  }

  private sendStatus(state: IndexStatusParams['state'], message?: string, total?: number): void {
    if (this.disposed) return;
    if (total !== undefined && this.total < total) this.total = total;
    this.deps.status({ state, indexed: this.index.size, total: this.total, ...(message ? { message } : {}) });
  }
}
