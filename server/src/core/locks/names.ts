// Canonical lock names (the `locks` contract): `sched(E)` for scheduler locks,
// E being the vCPU/unit/pCPU expression the helper was given; a lock reached
// through a pointer variable is named by what the variable was assigned from
// when that can be traced (`old_lock = per_cpu(schedule_data, old_cpu).schedule_lock`
// with every `old_cpu = v->processor` gives `sched(v->processor)`), else by the
// variable; plain locks by their expression text (`prv->lock`, `:r`/`:w` for
// rwlocks); `rcu(x)` for RCU.
import type { Cfg } from '../cfg/types';
import { canonicalText } from '../syntax/tokens';
import type { LockKind } from '../xen/lockHelpers';

const IDENT = /^[A-Za-z_]\w*$/;
/** `a->b->c` or `a->b.c`: plain member paths (no calls, no indexing) name the same object wherever they are read. */
const MEMBER_PATH = /^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)+$/;
const MAX_TRACE_STEPS = 4;

/** One namer per CFG: the lock analysis, the discipline and the stale-use check all name a function's locks. */
const namers = new WeakMap<Cfg, LockNamer>();

export class LockNamer {
  /**
   * Variable -> the right-hand side assigned to it in the function, null when it is assigned several
   * distinct ones. Made on the first trace (fewer than half the namers of a folder ever trace), as are the
   * maps below on their first use: a namer lives as long as its CFG, to the end of a run.
   */
  private assigned: Map<string, string | null> | undefined;

  /** The namer of `cfg` (its answers depend on the CFG's assignments alone, and are remembered). */
  static of(cfg: Cfg): LockNamer {
    let n = namers.get(cfg);
    if (!n) namers.set(cfg, (n = new LockNamer(cfg)));
    return n;
  }

  private constructor(private readonly cfg: Cfg) {}

  private assignedOf(): Map<string, string | null> {
    if (this.assigned) return this.assigned;
    const assigned = new Map<string, string | null>();
    for (const node of this.cfg.nodes) {
      for (const a of node.facts.assignments) {
        if (a.op !== '=' || !IDENT.test(a.lhs)) continue;
        const value = assigned.get(a.lhs);
        if (value === undefined) assigned.set(a.lhs, a.rhs);
        else if (value !== null && value !== a.rhs) assigned.set(a.lhs, null);
      }
    }
    return (this.assigned = assigned);
  }

  /** A local with one distinct assigned value is traced to that value. */
  trace(expr: string): string {
    if (!IDENT.test(expr)) return expr;
    return this.assignedOf().get(expr) ?? expr;
  }

  sched(entity: string): string {
    // Named for every path through every scheduler-lock call: once per text (one string, not a new one each time).
    const names = (this.schedNames ??= new Map());
    let name = names.get(entity);
    if (name === undefined) {
      name = `sched(${stripParens(entity)})`;
      names.set(entity, name);
    }
    return name;
  }

  private schedNames: Map<string, string> | undefined;

  /**
   * When `expr` is the address of a pCPU's scheduler lock, its canonical name
   * (`per_cpu(schedule_data, X).schedule_lock`, `get_sched_res(X)->schedule_lock`,
   * `X->schedule_lock`, each optionally behind `&`); else undefined.
   */
  schedPointer(expr: string): string | undefined {
    // Every form below ends in `schedule_lock`, which canonicalText never makes from text without it (it
    // only drops comments and spaces between tokens, and keeps a space between two words): most
    // expressions asked (every assignment's right-hand side, every lock argument) are answered by this
    // search and not remembered: a namer is kept as long as its CFG, to the end of a run, and most never
    // see such an expression (their maps of answers were a fifth of the maps a folder's run kept: 520 of
    // 2.3k on the bench corpus; 80 now).
    if (!expr.includes('schedule_lock')) return undefined;
    // Asked for every assignment and lock argument on every path: answered once per text.
    const pointers = (this.pointers ??= new Map());
    if (pointers.has(expr)) return pointers.get(expr);
    const r = this.schedPointerOf(expr);
    pointers.set(expr, r);
    return r;
  }

  private pointers: Map<string, string | undefined> | undefined;

