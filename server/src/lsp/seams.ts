// The analysis entry points the server's features call, behind one seam so
// tests can exercise the LSP wiring with their own implementations.
import {
  type AnalysedFile,
  baseReader,
  checkPatch,
  type CoreAnalyzer,
  type CoreDiagnostic,
  type Extraction,
  extractModel,
  type ExtractOptions,
  fixAll,
  type FixAllResult,
} from '../core/index';

export type FixAllFn = (file: AnalysedFile) => FixAllResult;

interface PatchFileResult {
  /** Post-image path relative to the base folder (or absolute). */
  path: string;
  text: string;
  diagnostics: CoreDiagnostic[];
}
export type CheckPatchFn = (args: {
  patch: string;
  baseDir: string;
  analyzer: CoreAnalyzer;
}) => Promise<{ files: PatchFileResult[]; error?: string }> | { files: PatchFileResult[]; error?: string };

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
      const r = checkPatch(patch, baseReader(baseDir), analyzer);
      if ('error' in r) return { files: [], error: r.error };
      return { files: r.files.map((f) => ({ path: f.path, text: f.text, diagnostics: f.diagnostics })) };
    },
    extractModel: (file, functions, opts) => extractModel(file, functions, opts),
  };
}
