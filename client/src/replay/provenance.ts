// Where a trace came from and whether its source changed since: the extension
// records the simulated document, the functions and a SHA-256 of each source
// file's text when it makes a trace, and compares them with the files as they
// are now when it shows one. Saved traces name files relative to the
// workspace folder, so they still resolve in another checkout. Pure (node's
// crypto, no vscode), so the webview tests run it.
import { createHash } from 'node:crypto';

import type { ReplayResult, TraceProvenance } from '../../../server/src/contracts/webview/trace';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The provenance of a trace made from `document` (workspace-relative), with
 * every file its steps name; `read` gives a file's text as it was simulated
 * (undefined: not readable, then not recorded).
 */
export function makeProvenance(
  trace: Pick<ReplayResult, 'trace'>,
  args: {
    document: string;
    functions: readonly string[];
    relative(file: string): string | undefined;
    read(path: string): string | undefined;
  },
): TraceProvenance {
  const paths = [args.document];
  for (const s of trace.trace) {
    const rel = s.file ? args.relative(s.file) : undefined;
    if (rel && !paths.includes(rel)) paths.push(rel);
  }
  const files: TraceProvenance['files'] = [];
  for (const path of paths) {
    const text = args.read(path);
    if (text !== undefined) files.push({ path, sha256: sha256(text) });
  }
  return { functions: [...args.functions], document: args.document, files };
}

/** The recorded files whose text is no longer what was simulated (or that are gone). */
export function staleFiles(p: TraceProvenance, read: (path: string) => string | undefined): string[] {
  return p.files
    .filter((f) => {
      const text = read(f.path);
      return text === undefined || sha256(text) !== f.sha256;
    })
    .map((f) => f.path);
}

/**
 * The trace as it is saved: the files its steps and its assertion name made
 * relative to the workspace folder where they lie in it (`relative` says;
 * undefined leaves a name as it is).
 */
export function withRelativePaths(trace: ReplayResult, relative: (file: string) => string | undefined): ReplayResult {
  const rel = (f: string): string => relative(f) ?? f;
  const out: ReplayResult = { ...trace, trace: trace.trace.map((s) => (s.file ? { ...s, file: rel(s.file) } : s)) };
  if (trace.assertion?.file !== undefined) out.assertion = { ...trace.assertion, file: rel(trace.assertion.file) };
  return out;
}
