// `xsr check PATH…`: analyse files or folders and print findings.
import { type CommandContext, InputError } from '../context';
import { contextHeaders } from '../headers';
import { collectInputs } from '../inputs';
import { terminalSafe } from '../output';
import { withBaseline } from '../report/baseline';
import { buildReport, exitCodeFor } from '../report/build';
import { emitReport } from '../report/emit';
import { runCheckPatch } from './checkPatch';

export async function runCheck(ctx: CommandContext): Promise<number> {
  if (ctx.values.patch !== undefined) {
    return runCheckPatch(ctx);
  }
  if (ctx.args.length === 0) throw new InputError('check: no PATH given (try `xsr check xen/common/sched`)');
  const t0 = performance.now();
  const inputs = collectInputs(ctx.args);
  for (const w of inputs.warnings) ctx.err(`warning: ${terminalSafe(w)}`);
  for (const e of inputs.errors) ctx.err(`error: ${terminalSafe(e)}`);
  const analyzer = await ctx.analyzer();
  const results = analyzer.analyzeMany(inputs.files, { context: contextHeaders(ctx, inputs.files) });
  const report = withBaseline(ctx, buildReport(results, performance.now() - t0, inputs.skipped));
  emitReport(ctx, report);
  if (inputs.errors.length) return 2;
  return exitCodeFor(report, ctx.options.failOn);
}
