// Messages between the language server and the simulation worker thread.
import type { Model, SimResult } from '../core/index';

export interface SimJob {
  model: Model;
  maxStates?: number;
  timeoutMs?: number;
}

export type WorkerMessage =
  { type: 'progress'; states: number } | { type: 'result'; result: SimResult } | { type: 'error'; message: string };

/** Validates a message from the worker (data crossing a thread boundary is checked on arrival). */
export function isWorkerMessage(m: unknown): m is WorkerMessage {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  switch (t) {
    case 'progress':
      return typeof (m as { states?: unknown }).states === 'number';
    case 'result':
      return typeof (m as { result?: unknown }).result === 'object';
    case 'error':
      return typeof (m as { message?: unknown }).message === 'string';
    default:
      return false;
  }
}
