// `xsr simulate PATH --function NAME…` / `xsr simulate --protocol old|new`:
// extract a model of the named functions (the shared state and locks they
// touch, and the Xen scheduler's migration model when they migrate) or take
// a reference model, explore every interleaving, print the shortest trace to
// a race, a failing assertion, a deadlock or a broken invariant.
import {
  explore,
  ExtractError,
  extractModel,
  type Model,
  parseSimulateAssignments,
  referenceModel,
  type SimResult,
} from '../../core/index';
import { type CommandContext, InputError, UsageError } from '../context';
import { readSource } from '../inputs';
import { renderSimulation } from '../simText';

function intOption(ctx: CommandContext, name: string, min: number, max: number): number | undefined {
  const raw = ctx.values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${String(raw)}'`);
  return n;
}

function listOption(ctx: CommandContext, name: string): string[] {
  const raw = ctx.values[name];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
}

export async function runSimulate(ctx: CommandContext): Promise<number> {
  const initiators = intOption(ctx, 'initiators', 1, 8);
  const pcpus = intOption(ctx, 'pcpus', 2, 8);
  const maxStates = intOption(ctx, 'max-states', 1, 1e9);
  const timeoutMs = intOption(ctx, 'timeout', 1, 24 * 3600 * 1000);
  const inline = intOption(ctx, 'inline-depth', 0, 8);
  const protocol = ctx.values.protocol;
  let model: Model;
  let notes: string[] = [];
  let title: string;
  if (protocol !== undefined) {
    if (protocol !== 'old' && protocol !== 'new') throw new UsageError(`--protocol must be old or new, got '${String(protocol)}'`);
    if (ctx.args.length) throw new UsageError('simulate: give either PATH --function NAME… or --protocol old|new, not both');
    if (initiators !== undefined && initiators > 6)
      throw new UsageError(`--initiators must be an integer from 1 to 6, got '${initiators}'`);
    model = referenceModel(protocol, { initiators: initiators ?? 2, pcpus: pcpus ?? 3 });
    title = `reference model: ${protocol} protocol`;
  } else {
    const functions = listOption(ctx, 'function');
    if (ctx.args.length !== 1) throw new UsageError('simulate: expected one PATH (or --protocol old|new)');
    if (functions.length === 0) throw new UsageError('simulate: name at least one --function');
    const copies = parseSimulateAssignments(listOption(ctx, 'copies'), '--copies', true);
    if (typeof copies === 'string') throw new UsageError(copies);
    const init = parseSimulateAssignments(listOption(ctx, 'init'), '--init', false);
    if (typeof init === 'string') throw new UsageError(init);
    const file = ctx.args[0]!;
    const read = readSource(file);
    if (read.error) throw new InputError(read.error);
    if (read.text === undefined) throw new InputError(`${file}: not read, ${read.skipped ?? 'cannot read'}`);
    const analysis = (await ctx.analyzer()).analyze({ path: file, text: read.text });
    try {
      ({ model, notes } = extractModel(analysis, functions, {
        ...(initiators ? { initiators } : {}),
        ...(pcpus ? { pcpus } : {}),
        ...(Object.keys(copies).length ? { copies: copies as Record<string, number> } : {}),
        ...(Object.keys(init).length ? { init } : {}),
        ...(ctx.values.distinct ? { distinct: true } : {}),
        ...(inline !== undefined ? { maxInline: inline } : {}),
      }));
    } catch (e) {
      if (e instanceof ExtractError) throw new InputError(`${file}: ${e.message}`);
      throw e;
    }
    title = `${file}: ${functions.join(', ')}`;
  }
  let result: SimResult;
  try {
    result = explore(model, { ...(maxStates ? { maxStates } : {}), timeoutMs: timeoutMs ?? 120000 });
  } catch (e) {
    // A model the simulator cannot take (too many locations or initial states) is an input problem, said in one line.
    throw new InputError(`simulate: ${(e as Error).message}`);
  }
  if (notes.length) result.notes = [...notes, ...(result.notes ?? [])];
  if (ctx.options.format === 'json') ctx.out(JSON.stringify(result, null, 2));
  else ctx.out(renderSimulation(result, title, ctx.style));
  // A limit proves nothing: it must not pass as `verified` in a script.
  if (result.result === 'limit') {
    ctx.err(`xsr: simulate: ${result.message}: not verified (raise --max-states or --timeout)`);
    return 2;
  }
  // Nothing checked is not a pass either.
  if (result.result === 'nothing-to-check') {
    ctx.err(`xsr: simulate: nothing to check: ${result.message}`);
    return 2;
  }
  return result.result === 'violation' ? 1 : 0;
}
