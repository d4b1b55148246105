// The names a function body calls (for call-graph order and cache keys).
import type { Cfg } from './types';

export function calleesOf(cfg: Cfg): Set<string> {
  const out = new Set<string>();
  for (const n of cfg.nodes) for (const c of n.facts.calls) out.add(c.name);
  return out;
}
