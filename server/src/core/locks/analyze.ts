// Lock-state analysis of one function: the dataflow, the held sets per line,
// lock-imbalance findings (XSR007) and the function's summary.
import { type CfgShape, cfgShape, type Domain, solve } from '../cfg/dataflow';
import type { Cfg, CfgEdge, CfgNode } from '../cfg/types';
import type { FunctionSyntax } from '../syntax/functions';
import type { LineIndex, LineLookup } from '../syntax/lineIndex';
import { forbiddenCall, irqPrimitive } from '../xen/interrupts';
import { heldPredicate, type HelperTable, type LockKind } from '../xen/lockHelpers';
import { constantTruth, correlatedAtoms } from './condition';
import { enteredWith, type IrqEvent } from './irq';
import { LockNamer } from './names';
import {
  EMPTY_STATE,
  type EntryReason,
  type HeldLock,
  MAX_FACTS,
  mergeStates,
  type PathState,
  sameKey,
  stateKey,
  withHeld,
  withHeldList,
  withIrqState,
} from './state';
import { type FunctionSummary, type LockEffect, RETURNED, type SummaryLookup } from './summary';
import { type LockEvent, passesUnchanged, rootName, type TransferContext, transferEdge, transferNode } from './transfer';

export interface LockRef {
  name: string;
  /** 0-based line where it was taken (the function's first line for locks held on entry). */
  line: number;
  /** Held because the caller holds it. */
  entry?: boolean;
  /** Why it is assumed held on entry: the function's `_locked` name, an ASSERT (0-based line), or a release of it without a take (0-based line). */
  because?: { how: 'name' | 'assert' | 'release'; line?: number };
}

/**
 * The interrupt state at a point, for the editor: on or off on every path
 * (`may`: off on some paths only, the others on or unknown), with the 0-based
 * line where it became so (the function's first line when it was entered so).
 * Absent: unknown.
 */
interface IrqRef {
  on: boolean;
  line: number;
  entry?: true;
  may?: true;
}

/** Held locks at a point: on every path, on some; and the interrupt state. */
export interface HeldSets {
  must: LockRef[];
  may: LockRef[];
  irq?: IrqRef;
}

export interface LineLocks {
  /** 0-based line of the statement. */
  line: number;
  /** CFG node of the first statement starting on that line. */
  node: number;
  must: LockRef[];
  may: LockRef[];
  /**
   * Locks held after the line's statements, on their own paths, when one of
   * them flows into a join (the end of an if/else, a label, a loop head):
   * there the states before the join's node mix every branch's.
   */
  after?: HeldSets;
  irq?: IrqRef;
}

export interface FunctionLocks {
  syntax: FunctionSyntax;
  cfg: Cfg;
  /** Path states before each CFG node. */
  before: PathState[][];
  /** Path states after each node (for the rules: what holds right after a call). */
  lineLocks: LineLocks[];
  /**
   * The first statement line's sets (what the function is entered holding), as
   * `lineLocks[0]` has them: the lock discipline reads only this of every
   * function, and `lineLocks` is computed when first read (the editor's hints).
   */
  entryLine?: Pick<LineLocks, 'line' | 'must' | 'may'>;
  /** The function takes or releases a lock itself (directly or through a summarised call). */
  touchesLocks: boolean;
  summary: FunctionSummary;
  /** Lock imbalances found on the way (reported as XSR007 by rules/xsr007.ts). */
  imbalances: LockImbalance[];
  /** What the interrupt analysis saw (locks/irq.ts): lock sites with interrupts on/off, mismatched variants, re-enables, forbidden calls. */
  irqEvents: IrqEvent[];
  /** Interrupts on (true) or off (false) when entered, as the analysis assumed (absent: unknown). */
  entryIrq?: boolean;
  /** Why it is entered so, in words (`every one of its 3 calls here is made with interrupts off`). */
  entryIrqWhy?: string;
  /** Entered so by Xen itself with no lock held (a stop_machine_run or IPI callback), not under a caller's lock. */
  entryIrqBare?: boolean;
  /** Per callee: how many paths call it with interrupts on, off, or in an unknown state (what its entry state is learned from). */
  callIrq?: CallIrq;
  /** The analysis was cut short or coarsened (why, in a sentence): its results are may-answers or absent. */
  degraded?: string;
}

/**
 * The calls of a function to each callee by the interrupt state at the call:
 * `callees[i]` called `counts[3i]` times with interrupts on, `counts[3i + 1]`
 * off, `counts[3i + 2]` in an unknown state (over the paths reaching each
 * call). Two lists per function, not an object per callee: every result keeps
 * them to the end of a run (the bench corpus: 1.6k objects fewer of the
 * 160k a folder's run kept).
 */
export interface CallIrq {
  callees: string[];
  counts: number[];
}

/** Path states kept per node: path-sensitive, or all merged into one when the work budget ran out. */
const PATH_SENSITIVE = 12;
const MERGED = 1;
/** Work budgets of the two passes (see cfg/dataflow.ts; Xen's costliest function needs about 45,000). */
const PATH_SENSITIVE_BUDGET = 150_000;
// The merged pass's budget bounds the worst case's time and memory (about half a second and 100 MB for
// 400 conditional lock pairs: npm run bench, worstFunctionMs); real functions need a tenth of it.
const MERGED_BUDGET = 200_000;

/**
 * A lock imbalance, as data: `retake` (taken while held), `doubleRelease`
 * (released when already released on this path), `heldAtExit` (held at this
 * exit while another exit releases it).
 */
export type LockImbalance =
  | { kind: 'retake'; lock: string; start: number; end: number; takenAt: number }
  | { kind: 'doubleRelease'; lock: string; start: number; end: number }
  /** Released where some paths hold it and some do not (taken at `takenAt` on the paths that do). */
  | { kind: 'mayRelease'; lock: string; start: number; end: number; takenAt: number }
  | {
      kind: 'heldAtExit';
      lock: string;
      start: number;
      end: number;
      takenAt: number;
      freeExit: { start: number; end: number };
      /** Held there in release builds only: the path went past the ASSERT_UNREACHABLE() at this offset. */
      releaseOnly?: number;
    };

export interface AnalyzeOptions {
  source: string;
  lineIndex: LineIndex;
  table: HelperTable;
  summaries: SummaryLookup;
  /** Interrupts on (true) or off (false) when the function is entered; unknown when absent. */
  entryIrq?: boolean | undefined;
  /** Why, in words (findings quote it). */
  entryIrqWhy?: string | undefined;
  entryIrqBare?: boolean | undefined;
}

/** Variables declared in the body (not parameters): locks named through them belong to this function. */
function localsOf(fn: FunctionSyntax, cfg: Cfg): ReadonlySet<string> {
  let out: Set<string> | undefined;
  for (const n of cfg.nodes) if (n.declares) for (const name of n.declares) if (!fn.params.includes(name)) (out ??= new Set()).add(name);
  // (None: the shared empty set.)
  return out ?? NO_NAMES;
}

