// Validation of a simulation result (the `simulate --format json` contract,
// with its additions for general code paths: trace.ts) arriving from outside:
// a `.xsrtrace.json` file, a message, the webview's saved state. No vscode and
// no DOM import, so the extension, the webview and plain node tests all use
// this one module.
import type { ReplayResult } from './trace';

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

const RESULTS = ['violation', 'verified', 'limit', 'nothing-to-check'] as const;
const INVARIANTS = ['INV1', 'INV2', 'INV3', 'INV4', 'INV5', 'RACE', 'ASSERT', 'DEADLOCK'] as const;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string');
}

function isRecordOf(x: unknown, check: (v: unknown) => boolean): boolean {
  return isRecord(x) && Object.values(x).every(check);
}

const isPositiveInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1;
const isVarValue = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/** Returns the name of the first malformed field of a state, or undefined. */
function stateProblem(s: unknown): string | undefined {
  if (!isRecord(s)) return 'has no "state" object';
  const bad = (field: string, what: string): string => `has a malformed state: "${field}" must map ${what}`;
  if (!isRecordOf(s.processor, (v) => typeof v === 'string')) return bad('processor', 'vCPUs to pCPU names');
  if (!isRecordOf(s.running, (v) => v === null || typeof v === 'string')) return bad('running', 'pCPUs to a vCPU or null');
  if (!isRecordOf(s.runq, isStringArray)) return bad('runq', 'pCPUs to lists of vCPUs');
  if (!isRecordOf(s.flags, isStringArray)) return bad('flags', 'vCPUs to lists of flags');
  if (!isRecordOf(s.locks, (v) => typeof v === 'string')) return bad('locks', 'lock names to threads');
  if (s.vars !== undefined && !isRecordOf(s.vars, isVarValue)) return bad('vars', 'locations to numbers, strings or booleans');
  return undefined;
}

function stepProblem(x: unknown): string | undefined {
  if (!isRecord(x)) return 'is not an object';
  if (typeof x.step !== 'number' || !Number.isInteger(x.step)) return 'has no integer "step"';
  if (typeof x.thread !== 'string' || x.thread === '') return 'has no "thread" name';
  if (typeof x.action !== 'string') return 'has no "action" text';
  if (x.file !== undefined && typeof x.file !== 'string') return 'has a "file" that is not a string';
  if (x.line !== undefined && !isPositiveInt(x.line)) return 'has a "line" that is not a positive integer';
  if (x.text !== undefined && typeof x.text !== 'string') return 'has a "text" that is not a string';
  return stateProblem(x.state);
}

/** The first problem of the general-code-path additions (race, assertion, cycle, model), or undefined. */
function additionsProblem(x: Record<string, unknown>): string | undefined {
  const race = x.race;
  if (
    race !== undefined &&
    !(isRecord(race) && isPositiveInt(race.first) && isPositiveInt(race.second) && typeof race.location === 'string')
  )
    return '"race" must be { first: step, second: step, location }.';
  if (x.invariant === 'RACE' && race === undefined) return 'a RACE result must name its two steps in "race".';
  const a = x.assertion;
  if (
    a !== undefined &&
    !(
      isRecord(a) &&
      (a.file === undefined || typeof a.file === 'string') &&
      (a.line === undefined || isPositiveInt(a.line)) &&
      typeof a.text === 'string'
    )
  )
    return '"assertion" must be { file?, line?, text }.';
  const cycle = x.cycle;
  const cycleEntry = (e: unknown): boolean =>
    isRecord(e) && typeof e.thread === 'string' && (typeof e.holds === 'string' || isStringArray(e.holds)) && typeof e.wants === 'string';
  if (cycle !== undefined && !(Array.isArray(cycle) && cycle.every(cycleEntry)))
    return '"cycle" must be a list of { thread, holds, wants }.';
  const m = x.model;
  if (
    m !== undefined &&
    !(
      isRecord(m) &&
      Array.isArray(m.threads) &&
      m.threads.every((t) => isRecord(t) && typeof t.name === 'string' && typeof t.function === 'string') &&
      isStringArray(m.locations) &&
      isStringArray(m.skipped)
    )
  )
    return '"model" must be { threads: [ { name, function } ], locations: [ … ], skipped: [ … ] }.';
  const p = x.provenance;
  if (
    p !== undefined &&
    !(
      isRecord(p) &&
      isStringArray(p.functions) &&
      typeof p.document === 'string' &&
      Array.isArray(p.files) &&
      p.files.every((f) => isRecord(f) && typeof f.path === 'string' && typeof f.sha256 === 'string')
    )
  )
    return '"provenance" must be { functions, document, files: [ { path, sha256 } ] }.';
  return undefined;
}

/** Checks that `x` is a simulation result; the error names the first problem in one sentence. */
export function validateSimResult(x: unknown): Validation<ReplayResult> {
  const fail = (error: string): Validation<ReplayResult> => ({ ok: false, error });
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
  const extra = additionsProblem(x);
  if (extra) return fail(extra);
  return { ok: true, value: x as unknown as ReplayResult };
}

/** Parses the text of a `.xsrtrace.json` file. */
export function parseTraceText(text: string): Validation<ReplayResult> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `The file is not valid JSON: ${(e as Error).message}` };
  }
  return validateSimResult(data);
}

/**
 * Lane order: the declared threads first (the model's, then `threads`), then
 * any other thread in order of first appearance.
 */
export function laneOrder(result: ReplayResult): string[] {
  const lanes = [...(result.model?.threads.map((t) => t.name) ?? [])];
  for (const t of result.threads ?? []) if (!lanes.includes(t)) lanes.push(t);
  for (const s of result.trace) if (!lanes.includes(s.thread)) lanes.push(s.thread);
  return lanes;
}
