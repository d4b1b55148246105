// `xsr locks PATH`: the lock state per line of every function (what the editor
// shows as inlay hints). must = held on every path before the statement that
// starts on the line; may = held on some path only.
import type { AnalysedFile, LockRef } from '../../core/index';
import { type CommandContext, InputError } from '../context';
import { contextHeaders } from '../headers';
import { collectInputs } from '../inputs';
import { paint, terminalSafe } from '../output';

interface LocksReport {
  version: 1;
  path: string;
  functions: { name: string; line: number; endLine: number; lines: { line: number; must: string[]; may: string[] }[] }[];
}

function buildLocksReport(file: AnalysedFile): LocksReport {
  const names = (refs: LockRef[]): string[] => refs.map((r) => r.name);
  return {
    version: 1,
    path: file.path,
    functions: file.functions.map((f) => ({
      name: f.syntax.name,
      line: file.lineIndex.lineOf(f.syntax.start) + 1,
      endLine: file.lineIndex.lineOf(f.syntax.end) + 1,
      lines: f.lineLocks.map((l) => ({ line: l.line + 1, must: names(l.must), may: names(l.may) })),
    })),
  };
}

export async function runLocks(ctx: CommandContext): Promise<number> {
  if (ctx.args.length !== 1) throw new InputError(`locks: expected one PATH, got ${ctx.args.length}`);
  const inputs = collectInputs(ctx.args);
  for (const w of inputs.warnings) ctx.err(`warning: ${terminalSafe(w)}`);
  for (const e of inputs.errors) ctx.err(`error: ${terminalSafe(e)}`);
  for (const s of inputs.skipped) ctx.err(`error: ${terminalSafe(s.path)}: not read, ${s.reason}`);
  if (inputs.errors.length || inputs.skipped.length) return 2;
  const analyzer = await ctx.analyzer();
  const results = analyzer.analyzeMany(inputs.files, { context: contextHeaders(ctx, inputs.files) });
  const fv = ctx.values.function;
  const only = Array.isArray(fv) ? fv : typeof fv === 'string' ? [fv] : [];
  const reports = results
    .map(buildLocksReport)
    .map((r) => (only.length ? { ...r, functions: r.functions.filter((f) => only.includes(f.name)) } : r));
  if (ctx.options.format === 'json') {
    ctx.out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
    return 0;
  }
  for (let i = 0; i < results.length; i++) printLocks(ctx, results[i]!, reports[i]!);
  return 0;
}

function printLocks(ctx: CommandContext, file: AnalysedFile, report: LocksReport): void {
  for (const fn of report.functions) {
    ctx.out(paint(ctx.style, 'bold', terminalSafe(`${fn.name}  ${file.path}:${fn.line}-${fn.endLine}`)));
    const width = Math.max(12, ...fn.lines.map((l) => held(l).length));
    for (const l of fn.lines) {
      const src = file.lineIndex.lineText(l.line - 1).replace(/\t/g, '    ');
      const h = held(l);
      ctx.out(
        `${String(l.line).padStart(6)}  ${paint(ctx.style, h ? 'cyan' : 'gray', terminalSafe(h || '-').padEnd(width))}  | ${terminalSafe(src)}`,
      );
    }
    ctx.out('');
  }
}

function held(l: { must: string[]; may: string[] }): string {
  return [...l.must, ...l.may.map((m) => `${m}?`)].join(', ');
}