/** A result that says nothing: no lock anywhere (a function that takes none), or not analysed (`degraded` says why). */
export function nothingHeld(fn: FunctionSyntax, cfg: Cfg, degraded?: string): FunctionLocks {
  const before = cfg.nodes.map(() => ONLY_EMPTY);
  const out = lockResult(fn, cfg, before, undefined, undefined, {
    touchesLocks: false,
    summary: {
      name: fn.name,
      params: fn.params,
      acquires: NOTHING,
      releases: NOTHING,
      mayReleases: NOTHING,
      condAcquires: NOTHING,
      requires: NOTHING,
    },
    imbalances: NOTHING,
    irqEvents: NOTHING,
  });
  if (degraded) out.degraded = degraded;
  return out;
}

export function analyzeFunctionLocks(fn: FunctionSyntax, cfg: Cfg, opts: AnalyzeOptions): FunctionLocks {
  if (cfg.degraded) return nothingHeld(fn, cfg, `not analysed: ${cfg.degraded}`);
  const { touches, crowded } = lockCalls(cfg, opts);
  const conventionalState = conventionalEntry(fn, cfg, opts.source);
  let entry = conventionalState;
  const irq = enteredWith(opts.entryIrq, fn.start);
  if (irq) entry = withIrqState(entry, irq);
  // Nothing to track: every statement sees the empty set (and, entered with interrupts off, nothing here cares).
  if (!touches && entry.held.length === 0 && !(irq && touchesIrq(cfg))) {
    const out = nothingHeld(fn, cfg);
    // Nothing here changes the interrupt state: every call runs as the function was entered.
    if (irq) {
      out.entryIrq = irq.on;
      if (opts.entryIrqWhy !== undefined) out.entryIrqWhy = opts.entryIrqWhy;
      if (opts.entryIrqBare) out.entryIrqBare = true;
      const callees = [...new Set(cfg.nodes.flatMap((n) => n.facts.calls.map((c) => c.name)))];
      out.callIrq = { callees, counts: callees.flatMap(() => (irq.on ? [1, 0, 0] : [0, 1, 0])) };
    }
    return out;
  }
  if (crowded)
    return nothingHeld(
      fn,
      cfg,
      `not analysed: the statement at line ${crowded.line + 1} makes more than ${MAX_LOCK_CALLS_PER_STATEMENT} lock calls`,
    );
  // The CFG's shape, for each pass's solve (one to three) and the guarded releases' walks.
  const shape = cfgShape(cfg);
  const ctx: TransferContext = {
    source: opts.source,
    table: opts.table,
    namer: LockNamer.of(cfg),
    summaries: opts.summaries,
    trackedAtoms: correlatedAtoms(cfg, opts.source),
    locals: localsOf(fn, cfg),
    cfg,
    preds: shape.preds,
    released: new Set(),
    unconditional: dominatesExit(cfg),
    // The fields filled in later, present from the start: every context has one shape, and the
    // transfer's many reads of it stay monomorphic.
    guardCache: undefined,
    companionCache: undefined,
    edgePlans: undefined,
    assertMacros: undefined,
    inertNames: undefined,
    plans: undefined,
    events: undefined,
    factsOverflow: undefined,
  };
  const domain = new LockDomain(ctx);
  // Path-sensitive first; a function with more paths than the work budget
  // allows is solved again with every node's paths merged (a sound "may"
  // answer: what is held on all paths stays must-held), and says so.
  let disjuncts = PATH_SENSITIVE;
  let pass = reportingPass(ctx, cfg, shape, domain, entry, disjuncts);
  if (pass.exhausted) pass = reportingPass(ctx, cfg, shape, domain, entry, (disjuncts = MERGED));
  if (pass.exhausted) return nothingHeld(fn, cfg, 'not analysed: more paths and states than the analysis budget allows');
  let { before, events, exits, intoJoins } = pass;
  // A lock released here but never taken is the caller's: run again with it
  // held on entry, so we know on which paths it is released (a summary that
  // says "releases" must be true on every path). Rare: most functions skip it.
  // (Made for the few functions that release a lock they did not take.)
  let inferred: Map<string, LockKind> | undefined;
  let reasons: Map<string, EntryReason> | undefined;
  // Released unheld where another path reaching the same release took it here: the paths disagree (a
  // may-held release), not a lock the caller holds; the function would otherwise "retake" its own entry lock.
  const mayHeldReleases: LockImbalance[] = [];
  for (const { e, node } of events) {
    if (e.k !== 'requires' || e.start === undefined || e.end === undefined || e.assert) continue;
    // Taken above the release (a lock taken again below it, round a loop, is the caller's lock coming back).
    const holder = before[node.id]!.flatMap((s) => s.held).find((h) => h.name === e.lock && !h.maybe && !h.entry && h.at < e.start!);
    if (holder) mayHeldReleases.push({ kind: 'mayRelease', lock: e.lock, start: e.start, end: e.end, takenAt: holder.at });
  }
  const disagreeing: ReadonlySet<string> = mayHeldReleases.length ? new Set(mayHeldReleases.map((x) => x.lock)) : NO_NAMES;
  for (const { e } of events)
    if (e.k === 'requires' && !entry.held.some((h) => h.name === e.lock) && !disagreeing.has(e.lock)) {
      (inferred ??= new Map()).set(e.lock, e.kind);
      reasons ??= new Map();
      if (!reasons.has(e.lock) && e.start !== undefined) reasons.set(e.lock, { how: e.assert ? 'assert' : 'release', at: e.start });
    }
  if (inferred) {
    for (const [name, kind] of inferred) {
      const because = reasons!.get(name);
      entry = withHeld(entry, { name, kind, at: fn.start, entry: true, ...(because ? { because } : {}) });
    }
    pass = reportingPass(ctx, cfg, shape, domain, entry, disjuncts);
    if (pass.exhausted) return nothingHeld(fn, cfg, 'not analysed: more paths and states than the analysis budget allows');
    ({ before, events, exits, intoJoins } = pass);
    for (const [name, kind] of inferred) events.push({ e: { k: 'requires', lock: name, kind }, node: cfg.nodes[cfg.entry]! });
  }
  ctx.events = undefined;
  // (The list of may-held releases, read for the last time above, goes on as the findings' list.)
  const imbalances: LockImbalance[] = mayHeldReleases;
  for (const { e, node } of events) {
    if (e.k === 'retake') imbalances.push({ kind: 'retake', lock: e.lock, start: e.start, end: e.end, takenAt: e.heldAt });
    else if (e.k === 'doubleRelease') imbalances.push({ kind: 'doubleRelease', lock: e.lock, start: e.start, end: e.end });
    else if (e.k === 'unheldRelease') {
      // A local's lock released where one path holds it and another does not: the paths disagree.
      const holder = before[node.id]!.flatMap((s) => s.held).find((h) => h.name === e.lock && !h.maybe && !h.entry);
      if (holder) imbalances.push({ kind: 'mayRelease', lock: e.lock, start: e.start, end: e.end, takenAt: holder.at });
    }
  }
  const requires = new Map<string, LockKind>();
  for (const h of entry.held) requires.set(h.name, h.kind);
  const conventional: ReadonlySet<string> = conventionalState.held.length ? new Set(conventionalState.held.map((h) => h.name)) : NO_NAMES;
  for (const { e } of events) if (e.k === 'requires' && !disagreeing.has(e.lock)) requires.set(e.lock, e.kind);
  const boolish = returnsFlag(fn, opts.source);
  // Held on entry, kept (or taken again) exactly when returning non-NULL: the caller's test says which.
  const reachable = exits.filter((x) => x.states.length > 0);
  const condReleased: ReadonlySet<string> = requires.size
    ? new Set([...requires.keys()].filter((n) => releaseSays(reachable, n, boolish)))
    : NO_NAMES;
  const imbalance = exitImbalance(fn, exits, boolish, { released: ctx.released, locals: ctx.locals, skip: condReleased });
  // A function that is itself a lock helper (sched_spin_lock_double) is a primitive: no imbalance there.
  if (!opts.table.has(fn.name)) imbalances.push(...imbalance.heldAtExit);
  // Merged paths (or forgotten branch facts) cannot tell a leak from two paths that each do the right thing: no findings then.
  if (disjuncts === MERGED || ctx.factsOverflow) imbalances.length = 0;
  const heldAtAllExits = (name: string): boolean =>
    reachable.length > 0 && reachable.every((x) => x.states.every((s) => s.held.some((h) => h.name === name && !h.maybe)));
  const callerInstanceReleasedSomewhere = (name: string): boolean =>
    reachable.some((x) => x.states.some((s) => !s.held.some((h) => h.name === name && h.entry)));
  const callerInstanceReleased = (name: string): boolean =>
    reachable.every((x) => x.states.every((s) => !s.held.some((h) => h.name === name && h.entry)));
  const effect = (name: string, kind: LockKind): LockEffect => ({ lock: name, kind });
  // A lock named through a local this function returns (`spin_lock(&act->lock); return act;`) is, for
  // the caller, the lock of the returned object: `$ret->lock`, which the call site names after its own variable.
  const handed = (name: string): LockEffect => effect(returnedName(name, reachable, ctx.locals), imbalance.kinds.get(name)!);
  // What became of each lock required on entry (one walk over the map; most functions require none).
  const releases: LockEffect[] = [];
  const mayReleases: LockEffect[] = [];
  const required: LockEffect[] = [];
  // (forEach: no [name, kind] pair made per entry.)
  requires.forEach((k, n) => {
    // The caller's instance is gone at every exit (a lock held again there was taken anew: see acquires/condAcquires).
    if (!condReleased.has(n) && callerInstanceReleased(n)) releases.push(effect(n, k));
    // Gone at some exits only: afterwards the caller may or may not hold it.
    else if (!condReleased.has(n) && callerInstanceReleasedSomewhere(n)) mayReleases.push(effect(n, k));
    required.push(conventional.has(n) ? { lock: n, kind: k, conventional: true } : effect(n, k));
  });
  // Built field by field, in the order the fields always had, without spreads (a spread amid a literal
  // makes the engine build the object slowly, and this runs for every function).
  // Empty lists (most of them) are the one shared empty list: the summary is kept to the end of the run.
  const summary = {
    name: fn.name,
    params: fn.params,
    acquires: kept(imbalance.acquirers.filter(heldAtAllExits).map(handed)),
    releases: kept(releases),
    mayReleases: kept(mayReleases),
    condAcquires: kept(imbalance.conditional.map(handed)),
  } as FunctionSummary;
  if (imbalance.statusConvention) summary.condConvention = 'status';
  summary.mayAcquires = kept(imbalance.mayAcquire.map(handed));
  if (condReleased.size) summary.condReleases = [...condReleased].map((n) => effect(n, requires.get(n)!));
  summary.requires = kept(required);
  const irqExit = irqExitOf(reachable);
  if (irqExit !== undefined) summary.irqExit = irqExit;
  const lineIndex = opts.lineIndex;
  const out = lockResult(fn, cfg, before, lineIndex, intoJoins, {
    touchesLocks: touches,
    summary,
    imbalances: kept(imbalances),
    // A lock primitive's own body (spinlock.c's `_spin_lock_irq`) is what the helper table describes: no sites there.
    irqEvents: opts.table.has(fn.name) ? NOTHING : kept(irqEventsOf(events)),
  });
  const entryLine = firstStatementLocks(cfg, before, lineIndex);
  if (entryLine) out.entryLine = entryLine;
  if (opts.entryIrq !== undefined) out.entryIrq = opts.entryIrq;
  if (opts.entryIrqWhy !== undefined) out.entryIrqWhy = opts.entryIrqWhy;
  if (opts.entryIrqBare) out.entryIrqBare = true;
  const callIrq = callSiteIrq(cfg, before);
  if (callIrq) out.callIrq = callIrq;
  if (disjuncts === MERGED)
    out.degraded =
      'paths merged: the function has more paths than the analysis budget allows, so held locks are may-answers and no imbalance is reported';
  else if (ctx.factsOverflow)
    out.degraded = `more correlated branch tests than a path can remember (${MAX_FACTS}): some lock states are may-answers and no imbalance is reported`;
  return out;
}

