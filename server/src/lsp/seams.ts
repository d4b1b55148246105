// The analysis entry points the server's features call, behind one seam so
// tests can exercise the LSP wiring with their own implementations.
import {
  type AnalysedFile,
  baseReader,
  type CoreAnalyzer,
  type CoreDiagnostic,
  type Extraction,
  extractModel,
  type ExtractOptions,
  fixAll,
  type FixAllResult,
  type FixedFinding,
  reviewPatch,
} from '../core/index';

export type FixAllFn = (file: AnalysedFile) => FixAllResult;

interface PatchFileResult {
  /** Post-image path relative to the base folder (or absolute). */
  path: string;
  text: string;
  /** The text before the patch; undefined for a file the patch creates (absent: not known). */
  baseText?: string | undefined;
  /** Findings in the changed functions; `review` says whether the patch introduces them or they were there before. */
  diagnostics: (CoreDiagnostic & { review?: 'introduced' | 'stays' })[];
  /** Findings of the base the patch removed. */
  fixed?: FixedFinding[];
}
type PatchResult = { files: PatchFileResult[]; skipped?: { path: string; reason: string }[]; error?: string };
export type CheckPatchFn = (args: { patch: string; baseDir: string; analyzer: CoreAnalyzer }) => Promise<PatchResult> | PatchResult;

export type ExtractModelFn = (file: AnalysedFile, functions: string[], opts: ExtractOptions) => Extraction;

export interface Providers {
  fixAll?: FixAllFn;
  checkPatch?: CheckPatchFn;
  extractModel?: ExtractModelFn;
}

export function defaultProviders(): Providers {
  return {
    fixAll: (file) => fixAll(file),
    checkPatch: ({ patch, baseDir, analyzer }) => {
      const r = reviewPatch(patch, baseReader(baseDir), analyzer);
      if ('error' in r) return { files: [], error: r.error };
      return r.skipped ? { files: r.files, skipped: r.skipped } : { files: r.files };
    },
    extractModel: (file, functions, opts) => extractModel(file, functions, opts),
  };
}
