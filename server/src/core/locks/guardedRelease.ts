// Releases guarded by a test the path cannot decide: `if ( d && !is_system_domain(d) )
// rcu_unlock_domain(d);`, `if ( dom != DOMID_INVALID ) rcu_read_unlock(&domlist_read_lock);`.
// A branch whose business is releasing a lock, guarded by a test of a local
// that goes with that lock (the lock is reached through it, or it is set
// right where the lock is taken), is read as the code means it: "if we hold
// it". A path holding the lock takes the releasing branch, a path not holding
// it the other. Only for tests the path's own facts leave open, only for
// locals (a parameter's lock may be the caller's, held on entry), and only when
// both branches come back together without leaving the function: `if ( rc ) {
// unlock; return rc; }` is an error path, not a test of whether the lock is held.
import type { Cfg, CfgNode } from '../cfg/types';
import type { CallSite } from '../syntax/expr';
import { isIdentPart, isIdentStart } from '../syntax/tokens';
import type { HelperTable } from '../xen/lockHelpers';
import { atomsOf, conditionOf } from './condition';
import type { LockNamer } from './names';
import type { PathState } from './state';
import type { SummaryLookup } from './summary';

export interface GuardContext {
  source: string;
  cfg: Cfg;
  table: HelperTable;
  namer: LockNamer;
  summaries: SummaryLookup;
  locals: ReadonlySet<string>;
  /** Each node's number of predecessors (the solve's: cfg/dataflow.ts, cfgShape). */
  preds: readonly number[];
  /**
   * This analysis's answers, per cond node and per lock. Kept on the context, not on the CFG: they read the
   * callees' summaries, and the editor re-analyses an unchanged function (same CFG) when a callee's summary
   * changes; an answer kept on the CFG would be the old callee's.
   */
  guardCache?: Map<CfgNode, Guard | null>;
  companionCache?: Map<string, Set<string>>;
}

export interface Guard {
  /** The branch that releases. */
  branch: boolean;
  /** The locks it releases. */
  locks: Set<string>;
}

/**
 * Adds to `out` the identifiers of `text` (each run of `[A-Za-z_]` and then
 * `\w`, as a global regex finds them) that are in `locals`, read by character
 * code: asked for every condition of every analysed function, so no regex and
 * no array of matches.
 */
