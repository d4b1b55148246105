// The index worker (bundled as dist/indexWorker.js): reads and analyses the
// workspace's C files off the language server's message loop and posts their
// records (function summaries and callees) batch by batch. Files of one batch
// are analysed together as `xsr check` analyses a folder; a job larger than a
// batch then analyses again the files that call what a later batch defined,
// until nothing changes (a few passes at most).
//
// One thread serves the server's whole life, one job at a time (its message
// port keeps it alive between jobs). A thread per job was tried: under load,
// Node 20 could deadlock a thread whose event loop ran dry while V8 still
// compiled in the background (the thread waits for the compile job, the job
// for a collection on the thread), and the job never ended. The server
// terminates the thread only to cancel.
import { parentPort } from 'node:worker_threads';

import { type CoreAnalyzer, createAnalyzer, type IndexedFile, indexFiles, readSource, WorkspaceIndex } from '../core/index';
import { type IndexJob, type IndexMessage, isIndexRequest } from './messages';

const MAX_PASSES = 4;

/** The analyzer of the last settings (lock helpers and attribute macros), kept between jobs. */
let analyzer: { key: string; value: Promise<CoreAnalyzer> } | undefined;

function analyzerFor(job: IndexJob): Promise<CoreAnalyzer> {
  const key = JSON.stringify([job.helpers, job.attributes]);
  if (analyzer?.key !== key) analyzer = { key, value: createAnalyzer({ helpers: job.helpers, attributes: job.attributes, rules: [] }) };
  return analyzer.value;
}

async function run(id: number, job: IndexJob): Promise<void> {
  const post = (m: IndexMessage): void => parentPort?.postMessage({ ...m, id });
  const a = await analyzerFor(job);
  const index = new WorkspaceIndex();
  for (const r of job.shared) index.set('disk', r.path, r);
  const total = job.files.length;
  let done = 0;
  /** When each name's summary last changed (a counter), and when each file was last analysed. */
  let clock = 0;
  const changedAt = new Map<string, number>();
  const analysedAt = new Map<string, number>();
  let todo = job.files;
  for (let pass = 0; pass < MAX_PASSES && todo.length > 0; pass++) {
    for (let i = 0; i < todo.length; i += job.batchSize) {
      const batch = todo.slice(i, i + job.batchSize);
      const sources: { path: string; text: string }[] = [];
      for (const f of batch) {
        const r = readSource(f.path, job.maxFileSize);
        if (r.text !== undefined) sources.push({ path: f.key, text: r.text });
        else post({ type: 'skipped', key: f.key, reason: r.skipped ?? r.error ?? 'not read' });
      }
      const records: IndexedFile[] = indexFiles(a, sources, { get: (n) => index.summary(n) });
      const now = clock++;
      for (const r of records) {
        for (const n of index.set('disk', r.path, r)) changedAt.set(n, now);
        analysedAt.set(r.path, now);
      }
      post({ type: 'records', records });
      if (pass === 0) {
        done += batch.length;
        post({ type: 'progress', done, total });
      }
    }
    // Files that call a name whose summary changed after they were analysed.
    todo = job.files.filter((f) => {
      const at = analysedAt.get(f.key);
      const r = index.record(f.key);
      return at !== undefined && r !== undefined && r.functions.some((fn) => fn.callees.some((c) => (changedAt.get(c) ?? -1) > at));
    });
  }
  post({ type: 'done' });
}

/** Jobs run one after another (the server sends the next one after `done`, but a queue costs nothing). */
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (m: unknown) => {
  if (!isIndexRequest(m)) return;
  queue = queue.then(() =>
    run(m.id, m.job).catch((e: unknown) => parentPort?.postMessage({ type: 'error', message: (e as Error)?.stack ?? String(e), id: m.id })),
  );
});
