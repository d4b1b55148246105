// `xsr guards PATH…`: the lock discipline learned from the code (core/guards):
// for each field, list head and global the lock that guards it with the
// evidence and the sites that do not hold it, each lock's interrupt
// discipline, what each function requires and why, the learned lock order
// and its cycles, the entry points. The files (and the headers they include)
// are analysed together, as `check` does.
import { guardsReport, guardsText } from '../../core/index';
import { type CommandContext, InputError } from '../context';
import { contextHeaders } from '../headers';
import { collectInputs } from '../inputs';
import { terminalSafe } from '../output';

export async function runGuards(ctx: CommandContext): Promise<number> {
  if (ctx.args.length === 0) throw new InputError('guards: no PATH given (try `xsr guards xen/common/sched`)');
  const inputs = collectInputs(ctx.args);
  for (const w of inputs.warnings) ctx.err(`warning: ${terminalSafe(w)}`);
  for (const e of inputs.errors) ctx.err(`error: ${terminalSafe(e)}`);
  for (const s of inputs.skipped) ctx.err(`warning: ${terminalSafe(s.path)}: not read, ${s.reason}`);
  if (inputs.files.length === 0) throw new InputError('guards: no C file to analyse');
  const analyzer = await ctx.analyzer();
  const results = analyzer.analyzeMany(inputs.files, { context: contextHeaders(ctx, inputs.files) });
  const report = guardsReport(results);
  if (ctx.options.format === 'json') ctx.out(JSON.stringify(report, null, 2));
  else for (const line of guardsText(report).split('\n')) ctx.out(terminalSafe(line));
  return inputs.errors.length ? 2 : 0;
}
