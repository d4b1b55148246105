// `xsr check PATH…`: analyse files or folders and print findings.
import type { FileAnalysis } from '../../core';
import { CommandContext, InputError } from '../context';
import { collectInputs } from '../inputs';
import { toSarif } from '../sarif';
import { runCheckPatch } from './checkPatch';
import { JsonDiagnostic, SEVERITY_RANK, paint, toJsonDiagnostic } from '../output';

export interface CheckReport {
  version: 1;
  files: { path: string; diagnostics: JsonDiagnostic[]; parseErrors: number }[];
  summary: { files: number; functions: number; diagnostics: number; ms: number };
}

export function buildReport(results: FileAnalysis[], ms: number): CheckReport {
  const files = results.map((r) => ({ path: r.path, diagnostics: r.diagnostics.map((d) => toJsonDiagnostic(r, d)), parseErrors: r.parseErrors }));
  return {
    version: 1,
    files,
    summary: {
      files: results.length,
      functions: results.reduce((n, r) => n + r.functions.length, 0),
      diagnostics: files.reduce((n, f) => n + f.diagnostics.length, 0),
      ms: Math.round(ms),
    },
  };
}

/** Exit code for a report under --fail-on. */
export function exitCodeFor(report: CheckReport, failOn: string): number {
  if (failOn === 'none') return 0;
  const min = SEVERITY_RANK[failOn] ?? 3;
  return report.files.some((f) => f.diagnostics.some((d) => (SEVERITY_RANK[d.severity] ?? 0) >= min)) ? 1 : 0;
}

const SEVERITY_COLOR = { error: 'red', warning: 'yellow', information: 'blue', hint: 'gray' } as const;

export function printText(ctx: CommandContext, report: CheckReport): void {
  for (const f of report.files) {
    for (const d of f.diagnostics) {
      const sev = paint(ctx.style, SEVERITY_COLOR[d.severity as keyof typeof SEVERITY_COLOR] ?? 'gray', d.severity);
      const note = d.conservative ? ' (function has parse errors: conservative)' : '';
      ctx.out(`${f.path}:${d.line}:${d.column}: ${sev} ${paint(ctx.style, 'bold', d.code)} ${d.message}${note}`);
    }
  }
  if (!ctx.options.quiet) {
    const s = report.summary;
    const parseErrors = report.files.reduce((n, f) => n + f.parseErrors, 0);
    ctx.err(`${s.diagnostics} finding${s.diagnostics === 1 ? '' : 's'} in ${s.files} file${s.files === 1 ? '' : 's'} (${s.functions} functions, ${parseErrors} parse errors, ${s.ms} ms)`);
  }
}

export async function runCheck(ctx: CommandContext): Promise<number> {
  if (ctx.values.patch !== undefined) {
    return runCheckPatch(ctx);
  }
  if (ctx.args.length === 0) throw new InputError('check: no PATH given (try `xsr check xen/common/sched`)');
  const t0 = performance.now();
  const inputs = collectInputs(ctx.args);
  for (const w of inputs.warnings) ctx.err(`warning: ${w}`);
  for (const e of inputs.errors) ctx.err(`error: ${e}`);
  const analyzer = await ctx.analyzer();
  const results = analyzer.analyzeMany(inputs.files);
  const report = buildReport(results, performance.now() - t0);
  if (ctx.options.format === 'json') ctx.out(JSON.stringify(report, null, 2));
  else if (ctx.options.format === 'sarif') {
    ctx.out(JSON.stringify(toSarif(report), null, 2));
  } else printText(ctx, report);
  if (inputs.errors.length) return 2;
  return exitCodeFor(report, ctx.options.failOn);
}
