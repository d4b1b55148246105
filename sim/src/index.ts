// Public API of the interleaving simulator. Pure library: JSON-safe data in and out.
export * from './types';
export type { Instr, InstrAt, ThreadProgram, VcpuInit, SchedulerSpec, Model } from './program';
export { referenceModel, OLD_INITIATOR, NEW_INITIATOR } from './referenceModels';
export { explore, compareReductions, countNaive, DEFAULT_MAX_STATES, DEFAULT_TIMEOUT_MS, type ExploreOptions } from './explorer';
// The generic engine and its read/write test layer (known-answer tests, benches).
export type { RwOp, RwThread } from './rwPrograms';
export { rwSystem } from './rwPrograms';
export type { TransitionSystem, Outcome, Violation, SearchResult, SearchStats, SearchLimits, PathStep } from './engine';
export { dporSearch, type DporOptions } from './dpor';
export { naiveSearch, countNaiveEnumeration, enumerateNaive, type NaiveCount } from './naive';
export { shortestViolation } from './bfs';
export { buildSystem, type XenSystem, type BuildOptions } from './xenSystem';
