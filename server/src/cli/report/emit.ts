// Writes a check report in the chosen format (text, JSON, SARIF, GitLab Code
// Quality): the one place `check` and `check --patch` print through.
import type { CommandContext } from '../context';
import { paint, terminalSafe } from '../output';
import { toCodeQuality } from './codequality';
import { toSarif } from './sarif';
import type { CheckReport } from './types';

const SEVERITY_COLOR = { error: 'red', warning: 'yellow', information: 'blue', hint: 'gray' } as const;

function printText(ctx: CommandContext, report: CheckReport): void {
  for (const f of report.files) {
    for (const d of f.diagnostics) {
      const sev = paint(ctx.style, SEVERITY_COLOR[d.severity as keyof typeof SEVERITY_COLOR] ?? 'gray', d.severity);
      const note = d.conservative ? ' (function has parse errors: conservative)' : '';
      ctx.out(
        `${terminalSafe(f.path)}:${d.line}:${d.column}: ${sev} ${paint(ctx.style, 'bold', d.code)} ${terminalSafe(d.message)}${note}`,
      );
    }
  }
  if (!ctx.options.quiet) {
    for (const f of report.files)
      for (const n of f.notes ?? []) ctx.err(`${terminalSafe(f.path)}:${n.line}: note: ${terminalSafe(n.function)}(): ${n.message}`);
    const s = report.summary;
    const parseErrors = report.files.reduce((n, f) => n + f.parseErrors, 0);
    const baseline = s.inBaseline !== undefined ? `, ${s.inBaseline} more in the baseline` : '';
    ctx.err(
      `${s.diagnostics} ${s.inBaseline !== undefined ? 'new ' : ''}finding${s.diagnostics === 1 ? '' : 's'} in ${s.files} file${s.files === 1 ? '' : 's'} (${s.functions} functions, ${parseErrors} parse errors${baseline}, ${s.ms} ms)`,
    );
  }
}

export function emitReport(ctx: CommandContext, report: CheckReport): void {
  // Whatever the format, a file that was not checked is said on stderr too.
  for (const s of report.skipped ?? []) ctx.err(`warning: ${terminalSafe(s.path)}: skipped, ${s.reason}`);
  switch (ctx.options.format) {
    case 'json':
      ctx.out(JSON.stringify(report, null, 2));
      return;
    case 'sarif':
      ctx.out(JSON.stringify(toSarif(report), null, 2));
      return;
    case 'codequality':
      ctx.out(JSON.stringify(toCodeQuality(report), null, 2));
      return;
    case 'text':
      printText(ctx, report);
      return;
  }
}
