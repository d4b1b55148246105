// Validation of a simulation result (the `simulate --format json` contract, the
// SimResult type of sim/src/types.ts) arriving from outside: a `.xsrtrace.json`
// file, a message, the webview's saved state. No vscode and no DOM import, so the
// extension, the webview and plain node tests all use this one module.
import type { SimResult } from '../simResult';

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

const RESULTS = ['violation', 'verified', 'limit'] as const;
const INVARIANTS = ['INV1', 'INV2', 'INV3', 'INV4', 'INV5'] as const;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function isRecordOf(x: unknown, check: (v: unknown) => boolean): boolean {
  return isRecord(x) && Object.values(x).every(check);
}

/** Returns the name of the first malformed field of a state, or undefined. */
function stateProblem(s: unknown): string | undefined {
  if (!isRecord(s)) return 'has no "state" object';
  const bad = (field: string, what: string): string => `has a malformed state: "${field}" must map ${what}`;
  if (!isRecordOf(s.processor, (v) => typeof v === 'string')) return bad('processor', 'vCPUs to pCPU names');
  if (!isRecordOf(s.running, (v) => v === null || typeof v === 'string')) return bad('running', 'pCPUs to a vCPU or null');
  if (!isRecordOf(s.runq, isStringArray)) return bad('runq', 'pCPUs to lists of vCPUs');
  if (!isRecordOf(s.flags, isStringArray)) return bad('flags', 'vCPUs to lists of flags');
  if (!isRecordOf(s.locks, (v) => typeof v === 'string')) return bad('locks', 'lock names to threads');
  return undefined;
}

function stepProblem(x: unknown): string | undefined {
  if (!isRecord(x)) return 'is not an object';
  if (typeof x.step !== 'number' || !Number.isInteger(x.step)) return 'has no integer "step"';
  if (typeof x.thread !== 'string' || x.thread === '') return 'has no "thread" name';
  if (typeof x.action !== 'string') return 'has no "action" text';
  if (x.file !== undefined && typeof x.file !== 'string') return 'has a "file" that is not a string';
  if (x.line !== undefined && !(typeof x.line === 'number' && Number.isInteger(x.line) && x.line >= 1)) {
    return 'has a "line" that is not a positive integer';
  }
  return stateProblem(x.state);
}

/** Checks that `x` is a SimResult; the error names the first problem in one sentence. */
export function validateSimResult(x: unknown): Validation<SimResult> {
  const fail = (error: string): Validation<SimResult> => ({ ok: false, error });
  if (!isRecord(x)) return fail('The trace is not a JSON object.');
  if (x.version !== 1) return fail(`Unsupported trace version ${JSON.stringify(x.version ?? null)} (expected 1).`);
  if (!RESULTS.includes(x.result as (typeof RESULTS)[number])) {
    return fail(`"result" must be one of ${RESULTS.join(', ')}.`);
  }
  if (x.invariant !== undefined && !INVARIANTS.includes(x.invariant as (typeof INVARIANTS)[number])) {
    return fail(`"invariant" must be one of ${INVARIANTS.join(', ')}.`);
  }
  if (typeof x.message !== 'string') return fail('"message" must be a string.');
  if (!Array.isArray(x.trace)) return fail('"trace" must be a list of steps.');
  for (let i = 0; i < x.trace.length; i++) {
    const problem = stepProblem(x.trace[i]);
    if (problem) return fail(`Step ${i + 1} of "trace" ${problem}.`);
  }
  const stats = x.stats;
  if (!isRecord(stats) || typeof stats.states !== 'number' || typeof stats.transitions !== 'number' || typeof stats.ms !== 'number') {
    return fail('"stats" must hold numbers "states", "transitions" and "ms".');
  }
  if (x.notes !== undefined && !isStringArray(x.notes)) return fail('"notes" must be a list of strings.');
  if (x.threads !== undefined && !isStringArray(x.threads)) return fail('"threads" must be a list of thread names.');
  return { ok: true, value: x as unknown as SimResult };
}

/** Parses the text of a `.xsrtrace.json` file. */
export function parseTraceText(text: string): Validation<SimResult> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `The file is not valid JSON: ${(e as Error).message}` };
  }
  return validateSimResult(data);
}

/** Lane order: the declared threads first, then any other thread in order of first appearance. */
export function laneOrder(result: SimResult): string[] {
  const lanes = [...(result.threads ?? [])];
  for (const s of result.trace) if (!lanes.includes(s.thread)) lanes.push(s.thread);
  return lanes;
}
