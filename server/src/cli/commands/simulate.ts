// `xsr simulate PATH --function NAME…` / `xsr simulate --protocol old|new`:
// extract the migration model (or take a reference model), explore every
// interleaving, print the shortest trace to a broken invariant.
import { explore, ExtractError, extractModel, type Model, referenceModel, renderSimulation, type SimResult } from '../../core/index';
import { type CommandContext, InputError, UsageError } from '../context';
import { readSource } from '../inputs';
import { paint } from '../output';

function intOption(ctx: CommandContext, name: string, min: number, max: number): number | undefined {
  const raw = ctx.values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${String(raw)}'`);
  return n;
}

export async function runSimulate(ctx: CommandContext): Promise<number> {
  const initiators = intOption(ctx, 'initiators', 1, 6);
  const pcpus = intOption(ctx, 'pcpus', 2, 8);
  const maxStates = intOption(ctx, 'max-states', 1, 1e9);
  const timeoutMs = intOption(ctx, 'timeout', 1, 24 * 3600 * 1000);
  const protocol = ctx.values.protocol;
  let model: Model;
  let notes: string[] = [];
  let title: string;
  if (protocol !== undefined) {
    if (protocol !== 'old' && protocol !== 'new') throw new UsageError(`--protocol must be old or new, got '${String(protocol)}'`);
    if (ctx.args.length) throw new UsageError('simulate: give either PATH --function NAME… or --protocol old|new, not both');
    model = referenceModel(protocol, { initiators: initiators ?? 2, pcpus: pcpus ?? 3 });
    title = `reference model: ${protocol} protocol`;
  } else {
    const functions = (ctx.values.function as string[] | undefined) ?? [];
    if (ctx.args.length !== 1) throw new UsageError('simulate: expected one PATH (or --protocol old|new)');
    if (functions.length === 0) throw new UsageError('simulate: name at least one --function');
    const file = ctx.args[0]!;
    const read = readSource(file);
    if (read.error) throw new InputError(read.error);
    if (read.text === undefined) throw new InputError(`${file}: not read, ${read.skipped ?? 'cannot read'}`);
    const analysis = (await ctx.analyzer()).analyze({ path: file, text: read.text });
    try {
      ({ model, notes } = extractModel(analysis, functions, { ...(initiators ? { initiators } : {}), ...(pcpus ? { pcpus } : {}) }));
    } catch (e) {
      if (e instanceof ExtractError) throw new InputError(`${file}: ${e.message}`);
      throw e;
    }
    title = `${file}: ${functions.join(', ')}`;
  }
  const result: SimResult = explore(model, { ...(maxStates ? { maxStates } : {}), timeoutMs: timeoutMs ?? 120000 });
  if (notes.length) result.notes = [...notes, ...(result.notes ?? [])];
  if (ctx.options.format === 'json') ctx.out(JSON.stringify(result, null, 2));
  else ctx.out(renderSimulation(result, model, title, (color, text) => paint(ctx.style, color, text)));
  // A limit proves nothing: it must not pass as `verified` in a script.
  if (result.result === 'limit') {
    ctx.err(`xsr: simulate: ${result.message}: not verified (raise --max-states or --timeout)`);
    return 2;
  }
  return result.result === 'violation' ? 1 : 0;
}
