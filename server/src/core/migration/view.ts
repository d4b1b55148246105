// How the migration rules and fixes read a function: the migration operations
// at a CFG node (from the vocabulary, xen/migration.ts), what the lock dataflow
// says about scheduler locks before a node, and CFG reachability. Everything
// here reads the lock analysis; nothing re-runs it.
import type { FileAnalysis } from '../analysis';
import type { CfgNode } from '../cfg/types';
import type { FunctionLocks } from '../locks/analyze';
import type { HeldLock, PathState } from '../locks/state';
import type { CallSite } from '../syntax/expr';
import { canonicalText } from '../syntax/tokens';
import { migrationKindsOf, type MigrationOp, type MigrationOpKind, opsOfKind, testsMigrating } from '../xen/migration';

/** The node's migration operations of one kind. */
export function opsAt(node: CfgNode, kind: MigrationOpKind): readonly MigrationOp[] {
  return opsOfKind(node.facts, kind);
}

/** A `_VPF_migrating` write: the statement node and the vCPU/unit expression whose flag it sets. */
export interface FlagWrite {
  node: CfgNode;
  entity: string;
  start: number;
  end: number;
}

/** The first `_VPF_migrating` write of a statement, in any spelling the vocabulary knows. */
export function flagWriteOf(node: CfgNode): FlagWrite | undefined {
  if (node.kind !== 'stmt') return undefined;
  const op = opsOfKind(node.facts, 'setMigrating')[0];
  return op && { node, entity: op.entity, start: op.start, end: op.end };
}

/** A condition node that tests the migrating flag (`v->pause_flags & VPF_migrating`, `test_bit(_VPF_migrating, …)`). */
export function isMigratingTest(file: Pick<FileAnalysis, 'text'>, node: CfgNode): boolean {
  if (node.kind !== 'cond' || node.loopMacro || node.start === node.end) return false;
  return testsMigrating(canonicalText(file.text.slice(node.start, node.end)));
}

function isSched(h: HeldLock): boolean {
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

function escapeRe(s: string): string {
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
function declaredAsVcpu(fnText: string, name: string): boolean {
  const n = escapeRe(name);
  return (
    new RegExp(`struct\\s+(vcpu|sched_unit)\\s*(const\\s*)?\\*\\s*(const\\s+)?${n}\\b`).test(fnText) ||
    new RegExp(`struct\\s+(vcpu|sched_unit)\\s*\\*[^;(){}=]*,\\s*\\*\\s*${n}\\b`).test(fnText)
  );
}

/** The migration operations' kinds anywhere in a function (the rules skip the many functions with none). */
export function migrationKindsIn(fn: FunctionLocks): ReadonlySet<MigrationOpKind> {
  // The builder's, read as it made the nodes (cfg/types.ts); a CFG made elsewhere is small.
  return fn.cfg.migrationKinds ?? migrationKindsOf(fn.cfg.nodes);
}

/** One graph per analysed function, shared by the rules and fixes that read it (it is immutable). */
const graphs = new WeakMap<FunctionLocks, Graph>();
export function graphOf(fn: FunctionLocks): Graph {
  let g = graphs.get(fn);
  if (!g) graphs.set(fn, (g = new Graph(fn)));
  return g;
}

export class Graph {
  private predList: number[][] | undefined = undefined;
  private reachableList: CfgNode[] | undefined = undefined;

  constructor(readonly fn: FunctionLocks) {}

  /** Each node's predecessors, made when first asked: most rules only walk forwards (a list per node per function was most of a graph's cost). */
  get preds(): readonly (readonly number[])[] {
    if (!this.predList) {
      const preds: number[][] = this.fn.cfg.nodes.map(() => []);
      for (const n of this.fn.cfg.nodes) for (const e of n.succ) preds[e.to]!.push(n.id);
      this.predList = preds;
    }
    return this.predList;
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

  reachableNodes(): readonly CfgNode[] {
    return (this.reachableList ??= this.fn.cfg.nodes.filter((n) => (this.fn.before[n.id]?.length ?? 0) > 0));
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
      if (after.some((s) => !s.held.some((x) => x.name === h.name)) && /unlock|release/.test(node.facts.calls.map((c) => c.name).join(' ')))
        return true;
    }
  }
  return false;
}

/** A must-held scheduler lock protects `target`: its name mentions it, or it is the only one held and is not named after another vCPU/unit. */
export function covers(held: HeldLock[], target: string, fnText: string): boolean {
  const root = rootOf(target);
  if (
    held.some((h) => {
      const e = lockEntity(h.name) ?? '';
      return mentions(e, target) || mentions(e, root);
    })
  )
    return true;
  if (held.length !== 1) return false;
  // The only scheduler lock held: accepted unless it is clearly another vCPU's or unit's.
  const e = lockEntity(held[0]!.name) ?? '';
  return !(/^[A-Za-z_]\w*$/.test(e) && declaredAsVcpu(fnText, e));
}