/**
 * The lock state as the solve sees it: one object whose methods the solve
 * calls, rather than a literal of closures over the context made per analysis
 * (eight objects per function, and calls through properties of many closures).
 */
class LockDomain implements Domain<PathState> {
  constructor(private readonly ctx: TransferContext) {}
  key(s: PathState): string {
    return stateKey(s);
  }
  same(a: PathState, b: PathState): boolean {
    return sameKey(a, b);
  }
  merge(states: readonly PathState[]): PathState {
    return mergeStates(states);
  }
  transfer(node: CfgNode, s: PathState): PathState[] {
    return transferNode(this.ctx, node, s);
  }
  passes(node: CfgNode): boolean {
    return passesUnchanged(this.ctx, node);
  }
  edge(node: CfgNode, edge: CfgEdge, s: PathState): PathState | undefined {
    return transferEdge(this.ctx, node, edge, s);
  }
  weight(s: PathState): number {
    return 1 + s.held.length + s.facts.length;
  }
  partition(s: PathState): string {
    return `${s.held.map((h) => `${h.name}${h.maybe ? '?' : ''}${h.handed ? 'h' : ''}`).join(',')}${s.releaseOnly !== undefined ? '|R' : ''}`;
  }
}

/** What a result's per-line sets are computed from, when first read (lineLocksOfResult). */
interface LinesFrom {
  cfg: Cfg;
  before: PathState[][];
  /** The function's lines (its stretch of the index alone); absent for a function that takes no lock (nothing held on any line). */
  lines: LineLookup | undefined;
  intoJoins: readonly (PathState[] | undefined)[] | undefined;
  computed?: LineLocks[];
}

