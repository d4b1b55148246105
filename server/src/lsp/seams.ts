// The analysis entry points the server's features call, behind one seam so
// tests can exercise the LSP wiring with their own implementations.
import type { FileAnalysis, TextEdit } from '../core/index';
import type { Analyzer } from '../core/analyzer';
import type { CoreDiagnostic } from '../core/diagnostics';
import { fixAll } from '../core/fix/index';
import { extractModel } from '../core/model/extract';
import { baseReader } from '../core/patch/baseReader';
import { checkPatch } from '../core/patch/index';
import type { Model } from '../../../sim/src/program';

export type FixAllFn = (file: FileAnalysis) => { edits: TextEdit[]; skipped: string[] };

export interface PatchFileResult {
  /** Post-image path relative to the base folder (or absolute). */
  path: string;
  text: string;
  diagnostics: CoreDiagnostic[];
}
export type CheckPatchFn = (args: { patch: string; baseDir: string; analyzer: Analyzer }) => Promise<{ files: PatchFileResult[]; error?: string }> | { files: PatchFileResult[]; error?: string };

export type ExtractModelFn = (file: FileAnalysis, functions: string[], opts: { initiators?: number; pcpus?: number }) => { model: Model; notes: string[] };

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
