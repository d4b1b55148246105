// Messages between the language server and the index worker thread.
import type { AttributeMacro, IndexedFile, LockHelper } from '../core/index';

export interface IndexJob {
  /** The files to (re)index: their paths on disk and the keys the index uses for them (file URIs), in the same order. */
  files: { path: string; key: string }[];
  /** The records of the other indexed files, for the summaries of what these call. */
  shared: IndexedFile[];
  helpers: LockHelper[];
  attributes: AttributeMacro[];
  /** Files larger than this many bytes are skipped. */
  maxFileSize: number;
  /** Files analysed together (one summary fixpoint); a larger job is done in batches, then callers of later batches again. */
  batchSize: number;
}

/** A job for the worker, numbered by the server. */
export interface IndexRequest {
  id: number;
  job: IndexJob;
}

export function isIndexRequest(m: unknown): m is IndexRequest {
  return !!m && typeof m === 'object' && typeof (m as IndexRequest).id === 'number' && typeof (m as IndexRequest).job === 'object';
}

/** What the worker posts about a job (each message also carries the job's `id`). */
export type IndexMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'records'; records: IndexedFile[] }
  | { type: 'skipped'; key: string; reason: string }
  | { type: 'done' }
  | { type: 'error'; message: string };

/** Validates a message from the worker (data crossing a thread boundary is checked on arrival). */
export function isIndexMessage(m: unknown): m is IndexMessage & { id: number } {
  if (!m || typeof m !== 'object') return false;
  const x = m as Record<string, unknown>;
  if (typeof x.id !== 'number') return false;
  switch (x.type) {
    case 'progress':
      return typeof x.done === 'number' && typeof x.total === 'number';
    case 'records':
      return Array.isArray(x.records);
    case 'skipped':
      return typeof x.key === 'string' && typeof x.reason === 'string';
    case 'done':
      return true;
    case 'error':
      return typeof x.message === 'string';
    default:
      return false;
  }
}
