// What an editor shows about held locks, read from the analysis's per-line
// states: the sets held before and after a line (hover), the sets held after
// the statements of a line (inlay hints), where hints go, and in which order
// a line's locks read: the lock the line took first, then scheduler locks,
// private locks, RCU and the interrupt state. Plain data out: the LSP adapter
// only turns it into labels, tooltips and LSP positions.
import type { FileAnalysis } from '../analysis';
import type { CfgNode } from '../cfg/types';
import { type FunctionLocks, type HeldSets, heldSets, type LineLocks, type LockRef } from '../locks/analyze';
import type { PathState } from '../locks/state';
import { owned } from '../syntax/ownedString';
import type { LockKind } from '../xen/lockHelpers';
import { migrationOps } from '../xen/migration';

/**
 * What kind of thing a held entry is, for ordering and for the editor's
 * per-kind display setting: a scheduler lock, a private (spin or rw) lock,
 * an RCU read section, or the interrupt state (off or on, where known).
 */
export type LockClass = 'sched' | 'private' | 'rcu' | 'irq';

/** One entry of what is held at a point, in the order the editor shows them. */
export interface HeldEntry {
  /** The canonical lock name, or `irqs off`/`irqs on`/`irqs restored` for the interrupt state. */
  name: string;
  kind: LockClass;
  /** Held on some paths only. */
  may: boolean;
  /** Not held before the line: the line took it (the hint exists because of it). */
  changed: boolean;
  /** 0-based line where it was taken (the function's first line when the caller holds it); for the interrupt state, where it became so. */
  line: number;
  /** Held because the caller holds it (for the interrupt state: the function is entered so). */
  entry?: boolean;
  /** Why the caller is assumed to hold it (see LockRef). */
  because?: LockRef['because'];
  /** For the interrupt state: the call that set it (`spin_lock_irqsave`, `local_irq_enable`), when one did. */
  via?: string;
  /** For the interrupt state on entry: why the function is entered so (a stop_machine_run() callback, its callers). */
  why?: string;
}

/** What a line does to the held locks: the entries before and after it, and what it released. */
export interface LineLockView {
  before: HeldEntry[];
  after: HeldEntry[];
  /** Held before the line and not after it. */
  released: HeldEntry[];
}

/** A lock-state hint: the locks held after the statements of `line`, at the end of the line. */
export interface LockHint extends LineLockView {
  /** 0-based line and UTF-16 column (the end of the line's code). */
  line: number;
  character: number;
  held: HeldSets;
}

export type HintMode = 'changes' | 'all';

const EMPTY: HeldSets = { must: [], may: [] };
const CLASS_ORDER: readonly LockClass[] = ['sched', 'private', 'rcu', 'irq'];
const IRQS_OFF = 'irqs off';
const IRQS_ON = 'irqs on';
/** Restored to what an `_irqsave`/`local_irq_save` saved, which the analysis does not know. */
const IRQS_RESTORED = 'irqs restored';
/** A call that changes the interrupt state (a lock helper's `_irq`/`_irqsave`/`_irqrestore` variant, `local_irq_*`). */
const IRQ_CALL = /(^|_)irq(save|restore)?$|^local_irq_(disable|enable|save|restore)$/;

/**
 * Whether two sets read the same (`setsKey`): compared name by name first,
 * without making the keys; only sets that differ so are compared by key (a
 * name may hold a `,`, so two lists of other names could still join the
 * same). Most lines hold what the line before held: the keys were made twice
 * for every line of every function the hints were asked of.
 */
function sameKey(a: HeldSets, b: HeldSets): boolean {
  return sameNames(a.must, b.must) && sameNames(a.may, b.may) && sameIrq(a.irq, b.irq) ? true : setsKey(a) === setsKey(b);
}

function sameNames(a: readonly LockRef[], b: readonly LockRef[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.name !== b[i]!.name) return false;
  return true;
}

function sameIrq(a: HeldSets['irq'], b: HeldSets['irq']): boolean {
  if (!a || !b) return !a && !b;
  return a.on === b.on && a.line === b.line && !!a.may === !!b.may;
}

function setsKey(s: HeldSets): string {
  const irq = s.irq ? `${s.irq.on ? 'on' : 'off'}@${s.irq.line}${s.irq.may ? '?' : ''}` : '';
  return `${s.must.map((r) => r.name).join(',')}|${s.may.map((r) => r.name).join(',')}|${irq}`;
}

