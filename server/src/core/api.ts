// The wrappers behind the public API (index.ts): each takes the read-only
// views the API hands out, finds the analysis behind them and calls the
// module that does the work.
import { internalAnalysis, type SourceFile } from './analysis';
import { Analyzer } from './analyzer';
import type { CoreDiagnostic } from './diagnostics';
import { fixAll as fixAllInternal, type FixAllResult } from './fix/index';
import { DocumentAnalyzer, type DocumentAnalyzerOptions, type SettleResult } from './incremental/documentAnalysis';
import type { DocumentEdit } from './incremental/treeCache';
import type { LineLocks } from './locks/analyze';
import type { FunctionSummary } from './locks/summary';
import { type Extraction, extractModel as extractInternal, type ExtractOptions } from './model/extract';
import { type BaseReader, checkPatch as checkPatchInternal } from './patch/index';
import { type FunctionTarget, migrationOpsOf, simulationTargets as simulationTargetsInternal } from './queries/functions';
import { type HoverInfo, hoverInfo as hoverInfoInternal } from './queries/hover';
import {
  type LockShapeBaseline,
  newLockHelpers as newLockHelpersInternal,
  nextLockShapeBaseline as nextLockShapeBaselineInternal,
} from './queries/lockHelperChange';
import { type HintMode, type LockHint, lockHints as lockHintsInternal } from './queries/lockView';
import { type PatchReview, reviewPatch as reviewPatchInternal } from './queries/patchReview';
import { type FunctionSymbol, functionSymbols as functionSymbolsInternal } from './queries/symbols';
import type { Rule } from './rules/types';
import type { FunctionSyntax } from './syntax/functions';
import type { LineIndex } from './syntax/lineIndex';
import type { LockHelper } from './xen/lockHelpers';
import type { MigrationOpKind } from './xen/migration';

/** A function as the analysis saw it (read-only). */
interface AnalysedFunction {
  readonly syntax: Readonly<Pick<FunctionSyntax, 'name' | 'start' | 'end' | 'bodyStart' | 'bodyEnd' | 'params' | 'hasError'>>;
  /** The locks held before each statement line (the `locks` contract). */
  readonly lineLocks: readonly LineLocks[];
  /** Why the function was not analysed, or only coarsely (its findings are then conservative). */
  readonly degraded?: string;
  readonly summary: FunctionSummary;
}

/** One file's analysis (read-only): its functions, findings and parse-error count. */
export interface AnalysedFile {
  readonly path: string;
  readonly text: string;
  readonly lineIndex: LineIndex;
  readonly functions: readonly AnalysedFunction[];
  readonly diagnostics: readonly CoreDiagnostic[];
  readonly parseErrors: number;
}

/** Analyses source files: each on its own, or together so that a helper in one file is known to its callers in another. */
export interface CoreAnalyzer {
  analyze(file: SourceFile): AnalysedFile;
  /** `context`: headers whose functions' summaries the files use (see includedHeaders); not reported on. */
  analyzeMany(files: readonly SourceFile[], opts?: { context?: readonly SourceFile[] }): AnalysedFile[];
}

/** An analyzer with the user's lock helpers, running every rule of the registry unless `rules` says which. */
export async function createAnalyzer(opts: { helpers?: readonly LockHelper[]; rules?: readonly Rule[] } = {}): Promise<CoreAnalyzer> {
  return Analyzer.create(opts);
}

/** The editor's incremental analysis of open documents (tree reuse, per-function memo, local reparses). */
export interface IncrementalAnalyzer {
  edit(uri: string, edits: readonly DocumentEdit[], rows?: readonly { start: number; oldEnd: number }[]): void;
  forgetTree(uri: string): void;
  /** The analysis of `text` (the document at `version`); undefined when the parse hit its time limit. */
  analyze(uri: string, version: number, text: string): AnalysedFile | undefined;
  settle(uri: string, version: number, text: string): (Omit<SettleResult, 'file'> & { file?: AnalysedFile }) | undefined;
  close(uri: string): void;
  dispose(): void;
  readonly lastStats: { functions: number; reused: number; computed: number; local: boolean; ms: number };
}