/**
 * Per result: what its lines are computed from. Not a getter closure in the
 * result's literal: an object literal with an accessor is made as a slow
 * dictionary object, one per function, and every rule and the discipline read
 * those objects; defined with this one shared getter they all share one shape.
 * (Kept apart from the analysis's scope: it holds only what the lines need, not
 * the transfer context, the events and the exits of the whole analysis.)
 */
const linesFrom = new WeakMap<FunctionLocks, LinesFrom>();

function lineLocksOfResult(this: FunctionLocks): LineLocks[] {
  const from = linesFrom.get(this)!;
  return (from.computed ??= from.lines ? linesOf(from.cfg, from.before, from.lines, from.intoJoins ?? []) : emptyLines(from.cfg));
}

const LINE_LOCKS: PropertyDescriptor = { get: lineLocksOfResult, enumerable: true, configurable: true };

/**
 * The result object, its per-line sets computed when first read (hints, `xsr
 * locks`: a folder check reads the first line alone, entryLine), its fields
 * in their usual order.
 */
function lockResult(
  fn: FunctionSyntax,
  cfg: Cfg,
  before: PathState[][],
  lineIndex: LineIndex | undefined,
  intoJoins: readonly (PathState[] | undefined)[] | undefined,
  rest: Pick<FunctionLocks, 'touchesLocks' | 'summary' | 'imbalances' | 'irqEvents'>,
): FunctionLocks {
  const out = { syntax: fn, cfg, before } as FunctionLocks;
  Object.defineProperty(out, 'lineLocks', LINE_LOCKS);
  // Every offset the lines read (states' locks and interrupt changes) is inside the function.
  linesFrom.set(out, { cfg, before, lines: lineIndex?.window(fn.start, fn.end), intoJoins });
  out.touchesLocks = rest.touchesLocks;
  out.summary = rest.summary;
  out.imbalances = rest.imbalances;
  out.irqEvents = rest.irqEvents;
  return out;
}

interface Exit {
  node: CfgNode;
  states: PathState[];
}

/**
 * Replays each node once on its final states: the events (retakes, double
 * releases, requirements) and the states leaving the function at each exit.
 */
function reportingPass(
  ctx: TransferContext,
  cfg: Cfg,
  shape: CfgShape,
  domain: Domain<PathState>,
  entry: PathState,
  disjuncts: number,
): {
  before: PathState[][];
  intoJoins: (PathState[] | undefined)[];
  events: { e: LockEvent; node: CfgNode }[];
  exits: Exit[];
  exhausted?: boolean;
} {
  // Events are collected while solving: every state the solver sees is a real
  // path (or a merge that keeps only what all its paths agree on), so no
  // second pass over the function is needed for them.
  const events: { e: LockEvent; node: CfgNode }[] = [];
  // One event per kind, lock, place (and vote, for an acquire): the events seen, by place (made with the first).
  let seen: Map<number | undefined, LockEvent[]> | undefined;
  ctx.events = (e, node) => {
    const at = 'start' in e ? e.start : undefined;
    const here = (seen ??= new Map<number | undefined, LockEvent[]>()).get(at);
    if (here?.some((x) => sameEvent(x, e))) return;
    if (here) here.push(e);
    else seen.set(at, [e]);
    events.push({ e, node });
  };
  const { before, exhausted, intoJoins, intoExit, merged } = solve(
    cfg,
    domain,
    entry,
    disjuncts,
    disjuncts === MERGED ? MERGED_BUDGET : PATH_SENSITIVE_BUDGET,
    shape,
  );
  if (exhausted) {
    ctx.events = undefined;
    return { before, intoJoins, events, exits: [], exhausted };
  }
  const exits: Exit[] = [];
  for (const node of cfg.nodes) {
    if (before[node.id]!.length === 0 || node.kind === 'exit') continue;
    if (!node.succ.some((e) => e.to === cfg.exit)) continue;
    // What the solve sent to the exit (its final states, transferred); a node whose states a merge
    // replaced is transferred again.
    const sent = merged?.has(node.id) ? undefined : intoExit[node.id];
    const after = merged?.has(node.id) ? before[node.id]!.flatMap((s) => transferNode(ctx, node, s)) : undefined;
    for (let j = 0; j < node.succ.length; j++) {
      const e = node.succ[j]!;
      if (e.to !== cfg.exit) continue;
      const taken = after
        ? after.map((s) => transferEdge(ctx, node, e, s)).filter((s): s is PathState => s !== undefined)
        : (sent?.[j] ?? []);
      // A lock held under two names the path knows are one (`lp == rp`) is held under both at the exit.
      const states = taken.map((s) => {
        const held = withAliases(s);
        return held === s.held ? s : withHeldList(s, held);
      });
      const existing = exits.find((x) => x.node === node);
      if (existing) existing.states.push(...states);
      else exits.push({ node, states });
    }
  }
  ctx.events = undefined;
  return { before, intoJoins, events, exits: withoutHandedOn(exits) };
}

/** The same event as far as reporting goes: kind, lock, place (the caller compared places) and vote. */
function sameEvent(a: LockEvent, b: LockEvent): boolean {
  if (a.k !== b.k || a.lock !== b.lock || 'start' in a !== 'start' in b) return false;
  return 'safe' in a ? 'safe' in b && a.safe === b.safe : !('safe' in b);
}

/**
 * Locks the function hands on (some path stored their owner for another
 * function to release) are not held as far as its exits go: on the paths that
 * stored it, and on the other paths leaving through the same return (a second
 * pin of an entry handed on before, say: the function's normal way out). An
 * early return holding it is still a leak.
 */
function withoutHandedOn(exits: Exit[]): Exit[] {
  let handedAt: Map<string, Set<Exit>> | undefined;
  for (const x of exits)
    for (const s of x.states)
      for (const h of s.held) {
        if (!h.handed) continue;
        handedAt ??= new Map();
        const set = handedAt.get(h.name) ?? new Set<Exit>();
        handedAt.set(h.name, set.add(x));
      }
  if (!handedAt) return exits;
  return exits.map((x) => {
    const states = x.states.map((s) => {
      const held = s.held.filter((h) => !(h.handed || handedAt!.get(h.name)?.has(x)));
      return held.length === s.held.length ? s : withHeldList(s, held);
    });
    return { ...x, states };
  });
}