/** Where a lock came from, in words: "taken at line N", or why it is assumed held on entry (1-based lines). */
export function lockOrigin(r: Pick<LockRef, 'line' | 'entry' | 'because'>): string {
  if (!r.entry) return `taken at line ${r.line + 1}`;
  const line = r.because?.line !== undefined ? r.because.line + 1 : undefined;
  switch (r.because?.how) {
    case 'name':
      return 'assumed held on entry: the function is named *_locked';
    case 'assert':
      return `assumed held on entry: the ASSERT at line ${line} says so`;
    case 'release':
      return `assumed held on entry: released at line ${line} without being taken here`;
    default:
      return 'held on entry (the caller holds it)';
  }
}

/** The function whose definition contains the offset (header or body). */
export function functionAt(file: FileAnalysis, offset: number): FunctionLocks | undefined {
  return file.functions.find((f) => f.syntax.start <= offset && offset <= f.syntax.end);
}

/** Locks held before `line` executes: at the first statement on or after it (or at the exit). */
function heldBefore(file: FileAnalysis, fn: FunctionLocks, line: number): HeldSets {
  const l = fn.lineLocks.find((x) => x.line >= line);
  if (l) return l.irq ? { must: l.must, may: l.may, irq: l.irq } : { must: l.must, may: l.may };
  const exit = fn.before[fn.cfg.exit];
  return exit && exit.length ? heldSets(exit, file.lineIndex) : EMPTY;
}

const isStatement = (n: CfgNode): boolean => n.kind !== 'entry' && n.kind !== 'exit' && n.kind !== 'nop';

/** Reachable statement nodes of the function, grouped by their start line. */
function nodesByLine(fn: FunctionLocks): Map<number, CfgNode[]> {
  const out = new Map<number, CfgNode[]>();
  for (const n of fn.cfg.nodes) {
    if (!isStatement(n) || (fn.before[n.id]?.length ?? 0) === 0) continue;
    const list = out.get(n.line);
    if (list) list.push(n);
    else out.set(n.line, [n]);
  }
  return out;
}

/** How many edges enter each node (a node entered from one place has that edge's exact state). */
function predecessorCounts(fn: FunctionLocks): Uint32Array {
  const counts = new Uint32Array(fn.cfg.nodes.length);
  for (const n of fn.cfg.nodes) for (const e of n.succ) counts[e.to] = counts[e.to]! + 1;
  return counts;
}

/**
 * Path states after the statements starting on a line: the states on the edges
 * leaving the line. An edge into a node with one predecessor carries exactly
 * that node's before-state; into a join it is approximated by the join's state,
 * except after a `return`, whose state is the one it returns with.
 */
function statesAfter(fn: FunctionLocks, nodes: readonly CfgNode[], preds: Uint32Array): PathState[] {
  const states: PathState[] = [];
  const onLine = new Set(nodes.map((n) => n.id));
  for (const n of nodes) {
    for (const e of n.succ) {
      if (onLine.has(e.to)) continue;
      const to = fn.cfg.nodes[e.to]!;
      if (preds[to.id] === 1 || n.kind !== 'return') states.push(...(fn.before[to.id] ?? []));
      else states.push(...(fn.before[n.id] ?? []));
    }
  }
  if (states.length === 0) for (const n of nodes) states.push(...(fn.before[n.id] ?? []));
  return states;
}

/** Per function, what the entries need besides the sets: each lock's kind, the calls on each line, the entry state's reason. */
interface FunctionFacts {
  kinds: Map<string, LockKind>;
  callsOnLine: Map<number, string[]>;
  entryWhy?: string;
}

const factsCache = new WeakMap<FunctionLocks['lineLocks'], FunctionFacts>();

function functionFacts(file: FileAnalysis, fn: FunctionLocks): FunctionFacts {
  let f = factsCache.get(fn.lineLocks);
  if (f) return f;
  const kinds = new Map<string, LockKind>();
  const seen = new Set<readonly unknown[]>();
  for (const states of fn.before)
    for (const s of states) {
      if (seen.has(s.held)) continue;
      seen.add(s.held);
      for (const h of s.held) if (!kinds.has(h.name)) kinds.set(h.name, h.kind);
    }
  const callsOnLine = new Map<number, string[]>();
  for (const n of fn.cfg.nodes)
    for (const c of n.facts.calls) {
      const line = file.lineIndex.lineOf(c.nameStart);
      const list = callsOnLine.get(line);
      if (list) list.push(c.name);
      else callsOnLine.set(line, [c.name]);
    }
  f = { kinds, callsOnLine };
  if (fn.entryIrqWhy !== undefined) f.entryWhy = fn.entryIrqWhy;
  factsCache.set(fn.lineLocks, f);
  return f;
}

