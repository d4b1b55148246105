// XSR006 processor-write-unlocked: `v->processor` (or `unit->res`) assigned
// where no scheduler lock is held on every path. Writing it under the OLD
// pCPU's lock only is how Xen does it, so any must-held scheduler lock counts.
//
// Precision: a function that takes no scheduler or RCU lock before the write and does not
// iterate a domain's vCPUs/units is an initialiser or a scheduler hook whose
// caller holds the lock (sched_init_vcpu, Credit's runq steal): the lock
// discipline is the caller's, and reporting there would be noise. A write
// while the domain is paused (after domain_pause()) cannot race the scheduler.
import type { FileAnalysis } from '../analysis';
import { solve } from '../cfg/dataflow';
import type { CfgNode } from '../cfg/types';
import type { CoreDiagnostic, Related } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { type Graph, graphOf, mustSched, rootOf } from '../migration/view';
import type { Assignment } from '../syntax/expr';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

const TARGET = /^(.+)->(processor|res)$/;
const PAUSE = new Set(['domain_pause', 'domain_pause_nosync', 'domain_pause_by_systemcontroller', 'vcpu_pause', 'vcpu_pause_nosync']);
const UNPAUSE = new Set(['domain_unpause', 'domain_unpause_by_systemcontroller', 'vcpu_unpause']);
const DOMAIN_LOOPS = /^for_each_(vcpu|sched_unit)$/;

/** A node assigns `X->processor` or `X->res` (asked of every node of every function: no closure made per node). */
function writesTarget(n: CfgNode): boolean {
  return n.facts.assignments.some(isTargetWrite);
}
function isTargetWrite(a: Assignment): boolean {
  // (Every assignment of every function is asked: the suffix, a search V8 does fast, rules out most before the pattern.)
  return a.op === '=' && (a.lhs.endsWith('->processor') || a.lhs.endsWith('->res')) && TARGET.test(a.lhs);
}

const meta: RuleMeta = {
  code: 'XSR006',
  slug: 'processor-write-unlocked',
  severity: 'error',
  summary: 'v->processor (or unit->res) assigned where no scheduler lock is held.',
};

export const xsr006: Rule = {
  meta,
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    if (!fn.cfg.nodes.some(writesTarget)) return [];
    const g = graphOf(fn);
    const writes: { node: CfgNode; lhs: string; start: number; end: number }[] = [];
    for (const node of g.reachableNodes()) {
      for (const a of node.facts.assignments) {
        if (isTargetWrite(a)) writes.push({ node, lhs: a.lhs, start: a.start, end: a.end });
      }
    }
    if (writes.length === 0) return [];
    const paused = pausedNodes(fn);
    const out: CoreDiagnostic[] = [];
    for (const w of writes) {
      const states = fn.before[w.node.id]!;
      if (mustSched(states).length > 0 || paused.has(w.node.id)) continue;
      // Scheduler hooks take their private spinlocks while the core holds the scheduler lock: only
      // scheduler locks (held or already released here) and RCU sections make this function's own discipline.
      const lockingContext = states.some(
        (s) =>
          s.held.some((h) => h.kind === 'sched' || h.kind === 'rcu') ||
          s.released.some((r) => r.startsWith('sched(') || r.startsWith('rcu(')),
      );
      if (!lockingContext && !inDomainLoop(file, g, w.node, rootOf(TARGET.exec(w.lhs)![1]!))) continue;
      const related: Related[] = [];
      for (const s of states)
        for (const h of s.held)
          if (h.kind === 'sched' && !related.some((r) => r.start === h.at))
            related.push({ start: h.at, end: h.at, message: `${h.name} held on some paths only` });
      const why = states.some((s) => s.held.some((h) => h.kind === 'sched'))
        ? 'a scheduler lock is held on some paths only'
        : 'no scheduler lock is held';
      out.push(
        finding(meta, fn, {
          start: w.start,
          end: w.end,
          related,
          message: `${w.lhs} is assigned where ${why}: a concurrent scheduler can see the vCPU's pCPU change under its runqueue (hold at least the old pCPU's scheduler lock).`,
        }),
      );
    }
    return out;
  },
};

/** The write is inside a `for_each_vcpu ( d, X )`-style loop over a domain's published vCPUs/units, X being the written object. */
function inDomainLoop(file: FileAnalysis, g: Graph, node: CfgNode, root: string): boolean {
  for (const n of g.fn.cfg.nodes) {
    if (n.kind !== 'cond' || !n.loopMacro || !DOMAIN_LOOPS.test(n.loopMacro)) continue;
    const loopVar = /,\s*([A-Za-z_]\w*)\s*\)\s*;?\s*$/.exec(file.text.slice(n.start, n.end))?.[1];
    if (loopVar !== root) continue;
    if (g.reachable(n.id).has(node.id) && g.reachable(node.id).has(n.id)) return true;
  }
  return false;
}

/** Nodes before which every path has paused the domain (and not unpaused it). */
function pausedNodes(fn: FunctionLocks): Set<number> {
  const calls = (n: CfgNode, names: Set<string>): boolean => n.facts.calls.some((c) => names.has(c.name));
  if (!fn.cfg.nodes.some((n) => calls(n, PAUSE))) return new Set();
  const { before } = solve(
    fn.cfg,
    {
      key: (s: boolean) => (s ? 'p' : 'u'),
      merge: (states: readonly boolean[]) => states.every((s) => s),
      transfer: (node: CfgNode, s: boolean) => [calls(node, UNPAUSE) ? false : calls(node, PAUSE) ? true : s],
      edge: (_n: CfgNode, _e: unknown, s: boolean) => s,
    },
    false,
    2,
  );
  const out = new Set<number>();
  before.forEach((states, id) => {
    if (states.length > 0 && states.every((s) => s)) out.add(id);
  });
  return out;
}
