// Custom LSP requests and notifications, declared once and imported by both the
// server and the VS Code client so the two cannot drift (vscode-eslint's way).
import { type Diagnostic, NotificationType, RequestType } from 'vscode-languageserver-protocol';

import type { SimResult } from './simResult';

interface SimulateOptions {
  /** How many initiator threads run the selected functions (default: one per function). */
  initiators?: number;
  /** Number of physical CPUs in the model (default 3). */
  pcpus?: number;
  /** State budget; past it the result is `limit`. */
  maxStates?: number;
  /** Wall-clock budget in milliseconds; past it the result is `limit`. */
  timeoutMs?: number;
}

export interface SimulateParams {
  textDocument: { uri: string };
  functions: string[];
  options?: SimulateOptions;
  /** Optional work-done token for `$/progress`. */
  workDoneToken?: string | number;
}

export namespace SimulateRequest {
  export const method = 'xsr/simulate';
  export const type = new RequestType<SimulateParams, SimResult, void>(method);
}

/** Sent by the server after each analysis: drives the client's status bar item. */
export interface AnalysisStatusParams {
  uri: string;
  version: number;
  state: 'analysing' | 'done' | 'skipped' | 'error';
  findings: number;
  message?: string;
}

export namespace AnalysisStatusNotification {
  export const method = 'xsr/analysisStatus';
  export const type = new NotificationType<AnalysisStatusParams>(method);
}

export interface CheckPatchParams {
  /** The unified diff or `git format-patch` mail (one or an mbox series). */
  patch: string;
  /** Folder the patch applies to (file URI); defaults to the first workspace folder. */
  baseUri: string;
}

interface CheckPatchFileResult {
  /** Post-image file URI. */
  uri: string;
  /** LSP diagnostics (0-based) for the post-image text, only inside changed functions. */
  diagnostics: Diagnostic[];
}

export interface CheckPatchResult {
  files: CheckPatchFileResult[];
  /** Set when the patch cannot be read or applied; the client shows it and publishes nothing. */
  error?: string;
}

export namespace CheckPatchRequest {
  export const method = 'xsr/checkPatch';
  export const type = new RequestType<CheckPatchParams, CheckPatchResult, void>(method);
}

/**
 * Sent by the server as its workspace index progresses: `indexing` while it
 * reads the workspace folders' C files in the background, `ready` when every
 * file is indexed (and after each later update), `cancelled` when the user
 * cancelled it, `failed` with the reason.
 */
export interface IndexStatusParams {
  state: 'indexing' | 'ready' | 'cancelled' | 'failed';
  /** Files with a record in the index. */
  indexed: number;
  /** Files the current job covers (all the workspace's, up to `xsr.index.maxFiles`, for the first one). */
  total: number;
  message?: string;
}

export namespace IndexStatusNotification {
  export const method = 'xsr/indexStatus';
  export const type = new NotificationType<IndexStatusParams>(method);
}
