// Patch review: applies a patch (or a mail series) to base contents given by
// a callback, analyses the post-image C files together, and keeps only the
// findings inside functions the patch changed. Pure: no file system here (the
// CLI reads the base tree, the language server its open documents).
import { applyPatch, type StructuredPatch, structuredPatch } from 'diff';

import type { FileAnalysis } from '../analysis';
import type { Analyzer } from '../analyzer';
import type { CoreDiagnostic } from '../diagnostics';
import { parsePatches } from './parse';

export { parsePatches, splitMails } from './parse';

interface PatchedFile {
  /** Post-image path (a/ b/ stripped). */
  path: string;
  /** Post-image text. */
  text: string;
  /** The text before the patch series; undefined for a file it creates. */
  baseText: string | undefined;
  analysis: FileAnalysis;
  /** The analysis' diagnostics inside changed functions. */
  diagnostics: CoreDiagnostic[];
  /** 0-based post-image lines the patch added or next to which it deleted. */
  changedLines: number[];
}

export type CheckPatchResult = { files: PatchedFile[]; skipped?: { path: string; reason: string }[] } | { error: string };

const C_FILE = /\.[ch]$/;

/**
 * Applies `patchText` to the base returned by `readBase` (undefined: the file
 * does not exist) and analyses the changed C files.
 */
/** Reads a base file by its path in the patch; undefined when it does not exist. */
export type BaseReader = (path: string) => string | undefined;

export function checkPatch(patchText: string, readBase: BaseReader, analyzer: Analyzer): CheckPatchResult {
  const parsed = parsePatches(patchText);
  if ('error' in parsed) return parsed;
  const base = new Map<string, string | undefined>();
  const current = new Map<string, string | undefined>();
  const read = (p: string): string | undefined => {
    if (!current.has(p)) {
      const t = readBase(p);
      base.set(p, t);
      current.set(p, t);
    }
    return current.get(p);
  };
  const order: string[] = [];
  for (const patch of parsed.patches) {
    for (const f of patch.files) {
      const where = `"${patch.subject}"`;
      if (f.oldPath && !f.newPath) {
        // A deletion: nothing left to analyse.
        if (read(f.oldPath) === undefined) return { error: `${f.oldPath}: patch ${where} deletes a file that is not in the base` };
        current.set(f.oldPath, undefined);
        continue;
      }
      const target = f.newPath!;
      let source = '';
      if (f.oldPath) {
        const t = read(f.oldPath);
        if (t === undefined) return { error: `${f.oldPath}: patch ${where} does not apply: the file is not in the base` };
        source = t;
        if (f.oldPath !== target) {
          // A rename (or copy): what the patch changes is measured against the old file's text.
          current.set(f.oldPath, undefined);
          if (!base.has(target)) base.set(target, base.get(f.oldPath));
        }
      } else if (!base.has(target)) {
        base.set(target, undefined);
      }
      const result = applyPatch(source, f.patch);
      if (result === false) return { error: `${target}: patch ${where} does not apply: ${whyNotApplied(source, f.patch)}` };
      current.set(target, result);
      if (!order.includes(target)) order.push(target);
    }
  }
  // Post-images too large to analyse are left out (the CLI refuses such files too), with a note.
  const tooLarge = order.filter((p) => C_FILE.test(p) && (current.get(p)?.length ?? 0) > MAX_POST_IMAGE_CHARS);
  const post = order.filter((p) => C_FILE.test(p) && current.get(p) !== undefined && !tooLarge.includes(p));
  const analyses = analyzer.analyzeMany(post.map((p) => ({ path: p, text: current.get(p)! })));
  const files = analyses.map((analysis, i) => {
    const path = post[i]!;
    const changed = changedLines(base.get(path) ?? '', analysis.text);
    return {
      path,
      text: analysis.text,
      baseText: base.get(path),
      analysis,
      diagnostics: inChangedFunctions(analysis, changed),
      changedLines: [...changed].sort((a, b) => a - b),
    };
  });
  return tooLarge.length
    ? {
        files,
        skipped: tooLarge.map((p) => ({ path: p, reason: `the patched file is over ${MAX_POST_IMAGE_CHARS / 1048576} MB: not analysed` })),
      }
    : { files };
}

/**
 * Which hunk stops a file's patch from applying: the first that does not
 * apply on its own (else the first, when each applies alone but not all in
 * turn), with the base line it expects, and what to do about it.
 */
function whyNotApplied(source: string, patch: StructuredPatch): string {
  const hunks = patch.hunks;
  if (hunks.length === 0) return 'it has no hunk';
  const failing = hunks.findIndex((h) => applyPatch(source, { ...patch, hunks: [h] }) === false);
  const k = failing < 0 ? 0 : failing;
  const h = hunks[k]!;
  const header = `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`;
  return `hunk ${k + 1} of ${hunks.length} (${header}) does not match the base text at line ${h.oldStart}; check it against the tree it was made for (--base DIR)`;
}

/** Post-images over this many characters are not analysed (the CLI's 5 MB input limit). */
const MAX_POST_IMAGE_CHARS = 5 * 1024 * 1024;
/** Past this many lines differing in the middle, they are all taken as changed instead of diffed line by line. */
const MAX_DIFFED_LINES = 4000;

/**
 * Post-image lines (0-based) the patch series touched. The common first and
 * last lines are skipped; a middle too long to diff quickly (a rewrite) is
 * taken as changed whole, which only ever includes more functions.
 */
function changedLines(before: string, after: string): Set<number> {
  const out = new Set<number>();
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  if (Math.max(a.length, b.length) - head - tail > MAX_DIFFED_LINES) {
    for (let l = Math.max(0, head - 1); l <= b.length - tail; l++) out.add(l);
    return out;
  }
  const d = structuredPatch('a', 'b', before, after, '', '', { context: 0 });
  for (const h of d.hunks) {
    let line = h.newStart - 1;
    if (h.newLines === 0) {
      // Pure deletion: the line after it (newStart is the line before, 1-based) is where the change shows.
      out.add(Math.max(0, h.newStart));
      out.add(Math.max(0, h.newStart - 1));
      continue;
    }
    for (const l of h.lines) {
      if (l.startsWith('+')) out.add(line++);
      else if (l.startsWith('-')) out.add(line);
      else if (!l.startsWith('\\')) line++;
    }
  }
  return out;
}

/** The diagnostics whose function's definition contains a changed line. */
function inChangedFunctions(file: FileAnalysis, changed: ReadonlySet<number>): CoreDiagnostic[] {
  const touched = file.functions.filter((f) => {
    const first = file.lineIndex.lineOf(f.syntax.start);
    const last = file.lineIndex.lineOf(f.syntax.end);
    for (const l of changed) if (l >= first && l <= last) return true;
    return false;
  });
  return file.diagnostics.filter((d) =>
    touched.some((f) => f.syntax.name === d.function && d.start >= f.syntax.start && d.start <= f.syntax.end),
  );
}
