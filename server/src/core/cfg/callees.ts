// The names a function body calls (for call-graph order and cache keys).
import type { Cfg } from './types';

/** The names `cfg`'s nodes call, in node order: the builder's (cfg.callees), else read from the nodes. */
export function calleesOf(cfg: Cfg): ReadonlySet<string> {
  return cfg.callees ?? calleesOfNodes(cfg.nodes);
}

/** Never added to: shared by every body that calls nothing. */
const NO_CALLEES: ReadonlySet<string> = new Set();

export function calleesOfNodes(nodes: Cfg['nodes']): ReadonlySet<string> {
  let out: Set<string> | undefined;
  for (const n of nodes) for (const c of n.facts.calls) (out ??= new Set()).add(c.name);
  return out ?? NO_CALLEES;
}
