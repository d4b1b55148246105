// The index worker (bundled as dist/indexWorker.js): reads and analyses the
// workspace's C files off the language server's message loop and posts their
// records (function summaries and callees) batch by batch. Files of one batch
// are analysed together as `xsr check` analyses a folder; a job larger than a
// batch then analyses again the files that call what a later batch defined,
// until nothing changes (a few passes at most). The server terminates the
// thread to cancel.
import { parentPort, workerData } from 'node:worker_threads';

import { createAnalyzer, type IndexedFile, indexFiles, readSource, WorkspaceIndex } from '../core/index';
import type { IndexJob, IndexMessage } from './messages';

const MAX_PASSES = 4;

function post(m: IndexMessage): void {
  parentPort?.postMessage(m);
}

async function run(job: IndexJob): Promise<void> {
  const analyzer = await createAnalyzer({ helpers: job.helpers, attributes: job.attributes, rules: [] });
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
      const records: IndexedFile[] = indexFiles(analyzer, sources, { get: (n) => index.summary(n) });
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

if (parentPort) {
  run(workerData as IndexJob).catch((e: unknown) => post({ type: 'error', message: (e as Error)?.stack ?? String(e) }));
}
