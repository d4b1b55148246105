// Shared vocabulary of the migration-protocol rules: which calls start and
// finish a migration in each API era, how a flag write looks, what the lock
// dataflow says about scheduler locks before a node, and CFG reachability.
// Everything here reads the lock analysis; nothing re-runs it.
import type { FileAnalysis } from '../analyzer';
import type { CfgNode } from '../cfg/types';
import type { CoreDiagnostic, Related } from '../diagnostics';
import { RULE_SEVERITY } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import type { HeldLock, PathState } from '../locks/state';
import type { CallSite } from '../syntax/expr';
import { canonicalText } from '../syntax/tokens';

export const START_CALLS: ReadonlySet<string> = new Set(['vcpu_migrate_start', 'sched_unit_migrate_start']);
export const FINISH_CALLS: ReadonlySet<string> = new Set(['vcpu_migrate_finish', 'sched_unit_migrate_finish']);
/** The pre-2018 migrate, renamed to vcpu_migrate_finish by the fix. */
export const OLD_MIGRATE = 'vcpu_migrate';
export const SLEEP_CALL = 'vcpu_sleep_nosync';

export type Era = 'vcpu' | 'unit';

export function startName(era: Era): string {
  return era === 'unit' ? 'sched_unit_migrate_start' : 'vcpu_migrate_start';
}

export function finishName(era: Era): string {
  return era === 'unit' ? 'sched_unit_migrate_finish' : 'vcpu_migrate_finish';
}

export function callsNamed(node: CfgNode, names: ReadonlySet<string>): CallSite[] {
  return node.facts.calls.filter((c) => names.has(c.name));
}

export function firstCall(node: CfgNode, name: string): CallSite | undefined {
  return node.facts.calls.find((c) => c.name === name);
}

/** A `_VPF_migrating` write: the node and the vCPU/unit expression whose flag it sets. */
export interface FlagWrite {
  node: CfgNode;
  entity: string;
  start: number;
  end: number;
}

const MIGRATING = /(^|[^\w])_?VPF_migrating([^\w]|$)/;

/** `set_bit(_VPF_migrating, &X->pause_flags)`, `sched_set_pause_flags(X, _VPF_migrating)`, `X->pause_flags |= VPF_migrating`. */
export function flagWriteOf(node: CfgNode): FlagWrite | undefined {
  if (node.kind !== 'stmt') return undefined;
  for (const c of node.facts.calls) {
    if ((c.name === 'set_bit' || c.name === '__set_bit') && c.args[0]?.text === '_VPF_migrating') {
      const m = /^&\(?(.+?)\)?->pause_flags$/.exec(c.args[1]?.text ?? '');
      if (m) return { node, entity: m[1]!, start: c.start, end: c.end };
    }
    if ((c.name === 'sched_set_pause_flags' || c.name === 'sched_set_pause_flags_atomic') && c.args[1]?.text === '_VPF_migrating') {
      return { node, entity: c.args[0]!.text, start: c.start, end: c.end };
    }
  }
  for (const a of node.facts.assignments) {
    const m = /^(.+)->pause_flags$/.exec(a.lhs);
    if (m && a.op === '|=' && MIGRATING.test(a.rhs)) return { node, entity: m[1]!, start: a.start, end: a.end };
  }
  return undefined;
}

/** A condition that tests the migrating flag (`v->pause_flags & VPF_migrating`, `test_bit(_VPF_migrating, …)`). */
export function isMigratingTest(file: FileAnalysis, node: CfgNode): boolean {
  if (node.kind !== 'cond' || node.loopMacro || node.start === node.end) return false;
  const text = canonicalText(file.text.slice(node.start, node.end));
  return MIGRATING.test(text) && /pause_flags/.test(text);
}

export function isSched(h: HeldLock): boolean {
  return h.kind === 'sched';
}

/** Scheduler locks held on every path before the node (none for an unreachable node). */
export function mustSched(states: readonly PathState[]): HeldLock[] {
  if (states.length === 0) return [];
  const [first, ...rest] = states;
  return first!.held.filter((h) => isSched(h) && !h.maybe && rest.every((s) => s.held.some((x) => x.name === h.name && !x.maybe)));
}

/** Scheduler locks held on at least one path before the node. */
export function maySched(states: readonly PathState[]): HeldLock[] {
  const out = new Map<string, HeldLock>();
  for (const s of states) for (const h of s.held) if (isSched(h) && !out.has(h.name)) out.set(h.name, h);
  return [...out.values()];
}

