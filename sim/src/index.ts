// Public API of the interleaving simulator. Pure library: JSON-safe data in and out.
export { checkModel, countNaive, explore } from './explorer';
export type { InstrAt, Model } from './program';
export { referenceModel } from './referenceModels';
export * from './types';
// The generic engine and its read/write test layer (known-answer tests, benches).
export { shortestViolation } from './bfs';
export { dporSearch } from './dpor';
export type { SearchLimits } from './engine';
export { countNaiveEnumeration, enumerateNaive, naiveSearch } from './naive';
export type { RwThread } from './rwPrograms';
export { rwSystem } from './rwPrograms';
export { buildSystem, type XenSystem } from './xenSystem';
