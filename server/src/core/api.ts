// The wrappers behind the public API (index.ts): each takes the read-only
// views the API hands out, finds the analysis behind them and calls the
// module that does the work.
import { internalAnalysis, type SourceFile } from './analysis';
import { Analyzer, type AnalyzerOptions } from './analyzer';
import type { CoreDiagnostic } from './diagnostics';
import { fixAll as fixAllInternal, type FixAllResult } from './fix/index';
import { DocumentAnalyzer, type DocumentAnalyzerOptions, type SettleResult } from './incremental/documentAnalysis';
import type { DocumentEdit, EditRows } from './incremental/treeCache';
import type { LineLocks } from './locks/analyze';
import type { FunctionSummary, SummaryLookup } from './locks/summary';
import { type Extraction, extractModel as extractInternal, type ExtractOptions } from './model/extract';
import { type Partner, partnersOf } from './model/footprints';
import { type BaseReader, checkPatch as checkPatchInternal } from './patch/index';
import { type FunctionTarget, memoryOpsOf, migrationOpsOf, simulationTargets as simulationTargetsInternal } from './queries/functions';
import {
  fieldGuardAt as fieldGuardAtInternal,
  type FieldGuardInfo,
  type FunctionRequirementInfo,
  functionRequirementsAt as functionRequirementsAtInternal,
  type GuardsReport,
  guardsReport as guardsReportInternal,
} from './queries/guards';
import { type HoverInfo, hoverInfo as hoverInfoInternal } from './queries/hover';
import {
  type LockShapeBaseline,
  newLockHelpers as newLockHelpersInternal,
  nextLockShapeBaseline as nextLockShapeBaselineInternal,
} from './queries/lockHelperChange';
import { type HintMode, type LockHint, lockHints as lockHintsInternal } from './queries/lockView';
import { type PatchReview, reviewPatch as reviewPatchInternal } from './queries/patchReview';
import { type FunctionSymbol, functionSymbols as functionSymbolsInternal } from './queries/symbols';
import type { FunctionSyntax } from './syntax/functions';
import type { LineIndex } from './syntax/lineIndex';
import { type IndexedFile, indexFiles as indexFilesInternal, recordOf } from './workspace/records';
import type { MigrationOpKind } from './xen/migration';

/** Function summaries by name, for the functions a file calls but does not define (a WorkspaceIndex's `lookupFor`). */
export type WorkspaceSummaries = SummaryLookup;

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

/**
 * An analyzer with the user's lock helpers and attribute macros, running
 * every rule of the registry unless `rules` says which; `guards`: the guard
 * inference's thresholds (the share of a location's accesses a lock must be
 * held at, and at how many sites at least).
 */
export async function createAnalyzer(opts: AnalyzerOptions = {}): Promise<CoreAnalyzer> {
  return Analyzer.create(opts);
}

/** The editor's incremental analysis of open documents (tree reuse, per-function memo, local reparses). */
export interface IncrementalAnalyzer {
  /** `rows`: where each edit starts and ends as the editor's positions, so that the tree's points need not be counted in the text. */
  edit(uri: string, edits: readonly DocumentEdit[], rows?: readonly EditRows[]): void;
  forgetTree(uri: string): void;
  /**
   * The analysis of `text` (the document at `version`), `shared` answering for
   * the functions it calls but does not define; undefined when the parse hit its time limit.
   */
  analyze(uri: string, version: number, text: string, shared?: WorkspaceSummaries): AnalysedFile | undefined;
  settle(
    uri: string,
    version: number,
    text: string,
    shared?: WorkspaceSummaries,
  ): (Omit<SettleResult, 'file'> & { file?: AnalysedFile }) | undefined;
  /** Functions of the document's cache made since it was last made whole, each keeping a version of the text (settle lets them go). */
  textsKept(uri: string): number;
  close(uri: string): void;
  dispose(): void;
  readonly lastStats: { functions: number; reused: number; computed: number; local: boolean; ms: number };
}

export function createIncrementalAnalyzer(analyzer: CoreAnalyzer, opts: DocumentAnalyzerOptions = {}): IncrementalAnalyzer {
  if (!(analyzer instanceof Analyzer)) throw new Error('xsr core: createIncrementalAnalyzer needs an analyzer from createAnalyzer');
  return new DocumentAnalyzer(analyzer, opts);
}

/** What the workspace index keeps of an analysed file (its functions' summaries and callees), under `path`. */
export function indexRecord(file: AnalysedFile, path: string): IndexedFile {
  return recordOf(internalAnalysis(file), path);
}

/** Analyses files together as `xsr check` does (`shared` answering for what none defines) and returns their index records. */
export function indexFiles(analyzer: CoreAnalyzer, files: readonly SourceFile[], shared?: WorkspaceSummaries): IndexedFile[] {
  if (!(analyzer instanceof Analyzer)) throw new Error('xsr core: indexFiles needs an analyzer from createAnalyzer');
  return indexFilesInternal(analyzer, files, shared);
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

// The lock discipline learned from files analysed together.

/** The `guards --format json` report of files analysed together (pass any or all of them: they share one discipline). */
export function guardsReport(files: readonly AnalysedFile[]): GuardsReport {
  return guardsReportInternal(files.map((f) => internalAnalysis(f)));
}

/** The guard of the field, list head or global accessed at an offset, with the evidence (undefined: no access there). */
export function fieldGuardAt(file: AnalysedFile, offset: number): FieldGuardInfo | undefined {
  return fieldGuardAtInternal(internalAnalysis(file), offset);
}

/** What the function named at an offset (a call, or its own definition) requires of its callers, and why. */
export function functionRequirementsAt(file: AnalysedFile, offset: number): FunctionRequirementInfo | undefined {
  return functionRequirementsAtInternal(internalAnalysis(file), offset);
}

/** The migration operations a function performs, as the checker sees them (0-based lines). */
export function migrationOpsIn(file: AnalysedFile, functionName: string): { line: number; kind: MigrationOpKind }[] {
  const f = internalAnalysis(file);
  const fn = f.functions.find((x) => x.syntax.name === functionName);
  return fn ? migrationOpsOf(f, fn) : [];
}

/** The atomic, bit and list operations a function performs, as the vocabulary names them (0-based lines). */
export function memoryOpsIn(file: AnalysedFile, functionName: string): { line: number; name: string; kind: 'atomic' | 'list' | 'once' }[] {
  const f = internalAnalysis(file);
  const fn = f.functions.find((x) => x.syntax.name === functionName);
  return fn ? memoryOpsOf(f, fn) : [];
}

/**
 * The functions worth simulating with `functionName`: those that take one of
 * its locks or touch one of its shared locations (one of the two writing),
 * most shared first, each with what it shares (0-based line of its definition).
 */
export function simulationPartners(file: AnalysedFile, functionName: string): { name: string; line: number; shares: string[] }[] {
  const f = internalAnalysis(file);
  return partnersOf(f, functionName).map((p: Partner) => ({ name: p.name, line: f.lineIndex.lineOf(p.start), shares: p.shares }));
}
