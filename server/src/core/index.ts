// Public surface of the analysis core (used by the LSP adapter, the CLI, tests and the bench).
export { Analyzer } from './analyzer';
export type { FileAnalysis, Rule, SourceFile } from './analyzer';
export type { CoreDiagnostic, Related, Severity, TextEdit } from './diagnostics';
export { RULE_NAMES, RULE_SEVERITY } from './diagnostics';
export type { FunctionLocks, LineLocks, LockRef } from './locks/analyze';
export { heldSets } from './locks/analyze';
export type { FunctionSummary, LockEffect } from './locks/summary';
export { SummaryStore } from './locks/summary';
export { BUILTIN_HELPERS, HelperTable, parseHelperConfig } from './locks/table';
export type { LockHelper, LockKind } from './locks/table';
export type { PathState, HeldLock } from './locks/state';
export type { Cfg, CfgNode, CfgEdge } from './cfg/types';
export { solve } from './cfg/dataflow';
export type { Domain } from './cfg/dataflow';
export { LineIndex } from './syntax/lineIndex';
export type { Position } from './syntax/lineIndex';
export type { CallSite, Assignment, ExprFacts } from './syntax/expr';
export { loadC, createParser } from './syntax/parser';
