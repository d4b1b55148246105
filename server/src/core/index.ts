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
  fieldGuardAt,
  fixAll,
  functionRequirementsAt,
  functionSymbols,
  guardsReport,
  hoverInfo,
  type IncrementalAnalyzer,
  indexFiles,
  indexRecord,
  lockHints,
  memoryOpsIn,
  migrationOpsIn,
  newLockHelpers,
  nextLockShapeBaseline,
  reviewPatch,
  simulationPartners,
  simulationTargets,
  type WorkspaceSummaries,
} from './api';
export type { CoreDiagnostic, Severity, TextEdit } from './diagnostics';
export type { FixAllResult } from './fix/index';
export { applyEdits } from './fix/text';
export { defaultIncludeDirs, includedHeaders } from './headers/includes';
export type { DocumentEdit, EditRows } from './incremental/treeCache';
export type { LockRef } from './locks/analyze';
export { ExtractError, type Extraction, type ExtractOptions } from './model/extract';
export { parseSimulateAssignments } from './model/options';
export { baseReader } from './patch/baseReader';
export { guardsText } from './queries/guards';
export type { LockShapeBaseline } from './queries/lockHelperChange';
export { type HeldEntry, type LockClass, lockOrigin } from './queries/lockView';
export type { FixedFinding } from './queries/patchReview';
export { printable } from './queries/printable';
export { simulationText } from './queries/simText';
export type { FunctionSymbol } from './queries/symbols';
export { REPO_URL, ruleDocHref, ruleDocUrl } from './rules/docs';
export { ALL_RULES, ruleMetas } from './rules/registry';
export type { Rule } from './rules/types';
export { decodeSource } from './syntax/decode';
export { LineIndex } from './syntax/lineIndex';
export { listSourceFiles, type ReadResult, readSource, realpathOrUndefined } from './workspace/files';
export type { IndexedFile } from './workspace/records';
export { WorkspaceIndex } from './workspace/workspaceIndex';
/** The bare tree-sitter C parser (what the bench compares the analysis with). */
export { createParser as createTreeSitterParser } from './syntax/parser';
export { type AttributeMacro, parseAttributeConfig } from './xen/attributes';
export { type LockHelper, parseHelperConfig } from './xen/lockHelpers';
// The simulator, for the CLI and the worker (the core is the layer above sim/).
export { checkModel, explore, type Model, referenceModel, type SimResult } from '../../../sim/src/index';
