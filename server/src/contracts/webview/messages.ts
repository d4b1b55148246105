// Every message between the extension and the race-replay webview, declared once
// as discriminated unions and imported by both sides. Each side validates what
// arrives (`parseToWebview`, `parseFromWebview`) and handles it in an exhaustive
// switch. The whole trace crosses once, in `load`; afterwards only step indices do.
import type { SimResult } from '../simResult';

/** Where the trace came from: shown in the header, used to find source lines. */
export interface TraceOrigin {
  /** Human title, e.g. "vcpu_set_affinity in old_migrate.c" or a file name. */
  title: string;
  /** The document the simulation ran on, when there is one (a URI string). */
  documentUri?: string;
}

export type ToWebview =
  /** The whole trace, once per panel load; `step` is the index to select (0-based). */
  | { type: 'load'; trace: SimResult; origin: TraceOrigin; step: number }
  /** A trace that could not be read: the panel shows the reason instead of lanes. */
  | { type: 'loadError'; message: string; origin: TraceOrigin }
  /** Select a step (0-based index), e.g. because the editor cursor moved onto its line. */
  | { type: 'select'; step: number }
  /** A simulation is running for this panel. */
  | { type: 'busy'; title: string };

export type FromWebview =
  /** The page has loaded its script and listens. */
  | { type: 'ready' }
  /** The user selected a step (0-based index). */
  | { type: 'stepSelected'; step: number }
  /** Enter on a step: show its source line and focus the editor. */
  | { type: 'openSource'; step: number }
  /** Save the trace to a `.xsrtrace.json` file. */
  | { type: 'saveTrace' };

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
    case 'stepSelected':
      return isStep(x.step) ? { type: 'stepSelected', step: x.step } : undefined;
    case 'openSource':
      return isStep(x.step) ? { type: 'openSource', step: x.step } : undefined;
    default:
      return undefined;
  }
}

/** What the webview keeps with `setState` and the serializer hands back after a reload. */
export interface PersistedState {
  version: 1;
  origin: TraceOrigin;
  trace?: SimResult;
  error?: string;
  step: number;
}

export function parsePersistedState(x: unknown): PersistedState | undefined {
  if (!isRecord(x) || x.version !== 1 || !isOrigin(x.origin) || !isStep(x.step)) return undefined;
  if (x.error !== undefined && typeof x.error !== 'string') return undefined;
  return x as unknown as PersistedState;
}

/** Exhaustiveness guard for switches over these unions. */
export function assertNever(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
