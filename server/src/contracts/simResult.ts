// The simulation result (`simulate --format json`, `xsr/simulate`), as the
// simulator defines it: re-exported here so that the client and the webview
// take every cross-boundary type from this one project.
export type { InvariantId, SimResult, StateView, TraceStep } from '../../../sim/src/types';