export function createIncrementalAnalyzer(analyzer: CoreAnalyzer, opts: DocumentAnalyzerOptions = {}): IncrementalAnalyzer {
  if (!(analyzer instanceof Analyzer)) throw new Error('xsr core: createIncrementalAnalyzer needs an analyzer from createAnalyzer');
  return new DocumentAnalyzer(analyzer, opts);
}

/** Every safe quick fix of a file, without overlaps (functions with parse errors are left alone). */
export function fixAll(file: AnalysedFile): FixAllResult {
  return fixAllInternal(internalAnalysis(file));
}

/** A patch's post-image files, analysed together, with the findings inside the functions it changed. */
export function checkPatch(
  patch: string,
  readBase: BaseReader,
  analyzer: CoreAnalyzer,
):
  | {
      files: { path: string; text: string; analysis: AnalysedFile; diagnostics: CoreDiagnostic[] }[];
      skipped?: { path: string; reason: string }[];
    }
  | { error: string } {
  if (!(analyzer instanceof Analyzer)) throw new Error('xsr core: checkPatch needs an analyzer from createAnalyzer');
  return checkPatchInternal(patch, readBase, analyzer);
}

/**
 * A patch's post-image findings in the functions it changes, each marked as
 * introduced by the patch or already in the base, and the base's findings
 * in those functions that the patch removed.
 */
export function reviewPatch(patch: string, readBase: BaseReader, analyzer: CoreAnalyzer): PatchReview {
  if (!(analyzer instanceof Analyzer)) throw new Error('xsr core: reviewPatch needs an analyzer from createAnalyzer');
  return reviewPatchInternal(patch, readBase, analyzer);
}

/** The migration model of the named functions, for the simulator. */
export function extractModel(file: AnalysedFile, functions: readonly string[], opts: ExtractOptions = {}): Extraction {
  return extractInternal(internalAnalysis(file), functions, opts);
}

// Editor queries.

/** What a hover shows at an offset (undefined outside a function body). */
export function hoverInfo(file: AnalysedFile, offset: number): HoverInfo | undefined {
  return hoverInfoInternal(internalAnalysis(file), offset);
}

/** Lock-state hints of lines `fromLine`..`toLine` (0-based, inclusive; the whole file by default). */
export function lockHints(file: AnalysedFile, mode: HintMode, fromLine?: number, toLine?: number): LockHint[] {
  return lockHintsInternal(internalAnalysis(file), mode, fromLine, toLine);
}

/** Every function with the locks a call of it takes, releases and requires (document symbols). */
export function functionSymbols(file: AnalysedFile): FunctionSymbol[] {
  return functionSymbolsInternal(internalAnalysis(file));
}

/**
 * XSR007 findings of the functions that return holding a lock on every path
 * though they released it in `baseline` (an earlier analysis of the same
 * document): the edit made them lock helpers.
 */
export function newLockHelpers(baseline: LockShapeBaseline, file: AnalysedFile): CoreDiagnostic[] {
  return newLockHelpersInternal(baseline, internalAnalysis(file));
}

/** The baseline for the next comparison: the functions' lock shapes, flagged ones kept as they were. */
export function nextLockShapeBaseline(previous: LockShapeBaseline | undefined, file: AnalysedFile): LockShapeBaseline {
  return nextLockShapeBaselineInternal(previous, internalAnalysis(file));
}

/** The functions a "Simulate interleavings" code lens goes on. */
export function simulationTargets(file: AnalysedFile): FunctionTarget[] {
  return simulationTargetsInternal(internalAnalysis(file));
}

/** The migration operations a function performs, as the checker sees them (0-based lines). */
export function migrationOpsIn(file: AnalysedFile, functionName: string): { line: number; kind: MigrationOpKind }[] {
  const f = internalAnalysis(file);
  const fn = f.functions.find((x) => x.syntax.name === functionName);
  return fn ? migrationOpsOf(f, fn) : [];
}
