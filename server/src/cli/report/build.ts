// Builds the check report from analyses (positions become 1-based at this
// edge) and decides the exit code under --fail-on.
import type { AnalysedFile, CoreDiagnostic } from '../../core/index';
import type { CheckReport, JsonDiagnostic } from './types';

/** A core diagnostic at the CLI/JSON edge: 1-based lines and columns. */
function toJsonDiagnostic(file: Pick<AnalysedFile, 'lineIndex'>, d: CoreDiagnostic): JsonDiagnostic {
  const s = file.lineIndex.position(d.start);
  const e = file.lineIndex.position(d.end);
  const out: JsonDiagnostic = {
    code: d.code,
    severity: d.severity,
    line: s.line + 1,
    column: s.character + 1,
    endLine: e.line + 1,
    endColumn: e.character + 1,
    function: d.function,
    message: d.message,
    fixable: d.fixable,
  };
  if (d.conservative) out.conservative = true;
  if (d.related?.length) {
    out.related = d.related.map((r) => {
      // Evidence in another file of the run names that file.
      if (r.elsewhere) return { line: r.elsewhere.line + 1, column: r.elsewhere.character + 1, message: r.message, path: r.elsewhere.path };
      const p = file.lineIndex.position(r.start);
      return { line: p.line + 1, column: p.character + 1, message: r.message };
    });
  }
  return out;
}

/** What a report needs of each analysed file (a patch's post-images bring their own diagnostics). */
export type ReportInput = Pick<AnalysedFile, 'path' | 'lineIndex' | 'diagnostics' | 'parseErrors' | 'functions'>;

export function buildReport(
  results: readonly ReportInput[],
  ms: number,
  skipped: readonly { path: string; reason: string }[] = [],
): CheckReport {
  const files = results.map((r) => {
    const notes = r.functions
      .filter((f) => f.degraded)
      .map((f) => ({ line: r.lineIndex.lineOf(f.syntax.start) + 1, function: f.syntax.name, message: f.degraded! }));
    return {
      path: r.path,
      diagnostics: r.diagnostics.map((d) => toJsonDiagnostic(r, d)),
      parseErrors: r.parseErrors,
      ...(notes.length ? { notes } : {}),
    };
  });
  const report: CheckReport = {
    version: 1,
    files,
    summary: {
      files: results.length,
      functions: results.reduce((n, r) => n + r.functions.length, 0),
      diagnostics: files.reduce((n, f) => n + f.diagnostics.length, 0),
      ms: Math.round(ms),
    },
  };
  if (skipped.length) report.skipped = skipped.slice();
  return report;
}

export const SEVERITY_RANK: Readonly<Record<string, number>> = { hint: 0, information: 1, warning: 2, error: 3 };

/** Exit code for a report under --fail-on: 2 when an input was not analysed (nothing may pass unchecked). */
export function exitCodeFor(report: CheckReport, failOn: string): number {
  if (report.skipped?.length) return 2;
  if (failOn === 'none') return 0;
  const min = SEVERITY_RANK[failOn] ?? 3;
  return report.files.some((f) => f.diagnostics.some((d) => (SEVERITY_RANK[d.severity] ?? 0) >= min)) ? 1 : 0;
}