/** The expression inside a canonical scheduler-lock name (`sched(v->processor)` -> `v->processor`). */
export function lockEntity(name: string): string | undefined {
  const m = /^sched\((.*)\)$/.exec(name);
  return m ? m[1] : undefined;
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does expression `text` mention `expr` as a whole (identifier boundaries)? */
export function mentions(text: string, expr: string): boolean {
  return new RegExp(`(^|[^\\w])${escapeRe(expr)}($|[^\\w])`).test(text);
}

/** The leading identifier of an expression (`unit->vcpu_list` -> `unit`). */
export function rootOf(expr: string): string {
  return /^[&*(\s]*([A-Za-z_]\w*)/.exec(expr)?.[1] ?? expr;
}

export function functionText(file: FileAnalysis, fn: FunctionLocks): string {
  return file.text.slice(fn.syntax.start, fn.syntax.end);
}

/** `name` is declared in the function as a vCPU or unit pointer (parameter or local). */
export function declaredAsVcpu(fnText: string, name: string): boolean {
  const n = escapeRe(name);
  return new RegExp(`struct\\s+(vcpu|sched_unit)\\s*(const\\s*)?\\*\\s*(const\\s+)?${n}\\b`).test(fnText)
    || new RegExp(`struct\\s+(vcpu|sched_unit)\\s*\\*[^;(){}=]*,\\s*\\*\\s*${n}\\b`).test(fnText);
}

export class Graph {
  readonly preds: number[][];

  constructor(readonly fn: FunctionLocks) {
    this.preds = fn.cfg.nodes.map(() => []);
    for (const n of fn.cfg.nodes) for (const e of n.succ) this.preds[e.to]!.push(n.id);
  }

  node(id: number): CfgNode {
    return this.fn.cfg.nodes[id]!;
  }

  /** Nodes reachable from `from` (excluding it unless on a cycle), not expanding past `stop`. */
  reachable(from: number, stop: (id: number) => boolean = () => false): Set<number> {
    const seen = new Set<number>();
    const work = this.fn.cfg.nodes[from]!.succ.map((e) => e.to);
    while (work.length) {
      const id = work.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (stop(id)) continue;
      for (const e of this.fn.cfg.nodes[id]!.succ) work.push(e.to);
    }
    return seen;
  }

  /** Nodes from which `to` can be reached. */
  reaching(to: number): Set<number> {
    const seen = new Set<number>();
    const work = [...this.preds[to]!];
    while (work.length) {
      const id = work.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const p of this.preds[id]!) work.push(p);
    }
    return seen;
  }

  reachableNodes(): CfgNode[] {
    return this.fn.cfg.nodes.filter((n) => (this.fn.before[n.id]?.length ?? 0) > 0);
  }
}

/** The call that took a held lock (its offset is the HeldLock's `at`), searched in the function's nodes. */
export function acquireCall(fn: FunctionLocks, at: number): CallSite | undefined {
  for (const n of fn.cfg.nodes) for (const c of n.facts.calls) if (c.start === at) return c;
  return undefined;
}

/** Nodes whose call releases a scheduler lock held before them (the unlocks). */
export function isSchedRelease(fn: FunctionLocks, node: CfgNode): boolean {
  const before = fn.before[node.id] ?? [];
  if (before.length === 0) return false;
  const held = maySched(before);
  if (held.length === 0) return false;
  // Some path loses a scheduler lock across this node: compare with the states of its successors.
  for (const e of node.succ) {
    const after = fn.before[e.to] ?? [];
    for (const h of held) {
      if (after.some((s) => !s.held.some((x) => x.name === h.name)) && /unlock|release/.test(node.facts.calls.map((c) => c.name).join(' '))) return true;
    }
  }
  return false;
}

export function diagnostic(fn: FunctionLocks, d: { code: string; start: number; end: number; message: string; related?: Related[]; fixable?: boolean; tags?: CoreDiagnostic['tags'] }): CoreDiagnostic {
  const out: CoreDiagnostic = {
    code: d.code,
    severity: RULE_SEVERITY[d.code] ?? 'warning',
    start: d.start,
    end: d.end,
    message: d.message,
    function: fn.syntax.name,
    fixable: d.fixable ?? false,
  };
  if (fn.cfg.hasError || fn.syntax.hasError) out.conservative = true;
  if (d.related?.length) out.related = d.related;
  if (d.tags?.length) out.tags = d.tags;
  return out;
}

export function lineNo(file: FileAnalysis, offset: number): number {
  return file.lines.lineOf(offset) + 1;
}

/** A must-held scheduler lock protects `target`: its name mentions it, or it is the only one held and is not named after another vCPU/unit. */
export function covers(held: HeldLock[], target: string, fnText: string): boolean {
  const root = rootOf(target);
  if (held.some((h) => { const e = lockEntity(h.name) ?? ''; return mentions(e, target) || mentions(e, root); })) return true;
  if (held.length !== 1) return false;
  // The only scheduler lock held: accepted unless it is clearly another vCPU's or unit's.
  const e = lockEntity(held[0]!.name) ?? '';
  return !(/^[A-Za-z_]\w*$/.test(e) && declaredAsVcpu(fnText, e));
}
