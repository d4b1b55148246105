// Moves per-function results to where the function is now. A function whose
// text did not change but that moved (an edit above it) has the same CFG,
// states and findings, only at other offsets and lines. Results are never
// mutated (an earlier FileAnalysis may still hold them): shifting copies.
import type { Cfg, CfgNode } from '../cfg/types';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks, LineLocks, LockImbalance } from '../locks/analyze';
import type { IrqEvent } from '../locks/irq';
import { type Move, moveRefs, ORIGIN, type Origin } from '../locks/origin';
import { type PathState, withPositions } from '../locks/state';
import type { ArgText, Assignment, CallSite, ExprFacts } from '../syntax/expr';
import type { FunctionSyntax } from '../syntax/functions';

/** How far a result moved: added to every offset and to every 0-based line. */
export type Delta = Move;

const isZero = (d: Delta): boolean => d.offset === 0 && d.line === 0;

// The copies below are written out field by field in the order their
// originals are made (syntax/expr.ts, cfg/build.ts), never spread: a spread
// copy gets another hidden class (fewer in-object fields), and every analysis
// site reading both saw two shapes, and can be deoptimized when a moved
// function first reaches it (a moved CFG's nodes and facts reach dataflow,
// the rules and the hints on every keystroke).

function shiftFacts(f: ExprFacts, d: number): ExprFacts {
  if (f.calls.length === 0 && f.assignments.length === 0) return f;
  return {
    calls: f.calls.map((c): CallSite => ({
      name: c.name,
      nameStart: c.nameStart + d,
      start: c.start + d,
      end: c.end + d,
      args: c.args.map((a): ArgText => ({ text: a.text, start: a.start + d, end: a.end + d })),
      depth: c.depth,
    })),
    assignments: f.assignments.map((a): Assignment => ({
      lhs: a.lhs,
      rhs: a.rhs,
      op: a.op,
      start: a.start + d,
      end: a.end + d,
      rhsCall: a.rhsCall,
    })),
  };
}

function shiftCfg(cfg: Cfg, delta: Delta): Cfg {
  if (isZero(delta)) return cfg;
  const d = delta.offset;
  const dl = delta.line;
  const nodes = cfg.nodes.map((n): CfgNode => ({
    id: n.id,
    kind: n.kind,
    start: n.start + d,
    end: n.end + d,
    line: n.line + dl,
    succ: n.succ,
    facts: d === 0 ? n.facts : shiftFacts(n.facts, d),
    returnText: n.returnText,
    loopMacro: n.loopMacro,
    noreturn: n.noreturn,
    debugStop: n.debugStop,
    exitsAt: n.exitsAt,
    declares: n.declares,
    error: n.error,
  }));
  return { ...cfg, nodes };
}

function shiftStates(before: PathState[][], d: number): PathState[][] {
  if (d === 0) return before;
  const seen = new Map<PathState, PathState>();
  const moves = (s: PathState): boolean => s.held.length > 0 || !!s.irq || !!s.saved?.length || s.releaseOnly !== undefined;
  const one = (s: PathState): PathState => {
    if (!moves(s)) return s;
    let out = seen.get(s);
    if (!out) {
      // (An entry lock's reason names the ASSERT or release by its offset: it moves with the rest.)
      // (Made by locks/state's one constructor of states: a spread copy had another shape than every state it
      // copied, and the hints read both kinds.)
      out = withPositions(
        s,
        s.held.map((h) =>
          h.because?.at === undefined ? { ...h, at: h.at + d } : { ...h, at: h.at + d, because: { ...h.because, at: h.because.at + d } },
        ),
        s.irq ? { ...s.irq, at: s.irq.at + d } : s.irq,
        s.saved ? s.saved.map((x) => (x.irq ? { ...x, irq: { ...x.irq, at: x.irq.at + d } } : x)) : s.saved,
        s.releaseOnly !== undefined ? s.releaseOnly + d : undefined,
      );
      seen.set(s, out);
    }
    return out;
  };
  return before.map((states) => (states.some(moves) ? states.map(one) : states));
}

