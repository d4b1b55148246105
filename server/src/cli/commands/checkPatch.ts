// `xsr check --patch FILE|-`: apply a unified diff or a git format-patch mail
// (or an mbox series) to the --base tree and report the findings inside the
// functions it changes, at post-image paths and lines.
import * as fs from 'node:fs';

import { baseReader, checkPatch, decodeSource } from '../../core/index';
import { type CommandContext, InputError, UsageError } from '../context';
import { withBaseline } from '../report/baseline';
import { buildReport, exitCodeFor } from '../report/build';
import { emitReport } from '../report/emit';

/** A patch series bigger than this is refused (reviewers read patches, not tarballs). */
const MAX_PATCH_BYTES = 64 * 1024 * 1024;

function readPatch(name: string): string {
  let buf: Buffer;
  const label = name === '-' ? 'stdin' : name;
  try {
    if (name !== '-' && fs.statSync(name).size > MAX_PATCH_BYTES)
      throw new InputError(`${label}: the patch is over ${MAX_PATCH_BYTES / 1048576} MB: not read`);
    buf = name === '-' ? fs.readFileSync(0) : fs.readFileSync(name);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `${name === '-' ? 'stdin' : name}: cannot read patch (${code === 'ENOENT' ? 'no such file or directory' : (code ?? (e as Error).message)})`,
    );
  }
  if (buf.length > MAX_PATCH_BYTES) throw new InputError(`${label}: the patch is over ${MAX_PATCH_BYTES / 1048576} MB: not read`);
  const decoded = decodeSource(buf);
  if (decoded.binary) throw new InputError(`${name === '-' ? 'stdin' : name}: not a patch: binary content`);
  return decoded.text;
}

export async function runCheckPatch(ctx: CommandContext): Promise<number> {
  const name = ctx.values.patch;
  if (typeof name !== 'string' || name === '') throw new UsageError('check --patch needs a FILE (or - for stdin)');
  if (ctx.args.length) throw new UsageError('check --patch takes no PATH arguments (use --base DIR for the tree)');
  const base = typeof ctx.values.base === 'string' ? ctx.values.base : '.';
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(base);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory()) throw new InputError(`${base}: --base is not a directory`);
  const t0 = performance.now();
  const text = readPatch(name);
  const analyzer = await ctx.analyzer();
  const result = checkPatch(text, baseReader(base), analyzer);
  if ('error' in result) throw new InputError(`${name === '-' ? 'stdin' : name}: ${result.error}`);
  const report = withBaseline(
    ctx,
    buildReport(
      result.files.map((f) => ({ ...f.analysis, diagnostics: f.diagnostics })),
      performance.now() - t0,
      result.skipped ?? [],
    ),
  );
  emitReport(ctx, report);
  return exitCodeFor(report, ctx.options.failOn);
}
