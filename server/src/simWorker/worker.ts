// The simulation worker (bundled as dist/simWorker.js): explores a model off the
// language server's message loop and reports progress. The server terminates
// the thread to cancel.
import { parentPort, workerData } from 'node:worker_threads';

import { explore } from '../core/index';
import type { SimJob, WorkerMessage } from './messages';

function post(m: WorkerMessage): void {
  parentPort?.postMessage(m);
}

function run(job: SimJob): void {
  let last = 0;
  try {
    const result = explore(job.model, {
      maxStates: job.maxStates,
      timeoutMs: job.timeoutMs,
      onProgress: (states) => {
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        post({ type: 'progress', states });
      },
    });
    post({ type: 'result', result });
  } catch (e) {
    post({ type: 'error', message: (e as Error).message ?? String(e) });
  }
}

if (parentPort) run(workerData as SimJob);
