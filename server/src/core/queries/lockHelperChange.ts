// XSR007 for a function an edit turned into a lock helper. A function that
// takes a lock and returns holding it on every path is an acquirer helper:
// the analysis gives no finding there (it is the caller's to release), and
// its callers get the findings, at their own lines. When the function used to
// release that lock and an edit (a deleted unlock) made it return holding it,
// the cause is in the function, so the finding belongs to it. Whether it
// "used to" is a comparison with an earlier analysis of the same text (the
// editor's: the document as it was opened), so a file analysed afresh never
// gets this finding, and acquirer helpers written as such never do.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import { originOf } from '../locks/origin';
import { ruleMetas } from '../rules/registry';
import { finding } from '../rules/report';
import type { RuleMeta } from '../rules/types';
import { nameRange } from './symbols';

/** What a function did with the locks it takes: kept them all (acquires) or released them somewhere (balanced). */
interface LockShape {
  acquires: readonly string[];
  balanced: readonly string[];
}

/** Each function's lock shape in an earlier analysis of the document, by name. */
export type LockShapeBaseline = ReadonlyMap<string, LockShape>;

/**
 * Shapes by summary: a function the incremental analysis reused (moved or
 * not) keeps its summary object, so only recomputed functions are walked
 * again on an edit.
 */
const shapes = new WeakMap<FunctionLocks['summary'], LockShape>();

/**
 * The function's shape; `known` (its shape in the baseline) itself when the
 * shape is the same, so that an edit that changes no function's shape leaves
 * every entry of the baseline as it was (see nextLockShapeBaseline).
 */