function localsIn(text: string, locals: ReadonlySet<string>, out: Set<string>): void {
  for (let i = 0; i < text.length;) {
    if (!isIdentStart(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    for (i++; i < text.length && isIdentPart(text.charCodeAt(i)); i++);
    const id = text.slice(start, i);
    if (locals.has(id)) out.add(id);
  }
}

const NONE_TESTED: ReadonlySet<string> = new Set();

/** Whether a path may take this branch of a cond node whose guarded release is `g` (guardOf). */
export function guardAllows(g: Guard, branch: boolean, s: PathState): boolean {
  const holds = s.held.some((h) => !h.maybe && g.locks.has(h.name));
  return branch === g.branch ? holds : !holds;
}

/** The guarded release of a cond node, when the heuristic covers its test (else undefined). */
export function guardOf(ctx: GuardContext, node: CfgNode): Guard | undefined {
  const guards = (ctx.guardCache ??= new Map());
  let g = guards.get(node);
  if (g === undefined) {
    g = null;
    // The locals the test reads (none without locals: no set made).
    const tested = ctx.locals.size ? new Set<string>() : NONE_TESTED;
    if (ctx.locals.size) for (const a of atomsOf(conditionOf(node, ctx.source))) localsIn(a, ctx.locals, tested as Set<string>);
    const t = node.succ.find((e) => e.branch === true);
    const f = node.succ.find((e) => e.branch === false);
    if (tested.size && t && f) {
      const onT = walkBranch(ctx, t.to);
      const onF = walkBranch(ctx, f.to);
      // Both branches must come back together (through breaks and gotos too) without leaving the function.
      if (onT && onF && onT.end === onF.end) {
        const goesWith = (lock: string): boolean => [...tested].some((v) => companionsOf(ctx, lock).has(v));
        const only = (a: Set<string>, b: Set<string>): string[] => [...a].filter((l) => !b.has(l) && goesWith(l));
        const relT = only(onT.released, onF.released);
        const relF = only(onF.released, onT.released);
        if (relT.length && !relF.length) g = { branch: true, locks: new Set(relT) };
        else if (relF.length && !relT.length) g = { branch: false, locks: new Set(relF) };
      }
    }
    guards.set(node, g);
  }
  return g ?? undefined;
}

/**
 * The straight line of statements starting at `id`, followed through breaks
 * and gotos up to the node where it joins other control flow: the locks it
 * releases (net: a lock it takes and releases itself is a critical section of
 * its own, not a release of what the path held) and where it ends. Undefined
 * when the line branches, returns or stops first: a release on the way out is
 * an error path, not a guarded release.
 */
function walkBranch(ctx: GuardContext, id: number): { end: number; released: Set<string> } | undefined {
  const nodes = ctx.cfg.nodes;
  const preds = ctx.preds;
  const released = new Set<string>();
  const taken = new Set<string>();
  const seen = new Set<number>();
  for (let n = nodes[id]; n; n = nodes[n.succ[0]!.to]) {
    if (preds[n.id]! > 1) return { end: n.id, released };
    if (seen.has(n.id) || n.kind === 'cond' || n.kind === 'switch' || n.kind === 'return' || n.kind === 'exit' || n.noreturn)
      return undefined;
    seen.add(n.id);
    for (const c of n.facts.calls) {
      for (const l of lockNames(ctx, c, 'acquire')) taken.add(l);
      for (const l of lockNames(ctx, c, 'release')) {
        if (taken.has(l)) taken.delete(l);
        else released.add(l);
      }
    }
    if (n.succ.length !== 1) return undefined;
  }
  return undefined;
}

/**
 * The locals that go with a lock: those it is reached through, and those
 * assigned in the statement that takes it or right after (`rcu_read_lock(…);
 * dom = op->domain;`), which a later test of the local stands for.
 */
function companionsOf(ctx: GuardContext, lock: string): Set<string> {
  let all = ctx.companionCache;
  if (!all) {
    all = new Map<string, Set<string>>();
    const nodes = ctx.cfg.nodes;
    for (const n of nodes) {
      for (const c of n.facts.calls) {
        for (const l of lockNames(ctx, c, 'acquire')) {
          const set = all.get(l) ?? new Set<string>();
          all.set(l, set);
          for (let i = 0, m: CfgNode | undefined = n; m && i < 3; i++) {
            for (const a of m.facts.assignments) if (ctx.locals.has(a.lhs)) set.add(a.lhs);
            if (m.succ.length !== 1) break;
            m = nodes[m.succ[0]!.to];
          }
        }
      }
    }
    ctx.companionCache = all;
  }
  const out = new Set(all.get(lock) ?? []);
  for (const id of lock.match(/[A-Za-z_]\w*/g) ?? []) if (ctx.locals.has(id)) out.add(id);
  return out;
}

/** The names of the locks a call takes or releases, read from the call alone (no path: bindings are not consulted). */
function lockNames(ctx: GuardContext, c: CallSite, what: 'acquire' | 'release'): string[] {
  const h = ctx.table.get(c.name);
  if (h) {
    const taking = h.op === 'acquire' || h.op === 'tryacquire';
    if ((what === 'acquire') !== taking || h.op === 'acquireDouble' || h.op === 'releaseDouble' || h.lock === 'sched') return [];
    const arg = (i: number): string => c.args[i]?.text ?? '';
    const expr = h.lockName
      ? h.lockName.replace(/\{(&?)(ret|\d+)(?::(\d+))?\}/g, (_m, amp: string, w: string, fb?: string) => {
          const t = w === 'ret' ? arg(Number(fb ?? 0)) : arg(Number(w));
          return amp ? t.replace(/^&/, '') : t;
        })
      : arg(h.arg);
    return [ctx.namer.plain(expr, h.lock, h.mode)];
  }
  const sum = ctx.summaries.get(c.name);
  if (!sum) return [];
  const effects =
    what === 'release' ? [...sum.releases, ...sum.mayReleases] : [...sum.acquires, ...sum.condAcquires, ...(sum.mayAcquires ?? [])];
  return effects.map((e) => {
    const map = new Map(sum.params.map((p, i) => [p, c.args[i]?.text ?? p]));
    return ctx.namer.canonical(e.lock.replace(/[A-Za-z_]\w*/g, (id) => map.get(id)?.replace(/^&/, '') ?? id));
  });
}
