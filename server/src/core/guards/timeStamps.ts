// Time stamps for XSR014 (c), across calls: a stamp is taken by NOW() or by
// an analysed function that returns one (`now = rt_clock()`), and a stamp
// handed to a callee is compared there, a few calls deep, with what a lock
// guards (`update_load(ops, rqd, svc, -1, now)` → `delta = now -
// rqd->load_last_update`). The caller decides whether the lock was held
// where the stamp was taken; this module only says what the callees do.
import type { CfgNode } from '../cfg/types';
import type { FunctionLocks } from '../locks/analyze';
import { originOf } from '../locks/origin';
import { isDebugCheck, isDiagnosticOutput, isTimeSample } from '../xen/accessOps';
import type { FunctionFacts } from './collect';
import { usesValue } from './nodeTokens';

type Resolve = (caller: FunctionFacts, name: string) => FunctionFacts | undefined;
type GuardLock = (loc: string) => string | undefined;

/** Calls followed from the caller's call (the callee, its callees…). */
const DEPTH = 4;

/** A comparison of a stamp with a guarded location in a callee. */
export interface TimeComparison {
  /** The guarded location (type level) and its lock (aliased). */
  loc: string;
  lock: string;
  /** The functions from the callee to the one that compares (`update_load`, `__update_runq_load`). */
  chain: string[];
}

/** `(s_time_t)NOW()`, `get_time()`: the called function's name when the text is a call without arguments. */
function calledName(text: string): string | undefined {
  return /^(?:\(\s*[A-Za-z_][\w\s]*\)\s*)?([A-Za-z_]\w*)\s*\(\s*\)$/.exec(text.trim())?.[1];
}

/**
 * Per run (its resolver: what a name resolves to is the run's), per function:
 * moved facts are one object per remembered result from run to run
 * (collect.ts's movedView), and what they return or compare depends on the
 * run's callees and guards.
 */
const returnsTimeByRun = new WeakMap<Resolve, WeakMap<FunctionFacts, boolean>>();
function returnsTimeOf(resolve: Resolve): WeakMap<FunctionFacts, boolean> {
  let m = returnsTimeByRun.get(resolve);
  if (!m) returnsTimeByRun.set(resolve, (m = new WeakMap()));
  return m;
}
/** The function called by each return (undefined: a return that is not a call without arguments), per lock result as computed (names only: where it sits does not matter). */
const returnCalls = new WeakMap<FunctionLocks, (string | undefined)[]>();

function returnCallsOf(g: FunctionFacts): (string | undefined)[] {
  // Read from the result as computed: a moved view's nodes are copied when first read (incremental/shift.ts).
  const { base } = originOf(g.fn);
  let out = returnCalls.get(base);
  if (!out)
    returnCalls.set(
      base,
      (out = base.cfg.nodes
        .filter((n) => n.kind === 'return')
        .map((n) => (n.returnText === undefined ? undefined : calledName(n.returnText)))),
    );
  return out;
}

/** Every return of the function hands back a time sample (`return NOW();`, or a call of such a function). */
function returnsTimeSample(g: FunctionFacts, resolve: Resolve, depth: number): boolean {
  const returnsTime = returnsTimeOf(resolve);
  const known = returnsTime.get(g);
  if (known !== undefined) return known;
  returnsTime.set(g, false);
  const returns = returnCallsOf(g);
  const yes =
    returns.length > 0 &&
    returns.every((name) => {
      if (!name) return false;
      if (isTimeSample(name)) return true;
      const h = depth < DEPTH ? resolve(g, name) : undefined;
      return !!h && h !== g && returnsTimeSample(h, resolve, depth + 1);
    });
  returnsTime.set(g, yes);
  return yes;
}

/** The right-hand side of `x = …` is a time sample: `NOW()`, or a call of an analysed function that returns one. */
export function samplesTime(f: FunctionFacts, rhs: string, resolve: Resolve): boolean {
  const name = calledName(rhs);
  return !!name && callsTimeSample(f, name, resolve);
}

const IDENT = /^[A-Za-z_]\w*$/;

/** A call of `name` (`name()`) is a time sample: what samplesTime says of that text, without building it. */
export function callSamplesTime(f: FunctionFacts, name: string, resolve: Resolve): boolean {
  return IDENT.test(name) ? callsTimeSample(f, name, resolve) : samplesTime(f, `${name}()`, resolve);
}

function callsTimeSample(f: FunctionFacts, name: string, resolve: Resolve): boolean {
  if (isTimeSample(name)) return true;
  const g = resolve(f, name);
  return !!g && g !== f && returnsTimeSample(g, resolve, 1);
}

