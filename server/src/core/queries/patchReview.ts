// What a patch does to the findings of the functions it changes: the ones it
// introduces, the ones of the base it fixes (gone after it) and the ones that
// stay. The post-image findings come from the patch module (checkPatch); the
// base files are analysed the same way (together, as one folder), and a
// finding is matched across the two by its code, function and message with
// the line numbers it quotes left out (the patch moves lines).
import type { FileAnalysis } from '../analysis';
import type { Analyzer } from '../analyzer';
import type { CoreDiagnostic } from '../diagnostics';
import { type BaseReader, checkPatch } from '../patch/index';

/** A base finding the patch removed (0-based line of the base text). */
export interface FixedFinding {
  code: string;
  function: string;
  message: string;
  line: number;
}

interface PatchReviewFile {
  /** Post-image path, relative to the base folder. */
  path: string;
  /** The post-image text, on which the findings' offsets are. */
  text: string;
  /** The base text; undefined for a file the patch creates. */
  baseText: string | undefined;
  /** Findings inside the changed functions of the post-image, each marked as new or still there. */
  diagnostics: (CoreDiagnostic & { review: 'introduced' | 'stays' })[];
  /** Findings of the base's changed functions that the patch removed. */
  fixed: FixedFinding[];
}

export type PatchReview = { files: PatchReviewFile[]; skipped?: { path: string; reason: string }[] } | { error: string };

/** A finding's identity across the patch: its code, function and message without line numbers. */
function fingerprint(d: Pick<CoreDiagnostic, 'code' | 'function' | 'message'>): string {
  return `${d.code}|${d.function}|${d.message.replace(/\blines? \d+(?:[-–]\d+)?/g, 'line #')}`;
}

/** The functions of `file` a changed line falls in. */
function functionsAt(file: FileAnalysis, lines: readonly number[]): Set<string> {
  const out = new Set<string>();
  for (const f of file.functions) {
    const first = file.lineIndex.lineOf(f.syntax.start);
    const last = file.lineIndex.lineOf(f.syntax.end);
    if (lines.some((l) => l >= first && l <= last)) out.add(f.syntax.name);
  }
  return out;
}

export function reviewPatch(patchText: string, readBase: BaseReader, analyzer: Analyzer): PatchReview {
  const post = checkPatch(patchText, readBase, analyzer);
  if ('error' in post) return post;
  const withBase = post.files.filter((f) => f.baseText !== undefined);
  const baseAnalyses = new Map(
    analyzer.analyzeMany(withBase.map((f) => ({ path: f.path, text: f.baseText! }))).map((a, i) => [withBase[i]!.path, a]),
  );
  const files = post.files.map((f): PatchReviewFile => {
    const base = baseAnalyses.get(f.path);
    // The base's functions the patch changed: those it changed in the post-image, and those it removed.
    const changed = functionsAt(f.analysis, f.changedLines);
    const kept = new Set(f.analysis.functions.map((fn) => fn.syntax.name));
    for (const fn of base?.functions ?? []) if (!kept.has(fn.syntax.name)) changed.add(fn.syntax.name);
    const before = (base?.diagnostics ?? []).filter((d) => changed.has(d.function));
    const unmatched = new Map<string, CoreDiagnostic[]>();
    for (const d of before) {
      const k = fingerprint(d);
      unmatched.set(k, [...(unmatched.get(k) ?? []), d]);
    }
    const diagnostics = f.diagnostics.map((d) => {
      const same = unmatched.get(fingerprint(d));
      const review = same?.length ? 'stays' : 'introduced';
      same?.shift();
      return { ...d, review } as const;
    });
    const fixed = [...unmatched.values()].flat().map((d) => ({
      code: d.code,
      function: d.function,
      message: d.message,
      line: base!.lineIndex.lineOf(d.start),
    }));
    return { path: f.path, text: f.text, baseText: f.baseText, diagnostics, fixed: fixed.sort((a, b) => a.line - b.line) };
  });
  return post.skipped ? { files, skipped: post.skipped } : { files };
}
