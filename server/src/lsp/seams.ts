// Optional analysis modules the server uses when the build has them. The fix-all
// (core/fix/index.ts) and patch checking (core/patch/index.ts) are written
// separately; until they land the server still starts and the features that need
// them answer with a clear message. Everything here is injectable so tests can
// exercise the LSP wiring with their own implementations.
import type { FileAnalysis, TextEdit } from '../core/index';
import type { Analyzer } from '../core/analyzer';
import type { CoreDiagnostic } from '../core/diagnostics';
import { extractModel } from '../core/model/extract';
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

/** Loads a module that may not exist in this build (the path is relative to this file). */
function optional<T>(load: () => unknown, pick: (m: Record<string, unknown>) => unknown): T | undefined {
  try {
    const f = pick(load() as Record<string, unknown>);
    return typeof f === 'function' ? (f as T) : undefined;
  } catch {
    return undefined;
  }
}

export function defaultProviders(): Providers {
  return {
    // require() inside try: a build without the module still bundles and runs.
    fixAll: optional<FixAllFn>(() => require('../core/fix/index'), (m) => m.fixAll),
    checkPatch: optional<CheckPatchFn>(() => require('../core/patch/index'), (m) => m.checkPatch),
    extractModel: (file, functions, opts) => extractModel(file, functions, opts),
  };
}
