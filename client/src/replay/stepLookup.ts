// Pure helpers that map between trace steps and source lines (no vscode import).
import type { TraceStep } from '../../../server/src/contracts/simResult';

/**
 * True when a step's file names the document at `documentPath`: the same path, a
 * `file:` URI of it (what the language server reports), or a relative path it ends with.
 */
export function stepIsInDocument(step: TraceStep, documentPath: string, originPath: string | undefined): boolean {
  if (step.line === undefined) return false;
  if (step.file === undefined || step.file === '') return originPath !== undefined && samePath(originPath, documentPath);
  const file = toPath(step.file);
  return samePath(file, documentPath) || (!isAbsolute(file) && endsWithPath(documentPath, file));
}

/** `file` is `folder` or lies under it (after resolving `.` and `..`). */
export function isInsideFolder(file: string, folder: string): boolean {
  const f = resolveDots(norm(file));
  const d = resolveDots(norm(folder));
  return f === d || f.startsWith(`${d}/`);
}

function resolveDots(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.') out.push(part);
  }
  return out.join('/');
}

/** A `file:` URI as a path; anything else unchanged. */
function toPath(fileOrUri: string): string {
  if (!/^file:\/\//i.test(fileOrUri)) return fileOrUri;
  try {
    return decodeURIComponent(new URL(fileOrUri).pathname);
  } catch {
    return fileOrUri;
  }
}

/**
 * The step to select when the cursor moves onto `line` (1-based): the first step
 * on that line at or after the current one, else the first on that line.
 */
export function stepForLine(
  steps: readonly TraceStep[],
  current: number,
  line: number,
  inDocument: (s: TraceStep) => boolean,
): number | undefined {
  let first: number | undefined;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.line !== line || !inDocument(s)) continue;
    if (i >= current) return i;
    first ??= i;
  }
  return first;
}

function norm(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/+$/, '');
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}

function samePath(a: string, b: string): boolean {
  return norm(a) === norm(b);
}

function endsWithPath(full: string, tail: string): boolean {
  const f = norm(full);
  const t = norm(tail).replace(/^\.\//, '');
  return f === t || f.endsWith(`/${t}`);
}