/** Whether a node lies on every path from the entry to the exit (asked of few nodes: one search each, remembered). */
function dominatesExit(cfg: Cfg): (node: CfgNode) => boolean {
  // (Made when first asked: most functions never ask.)
  let memo: Map<number, boolean> | undefined;
  return (node) => {
    memo ??= new Map();
    let r = memo.get(node.id);
    if (r === undefined) {
      const seen = new Uint8Array(cfg.nodes.length);
      seen[node.id] = 1;
      const stack = [cfg.entry];
      seen[cfg.entry] = 1;
      let reached = cfg.entry === cfg.exit;
      while (stack.length && !reached) {
        for (const e of cfg.nodes[stack.pop()!]!.succ) {
          if (seen[e.to]) continue;
          if (e.to === cfg.exit) reached = true;
          seen[e.to] = 1;
          stack.push(e.to);
        }
      }
      r = node.id === cfg.entry || !reached;
      memo.set(node.id, r);
    }
    return r;
  };
}

/** The interrupt state at each call of another function, counted per callee over the paths reaching it (none: undefined). */
function callSiteIrq(cfg: Cfg, before: PathState[][]): CallIrq | undefined {
  // Each callee's index in the lists, in the order first called.
  let index: Map<string, number> | undefined;
  const callees: string[] = [];
  const counts: number[] = [];
  for (const node of cfg.nodes) {
    const states = before[node.id];
    if (!states?.length || node.facts.calls.length === 0) continue;
    // The node's paths counted once, added to each of its calls.
    let on = 0;
    let off = 0;
    let unknown = 0;
    for (const s of states) {
      if (!s.irq) unknown++;
      else if (s.irq.on) on++;
      else off++;
    }
    for (const c of node.facts.calls) {
      const at = (index ??= new Map()).get(c.name);
      if (at === undefined) {
        index.set(c.name, callees.length);
        callees.push(c.name);
        counts.push(on, off, unknown);
      } else {
        counts[3 * at]! += on;
        counts[3 * at + 1]! += off;
        counts[3 * at + 2]! += unknown;
      }
    }
  }
  // Kept with the result to the end of the run: lists made to measure (grown by push, they have room to spare).
  return callees.length ? { callees: callees.slice(), counts: counts.slice() } : undefined;
}

/** Interrupts as every exit leaves them, when this function set them so (not as it was entered). */
function irqExitOf(exits: readonly Exit[]): boolean | undefined {
  let first: PathState['irq'];
  let any = false;
  for (const x of exits)
    for (const s of x.states) {
      if (!any) {
        any = true;
        first = s.irq;
        if (!first || first.entry) return undefined;
      }
      if (!s.irq || s.irq.entry || s.irq.on !== first!.on) return undefined;
    }
  return first?.on;
}

const IRQ_EVENTS = new Set(['irqAcquire', 'irqReenable', 'forbidden']);
const isIrqEvent = (e: LockEvent): e is IrqEvent => IRQ_EVENTS.has(e.k);

function irqEventsOf(events: readonly { e: LockEvent }[]): IrqEvent[] {
  const out: IrqEvent[] = [];
  for (const { e } of events) if (isIrqEvent(e)) out.push(e);
  return out;
}

/** Calls that matter when interrupts are known off at entry: interrupt primitives and calls forbidden in atomic context. */
function touchesIrq(cfg: Cfg): boolean {
  return cfg.nodes.some((n) => n.facts.calls.some((c) => irqPrimitive(c.name) || forbiddenCall(c.name)));
}

/**
 * Lock calls one statement may make. Each is applied to every path through the
 * statement (and a trylock splits them), so the cost of one statement grows
 * with its calls times its paths, which no work budget can interrupt; real
 * statements make a few.
 */
const MAX_LOCK_CALLS_PER_STATEMENT = 64;

/**
 * Whether the function makes a lock call (`touches`), and its first statement
 * making more than MAX_LOCK_CALLS_PER_STATEMENT of them (`crowded`): one walk
 * over the nodes for both (a walk over a function's nodes, wherever they lie
 * in memory, costs more than the lookups it makes).
 */
function lockCalls(cfg: Cfg, opts: AnalyzeOptions): { touches: boolean; crowded: CfgNode | undefined } {
  let touches = false;
  for (const n of cfg.nodes) {
    const calls = n.facts.calls;
    if (calls.length > MAX_LOCK_CALLS_PER_STATEMENT) {
      let count = 0;
      for (const c of calls) {
        if (!isLockCall(c.name, opts)) continue;
        touches = true;
        if (++count > MAX_LOCK_CALLS_PER_STATEMENT) return { touches, crowded: n };
      }
    } else if (!touches) {
      for (const c of calls)
        if (isLockCall(c.name, opts)) {
          touches = true;
          break;
        }
    }
  }
  return { touches, crowded: undefined };
}

function isLockCall(name: string, opts: AnalyzeOptions): boolean {
  if (opts.table.has(name) || irqPrimitive(name)) return true;
  const s = opts.summaries.get(name);
  if (
    s &&
    (s.acquires.length ||
      s.releases.length ||
      s.mayReleases.length ||
      s.condAcquires.length ||
      s.mayAcquires?.length ||
      s.condReleases?.length ||
      s.irqExit !== undefined ||
      s.requires.some((r) => !r.conventional))
  )
    return true;
  return !!heldPredicate(name);
}

/**
 * `*_locked` functions start holding their vCPU's (unit's, pCPU's) scheduler
 * lock, unless an ASSERT says which lock. Only when the first parameter is a
 * vCPU, a unit or a CPU number: `cpupool_assign_cpu_locked(c, cpu)` holds
 * cpupool_lock, not a scheduler lock of `c`; which lock is then unknown here.
 */
function conventionalEntry(fn: FunctionSyntax, cfg: Cfg, source: string): PathState {
  if (!fn.name.endsWith('_locked') || fn.params.length === 0) return EMPTY_STATE;
  const asserts = cfg.nodes.some((n) => n.facts.calls.some((c) => heldPredicate(c.name)));
  if (asserts) return EMPTY_STATE;
  const header = source.slice(fn.start, fn.bodyStart);
  const open = header.indexOf('(');
  const first = (open < 0 ? '' : header.slice(open + 1)).split(',')[0] ?? '';
  if (!/\bstruct\s+(vcpu|sched_unit)\b|\b(unsigned(\s+int)?|int)\s+\w*cpu\w*\s*$/.test(first.trim())) return EMPTY_STATE;
  const held: HeldLock = { name: `sched(${fn.params[0]})`, kind: 'sched', at: fn.start, entry: true, because: { how: 'name' } };
  return withHeldList(EMPTY_STATE, [held]);
}

