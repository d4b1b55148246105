// `xsr/simulate`: extracts the migration model of the named functions from the
// document's analysis and explores its interleavings in a worker thread (off
// the message loop), reporting `$/progress` and honouring cancellation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import { type CancellationToken, LSPErrorCodes, ResponseError, type WorkDoneProgressReporter } from 'vscode-languageserver';

import type { SimulateParams } from '../contracts/lspRequests';
import type { SimResult } from '../core/index';
import { isWorkerMessage, type SimJob } from '../simWorker/messages';
import type { DocumentManager } from './documents';
import type { ExtractModelFn } from './seams';

/** dist/simWorker.js next to the bundle, else the compiled worker under out/. */
export function defaultWorkerPath(): string {
  const candidates = [path.join(__dirname, 'simWorker.js'), path.join(__dirname, '..', 'simWorker', 'worker.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0]!;
}

export interface SimulateDeps {
  documents: DocumentManager;
  extractModel?: ExtractModelFn | undefined;
  workerPath: string;
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(-32602, message);
}

export async function simulate(
  deps: SimulateDeps,
  params: SimulateParams,
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
): Promise<SimResult | ResponseError<void>> {
  if (
    !params ||
    typeof params.textDocument?.uri !== 'string' ||
    !Array.isArray(params.functions) ||
    params.functions.some((f) => typeof f !== 'string')
  ) {
    return invalid('xsr/simulate: expected { textDocument: { uri }, functions: string[] }');
  }
  if (!deps.extractModel) return new ResponseError(-32603, 'xsr/simulate: model extraction is not available in this build of the server');
  const st = await deps.documents.analysisFor(params.textDocument.uri);
  if (!st) return invalid(`xsr/simulate: ${params.textDocument.uri} is not open`);
  if (!st.file) return invalid(`xsr/simulate: ${params.textDocument.uri} was not analysed (${st.skipped ?? 'skipped'})`);
  let extraction;
  try {
    const opts = params.options ?? {};
    extraction = deps.extractModel(st.file, params.functions, {
      ...(opts.initiators !== undefined ? { initiators: opts.initiators } : {}),
      ...(opts.pcpus !== undefined ? { pcpus: opts.pcpus } : {}),
    });
  } catch (e) {
    return invalid(`xsr/simulate: ${(e as Error).message}`);
  }
  const job: SimJob = { model: extraction.model };
  if (params.options?.maxStates !== undefined) job.maxStates = params.options.maxStates;
  if (params.options?.timeoutMs !== undefined) job.timeoutMs = params.options.timeoutMs;
  const result = await runWorker(deps.workerPath, job, token, progress, params.functions);
  if (result instanceof ResponseError) return result;
  if (extraction.notes.length) result.notes = [...(result.notes ?? []), ...extraction.notes];
  return result;
}

function runWorker(
  workerPath: string,
  job: SimJob,
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
  functions: string[],
): Promise<SimResult | ResponseError<void>> {
  return new Promise((resolve) => {
    if (token.isCancellationRequested) return resolve(new ResponseError(LSPErrorCodes.RequestCancelled, 'xsr/simulate cancelled'));
    let worker: Worker;
    try {
      worker = new Worker(workerPath, { workerData: job });
    } catch (e) {
      return resolve(new ResponseError(-32603, `xsr/simulate: cannot start the simulation worker (${(e as Error).message})`));
    }
    progress.begin('Simulating interleavings', 0, functions.join(', '), true);
    let settled = false;
    const finish = (r: SimResult | ResponseError<void>): void => {
      if (settled) return;
      settled = true;
      sub.dispose();
      progress.done();
      void worker.terminate();
      resolve(r);
    };
    const sub = token.onCancellationRequested(() => finish(new ResponseError(LSPErrorCodes.RequestCancelled, 'xsr/simulate cancelled')));
    worker.on('message', (m: unknown) => {
      if (!isWorkerMessage(m)) return;
      switch (m.type) {
        case 'progress':
          progress.report(`${m.states.toLocaleString('en-US')} states`);
          break;
        case 'result':
          finish(m.result);
          break;
        case 'error':
          finish(new ResponseError(-32603, `xsr/simulate: ${m.message}`));
          break;
      }
    });
    worker.on('error', (e) => finish(new ResponseError(-32603, `xsr/simulate: the worker failed (${e.message})`)));
    worker.on('exit', (code) => finish(new ResponseError(-32603, `xsr/simulate: the worker exited (code ${code}) without a result`)));
  });
}
