// `xsr fix PATH…`: apply every safe quick fix (the core's fixAll) in place,
// atomically: a temp file in the same folder, the original mode, then a
// rename; a file that changed since it was read is not written. `--dry-run`
// prints a unified diff instead. Functions with parse errors are left alone.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createTwoFilesPatch } from 'diff';

import { type AnalysedFile, applyEdits, fixAll } from '../../core/index';
import { type CommandContext, InputError } from '../context';
import { collectInputs } from '../inputs';
import { SEVERITY_RANK } from '../report/build';

interface FileOutcome {
  path: string;
  edits: number;
  fixed: string[];
  skipped: string[];
  remaining: { code: string; severity: string; line: number }[];
  written: boolean;
  error?: string;
}

export async function runFix(ctx: CommandContext): Promise<number> {
  if (ctx.args.length === 0) throw new InputError('fix: no PATH given (try `xsr fix xen/common/schedule.c`)');
  const dryRun = !!ctx.values['dry-run'];
  const inputs = collectInputs(ctx.args);
  for (const w of inputs.warnings) ctx.err(`warning: ${w}`);
  for (const e of inputs.errors) ctx.err(`error: ${e}`);
  const analyzer = await ctx.analyzer();
  const results = analyzer.analyzeMany(inputs.files);
  const outcomes: FileOutcome[] = [];
  let failed = inputs.errors.length > 0;
  for (const r of results) {
    const o = fixOne(r, dryRun);
    const fixedText = o.text;
    if (o.outcome.edits > 0 && fixedText !== undefined) {
      const after = analyzer.analyze({ path: r.path, text: fixedText });
      o.outcome.remaining = after.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        line: after.lineIndex.lineOf(d.start) + 1,
      }));
      if (dryRun && ctx.options.format === 'text')
        ctx.out(createTwoFilesPatch(`a/${r.path}`, `b/${r.path}`, r.text, fixedText).replace(/^=+\n/, '').trimEnd());
    }
    for (const s of o.outcome.skipped) ctx.err(`${r.path}: ${s}`);
    if (o.outcome.error) {
      ctx.err(`error: ${r.path}: ${o.outcome.error}`);
      failed = true;
    }
    outcomes.push(o.outcome);
  }
  if (ctx.options.format === 'json') ctx.out(JSON.stringify({ version: 1, dryRun, files: outcomes }, null, 2));
  else if (!ctx.options.quiet) {
    const edited = outcomes.filter((o) => o.edits > 0);
    const fixedCount = outcomes.reduce((n, o) => n + o.fixed.length, 0);
    const remaining = outcomes.reduce((n, o) => n + o.remaining.length, 0);
    ctx.err(
      `${dryRun ? 'would fix' : 'fixed'} ${fixedCount} finding${fixedCount === 1 ? '' : 's'} in ${edited.length} file${edited.length === 1 ? '' : 's'}; ${remaining} remain${remaining === 1 ? 's' : ''}`,
    );
  }
  if (failed) return 2;
  if (ctx.options.failOn === 'none') return 0;
  const min = SEVERITY_RANK[ctx.options.failOn] ?? 3;
  return outcomes.some((o) => o.remaining.some((d) => (SEVERITY_RANK[d.severity] ?? 0) >= min)) ? 1 : 0;
}

function fixOne(r: AnalysedFile, dryRun: boolean): { outcome: FileOutcome; text?: string } {
  const { edits, skipped } = fixAll(r);
  const fixedCodes = r.diagnostics.filter((d) => d.edits?.length && d.edits.every((e) => edits.includes(e))).map((d) => d.code);
  const outcome: FileOutcome = {
    path: r.path,
    edits: edits.length,
    fixed: fixedCodes,
    skipped,
    remaining: r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, line: r.lineIndex.lineOf(d.start) + 1 })),
    written: false,
  };
  if (edits.length === 0) return { outcome };
  const text = applyEdits(r.text, edits);
  if (!dryRun) {
    const err = writeAtomically(r.path, r.text, text);
    if (err) outcome.error = err;
    else outcome.written = true;
  }
  return { outcome, text };
}

/** Writes `text` over `file` if its content is still `original`; returns an error sentence or undefined. */
function writeAtomically(given: string, original: string, text: string): string | undefined {
  let buf: Buffer;
  let st: fs.Stats;
  let file: string;
  try {
    // Through a symlink, the file it points at is rewritten (the link stays a link).
    file = fs.realpathSync(given);
    st = fs.statSync(file);
    buf = fs.readFileSync(file);
  } catch (e) {
    return `cannot re-read before writing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); not written`;
  }
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  let current: string;
  try {
    current = new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
  } catch {
    return 'not valid UTF-8; not rewritten';
  }
  if (current !== original) return 'changed since it was read; not written (run the fix again)';
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.xsr-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, (bom ? '\uFEFF' : '') + text, { mode: st.mode & 0o7777, flag: 'wx' });
    fs.chmodSync(tmp, st.mode & 0o7777);
    // Last check right before the rename: another writer may have been quicker.
    if (!fs.readFileSync(file).equals(buf)) {
      fs.rmSync(tmp, { force: true });
      return 'changed since it was read; not written (run the fix again)';
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    return `cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); left unchanged`;
  }
  return undefined;
}