function shiftLines(lines: LineLocks[], dl: number): LineLocks[] {
  if (dl === 0) return lines;
  return lines.map((l) => {
    const out: LineLocks = { ...l, line: l.line + dl, must: moveRefs(l.must, dl), may: moveRefs(l.may, dl) };
    if (l.irq) out.irq = { ...l.irq, line: l.irq.line + dl };
    if (l.after) {
      out.after = { must: moveRefs(l.after.must, dl), may: moveRefs(l.after.may, dl) };
      if (l.after.irq) out.after.irq = { ...l.after.irq, line: l.after.irq.line + dl };
    }
    return out;
  });
}

export function shiftDiagnostics(diags: CoreDiagnostic[], d: number): CoreDiagnostic[] {
  if (d === 0 || diags.length === 0) return diags;
  return diags.map((x) => {
    const out: CoreDiagnostic = { ...x, start: x.start + d, end: x.end + d };
    if (x.related) out.related = x.related.map((r) => ({ ...r, start: r.start + d, end: r.end + d }));
    if (x.edits) out.edits = x.edits.map((e) => ({ ...e, start: e.start + d, end: e.end + d }));
    return out;
  });
}

function shiftImbalances(list: LockImbalance[], d: number): LockImbalance[] {
  if (d === 0 || list.length === 0) return list;
  return list.map((x): LockImbalance => {
    switch (x.kind) {
      case 'retake':
        return { ...x, start: x.start + d, end: x.end + d, takenAt: x.takenAt + d };
      case 'doubleRelease':
        return { ...x, start: x.start + d, end: x.end + d };
      case 'mayRelease':
        return { ...x, start: x.start + d, end: x.end + d, takenAt: x.takenAt + d };
      case 'heldAtExit':
        return {
          ...x,
          start: x.start + d,
          end: x.end + d,
          takenAt: x.takenAt + d,
          freeExit: { start: x.freeExit.start + d, end: x.freeExit.end + d },
          ...(x.releaseOnly !== undefined ? { releaseOnly: x.releaseOnly + d } : {}),
        };
    }
  });
}

function shiftIrqEvents(list: IrqEvent[], d: number): IrqEvent[] {
  if (d === 0 || list.length === 0) return list;
  return list.map((x): IrqEvent => {
    switch (x.k) {
      case 'irqAcquire':
        return { ...x, start: x.start + d, end: x.end + d };
      case 'irqReenable':
        return { ...x, start: x.start + d, end: x.end + d, offAt: x.offAt + d };
      case 'forbidden':
        return { ...x, start: x.start + d, end: x.end + d, since: x.since + d };
    }
  });
}

// Lazy shifting. One character typed near the top of a file moves every later
// function: copying their CFG nodes and states on every keystroke was most of
// an incremental analysis. A moved CFG (or lock result) is instead a view of
// the unshifted one whose offset-bearing part (`nodes`, `before`) is copied
// when first read. Callers shift from the value as computed (not from an
// earlier view), so views never chain up.

/** What a moved CFG reads its nodes from. */
interface MovedCfg {
  base: Cfg;
  delta: Delta;
  nodes: CfgNode[] | undefined;
}

const MOVED_CFG = Symbol('movedCfg');

function movedNodes(this: Cfg & { [MOVED_CFG]: MovedCfg }): CfgNode[] {
  const m = this[MOVED_CFG];
  return (m.nodes ??= shiftCfg(m.base, m.delta).nodes);
}

const NODES: PropertyDescriptor = { get: movedNodes, enumerable: true, configurable: true };

/**
 * `base` moved by `delta`; its nodes are copied when first read. One shared
 * getter (as shiftLocksLazily's): a getter in an object literal made each
 * moved CFG a dictionary object, and every analysis reads CFGs.
 */
