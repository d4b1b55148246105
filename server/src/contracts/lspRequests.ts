// Custom LSP requests and notifications, declared once and imported by both the
// server and the VS Code client so the two cannot drift (vscode-eslint's way).
import { type Diagnostic, NotificationType, RequestType } from 'vscode-languageserver-protocol';

import type { SimResult } from './simResult';

interface SimulateOptions {
  /** How many threads run the selected functions, taking turns (default: one per function, two when there is one). */
  initiators?: number;
  /** Number of physical CPUs in the model (default 3; 2 for the per-pCPU lock families of general models). */
  pcpus?: number;
  /** State budget; past it the result is `limit`. */
  maxStates?: number;
  /** Wall-clock budget in milliseconds; past it the result is `limit`. */
  timeoutMs?: number;
  /** Threads per function (`--copies F=N`): function name -> 1..8. */
  copies?: Record<string, number>;
  /** Initial values (`--init 'prv->credit=2'`): location -> integer, or a value's name (`v->processor` -> "B"). */
  init?: Record<string, number | string>;
  /** Pointer parameters of one struct type are different objects (`--distinct`). */
  distinct?: boolean;
  /** How deep calls into the file's functions are inlined (default 2). */
  inlineDepth?: number;
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

export interface SimulationPartnersParams {
  textDocument: { uri: string };
  /** The function to simulate. */
  function: string;
}

export interface SimulationPartner {
  name: string;
  /** 0-based line of its definition. */
  line: number;
  /** What it shares with the function: locks first, then shared locations. */
  shares: string[];
}

/**
 * The functions worth simulating with one function: those that take one of
 * its locks or touch one of its shared locations (one of the two writing),
 * most shared first. The client offers them as partners (the default pick).
 */
export namespace SimulationPartnersRequest {
  export const method = 'xsr/simulationPartners';
  export const type = new RequestType<SimulationPartnersParams, { partners: SimulationPartner[] }, void>(method);
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
