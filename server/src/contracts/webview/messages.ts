// Every message between the extension and the race-replay webview, declared once
// as discriminated unions and imported by both sides. Each side validates what
// arrives (`parseToWebview`, `parseFromWebview`) and handles it in an exhaustive
// switch. The whole trace crosses once, in `load`; afterwards only step indices do.
import type { ReplayResult } from './trace';

/** Where the trace came from: shown in the header, used to find source lines. */
export interface TraceOrigin {
  /** Human title, e.g. "vcpu_set_affinity in old_migrate.c" or a file name. */
  title: string;
  /** The document the simulation ran on, when there is one (a URI string). */
  documentUri?: string;
}

export type ToWebview =
  /** The whole trace, once per panel load; `step` is the index to select (0-based). */
  | { type: 'load'; trace: ReplayResult; origin: TraceOrigin; step: number }
  /** A trace that could not be read: the panel shows the reason instead of lanes. */
  | { type: 'loadError'; message: string; origin: TraceOrigin }
  /** Select a step (0-based index), e.g. because the editor cursor moved onto its line. */
  | { type: 'select'; step: number }
  /** A simulation is running for this panel. */
  | { type: 'busy'; title: string }
  /**
   * The source files (workspace-relative) that changed since the trace was
   * made; empty when none did. `canRerun`: the extension can run the
   * simulation again (it knows the document and functions).
   */
  | { type: 'stale'; files: string[]; canRerun: boolean };

export type FromWebview =
  /** The page has loaded its script and listens. */
  | { type: 'ready' }
  /** The user selected a step (0-based index). */
  | { type: 'stepSelected'; step: number }
  /** Enter on a step: show its source line and focus the editor. */
  | { type: 'openSource'; step: number }
  /** Save the trace to a `.xsrtrace.json` file. */
  | { type: 'saveTrace' }
  /** Run the simulation that made this trace again (its source changed). */
  | { type: 'rerun' }
  /** Show the failing assertion of an ASSERT result in the editor. */
  | { type: 'openAssertion' };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStep(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

function isOrigin(x: unknown): x is TraceOrigin {
  return isRecord(x) && typeof x.title === 'string' && (x.documentUri === undefined || typeof x.documentUri === 'string');
}

/**
 * Checks the envelope of a message to the webview. The trace inside `load` is
 * checked separately with `validateSimResult`, so that a malformed trace can be
 * reported in the panel rather than dropped.
 */
export function parseToWebview(x: unknown): ToWebview | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'load':
      return isOrigin(x.origin) && isStep(x.step) ? (x as unknown as ToWebview) : undefined;
    case 'loadError':
      return typeof x.message === 'string' && isOrigin(x.origin) ? (x as unknown as ToWebview) : undefined;
    case 'select':
      return isStep(x.step) ? { type: 'select', step: x.step } : undefined;
    case 'busy':
      return typeof x.title === 'string' ? { type: 'busy', title: x.title } : undefined;
    case 'stale':
      return Array.isArray(x.files) && x.files.every((f) => typeof f === 'string') && typeof x.canRerun === 'boolean'
        ? { type: 'stale', files: x.files as string[], canRerun: x.canRerun }
        : undefined;
    default:
      return undefined;
  }
}

export function parseFromWebview(x: unknown): FromWebview | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'saveTrace':
      return { type: 'saveTrace' };
    case 'rerun':
      return { type: 'rerun' };
    case 'openAssertion':
      return { type: 'openAssertion' };
    case 'stepSelected':
      return isStep(x.step) ? { type: 'stepSelected', step: x.step } : undefined;
    case 'openSource':
      return isStep(x.step) ? { type: 'openSource', step: x.step } : undefined;
    default:
      return undefined;
  }
}

/** How the user set the panel up: kept across reloads. */
export interface ViewOptions {
  /** Show the lanes of threads that take no step. */
  showIdleLanes: boolean;
  /** Show only the state entries the selected step changed. */
  changedOnly: boolean;
  /** Show only the state entries whose name contains this text. */
  filter: string;
}

export const DEFAULT_VIEW: Readonly<ViewOptions> = { showIdleLanes: false, changedOnly: false, filter: '' };

/** What the webview keeps with `setState` and the serializer hands back after a reload. */
export interface PersistedState {
  version: 1;
  origin: TraceOrigin;
  trace?: ReplayResult;
  error?: string;
  step: number;
  view?: ViewOptions;
}

function parseView(x: unknown): ViewOptions | undefined {
  if (!isRecord(x)) return undefined;
  const { showIdleLanes, changedOnly, filter } = x;
  if (typeof showIdleLanes !== 'boolean' || typeof changedOnly !== 'boolean' || typeof filter !== 'string') return undefined;
  return { showIdleLanes, changedOnly, filter };
}

export function parsePersistedState(x: unknown): PersistedState | undefined {
  if (!isRecord(x) || x.version !== 1 || !isOrigin(x.origin) || !isStep(x.step)) return undefined;
  if (x.error !== undefined && typeof x.error !== 'string') return undefined;
  const view = x.view === undefined ? undefined : parseView(x.view);
  const out = { ...x } as unknown as PersistedState;
  if (view) out.view = view;
  else delete out.view;
  return out;
}

/** Exhaustiveness guard for switches over these unions. */
export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