const ONLY_EMPTY: PathState[] = [EMPTY_STATE];
/**
 * The one empty list every result and summary with nothing in a list holds
 * (results are kept to the end of a run: one empty array each, five or more
 * per function, were memory the collector copied). Never added to: the lists
 * of a result are read only.
 */
const NOTHING: never[] = [];
/**
 * What a result keeps of a list it made: a copy made to measure (a list grown
 * by push has room for 17 or more, which the collector copies with it), or the
 * shared empty list.
 */
const kept = <T>(list: T[]): T[] => (list.length ? list.slice() : NOTHING);
/** A set with nothing in it, shared where a function has nothing to put in one (most have not). */
const NO_NAMES: ReadonlySet<string> = new Set();
const NONE: LockRef[] = [];

function statementLines(cfg: Cfg, reachable: (id: number) => boolean): Map<number, CfgNode> {
  const byLine = new Map<number, CfgNode>();
  for (const node of cfg.nodes) {
    if (node.kind === 'entry' || node.kind === 'exit' || node.kind === 'nop') continue;
    if (!reachable(node.id)) continue;
    const cur = byLine.get(node.line);
    if (!cur || node.start < cur.start) byLine.set(node.line, node);
  }
  return byLine;
}

/** The sets of the first line with a reachable statement: linesOf's first element, without the others. */
function firstStatementLocks(cfg: Cfg, before: PathState[][], lines: LineIndex): Pick<LineLocks, 'line' | 'must' | 'may'> | undefined {
  // statementLines' node of the lowest line (the first statement starting there), without a map of every line.
  let first: CfgNode | undefined;
  for (const node of cfg.nodes) {
    if (node.kind === 'entry' || node.kind === 'exit' || node.kind === 'nop' || before[node.id]!.length === 0) continue;
    if (!first || node.line < first.line || (node.line === first.line && node.start < first.start)) first = node;
  }
  if (!first) return undefined;
  const sets = heldSets(before[first.id]!, lines);
  return { line: first.line, must: sets.must, may: sets.may };
}

/** Lines of a function that takes no lock: nothing held anywhere (shared empty arrays). */
function emptyLines(cfg: Cfg): LineLocks[] {
  return [...statementLines(cfg, () => true)]
    .sort((a, b) => a[0] - b[0])
    .map(([line, node]) => ({ line, node: node.id, must: NONE, may: NONE }));
}

function linesOf(cfg: Cfg, before: PathState[][], lines: LineLookup, intoJoins: readonly (PathState[] | undefined)[]): LineLocks[] {
  const byLine = statementLines(cfg, (id) => before[id]!.length > 0);
  const after = afterAtJoins(cfg, before, lines, intoJoins);
  const out: LineLocks[] = [];
  // Consecutive statements usually share one path whose held list is the very
  // same array (transfers that change no lock keep it): compute its sets once.
  let lastHeld: readonly HeldLock[] | undefined;
  let lastIrq: PathState['irq'];
  let lastSets: HeldSets | undefined;
  for (const [line, node] of [...byLine].sort((a, b) => a[0] - b[0])) {
    const states = before[node.id]!;
    let sets: HeldSets;
    if (states.length === 1 && states[0]!.held === lastHeld && states[0]!.irq === lastIrq && lastSets) sets = lastSets;
    else {
      sets = heldSets(states, lines);
      lastHeld = states.length === 1 ? states[0]!.held : undefined;
      lastIrq = states.length === 1 ? states[0]!.irq : undefined;
      lastSets = sets;
    }
    const a = after.get(line);
    const l: LineLocks = { line, node: node.id, must: sets.must, may: sets.may };
    if (sets.irq) l.irq = sets.irq;
    if (a) l.after = a;
    out.push(l);
  }
  return out;
}

/**
 * One LockRef per held lock object and text (states share their lock objects: the lines of a long function
 * then share refs instead of each allocating its own).
 */
const lockRefs = new WeakMap<LineLookup, WeakMap<HeldLock, LockRef>>();
function refOf(h: HeldLock, lines: LineLookup): LockRef {
  let refs = lockRefs.get(lines);
  if (!refs) lockRefs.set(lines, (refs = new WeakMap()));
  let ref = refs.get(h);
  if (!ref) {
    ref = { name: h.name, line: lines.lineOf(h.at), ...(h.entry ? { entry: true } : {}) };
    if (h.entry && h.because)
      ref.because = { how: h.because.how, ...(h.because.at !== undefined ? { line: lines.lineOf(h.because.at) } : {}) };
    refs.set(h, ref);
  }
  return ref;
}

/**
 * For each line with a statement that flows into a join: the locks held after
 * the line's statements, from the states they sent (into the join) and the
 * states before their other successors (one predecessor: exactly theirs).
 * Edges between statements of the same line stay inside it.
 */
function afterAtJoins(
  cfg: Cfg,
  before: PathState[][],
  lines: LineLookup,
  intoJoins: readonly (PathState[] | undefined)[],
): Map<number, HeldSets> {
  const out = new Map<number, HeldSets>();
  const linesWithJoins = new Set<number>();
  for (const node of cfg.nodes) if (intoJoins[node.id] && node.kind !== 'entry' && node.kind !== 'nop') linesWithJoins.add(node.line);
  if (linesWithJoins.size === 0) return out;
  const preds = new Uint32Array(cfg.nodes.length);
  const byLine = new Map<number, CfgNode[]>();
  for (const node of cfg.nodes) {
    for (const e of node.succ) preds[e.to]!++;
    const isStatement = node.kind !== 'entry' && node.kind !== 'exit' && node.kind !== 'nop';
    if (isStatement && linesWithJoins.has(node.line) && before[node.id]!.length > 0) {
      const list = byLine.get(node.line);
      if (list) list.push(node);
      else byLine.set(node.line, [node]);
    }
  }
  for (const [line, onLine] of byLine) {
    const ids = new Set(onLine.map((n) => n.id));
    const states: PathState[] = [];
    for (const n of onLine) {
      // A return's state is the one it returns with (the exit joins every return).
      if (n.kind === 'return') {
        states.push(...before[n.id]!);
        continue;
      }
      states.push(...(intoJoins[n.id] ?? []));
      for (const e of n.succ) if (!ids.has(e.to) && preds[e.to] === 1) states.push(...before[e.to]!);
    }
    if (states.length) out.set(line, heldSets(states, lines));
  }
  return out;
}

/**
 * The locks a path holds, with the names they also go by on it: after
 * `if ( lock1 == lock2 ) spin_lock(lock1);` the path holds `lock2` too (one
 * lock, two names), so the join after the three branches of the
 * address-ordered double lock holds both names on every path.
 */
