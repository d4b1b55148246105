// What the workspace index keeps of one analysed file: per function its lock
// summary and the names it calls (to find the files that depend on a changed
// summary), and the file's counts. Plain data, so it crosses the index
// worker's thread boundary as it is.
import type { FileAnalysis, SourceFile } from '../analysis';
import type { Analyzer } from '../analyzer';
import { calleesOf } from '../cfg/callees';
import type { FunctionSummary, SummaryLookup } from '../locks/summary';

export interface IndexedFunction {
  name: string;
  summary: FunctionSummary;
  /** The names its body calls, sorted. */
  callees: string[];
}

/**
 * One file's contribution to the workspace. Facts learned over the whole tree
 * beyond summaries (the guard map, the entry facts of lock-discipline
 * inference) belong here too, per file, so that the index merges and
 * invalidates them the way it does summaries (WorkspaceIndex).
 */
export interface IndexedFile {
  /** The key the index uses (a file URI in the language server). */
  path: string;
  functions: IndexedFunction[];
  parseErrors: number;
}

export function recordOf(file: FileAnalysis, path = file.path): IndexedFile {
  return {
    path,
    functions: file.functions.map((f) => ({ name: f.syntax.name, summary: f.summary, callees: [...calleesOf(f.cfg)].sort() })),
    parseErrors: file.parseErrors,
  };
}

/**
 * Analyses files together (one summary fixpoint over all of them, as `xsr
 * check` on a folder does), `shared` answering for functions none of them
 * defines, and keeps only their records.
 */
export function indexFiles(analyzer: Analyzer, files: readonly SourceFile[], shared?: SummaryLookup): IndexedFile[] {
  return analyzer.analyzeMany(files, { shared }).map((a) => recordOf(a));
}
