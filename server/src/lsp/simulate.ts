// `xsr/simulate`: extracts the migration model of the named functions from the
// document's analysis and explores its interleavings in a worker thread (off
// the message loop), reporting `$/progress` and honouring cancellation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import { type CancellationToken, LSPErrorCodes, ResponseError, type WorkDoneProgressReporter } from 'vscode-languageserver';

import type { SimulateParams } from '../contracts/lspRequests';
import { checkModel, type Model, type SimResult } from '../core/index';
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

/** `xsr/simulate`: the result of exploring the named functions' model. */
export async function simulate(
  deps: SimulateDeps,
  params: SimulateParams,
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
): Promise<SimResult | ResponseError<void>> {
  const r = await simulateModel(deps, params, token, progress);
  return r instanceof ResponseError ? r : r.result;
}

/** The simulation and the model it explored (the `xsr.simulate` command also writes the text table, which names the model). */
export async function simulateModel(
  deps: SimulateDeps,
  params: SimulateParams,
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
): Promise<{ result: SimResult; model: Model } | ResponseError<void>> {
  if (
    !params ||
    typeof params.textDocument?.uri !== 'string' ||
    !Array.isArray(params.functions) ||
    params.functions.some((f) => typeof f !== 'string')
  ) {
    return invalid('xsr/simulate: expected { textDocument: { uri }, functions: string[] }');
  }
  const bad = invalidOptions(params.options);
  if (bad) return invalid(`xsr/simulate: ${bad}`);
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
      ...(opts.copies !== undefined ? { copies: opts.copies } : {}),
      ...(opts.init !== undefined ? { init: opts.init } : {}),
      ...(opts.distinct ? { distinct: true } : {}),
      ...(opts.inlineDepth !== undefined ? { maxInline: opts.inlineDepth } : {}),
    });
  } catch (e) {
    return invalid(`xsr/simulate: ${(e as Error).message}`);
  }
  // A model the simulator cannot take is the request's problem, said plainly (never an internal error).
  const unfit = checkModel(extraction.model);
  if (unfit) return invalid(`xsr/simulate: ${unfit}`);
  const job: SimJob = { model: extraction.model };
  if (params.options?.maxStates !== undefined) job.maxStates = params.options.maxStates;
  if (params.options?.timeoutMs !== undefined) job.timeoutMs = params.options.timeoutMs;
  const result = await running.run(token, () => runWorker(deps.workerPath, job, token, progress, params.functions));
  if (result instanceof ResponseError) return result;
  if (extraction.notes.length) result.notes = [...(result.notes ?? []), ...extraction.notes];
  return { result, model: extraction.model };
}

/** The bounds of each numeric option (the CLI's own), so an out-of-range value is an error, never silently changed. */
const BOUNDS: Readonly<Record<string, [number, number]>> = {
  initiators: [1, 8],
  pcpus: [2, 8],
  maxStates: [1, 1e9],
  timeoutMs: [1, 24 * 3600 * 1000],
  inlineDepth: [0, 8],
};
const OTHER = ['copies', 'init', 'distinct'];

const isInt = (v: unknown, lo: number, hi: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/** Why the options are not acceptable, or undefined. */
function invalidOptions(options: unknown): string | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) return 'options must be an object';
  for (const [key, value] of Object.entries(options)) {
    if (key === 'distinct') {
      if (typeof value !== 'boolean') return `option "distinct" must be true or false, got ${JSON.stringify(value)}`;
      continue;
    }
    if (key === 'copies' || key === 'init') {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return `option "${key}" must be an object`;
      for (const [name, v] of Object.entries(value)) {
        const ok = key === 'copies' ? isInt(v, 1, 8) : isInt(v, -32768, 32767) || (typeof v === 'string' && /^[A-Za-z_]\w*$/.test(v));
        if (!ok)
          return `option "${key}": ${JSON.stringify(name)} must be ${key === 'copies' ? 'a count from 1 to 8' : 'an integer or a name'}, got ${JSON.stringify(v)}`;
      }
      continue;
    }
    const bounds = BOUNDS[key];
    if (!bounds) return `unknown option "${key}" (known: ${[...Object.keys(BOUNDS), ...OTHER].join(', ')})`;
    if (!isInt(value, bounds[0], bounds[1]))
      return `option "${key}" must be an integer from ${bounds[0]} to ${bounds[1]}, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/**
 * One simulation at a time (each can use a core and gigabytes): later
 * requests wait their turn, cancellable while they wait; past a short queue
 * they are refused.
 */
class OneAtATime {
  private busy: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly maxWaiting: number) {}

  async run<T>(token: CancellationToken, job: () => Promise<T>): Promise<T | ResponseError<void>> {
    if (this.waiting >= this.maxWaiting)
      return new ResponseError(-32803, `xsr/simulate: ${this.waiting} simulations are already waiting; try again when they are done`);
    this.waiting++;
    const prev = this.busy;
    let release!: () => void;
    this.busy = new Promise<void>((r) => (release = r));
    try {
      await prev;
      this.waiting--;
      if (token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'xsr/simulate cancelled');
      return await job();
    } finally {
      release();
    }
  }
}

const running = new OneAtATime(4);

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