function shapeOf(fn: FunctionLocks, known: LockShape | undefined): LockShape {
  const cached = shapes.get(fn.summary);
  if (cached) return cached;
  const computed = computeShape(fn);
  const shape = known && sameShape(known, computed) ? known : computed;
  shapes.set(fn.summary, shape);
  return shape;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const sameShape = (a: LockShape, b: LockShape): boolean => sameList(a.acquires, b.acquires) && sameList(a.balanced, b.balanced);

/** No lock changed (shared: most functions on most edits). */
const NONE: readonly string[] = [];

function computeShape(fn: FunctionLocks): LockShape {
  const s = fn.summary;
  const kept = new Set([...s.acquires, ...s.condAcquires].map((e) => e.lock));
  const taken = new Set<string>();
  // (Both lists walked in turn: no list joined from them per line.)
  for (const l of fn.lineLocks) {
    for (const r of l.must) if (!r.entry) taken.add(r.name);
    for (const r of l.may) if (!r.entry) taken.add(r.name);
  }
  return { acquires: [...kept], balanced: [...taken].filter((n) => !kept.has(n)) };
}

/** The locks each function of `file` took and now keeps at every exit, though it released them in `baseline`. */
function changes(baseline: LockShapeBaseline, fn: FunctionLocks): readonly string[] {
  const was = baseline.get(fn.syntax.name);
  // The same shape as this summary's (the function was reused since, or its shape is the same): what it acquires, it
  // acquired then.
  if (!was || fn.degraded || shapes.get(fn.summary) === was) return NONE;
  // A flagged function stays flagged while the edits go on elsewhere: its locks are read once per summary and shape.
  const known = changed.get(fn.summary);
  if (known?.was === was) return known.locks;
  const locks = fn.summary.acquires.map((e) => e.lock).filter((l) => was.balanced.includes(l) && !was.acquires.includes(l));
  changed.set(fn.summary, { was, locks });
  return locks;
}

/** What `changes` found for a summary, against which shape. */
const changed = new WeakMap<FunctionLocks['summary'], { was: LockShape; locks: readonly string[] }>();

/**
 * What a flagged function's finding says of one lock that does not depend on
 * where the function sits, for a result as computed: where it names its
 * function (offsets from the function's start: its text, so its header, is
 * the same wherever it moved), the line of the base where it first takes the
 * lock (a moved view adds its move) and that line's indentation, and the
 * finding's words. A flagged function stays flagged until the lock is
 * released again, and its finding is made again on every keystroke anywhere
 * in the file: the name's search, the walk over every line's locks, the
 * line's text and the messages were most of that.
 */
interface Place {
  name: { start: number; end: number };
  takenLine: number | undefined;
  /** The taken line's indentation, when the line begins inside the function's text (else read each time). */
  indent: number | undefined;
  message: string;
  returnsHolding: string;
  takenHere: string;
}

const places = new WeakMap<FunctionLocks, Map<string, Place>>();

function placeIn(base: FunctionLocks, lock: string, file: FileAnalysis, fn: FunctionLocks, lineDelta: number): Place {
  let byLock = places.get(base);
  if (!byLock) places.set(base, (byLock = new Map()));
  let p = byLock.get(lock);
  if (!p) {
    const taken = base.lineLocks.flatMap((l) => [...l.must, ...l.may]).find((r) => r.name === lock && !r.entry);
    const name = nameRange(file, fn);
    // A line that begins inside the function is the function's own text (the base's): its indentation is the
    // same wherever the function moves. (Its first line may begin with another's text.)
    const line = taken && taken.line + lineDelta;
    const indent = line !== undefined && file.lineIndex.lineStart(line) >= fn.syntax.start ? indentOf(file, line) : undefined;
    p = {
      name: { start: name.start - fn.syntax.start, end: name.end - fn.syntax.start },
      takenLine: taken?.line,
      indent,
      message: `${fn.syntax.name}() now returns holding ${lock} on every path: callers treat it as a lock helper`,
      returnsHolding: `returns holding ${lock}`,
      takenHere: `${lock} taken here`,
    };
    byLock.set(lock, p);
  }
  return p;
}

/** The width of the whitespace a line begins with. */
function indentOf(file: FileAnalysis, line: number): number {
  return /^\s*/.exec(file.lineIndex.lineText(line))?.[0].length ?? 0;
}

/**
 * What the last walk of a file's functions against a baseline answered for
 * each function (by its index in the file), with the function's name,
 * summary and degraded note then. `changes` and `entryOf` read of a function
 * only those three (and the baseline; the caches they fill are by summary),
 * and a keystroke hands almost every function the summary it had (reused,
 * moved or not): those functions keep their answers instead of being looked
 * up again in the baseline and the caches (several map lookups per function,
 * two walks per keystroke: most of what comparing with the baseline cost).
 * One walk serves both questions, each answered when first asked: the
 * editor asks both of each analysis, and the functions' fields are read from
 * results and moved views of many shapes (a load from each, for each
 * function, was most of what was left). A function that is the same object
 * as last time is not read at all.
 */
interface Walk {
  /** The file last walked (every list below is its functions'). */
  file: FileAnalysis | undefined;
  fns: FunctionLocks[];
  names: string[];
  summaries: FunctionLocks['summary'][];
  degraded: (string | undefined)[];
  /** changes(baseline, fn), when asked since the function's fields changed. */
  changes: (readonly string[] | undefined)[];
  /** Whether entryOf(baseline, fn) is the baseline's entry, when asked since. */
  kept: (boolean | undefined)[];
  /** The findings newLockHelpers last made for the function at each index (checked against their inputs). */
  made: (Made | undefined)[];
}

const walks = new WeakMap<LockShapeBaseline, Walk>();

/** The walk of `file` against `baseline`: answers of functions whose fields changed since the last walk are forgotten. */
function walkOf(baseline: LockShapeBaseline, file: FileAnalysis): Walk {
  let w = walks.get(baseline);
  if (!w) walks.set(baseline, (w = { file: undefined, fns: [], names: [], summaries: [], degraded: [], changes: [], kept: [], made: [] }));
  if (w.file === file) return w;
  const fns = file.functions;
  for (let i = 0; i < fns.length; i++) {
    const fn = fns[i]!;
    if (w.fns[i] === fn) continue;
    w.fns[i] = fn;
    const name = fn.syntax.name;
    if (w.summaries[i] === fn.summary && w.names[i] === name && w.degraded[i] === fn.degraded) continue;
    w.names[i] = name;
    w.summaries[i] = fn.summary;
    w.degraded[i] = fn.degraded;
    w.changes[i] = undefined;
    w.kept[i] = undefined;
  }
  w.fns.length = w.names.length = w.summaries.length = w.degraded.length = w.changes.length = w.kept.length = w.made.length = fns.length;
  w.file = file;
  return w;
}

/** Where a flagged function's finding says it took the lock (undefined: the base never takes it on a line). */
function takenHere(p: Place, file: FileAnalysis, fn: FunctionLocks, lineDelta: number): number | undefined {
  if (p.takenLine === undefined) return undefined;
  const line = p.takenLine + lineDelta;
  const start = file.lineIndex.lineStart(line);
  return start + (p.indent !== undefined && start >= fn.syntax.start ? p.indent : indentOf(file, line));
}

/**
 * A function's findings as last made, with everything they were made of:
 * the same inputs make the same findings, and the objects are given again
 * (the editor converts a finding it has converted before only to check its
 * positions). Flagged functions stay flagged while the edits go on
 * elsewhere: making each of their findings again on every keystroke was
 * most of this comparison's cost and allocation.
 */
interface Made {
  name: string;
  start: number;
  bodyEnd: number;
  conservative: boolean;
  /** The result as computed and the locks flagged: the same two have the same places (placeIn keeps them by result). */
  base: FunctionLocks;
  changed: readonly string[];
  /** Per lock flagged: its place and where the line that took it starts. */
  places: Place[];
  at: (number | undefined)[];
  findings: CoreDiagnostic[];
}

function sameInputs(
  m: Made,
  fn: FunctionLocks,
  conservative: boolean,
  changed: readonly string[],
  base: FunctionLocks,
  file: FileAnalysis,
  lineDelta: number,
): boolean {
  if (m.name !== fn.syntax.name || m.start !== fn.syntax.start || m.bodyEnd !== fn.syntax.bodyEnd || m.conservative !== conservative)
    return false;
  if (m.base !== base || m.changed !== changed) return false;
  for (let k = 0; k < changed.length; k++) if (takenHere(m.places[k]!, file, fn, lineDelta) !== m.at[k]) return false;
  return true;
}

/** The XSR007 findings of the functions that now return holding a lock they used to release. */
export function newLockHelpers(baseline: LockShapeBaseline, file: FileAnalysis): CoreDiagnostic[] {
  const out: CoreDiagnostic[] = [];
  let meta: RuleMeta | undefined;
  const w = walkOf(baseline, file);
  for (let i = 0; i < w.changes.length; i++) {
    const fn = file.functions[i]!;
    const changed = (w.changes[i] ??= changes(baseline, fn));
    if (changed.length === 0) continue;
    meta ??= ruleMetas().find((m) => m.code === 'XSR007');
    if (!meta) return out;
    // Read from the result as computed, moved: a moved view's lineLocks would copy every line of it on every edit.
    const { base, delta } = originOf(fn);
    const conservative = !!(fn.cfg.hasError || fn.syntax.hasError || fn.degraded);
    const last = w.made[i];
    if (last && sameInputs(last, fn, conservative, changed, base, file, delta.line)) {
      for (const d of last.findings) out.push(d);
      continue;
    }
    const made: Made = {
      name: fn.syntax.name,
      start: fn.syntax.start,
      bodyEnd: fn.syntax.bodyEnd,
      conservative,
      base,
      changed,
      places: [],
      at: [],
      findings: [],
    };
    for (const lock of changed) {
      const p = placeIn(base, lock, file, fn, delta.line);
      const at = takenHere(p, file, fn, delta.line);
      const related = [{ start: fn.syntax.bodyEnd - 1, end: fn.syntax.bodyEnd, message: p.returnsHolding }];
      if (at !== undefined) related.unshift({ start: at, end: at, message: p.takenHere });
      const d = finding(meta, fn, {
        start: fn.syntax.start + p.name.start,
        end: fn.syntax.start + p.name.end,
        message: p.message,
        related,
      });
      made.places.push(p);
      made.at.push(at);
      made.findings.push(d);
      out.push(d);
    }
    w.made[i] = made;
  }
  return out;
}

/**
 * The baseline to compare the next analysis with: each function's shape as
 * the document was opened (or as the function first appeared), followed along
 * ordinary edits; a function flagged by `newLockHelpers` keeps its old shape,
 * so the finding stays until the lock is released again.
 */
export function nextLockShapeBaseline(previous: LockShapeBaseline | undefined, file: FileAnalysis): LockShapeBaseline {
  // On most keystrokes every function keeps its entry (its shape, or the old shape it is flagged against): the
  // previous baseline is the next one, and no map of every function is made again.
  if (previous) {
    const w = walkOf(previous, file);
    let all = true;
    for (let i = 0; i < w.kept.length && all; i++) {
      const fn = file.functions[i]!;
      all = w.kept[i] ??= entryOf(previous, fn) === previous.get(fn.syntax.name);
    }
    if (all) return previous;
  }
  const next = new Map<string, LockShape>();
  for (const fn of file.functions) next.set(fn.syntax.name, entryOf(previous, fn));
  // A function that vanished (a deleted brace swallowed it) keeps its shape for when it comes back.
  for (const [name, shape] of previous ?? []) if (!next.has(name)) next.set(name, shape);
  return next;
}

/** A function's entry in the next baseline: its old shape while it is flagged, else its shape now. */
function entryOf(previous: LockShapeBaseline | undefined, fn: FunctionLocks): LockShape {
  const was = previous?.get(fn.syntax.name);
  return was && changes(previous!, fn).length > 0 ? was : shapeOf(fn, was);
}