  /** schedPointer's answer for an expression that mentions `schedule_lock`. */
  private schedPointerOf(expr: string): string | undefined {
    // Argument texts are canonical (no spaces except between two words).
    const e = stripParens(canonicalText(expr).replace(/^&/, ''));
    let m = /^per_cpu\(schedule_data,(.+)\)\.schedule_lock$/.exec(e);
    if (m) return this.sched(this.trace(m[1]!));
    m = /^get_sched_res\((.+)\)->schedule_lock$/.exec(e);
    if (m) return this.sched(this.trace(m[1]!));
    m = /^(.+)->schedule_lock$/.exec(e);
    if (m) return this.sched(m[1]!);
    return undefined;
  }

  /**
   * `currd->caps_lock` where the function set `currd = current->domain` once:
   * `current->domain->caps_lock`, the name another function reaching the same
   * lock through its own local gives it too. Only plain member paths are
   * substituted (no calls, no indexing), which name the same object wherever
   * they are read.
   */
  private throughLocal(e: string): string {
    // `pool = obj->pool` and `obj = pgp->us.obj`: traced one local at a time,
    // a few steps at most (a cycle such as `p = p->next` stops at once).
    let cur = e;
    let seen: Set<string> | undefined;
    for (let step = 0; step < MAX_TRACE_STEPS; step++) {
      const m = /^([A-Za-z_]\w*)(->.*)$/.exec(cur);
      if (!m || seen?.has(m[1]!)) break;
      (seen ??= new Set()).add(m[1]!);
      const traced = this.trace(m[1]!);
      if (traced === m[1] || !MEMBER_PATH.test(traced)) break;
      cur = `${traced}${m[2]!}`;
    }
    return cur;
  }

  /**
   * A canonical name (from a callee's summary, substituted with this
   * function's arguments) with a local root traced as `plain` traces it:
   * `grant_write_lock(gt)` with `gt = d->grant_table` names
   * `d->grant_table->lock:w`, as `grant_write_unlock(d->grant_table)` does.
   */
  canonical(name: string): string {
    const m = /^(rcu\()?([^():]+?)(\))?(:[rw])?$/.exec(name);
    if (!m || !!m[1] !== !!m[3]) return name;
    return `${m[1] ?? ''}${this.throughLocal(m[2]!)}${m[3] ?? ''}${m[4] ?? ''}`;
  }

  /** A plain lock's name from the address expression given to spin_lock & co. */
  plain(arg: string, kind: LockKind, mode?: 'r' | 'w'): string {
    const sched = this.schedPointer(arg);
    if (sched) return sched;
    const e = this.throughLocal(stripParens(arg.replace(/^&\s*/, '')));
    if (kind === 'rcu') return `rcu(${e})`;
    if (kind === 'rwlock') return `${e}:${mode ?? 'w'}`;
    return e;
  }
}

/** `e` without the parentheses around all of it, however many (in one pass: `((((x))))` may be long). */
export function stripParens(e: string): string {
  // Most texts have neither brackets nor spaces around them: nothing to strip, nothing to allocate.
  if (e.length > 0 && e[0] !== '(' && !/\s/.test(e[0]!) && !/\s/.test(e[e.length - 1]!)) return e;
  // Where each `(` closes (-1: never).
  const close = new Int32Array(e.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < e.length; i++) {
    if (e[i] === '(') open.push(i);
    else if (e[i] === ')' && open.length) close[open.pop()!] = i;
  }
  let lo = 0;
  let hi = e.length;
  const trim = (): void => {
    while (lo < hi && /\s/.test(e[lo]!)) lo++;
    while (hi > lo && /\s/.test(e[hi - 1]!)) hi--;
  };
  trim();
  while (hi - lo >= 2 && e[lo] === '(' && close[lo] === hi - 1) {
    lo++;
    hi--;
    trim();
  }
  return e.slice(lo, hi);
}

/** Replaces whole-word identifiers of `expr` by the mapped texts (parameter -> argument). */
export function substitute(expr: string, map: ReadonlyMap<string, string>): string {
  return expr.replace(/[A-Za-z_]\w*/g, (id) => {
    const r = map.get(id);
    if (r === undefined) return id;
    return IDENT.test(r) || /^[\w>.-]+$/.test(r) ? r : `(${r})`;
  });
}
