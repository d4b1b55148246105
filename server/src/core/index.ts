// The analysis core's public API: the only module the LSP adapter, the CLI,
// the simulation worker and the bench import (the layer check enforces it).
// It speaks in queries over plain data: findings and fixes per file, the
// locks held at a line, what a hover shows, where code lenses and hints go,
// a model extracted for simulation. Analyses are handed out as read-only
// views; the CFGs and path states behind them stay inside the core.
export type { SourceFile } from './analysis';
export {
  type AnalysedFile,
  checkPatch,
  type CoreAnalyzer,
  createAnalyzer,
  createIncrementalAnalyzer,
  extractModel,
  fixAll,
  functionSymbols,
  hoverInfo,
  type IncrementalAnalyzer,
  lockHints,
  migrationOpsIn,
  newLockHelpers,
  nextLockShapeBaseline,
  reviewPatch,
  simulationTargets,
} from './api';
export type { CoreDiagnostic, Severity, TextEdit } from './diagnostics';
export type { FixAllResult } from './fix/index';
export { applyEdits } from './fix/text';
export { defaultIncludeDirs, includedHeaders } from './headers/includes';
export type { DocumentEdit } from './incremental/treeCache';
export type { LockRef } from './locks/analyze';
export { ExtractError, type Extraction } from './model/extract';
export { baseReader } from './patch/baseReader';
export type { LockShapeBaseline } from './queries/lockHelperChange';
export { type HeldEntry, type LockClass, lockOrigin } from './queries/lockView';
export type { FixedFinding } from './queries/patchReview';
export type { FunctionSymbol } from './queries/symbols';
export { REPO_URL, ruleDocHref, ruleDocUrl } from './rules/docs';
export { ALL_RULES, ruleMetas } from './rules/registry';
export type { Rule } from './rules/types';
export { decodeSource } from './syntax/decode';
export { LineIndex } from './syntax/lineIndex';
/** The bare tree-sitter C parser (what the bench compares the analysis with). */
export { createParser as createTreeSitterParser } from './syntax/parser';
export { type LockHelper, parseHelperConfig } from './xen/lockHelpers';
// The simulator, for the CLI and the worker (the core is the layer above sim/).
export { explore, type Model, referenceModel, type SimResult, type StateView, type TraceStep } from '../../../sim/src/index';