/** Per run (its resolver, as returnsTimeByRun), per function and parameter. */
const summariesByRun = new WeakMap<Resolve, WeakMap<FunctionFacts, Map<number, TimeComparison | null>>>();

/**
 * The function compares its parameter `index` (a time stamp) with a location
 * a lock guards, itself or in a callee it hands the parameter to. A parameter
 * assigned anew (`now = NOW()`) or handed on by address is not the caller's
 * stamp any more.
 */
function comparesTimeParam(g: FunctionFacts, index: number, guardLock: GuardLock, resolve: Resolve, depth = 0): TimeComparison | undefined {
  let summaries = summariesByRun.get(resolve);
  if (!summaries) summariesByRun.set(resolve, (summaries = new WeakMap()));
  let memo = summaries.get(g);
  if (!memo) summaries.set(g, (memo = new Map()));
  const known = memo.get(index);
  if (known !== undefined) return known ?? undefined;
  memo.set(index, null);
  const found = compareIn(g, index, guardLock, resolve, depth);
  memo.set(index, found ?? null);
  return found;
}

function compareIn(g: FunctionFacts, index: number, guardLock: GuardLock, resolve: Resolve, depth: number): TimeComparison | undefined {
  const p = g.fn.syntax.params[index];
  if (!p || g.boot || g.fn.degraded) return undefined;
  const text = g.file.text;
  const nodes = g.fn.cfg.nodes;
  const replaced = nodes.some(
    (n) =>
      n.facts.assignments.some((a) => a.lhs === p && a.op === '=') || n.facts.calls.some((c) => c.args.some((a) => a.text === `&${p}`)),
  );
  if (replaced) return undefined;
  for (const n of nodes) {
    if (n.end <= n.start || !usesValue(text, n, p)) continue;
    const decides = n.kind === 'cond' || n.kind === 'switch';
    const assigned = n.facts.assignments.some((a) => new RegExp(`(^|[^\\w>.])${p}\\b(?!\\s*\\()`).test(a.rhs));
    if (decides || assigned) {
      const cmp = g.accesses.find(
        (a) => a.node === n.id && a.kind === 'read' && guardLock(a.loc) !== undefined && comparedWithNow(text, n, p, a, decides),
      );
      if (cmp) return { loc: cmp.loc, lock: guardLock(cmp.loc)!, chain: [g.name] };
    }
    if (depth >= DEPTH) continue;
    for (const c of n.facts.calls) {
      if (isDiagnosticOutput(c.name) || isDebugCheck(c.name)) continue;
      const j = c.args.findIndex((a) => a.text === p);
      const h = j >= 0 ? resolve(g, c.name) : undefined;
      if (!h || h === g) continue;
      const r = comparesTimeParam(h, j, guardLock, resolve, depth + 1);
      if (r) return { ...r, chain: [g.name, ...r.chain] };
    }
  }
  return undefined;
}

/** A callee the node hands the stamp `v` to compares it with a location whose lock `ok` accepts. */
export function handedTimeStamp(
  f: FunctionFacts,
  n: CfgNode,
  v: string,
  guardLock: GuardLock,
  resolve: Resolve,
  ok: (lock: string) => boolean,
): (TimeComparison & { call: string }) | undefined {
  for (const c of n.facts.calls) {
    if (isDiagnosticOutput(c.name) || isDebugCheck(c.name)) continue;
    const j = c.args.findIndex((a) => a.text === v);
    const g = j >= 0 ? resolve(f, c.name) : undefined;
    if (!g || g === f) continue;
    const r = comparesTimeParam(g, j, guardLock, resolve);
    if (r && ok(r.lock)) return { ...r, call: c.name };
  }
  return undefined;
}

/**
 * The node compares the time stamp with X (`now >= X`, `X < now`) or takes
 * their difference (`now - X`), and does not test first that X is not later
 * (`now < X || now - X > …`: it handles a stamp from before the lock).
 */
export function comparedWithNow(text: string, n: CfgNode, v: string, x: { start: number; end: number }, decides: boolean): boolean {
  const body = text.slice(n.start, n.end).replace(/\s+/g, '');
  const xs = text.slice(x.start, x.end).replace(/\s+/g, '');
  const esc = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const difference = body.includes(`${v}-${xs}`) || body.includes(`${xs}-${v}`);
  const order = new RegExp(`(^|[^\\w>])(${esc(v)}(<|<=|>|>=)${esc(xs)}|${esc(xs)}(<|<=|>|>=)${esc(v)})([^\\w]|$)`).test(body);
  if (difference && order && decides) return false;
  return difference || (decides && order);
}