function withAliases(s: PathState): readonly HeldLock[] {
  if (s.facts.length === 0 || s.held.length === 0) return s.held;
  let out: HeldLock[] | undefined;
  for (const f of s.facts) {
    const m = /^([A-Za-z_]\w*)(==|!=)([A-Za-z_]\w*)$/.exec(f.atom);
    if (!m || (m[2] === '==') !== f.value) continue;
    for (const [from, to] of [
      [m[1]!, m[3]!],
      [m[3]!, m[1]!],
    ] as const) {
      // Two lock pointers equal on this path (`old_lock == new_lock`): the locks they point at are one.
      const bf = s.vars.find((b) => b.v === from && b.lock);
      const bt = s.vars.find((b) => b.v === to && b.lock);
      if (bf && bt) {
        const h = s.held.find((x) => x.name === bf.lock);
        if (h && !(out ?? s.held).some((x) => x.name === bt.lock)) (out ??= [...s.held]).push({ ...h, name: bt.lock, alias: true });
      }
      for (const h of s.held) {
        if (rootName(h.name) !== from) continue;
        const name = h.name.replace(new RegExp(`\\b${from}\\b`), to);
        if ((out ?? s.held).some((x) => x.name === name)) continue;
        (out ??= [...s.held]).push({ ...h, name, alias: true });
      }
    }
  }
  return out ?? s.held;
}

/** must: held (definitely) on every path; may: held on some path but not all. */
export function heldSets(states: readonly PathState[], lines: LineLookup): HeldSets {
  // Most statements hold nothing on any path: no map, no sort, the shared empty lists.
  if (states.every((s) => s.held.length === 0)) {
    const irq = irqRefOf(states, lines);
    return irq ? { must: NONE, may: NONE, irq } : { must: NONE, may: NONE };
  }
  const refs = new Map<string, { ref: LockRef; definite: number; aliasOnly: boolean }>();
  for (const s of states) {
    for (const h of withAliases(s)) {
      const r = refs.get(h.name);
      if (r && !h.alias) r.aliasOnly = false;
      const ref = refOf(h, lines);
      if (!r) refs.set(h.name, { ref, definite: h.maybe ? 0 : 1, aliasOnly: !!h.alias });
      else if (!h.maybe) r.definite++;
    }
  }
  const must: LockRef[] = [];
  const may: LockRef[] = [];
  // Another name of a held lock is worth showing where it completes a must (`lock1, lock2` after the double
  // lock); held under it on some paths only, it is the same lock already listed, not a second one.
  for (const { ref, definite, aliasOnly } of refs.values()) {
    if (definite === states.length) must.push(ref);
    else if (!aliasOnly) may.push(ref);
  }
  const byName = (a: LockRef, b: LockRef): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const out: HeldSets = { must: must.sort(byName), may: may.sort(byName) };
  const irq = irqRefOf(states, lines);
  if (irq) out.irq = irq;
  return out;
}

/**
 * The names of heldSets' must set, in its order, without line numbers (which
 * need the file's lines): for callers that compare locks by name and keep
 * their answer past the file's version. `skip` drops a lock whose first hold
 * met (the one heldSets would report) it matches.
 */
