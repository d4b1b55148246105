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

/** A function the analysis could not use: not analysed (too many paths, nesting too deep), or lost to a syntax error. */
export interface IncompleteFunction {
  name: string;
  /** 0-based line of its definition (where it was last seen, for a function a syntax error swallowed). */
  line: number;
  reason: string;
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

/** Sent by the server after each analysis: drives the client's status bar item and output channel. */
export interface AnalysisStatusParams {
  uri: string;
  version: number;
  state: 'analysing' | 'done' | 'skipped' | 'error';
  findings: number;
  message?: string;
  /** Findings of severity error and warning (the others are information and hints). */
  errors?: number;
  warnings?: number;
  /** The analysis' figures: functions found, syntax errors, time in ms. */
  functions?: number;
  parseErrors?: number;
  ms?: number;
  /** Functions not analysed, and why: the status item says so instead of a clean result. */
  incomplete?: IncompleteFunction[];
  /** Functions analysed on a recovered parse (their text holds syntax errors; their findings are conservative). */
  recovered?: number;
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

/** A finding of the base that the patch removed. */
interface FixedFinding {
  code: string;
  function: string;
  message: string;
  /** 0-based line in the base text. */
  line: number;
}

export interface CheckPatchFileResult {
  /** Post-image file URI (where the file is, or will be, on disk). */
  uri: string;
  /**
   * LSP diagnostics (0-based) for the post-image text, only inside changed
   * functions; each one's `data.review` says whether the patch introduces it
   * (`introduced`) or the base has it already (`stays`).
   */
  diagnostics: Diagnostic[];
  /** The post-image text the diagnostics' positions refer to (show them on it, not on the file on disk). */
  text?: string;
  /** `added` when the patch creates the file. */
  status?: 'added' | 'modified';
  /** Findings of the base's changed functions that the patch removed. */
  fixed?: FixedFinding[];
}

export interface CheckPatchResult {
  files: CheckPatchFileResult[];
  /** Files left out (too large to analyse), with why. */
  skipped?: { path: string; reason: string }[];
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

interface LockMapParams {
  textDocument: { uri: string };
}

/** The lock discipline learned from the document's analysis, as `xsr guards` prints it (what the editor opens as a document). */
export interface LockMapResult {
  text: string;
  /** Locations with a guard, functions with a requirement, order edges: for the status message. */
  guards: number;
  requires: number;
  order: number;
}

export namespace LockMapRequest {
  export const method = 'xsr/lockMap';
  export const type = new RequestType<LockMapParams, LockMapResult | null, void>(method);
}