/** A lock's class from what the analysis knows of its kind, else from its canonical name. */
function classOf(name: string, kind: LockKind | undefined): LockClass {
  if (kind === 'sched' || (!kind && name.startsWith('sched('))) return 'sched';
  if (kind === 'rcu' || (!kind && name.startsWith('rcu('))) return 'rcu';
  return 'private';
}

const compareEntries = (a: HeldEntry, b: HeldEntry): number =>
  Number(b.changed) - Number(a.changed) ||
  (a.changed && b.changed ? b.line - a.line : 0) ||
  CLASS_ORDER.indexOf(a.kind) - CLASS_ORDER.indexOf(b.kind) ||
  (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The entries of a held set, ordered for reading: those not in `previous`
 * (taken by the line, the latest first), then scheduler locks, private locks,
 * RCU and the interrupt state (`irqs off`/`irqs on` where the analysis knows
 * it; `changed` where the line changed it).
 */
function entriesOf(facts: FunctionFacts, sets: HeldSets, previous?: HeldEntry[]): HeldEntry[] {
  const had = previous ? new Set(previous.map((e) => e.name)) : undefined;
  const out: HeldEntry[] = [];
  const add = (r: LockRef, may: boolean): void => {
    const e: HeldEntry = {
      name: r.name,
      kind: classOf(r.name, facts.kinds.get(r.name)),
      may,
      changed: !!had && !had.has(r.name),
      line: r.line,
    };
    if (r.entry) e.entry = true;
    if (r.because) e.because = r.because;
    out.push(e);
  };
  for (const r of sets.must) add(r, false);
  for (const r of sets.may) add(r, true);
  const irq = sets.irq;
  if (irq) {
    const name = irq.on ? IRQS_ON : IRQS_OFF;
    const before = previous?.find((e) => e.kind === 'irq');
    const e: HeldEntry = {
      name,
      kind: 'irq',
      may: !!irq.may,
      changed: !!previous && (before?.name !== name || before.line !== irq.line || before.may !== !!irq.may),
      line: irq.line,
    };
    if (irq.entry) {
      e.entry = true;
      if (facts.entryWhy !== undefined) e.why = facts.entryWhy;
    } else {
      const via = (facts.callsOnLine.get(irq.line) ?? []).find((c) => IRQ_CALL.test(c));
      if (via) e.via = via;
    }
    out.push(e);
  }
  return out.sort(compareEntries);
}

/** Start and finish calls always get a hint: the protocol is about what is held around them. */
const callsMigrate = (nodes: readonly CfgNode[]): boolean =>
  nodes.some((n) => migrationOps(n.facts).some((o) => o.kind === 'migrateStart' || o.kind === 'migrateFinish'));

function view(facts: FunctionFacts, before: HeldSets, after: HeldSets, line: number): LineLockView {
  const b = entriesOf(facts, before);
  const a = entriesOf(facts, after, b);
  // A restore to a state the analysis does not know (the flags an _irqsave saved on entry): say so on its line.
  const restore = !after.irq && before.irq ? (facts.callsOnLine.get(line) ?? []).find((c) => IRQ_CALL.test(c)) : undefined;
  if (restore) a.push({ name: IRQS_RESTORED, kind: 'irq', may: false, changed: true, line, via: restore });
  const kept = new Set(a.map((e) => e.name));
  return { before: b, after: a, released: b.filter((e) => !kept.has(e.name)) };
}

/** What line `line` (0-based) of `fn` does to the held locks: before → after. */
export function lineLockView(file: FileAnalysis, fn: FunctionLocks, line: number): LineLockView {
  const before = heldBefore(file, fn, line);
  const nodes = nodesByLine(fn).get(line);
  const l = fn.lineLocks.find((x) => x.line === line);
  const after = nodes ? afterLine(file, fn, l, nodes, predecessorCounts(fn)) : before;
  return view(functionFacts(file, fn), before, after, line);
}

/** The locks held after a line: exact from the analysis where the line flows into a join, else from the states after it. */
function afterLine(
  file: FileAnalysis,
  fn: FunctionLocks,
  l: LineLocks | undefined,
  nodes: readonly CfgNode[],
  preds: Uint32Array,
): HeldSets {
  if (l?.after) return l.after;
  const states = statesAfter(fn, nodes, preds);
  return states.length ? heldSets(states, file.lineIndex) : EMPTY;
}

/** Interrupts change somewhere in the function (`local_irq_disable()` in a function that takes no lock). */
function changesIrq(fn: FunctionLocks): boolean {
  return fn.lineLocks.some((l) => l.irq && !l.irq.entry);
}

/** The function takes or releases a lock, or runs with one held. */
function usesLocks(fn: FunctionLocks): boolean {
  return fn.touchesLocks || fn.lineLocks.some((l) => l.must.length > 0 || l.may.length > 0);
}

function hintAt(file: FileAnalysis, nodes: readonly CfgNode[]): { line: number; character: number } {
  // After the statement: at the end of the line where the line's last statement ends.
  const end = Math.max(...nodes.map((n) => n.end));
  const line = file.lineIndex.lineOf(end);
  return { line, character: file.lineIndex.lineText(line).replace(/\s+$/, '').length };
}

function functionHints(file: FileAnalysis, fn: FunctionLocks, mode: HintMode): LockHint[] {
  const out: LockHint[] = [];
  const all = mode === 'all' && usesLocks(fn);
  const byLine = nodesByLine(fn);
  let preds: Uint32Array | undefined;
  for (const l of fn.lineLocks) {
    const nodes = byLine.get(l.line);
    if (!nodes) continue;
    const migrate = callsMigrate(nodes);
    // Functions that never touch a lock keep the empty set everywhere: nothing to say (but a start/finish call).
    if (!all && !migrate && !fn.touchesLocks && !changesIrq(fn)) continue;
    preds ??= predecessorCounts(fn);
    const after = afterLine(file, fn, l, nodes, preds);
    if (all || migrate || !sameKey(after, l)) {
      const v = view(functionFacts(file, fn), l, after, l.line);
      // The interrupt state is shown where the line changes it, and on the function's first hint when it
      // is entered so: in between it would repeat itself on every line.
      const first = out.length === 0;
      v.after = v.after.filter((e) => e.kind !== 'irq' || e.changed || (first && e.entry));
      out.push({ ...hintAt(file, nodes), held: after, ...v });
    }
  }
  return out;
}

interface CachedHints {
  mode: HintMode;
  firstLine: string;
  lastLine: string;
  hints: LockHint[];
}

/**
 * Hints of a function, by its line states: a function the incremental analysis
 * reused in place keeps the same `lineLocks` array, so its hints are not
 * recomputed (the first and last line texts are compared too: text around the
 * function on those lines could move a hint's column).
 */
const cache = new WeakMap<FunctionLocks['lineLocks'], CachedHints>();

function cachedFunctionHints(file: FileAnalysis, fn: FunctionLocks, mode: HintMode): LockHint[] {
  const firstLine = file.lineIndex.lineText(file.lineIndex.lineOf(fn.syntax.start));
  const lastLine = file.lineIndex.lineText(file.lineIndex.lineOf(fn.syntax.end));
  const c = cache.get(fn.lineLocks);
  if (c && c.mode === mode && c.firstLine === firstLine && c.lastLine === lastLine) return c.hints;
  const hints = functionHints(file, fn, mode);
  cache.set(fn.lineLocks, { mode, firstLine: owned(firstLine), lastLine: owned(lastLine), hints });
  return hints;
}

/** Lock-state hints for the lines `fromLine`..`toLine` (0-based, inclusive; the whole file by default). */
export function lockHints(file: FileAnalysis, mode: HintMode, fromLine = 0, toLine = Number.MAX_SAFE_INTEGER): LockHint[] {
  const out: LockHint[] = [];
  const fns = file.functions;
  const lines = file.lineIndex;
  // The editor asks for the lines on screen on every keystroke: two line lookups for each function of a
  // 5,000-line file were most of it. When the functions' starts and ends both go up with the list (they do:
  // syntax/functions.ts finds them in document order; checked, not assumed), the functions ending before the
  // range are a prefix of the list, found by binary search, and those starting after it the rest.
  const ordered = inDocumentOrder(fns);
  let i = 0;
  if (ordered) {
    let hi = fns.length;
    while (i < hi) {
      const mid = (i + hi) >> 1;
      if (lines.lineOf(fns[mid]!.syntax.end) < fromLine) i = mid + 1;
      else hi = mid;
    }
  }
  for (; i < fns.length; i++) {
    const fn = fns[i]!;
    const first = lines.lineOf(fn.syntax.start);
    if (ordered && first > toLine) break;
    const last = lines.lineOf(fn.syntax.end);
    if (last < fromLine || first > toLine) continue;
    for (const h of cachedFunctionHints(file, fn, mode)) if (h.line >= fromLine && h.line <= toLine) out.push(h);
  }
  return out;
}

/** Each function starts and ends no earlier than the one before it. */
function inDocumentOrder(fns: readonly FunctionLocks[]): boolean {
  for (let i = 1; i < fns.length; i++) {
    const a = fns[i - 1]!.syntax;
    const b = fns[i]!.syntax;
    if (b.start < a.start || b.end < a.end) return false;
  }
  return true;
}
