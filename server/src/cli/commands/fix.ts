// `xsr fix PATH…`: apply every safe quick fix (the core's fixAll) in place,
// atomically and without widening anyone's rights (atomicWrite.ts: temp
// file, same mode, owner and group, rename; unwritable, read-only and
// hard-linked files are refused); a file that changed since it was read is not
// written. `--dry-run` prints a unified diff instead. Functions with parse
// errors are left alone.

import { createTwoFilesPatch } from 'diff';

import { type AnalysedFile, applyEdits, fixAll } from '../../core/index';
import { writeAtomically } from '../atomicWrite';
import { type CommandContext, InputError } from '../context';
import { contextHeaders } from '../headers';
import { collectInputs } from '../inputs';
import { terminalSafe } from '../output';
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
  for (const w of inputs.warnings) ctx.err(`warning: ${terminalSafe(w)}`);
  for (const e of inputs.errors) ctx.err(`error: ${terminalSafe(e)}`);
  for (const s of inputs.skipped) ctx.err(`warning: ${terminalSafe(s.path)}: skipped, ${s.reason}`);
  const analyzer = await ctx.analyzer();
  const results = analyzer.analyzeMany(inputs.files, { context: contextHeaders(ctx, inputs.files) });
  const outcomes: FileOutcome[] = [];
  let failed = inputs.errors.length > 0 || inputs.skipped.length > 0;
  for (const r of results) {
    const o = fixOne(r, dryRun);
    const fixedText = o.text;
    // What remains is what the file on disk now holds: the fixed text only when it was written (or would be, in a dry run).
    if (o.outcome.edits > 0 && fixedText !== undefined && (dryRun || o.outcome.written)) {
      const after = analyzer.analyze({ path: r.path, text: fixedText });
      o.outcome.remaining = after.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        line: after.lineIndex.lineOf(d.start) + 1,
      }));
      if (dryRun && ctx.options.format === 'text')
        ctx.out(createTwoFilesPatch(`a/${r.path}`, `b/${r.path}`, r.text, fixedText).replace(/^=+\n/, '').trimEnd());
    }
    for (const s of o.outcome.skipped) ctx.err(`${terminalSafe(r.path)}: ${terminalSafe(s)}`);
    if (o.outcome.error) {
      ctx.err(`error: ${terminalSafe(r.path)}: ${o.outcome.error}`);
      failed = true;
    }
    outcomes.push(o.outcome);
  }
  if (ctx.options.format === 'json') ctx.out(JSON.stringify({ version: 1, dryRun, files: outcomes }, null, 2));
  else if (!ctx.options.quiet) {
    const edited = outcomes.filter((o) => o.edits > 0 && (dryRun || o.written));
    const fixedCount = edited.reduce((n, o) => n + o.fixed.length, 0);
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
    if (err) {
      outcome.error = err;
      outcome.fixed = [];
    } else outcome.written = true;
  }
  return { outcome, text };
}