export function shiftCfgLazily(base: Cfg, delta: Delta): Cfg {
  if (isZero(delta)) return base;
  const out = {} as Cfg & { [MOVED_CFG]: MovedCfg };
  // The fields in the CFG's order, the nodes last.
  for (const k in base) if (k !== 'nodes') (out as unknown as Record<string, unknown>)[k] = base[k as keyof Cfg];
  Object.defineProperty(out, 'nodes', NODES);
  Object.defineProperty(out, MOVED_CFG, { value: { base, delta, nodes: undefined } satisfies MovedCfg });
  return out;
}

/** unmovedPart per result as computed: every edit above a function views it anew, with the same part. */
const unmoved = new WeakMap<FunctionLocks, Omit<FunctionLocks, 'before' | 'lineLocks'>>();

/**
 * The fields of a result a view shares with it. Not destructured: reading
 * `lineLocks` (a getter on a computed result) would compute every line. The
 * entry line stays with the base (assertedOnEntry moves what it reads of it).
 */
function unmovedPart(base: FunctionLocks): Omit<FunctionLocks, 'before' | 'lineLocks'> {
  let rest = unmoved.get(base);
  if (!rest) {
    const r: Record<string, unknown> = {};
    for (const k of Object.keys(base) as (keyof FunctionLocks)[])
      if (k !== 'before' && k !== 'lineLocks' && k !== 'entryLine') r[k] = base[k];
    rest = r as Omit<FunctionLocks, 'before' | 'lineLocks'>;
    unmoved.set(base, rest);
  }
  return rest;
}

/** What a moved view reads its lazy fields from (see shiftLocksLazily); also its Origin (locks/origin.ts). */
interface MovedFrom extends Origin {
  lineLocks: LineLocks[] | undefined;
  before: PathState[][] | undefined;
}

/** Not enumerable: a view has the same enumerable fields, in the same order, as a result. */
type View = FunctionLocks & { [ORIGIN]: MovedFrom };

function movedLineLocks(this: View): LineLocks[] {
  const m = this[ORIGIN];
  // Per line, as the hints of the lines on screen ask (a long file's moved functions are mostly off screen).
  return (m.lineLocks ??= shiftLines(m.base.lineLocks, m.delta.line));
}

function movedBefore(this: View): PathState[][] {
  const m = this[ORIGIN];
  return (m.before ??= shiftStates(m.base.before, m.delta.offset));
}

const LINE_LOCKS: PropertyDescriptor = { get: movedLineLocks, enumerable: true, configurable: true };
const BEFORE: PropertyDescriptor = { get: movedBefore, enumerable: true, configurable: true };

/**
 * Like shiftLocks, with the states (`before`) copied when first read; with a
 * zero delta it re-homes a result to another syntax/CFG object without
 * reading its states.
 *
 * Every function below an edit gets a new view on every keystroke. The lazy
 * fields are one shared getter each, reading the view's MovedFrom, not
 * getters written in an object literal: such a literal makes a slow
 * dictionary object with two new closures, per view, and the rules and the
 * discipline read these objects; views of results with the same fields share
 * one hidden class, and a view costs about half as much to make.
 */
export function shiftLocksLazily(base: FunctionLocks, delta: Delta, syntax: FunctionSyntax, cfg: Cfg): FunctionLocks {
  const rest = unmovedPart(base);
  const out = {} as View;
  // The fields in the result's order (syntax, cfg, imbalances and irqEvents replaced where they are), then the lazy two.
  for (const k in rest) (out as unknown as Record<string, unknown>)[k] = rest[k as keyof typeof rest];
  out.syntax = syntax;
  out.cfg = cfg;
  out.imbalances = shiftImbalances(base.imbalances, delta.offset);
  out.irqEvents = shiftIrqEvents(base.irqEvents, delta.offset);
  Object.defineProperty(out, 'lineLocks', LINE_LOCKS);
  Object.defineProperty(out, 'before', BEFORE);
  // Where it came from, read by originOf (and the lazy fields' state): one property, defined once.
  Object.defineProperty(out, ORIGIN, { value: { base, delta, lineLocks: undefined, before: undefined } satisfies MovedFrom });
  return out;
}