export function mustHeldNames(states: readonly PathState[], skip: (h: HeldLock) => boolean): string[] {
  const held = new Map<string, { first: HeldLock; definite: number }>();
  for (const s of states) {
    for (const h of withAliases(s)) {
      const r = held.get(h.name);
      if (!r) held.set(h.name, { first: h, definite: h.maybe ? 0 : 1 });
      else if (!h.maybe) r.definite++;
    }
  }
  const out: string[] = [];
  for (const [name, { first, definite }] of held) if (definite === states.length && !skip(first)) out.push(name);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The interrupt state over paths: the same on all (known), off on some, or unknown (undefined). */
function irqRefOf(states: readonly PathState[], lines: LineLookup): IrqRef | undefined {
  const first = states[0]?.irq;
  if (!first) {
    const off = states.find((s) => s.irq && !s.irq.on)?.irq;
    return off && { on: false, line: lines.lineOf(off.at), may: true };
  }
  const ref = (i: NonNullable<PathState['irq']>): IrqRef => ({
    on: i.on,
    line: lines.lineOf(i.at),
    ...(i.entry ? { entry: true as const } : {}),
  });
  if (states.every((s) => s.irq && s.irq.on === first.on)) {
    // Paths that changed it at different lines: the latest change (the one the reader just passed).
    const latest = states.reduce((a, s) => (s.irq!.at > a.at ? s.irq! : a), first);
    return ref(latest);
  }
  const off = states.find((s) => s.irq && !s.irq.on)?.irq;
  return off && { ...ref(off), may: true };
}

type Outcome = 'zero' | 'nonzero' | 'error';

/** What one exit state returns: 0/NULL/false, an error (a negative errno constant, ERR_PTR), another value, or a variable whose truth the path knows. */
function outcomeOf(x: Exit, s: PathState): Outcome | undefined {
  const t = x.node.returnText ?? '';
  if (/^ERR_PTR\(/.test(t) || /^-(E[A-Z0-9]+|[1-9]\d*)$/.test(t)) return 'error';
  let truth = constantTruth(t);
  if (truth === undefined && /^!?[A-Za-z_]\w*$/.test(t)) {
    const v = t.replace(/^!/, '');
    const b = s.vars.find((x) => x.v === v);
    const known = b ? (b.zeroIsHeld ? b.status === 'null' : b.status !== 'null') : s.facts.find((f) => f.atom === v)?.value;
    if (known !== undefined) truth = t.startsWith('!') ? !known : known;
  }
  return truth === undefined ? undefined : truth ? 'nonzero' : 'zero';
}

/**
 * When every state returning with `name` held returns one outcome and every
 * state returning without it another, the return value tells the caller:
 * `status` (0 with the lock held, errors without) or `flag` (true / non-NULL
 * with it held, 0 or an error without). An error returned with the lock held
 * is never a convention: that is the leak this rule is for.
 */
function returnSays(exits: readonly Exit[], name: string): 'status' | 'flag' | undefined {
  const held = new Set<Outcome | undefined>();
  const free = new Set<Outcome | undefined>();
  for (const x of exits) {
    for (const s of x.states) {
      const h = s.held.find((l) => l.name === name);
      if (h?.maybe) return undefined;
      (h && !h.entry ? held : free).add(outcomeOf(x, s));
    }
  }
  if (held.size !== 1 || held.has(undefined) || free.size === 0 || free.has(undefined)) return undefined;
  if (held.has('zero') && !free.has('zero')) return 'status';
  if (held.has('nonzero') && !free.has('nonzero')) return 'flag';
  return undefined;
}

/** The function returns a pointer or a bool: its value can say yes or no. */
function returnsFlag(fn: FunctionSyntax, source: string): boolean {
  if (fn.returnsPointer) return true;
  // The return type: the header before its first parenthesis.
  const open = source.indexOf('(', fn.start);
  return /\bbool(_t)?\b/.test(source.slice(fn.start, open < 0 || open > fn.bodyStart ? fn.bodyStart : open));
}

/**
 * A lock held on entry, released on the exits returning NULL/false and kept on
 * those returning anything else (not an error): the value tells the caller
 * whether it still holds the lock.
 */
function releaseSays(exits: readonly Exit[], name: string, boolish: boolean): boolean {
  if (!boolish) return false;
  let kept = 0;
  let freed = 0;
  for (const x of exits) {
    for (const s of x.states) {
      // Any instance: the caller's, or the same lock let go and taken again on the way.
      const h = s.held.find((l) => l.name === name);
      if (h?.maybe) return false;
      const outcome = outcomeOf(x, s);
      if (h) {
        if (outcome === 'zero' || outcome === 'error' || !x.node.returnText) return false;
        kept++;
      } else {
        if (outcome !== 'zero') return false;
        freed++;
      }
    }
  }
  return kept > 0 && freed > 0;
}

/** `act->lock` when every exit holding it returns `act`, a local: `$ret->lock` (see the summary). */
function returnedName(name: string, exits: readonly Exit[], locals: ReadonlySet<string>): string {
  const root = rootName(name);
  if (!root || !locals.has(root)) return name;
  const holding = exits.filter((x) => x.states.some((s) => s.held.some((h) => h.name === name && !h.entry)));
  if (holding.length === 0 || !holding.every((x) => x.node.returnText === root)) return name;
  return name.replace(new RegExp(`\\b${root}\\b`), RETURNED);
}

/** One finding per lock and place (several exits at the closing brace are one place). */
function dedupe(list: LockImbalance[]): LockImbalance[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = `${x.lock}@${x.start}:${x.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const NULLISH = new Set(['NULL', '0', 'false']);
/** An error return: NULL/false, ERR_PTR(…), or a negative errno constant. */
const isErrorReturn = (t: string): boolean => NULLISH.has(t) || /^ERR_PTR\(/.test(t) || /^-E[A-Z0-9]+$/.test(t);

/** What exitImbalance tells of a function's exits. */
interface ExitImbalance {
  heldAtExit: LockImbalance[];
  acquirers: string[];
  conditional: string[];
  mayAcquire: string[];
  kinds: ReadonlyMap<string, LockKind>;
  statusConvention: boolean;
}

/** Exits holding no lock taken here: nothing to tell (shared, read only). */
const NO_IMBALANCE: ExitImbalance = {
  heldAtExit: [],
  acquirers: [],
  conditional: [],
  mayAcquire: [],
  kinds: new Map(),
  statusConvention: false,
};

/**
 * A lock taken here and held at some exits but not others is an imbalance,
 * unless the function returns a pointer or a boolean and the held exits return
 * non-NULL/true while the others return NULL/false (a trylock-like helper).
 */
function exitImbalance(
  fn: FunctionSyntax,
  exits: { node: CfgNode; states: PathState[] }[],
  boolish: boolean,
  seen: { released: ReadonlySet<string>; locals: ReadonlySet<string>; skip: ReadonlySet<string> },
): ExitImbalance {
  // The locks taken here and held at some exit (in the order first seen), with their kinds.
  let kinds: Map<string, LockKind> | undefined;
  for (const x of exits)
    for (const s of x.states)
      for (const h of s.held) if (!h.entry && !h.alias && !seen.skip.has(h.name)) (kinds ??= new Map()).set(h.name, h.kind);
  // None (most functions let go of what they take): nothing below has anything to say.
  if (!kinds) return NO_IMBALANCE;
  const heldAtExit: LockImbalance[] = [];
  const acquirers: string[] = [];
  const conditional: string[] = [];
  const mayAcquire: string[] = [];
  let statusConvention = false;
  for (const name of kinds.keys()) {
    const heldExits = exits.filter((x) => x.states.some((s) => s.held.some((h) => h.name === name && !h.maybe && !h.entry)));
    const freeExits = exits.filter((x) => x.states.some((s) => !s.held.some((h) => h.name === name)));
    if (heldExits.length === 0) continue;
    if (freeExits.length === 0) {
      acquirers.push(name);
      continue;
    }
    // What the returned value says, state by state: a lock-on-success helper returns one kind of
    // value exactly when it holds the lock (0 with it held: a status; non-zero/non-NULL: a flag or the object).
    const said = returnSays(exits, name);
    if (said) {
      conditional.push(name);
      if (said === 'status') statusConvention = true;
      continue;
    }
    const text = (x: { node: CfgNode }): string => x.node.returnText ?? '';
    const mixed = heldExits.some((x) => freeExits.includes(x));
    // Held when succeeding, free when failing: a lock-on-success helper (hypfs enter/exit, trylock wrappers).
    const successHeld = heldExits.every((x) => text(x) !== '' && !isErrorReturn(text(x)) && (boolish || text(x) === '0'));
    if (!mixed && successHeld && freeExits.every((x) => isErrorReturn(text(x)) && (boolish || /^-E/.test(text(x))))) {
      conditional.push(name);
      continue;
    }
    if (boolish && mixed && heldExits.every((x) => x.node.returnText && !NULLISH.has(x.node.returnText))) {
      // `return lock;` after a trylock: the value says whether it is held.
      conditional.push(name);
      continue;
    }
    // Never released here: not a leak on the paths that keep it, but a lock this function hands its
    // caller when it takes it (a pair helper, a begin helper conditioned on a flag) — unless it is
    // named through a local, which no caller can release.
    if (!seen.released.has(name) && !seen.locals.has(rootName(name) ?? '')) {
      mayAcquire.push(name);
      continue;
    }
    for (const x of heldExits) {
      const h = x.states.flatMap((s) => s.held).find((l) => l.name === name)!;
      const free = freeExits[0]!;
      const atEnd = x.node.kind !== 'return';
      const start = atEnd ? fn.bodyEnd - 1 : x.node.start;
      const end = atEnd ? fn.bodyEnd : x.node.end;
      // Held only on paths a release build runs past an ASSERT_UNREACHABLE(): say which build leaks.
      const holding = x.states.filter((s) => s.held.some((l) => l.name === name && !l.maybe));
      const releaseOnly = holding.every((s) => s.releaseOnly !== undefined) ? holding[0]?.releaseOnly : undefined;
      heldAtExit.push({
        kind: 'heldAtExit',
        lock: name,
        start,
        end,
        takenAt: h.at,
        freeExit: { start: free.node.start, end: free.node.end },
        ...(releaseOnly !== undefined ? { releaseOnly } : {}),
      });
    }
  }
  return { heldAtExit: dedupe(heldAtExit), acquirers, conditional, mayAcquire, kinds, statusConvention };
}
