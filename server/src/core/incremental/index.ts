// Incremental document analysis for the language server (pure core: no LSP types).
export { DocumentAnalyzer } from './documentAnalysis';
export type { AnalysisStats, DocumentAnalyzerOptions } from './documentAnalysis';
export { TreeCache, pointAt } from './treeCache';
export type { DocumentEdit, ParseFn, TreeCacheOptions } from './treeCache';
