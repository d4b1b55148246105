// What an analysis of one file is made of: the shape the analyzer produces,
// the rules read and the public API (index.ts) hands out as a read-only view.
import type { CoreDiagnostic } from './diagnostics';
import type { FunctionLocks } from './locks/analyze';
import type { LineIndex } from './syntax/lineIndex';

export interface SourceFile {
  path: string;
  text: string;
}

export interface FileAnalysis {
  path: string;
  text: string;
  lineIndex: LineIndex;
  functions: FunctionLocks[];
  diagnostics: CoreDiagnostic[];
  parseErrors: number;
}

/**
 * Analyses made by the analyzer: the public API hands them out as read-only
 * views (index.ts) and takes them back for its queries, which need the
 * internals (CFGs, path states) a view hides.
 */
const produced = new WeakSet<object>();

export function registerAnalysis(file: FileAnalysis): FileAnalysis {
  produced.add(file);
  return file;
}

/** The analysis behind a view the core handed out; an error for anything else (a bug of the caller). */
export function internalAnalysis(file: object): FileAnalysis {
  if (!produced.has(file)) throw new Error('xsr core: this file analysis was not produced by the analyzer');
  return file as FileAnalysis;
}
