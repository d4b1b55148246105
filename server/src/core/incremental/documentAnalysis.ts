// Incremental analysis of open documents. Each version is analysed by the same
// Analyzer pipeline as a fresh run (same order, same summary fixpoint), so the
// result is exactly what a full analysis of the text gives; what changes is
// that the per-function work (CFG, lock dataflow, rules) is looked up in a
// cache keyed by the function's text and by the callee summaries it read, and
// reused — shifted to the function's new place — when both are unchanged.
// Only functions whose text changed, and callers whose callees' summaries
// changed, are recomputed.
//
// An edit inside one function body that cannot change tokens outside it takes
// a shorter way (localParse.ts): only that function is reparsed, the others
// keep their CFGs (shifted), and the whole-file tree keeps the edit until
// `settle` reparses it — when the editor is idle — and checks that it splits
// the file into the same functions; if not (never seen), it analyses afresh.
//
// `shared` (the workspace index's summaries, core/workspace) answers for the
// functions a document calls but does not define; callee summaries are part
// of every cached result's key, so a callee changed in another file
// recomputes exactly its callers here.
import type { Tree } from 'web-tree-sitter';

import type { FileAnalysis } from '../analysis';
import { type Analyzer, type FunctionMemo, SolveMemo } from '../analyzer';
import { calleesOf } from '../cfg/callees';
import type { Cfg } from '../cfg/types';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import type { FunctionSummary, SummaryLookup } from '../locks/summary';
import type { FunctionSyntax } from '../syntax/functions';
import { findFunctions } from '../syntax/functions';
import { jumpMacrosOf } from '../syntax/jumpMacros';
import { LineIndex } from '../syntax/lineIndex';
import { owned } from '../syntax/ownedString';
import { countParseErrors } from '../syntax/parseErrors';
import { forgetText } from '../syntax/textMemo';
import {
  functionContaining,
  type LocalFunction,
  locallySafe,
  parseFunctionAlone,
  textAfter,
  type TopLevel,
  type TopLevelFacts,
  topLevelFacts,
} from './localParse';
import { type Delta, shiftCfgLazily, shiftDiagnostics, shiftLocksLazily } from './shift';
import { type DocumentEdit, type EditRows, TreeCache } from './treeCache';

export interface DocumentAnalyzerOptions {
  /** Trees kept (LRU, default 32). */
  maxTrees?: number;
  /** Abandon a parse after this many milliseconds (default 5000). */
  parseTimeoutMs?: number;
  /** Cached functions not seen for this many analyses of their document are dropped (default 2). */
  keepRuns?: number;
}

export interface AnalysisStats {
  functions: number;
  /** Functions whose lock analysis was reused (possibly shifted). */
  reused: number;
  /** Functions analysed afresh. */
  computed: number;
  /** The edits were applied by reparsing only the edited function. */
  local: boolean;
  ms: number;
}

interface Placed<T> {
  /** Where `value` (as computed) is. */
  start: number;
  line: number;
  value: T;
  /** The value as last placed elsewhere: a (lazily) shifted view of `value`. */
  at?: { start: number; line: number; value: T };
}

interface Entry {
  cfg: Placed<Cfg>;
  /** The body's node count when the CFG was built (part of the key). */
  bodyNodes: number;
  callees: string[];
  calleeSet: ReadonlySet<string>;
  locks: Variants<FunctionLocks>;
  rules: Variants<CoreDiagnostic[]>;
  lastRun: number;
  /** The run that made it: one made after the document's cache was last made whole keeps the text of its run (compact). */
  born: number;
  /**
   * The dependency key last built for the lock result, with the callee
   * summaries (by identity) and context it was built from: most runs hand
   * every function the same summary objects, and a key string reused is
   * neither rebuilt nor hashed again by the maps it is looked up in.
   */
  lastDep?: {
    context: string;
    summaries: (FunctionSummary | undefined)[];
    dep: string;
    /** The solve (SolveMemo.current) whose first pass last confirmed it, and at which position (-1: none). */
    solve: number;
    at: number;
  };
  /** The rules' key last built (the lock key and the file's outline), for the same reason. */
  lastRulesKey?: { dep: string; outline: string; key: string };
}

/**
 * A function of the last analysed version, with its cache entry, and where a
 * run placed it and what its lock result was keyed by there (read back by
 * the rules' lookup). One object serves as both: a keystroke places every
 * function of a 5,000-line file, and a second object (and a second map)
 * per function per run was a tenth of what the edit path allocated around
 * the analysis. The run fields are set by RunMemo.place on every run.
 */
class ParsedFn {
  syntax: FunctionSyntax;
  /** The entry's CFG as placed for this function. */
  cfg: Cfg;
  readonly entry: Entry;
  /**
   * The entry's callee names: with `syntax` and `cfg`, what the analyzer asks
   * of a parsed function, so that the list of functions handed to it is the
   * document's own list, not a record per function per keystroke.
   */
  readonly callees: ReadonlySet<string>;
  /** Its place in the full tree; undefined when it is not directly in the translation unit (never reparsed alone). */
  top: TopLevelFacts | undefined;
  /** Where the last run placed the function (its start and 0-based line). */
  start: number;
  line: number;
  /** The last run's lock result through the memo (undefined: computed without it) and its dependency key. */
  result: FunctionLocks | undefined;
  dep: string;

  constructor(syntax: FunctionSyntax, cfg: Cfg, entry: Entry, top: TopLevelFacts | undefined, line: number) {
    this.syntax = syntax;
    this.cfg = cfg;
    this.entry = entry;
    this.callees = entry.calleeSet;
    this.top = top;
    this.start = syntax.start;
    this.line = line;
    this.result = undefined;
    this.dep = '';
  }
}

/** The last analysed version split into functions: what a local edit starts from. */
interface Parsed {
  text: string;
  lineIndex: LineIndex;
  fns: ParsedFn[];
  /** Top-level items holding syntax errors. */
  errorItems: number;
  /** The parse-error count as if the root held errors (countParseErrors returns 0 when it does not). */
  ungatedErrors: number;
  parseErrors: number;
  /** Edits received since `text` (each in offsets of the text just before it). */
  pending: DocumentEdit[];
  /** Local edits were applied that the full tree has not confirmed yet (see settle). */
  unverified: boolean;
}

interface DocCache {
  run: number;
  /** The document's first run: entries born then (or re-made by a compaction, counted so) share one text per run. */
  whole: number;
  entries: Map<string, Entry>;
  /** Short ids for file outlines (the list of function names), so rule cache keys stay small. */
  outlines: Map<string, number>;
  /** The next outline id (ids are never reused: see RunMemo.outlineOf). */
  nextOutline: number;
  /** The last run's outline: its names, in order, and its id. */
  lastOutline?: { names: readonly string[]; id: string };
  parsed?: Parsed;
  /** What the summary solve keeps from the document's last run (the call graph's order, the call sites counted). */
  solve: SolveMemo;
}

/** The result of settling a document (see DocumentAnalyzer.settle). */
export interface SettleResult {
  /** The local results agreed with the reparsed tree. */
  consistent: boolean;
  /** When they did not: the analysis of the full tree (publish it in place of the earlier one). */
  file?: FileAnalysis;
  /**
   * The document was analysed again from its text (compact): `file` holds
   * that analysis, which replaces the earlier one in memory; `consistent`
   * says whether the local reparses it follows were confirmed.
   */
  compacted?: boolean;
}

/**
 * Functions made since the cache was last made whole, past which an idle
 * document is analysed again from its text alone (compact). Each such
 * function keeps the text of the version it was made in: a substring of 13 or
 * more characters is, in V8, a view of the string it was cut from, and a
 * function's names, calls and lock expressions are cut from the document.
 * Typing in one function after another kept a copy of the file per function
 * (27 MB after 300 keystrokes across a 5,000-line file); now at most this many
 * copies are kept, for one analysis without cache at idle time per this many
 * functions typed in.
 */
const COMPACT_AFTER = 16;

const MAX_VARIANTS = 4;
const summaryKeys = new WeakMap<FunctionSummary, string>();
/** Summary texts as short ids: dependency keys are built for every function on every run. */
const summaryIds = new Map<string, string>();
let nextSummaryId = 0;
/** Characters of the texts in summaryIds: a function taking hundreds of locks has a long summary, and a server lives long. */
let summaryIdChars = 0;

function summaryDep(s: FunctionSummary | undefined): string {
  if (!s) return '-';
  let k = summaryKeys.get(s);
  if (k === undefined) {
    // Every field: a change in any of them (a convention, a may-acquire) changes what callers compute.
    const text = JSON.stringify(s);
    // Bounded: after a reset, cached results keyed by old ids are recomputed once.
    if (summaryIds.size > 50000 || summaryIdChars > 8_000_000) {
      summaryIds.clear();
      summaryIdChars = 0;
    }
    k = summaryIds.get(text);
    if (k === undefined) {
      // Never reused after a reset: equal ids always mean equal summaries.
      k = (nextSummaryId++).toString(36);
      summaryIds.set(text, k);
      summaryIdChars += text.length;
    }
    summaryKeys.set(s, k);
  }
  return k;
}

function newEntry(cfg: Cfg, start: number, line: number, bodyNodes: number, run: number): Entry {
  const calleeSet = calleesOf(cfg);
  return {
    cfg: { start, line, value: cfg },
    bodyNodes,
    callees: [...calleeSet].sort(),
    calleeSet,
    locks: new Variants(),
    rules: new Variants(),
    lastRun: run,
    born: run,
  };
}

/**
 * A function's cached values by key, the most recently used last (the
 * oldest dropped past MAX_VARIANTS). It knows its most recent key: nearly
 * every lookup on a keystroke is of that key (the function unchanged since
 * the last run), and finding a Map's last key means iterating it, twice per
 * function per keystroke.
 */
class Variants<T> {
  private readonly map = new Map<string, Placed<T>>();
  private last: string | undefined;
  /** The value kept for `last`: the lookup of the most recent key (nearly all of them) is not a map lookup. */
  private lastPlaced: Placed<T> | undefined;

  get(key: string): Placed<T> | undefined {
    return key === this.last ? this.lastPlaced : this.map.get(key);
  }

  /** Keeps `placed` for `key`, as the most recent. */
  remember(key: string, placed: Placed<T>): void {
    this.map.delete(key);
    this.map.set(key, placed);
    this.last = key;
    this.lastPlaced = placed;
    if (this.map.size > MAX_VARIANTS) this.map.delete(this.map.keys().next().value as string);
  }

  /** remember, for a key that is usually the most recent one already. */
  touch(key: string, placed: Placed<T>): void {
    if (this.last !== key) this.remember(key, placed);
  }
}

/** The key of what a function's lock result depends on: its context and its callees' summaries (see Entry.lastDep). */
function depKey(entry: Entry, summaries: SummaryLookup, context: string): string {
  const last = entry.lastDep;
  // Compared before anything is built: every function is looked up on every edit, and almost all are unchanged.
  if (last && last.context === context) {
    let same = true;
    for (let i = 0; i < entry.callees.length && same; i++) same = summaries.get(entry.callees[i]!) === last.summaries[i];
    if (same) return last.dep;
  }
  const now = entry.callees.map((c) => summaries.get(c));
  const dep = `${context}\u0002${now.map(summaryDep).join('\u0001')}`;
  entry.lastDep = { context, summaries: now, dep, solve: -1, at: -1 };
  return dep;
}

/** The value as placed most recently. */
const current = <T>(p: Placed<T>): T => p.at?.value ?? p.value;

/**
 * Reuses a placed value at a new place: `shift` moves the value as computed
 * (so shifted views never chain); `movable` says whether it may move across
 * lines (findings quote line numbers in messages).
 */
function reuse<T>(p: Placed<T>, start: number, line: number, movable: (v: T) => boolean, shift: (v: T, d: Delta) => T): T | undefined {
  const at = p.at;
  if (at && at.start === start && at.line === line) return at.value;
  if (start === p.start && line === p.line) {
    p.at = undefined;
    return p.value;
  }
  if (line !== p.line && !movable(p.value)) return undefined;
  const value = shift(p.value, { offset: start - p.start, line: line - p.line });
  setAt(p, start, line, value);
  return value;
}

/**
 * Records where `p`'s value was last placed, in the record already there
 * when there is one: every function below an edit is placed anew on every
 * keystroke, and the record is `p`'s alone (nothing else holds it).
 */
function setAt<T>(p: Placed<T>, start: number, line: number, value: T): void {
  const at = p.at;
  if (!at) p.at = { start, line, value };
  else {
    at.start = start;
    at.line = line;
    at.value = value;
  }
}

// The arguments of reuse that every run passes for every function: made once, not a closure per call.
const ALWAYS = (): boolean => true;
/** Findings quote line numbers in their messages: a function's findings do not move across lines. */
const NO_FINDINGS = (v: CoreDiagnostic[]): boolean => v.length === 0;
const shiftFindings = (v: CoreDiagnostic[], d: Delta): CoreDiagnostic[] => shiftDiagnostics(v, d.offset);

/**
 * A function's syntax moved by `delta`: every field, in the order findFunctions
 * writes them (its `body` is deleted once the CFG is built: no syntax kept
 * here has one). Written out, not spread: a keystroke moves every function
 * below it, and `{ ...s, start: … }` took 80 µs for 132 functions where this
 * takes 2.5 (a spread whose result's fields then change leaves V8's fast
 * clone).
 */
function movedSyntax(s: FunctionSyntax, delta: number): FunctionSyntax {
  return {
    name: s.name,
    params: s.params,
    start: s.start + delta,
    end: s.end + delta,
    bodyStart: s.bodyStart + delta,
    bodyEnd: s.bodyEnd + delta,
    returnsPointer: s.returnsPointer,
    isStatic: s.isStatic,
    hasError: s.hasError,
  };
}

/** One analysis run's view of a document's cache: the FunctionMemo the Analyzer calls. */
class RunMemo implements FunctionMemo {
  readonly stats = { reused: 0, computed: 0 };
  /**
   * The functions placed in this run, in the order placed: the file's order, which is the index the analyzer
   * passes back with a function's syntax. A map by syntax, filled for every function on every keystroke, was a
   * hundredth of what the edit path allocated (a search of the list serves a caller without the index).
   */
  private readonly list: ParsedFn[] = [];
  private outline: string | undefined;
  readonly solve: SolveMemo;

  constructor(private readonly doc: DocCache) {
    this.solve = doc.solve;
  }

  cfg(syntax: FunctionSyntax, file: { text: string; lineIndex: LineIndex }, compute: () => Cfg): Cfg {
    // The body's node count guards against the same text parsed differently (error recovery in another context).
    const bodyNodes = syntax.body?.descendantCount ?? -1;
    // The text the CFG is built from: past the function's end when its `{` was left unclosed (the body node goes
    // on, and statements the parser put there are in the CFG). An edit there must not reuse the old CFG.
    const end = Math.max(syntax.end, syntax.body?.endIndex ?? syntax.end);
    const key = `${bodyNodes}\u0000${jumpMacrosOf(file.text).key}\u0000${file.text.slice(syntax.start, end)}`;
    const start = syntax.start;
    const line = file.lineIndex.lineOf(start);
    let entry = this.doc.entries.get(key);
    if (!entry) {
      entry = newEntry(compute(), start, line, bodyNodes, this.doc.run);
      // (The first run's keys may stay views: they share the text the document was opened with.)
      this.doc.entries.set(this.doc.run > 1 ? owned(key) : key, entry);
    }
    const fn = new ParsedFn(syntax, entry.cfg.value, entry, undefined, line);
    this.place(fn, start, line);
    return fn.cfg;
  }

  /** Places a function's cached results at `start` (its CFG shifted there) for this run; `fn.cfg` is the CFG placed. */
  place(fn: ParsedFn, start: number, line: number): void {
    fn.cfg = reuse(fn.entry.cfg, start, line, ALWAYS, shiftCfgLazily)!;
    fn.start = start;
    fn.line = line;
    fn.result = undefined;
    fn.dep = '';
    fn.entry.lastRun = this.doc.run;
    this.list.push(fn);
  }

  /** A function placed in this run (`index`: where it should be in the list, when known). */
  placed(syntax: FunctionSyntax, index = -1): ParsedFn | undefined {
    const at = this.list[index];
    return at !== undefined && at.syntax === syntax ? at : this.list.find((f) => f.syntax === syntax);
  }

  /** The entry for a function built locally (an equal one from the cache when there is one). */
  entryFor(local: LocalFunction, text: string, line: number): Entry {
    const key = `${local.bodyNodes}\u0000${jumpMacrosOf(text).key}\u0000${text.slice(local.syntax.start, local.syntax.end)}`;
    let entry = this.doc.entries.get(key);
    if (!entry) {
      entry = newEntry(local.cfg, local.syntax.start, line, local.bodyNodes, this.doc.run);
      // The key is made of the function's text as a view of the document's: a flat copy of it keeps only that.
      this.doc.entries.set(owned(key), entry);
    }
    return entry;
  }

  locks(
    syntax: FunctionSyntax,
    cfg: Cfg,
    summaries: SummaryLookup,
    compute: () => FunctionLocks,
    context = '',
    at = -1,
    index = -1,
  ): FunctionLocks {
    const place = this.placed(syntax, index);
    if (!place || current(place.entry.cfg) !== cfg) {
      this.stats.computed++;
      return compute();
    }
    const { entry, start, line } = place;
    // `context`: what else the result depends on (the interrupt state it is entered with).
    // The key the same position of the last solve's first pass confirmed, when this pass follows that one and
    // no callee's summary has changed since (SolveMemo): what depKey would find, without asking for each callee.
    const last = entry.lastDep;
    const solve = this.solve;
    const dep =
      at >= 0 &&
      solve.since >= 0 &&
      last &&
      last.at === at &&
      last.solve === solve.since &&
      last.context === context &&
      solve.unchanged(entry.calleeSet)
        ? last.dep
        : depKey(entry, summaries, context);
    // Stamped by every lookup (a later pass, or another function of the same text, unstamps it).
    const confirmed = entry.lastDep!;
    confirmed.solve = at >= 0 ? solve.current : -1;
    confirmed.at = at;
    const cached = entry.locks.get(dep);
    let result = cached && this.placeLocks(cached, start, line, syntax, cfg);
    if (result) {
      this.stats.reused++;
      entry.locks.touch(dep, cached!);
    } else {
      result = compute();
      this.stats.computed++;
      entry.locks.remember(dep, { start, line, value: result });
    }
    place.result = result;
    place.dep = dep;
    return result;
  }

  /**
   * A cached lock result for this function at `start`: the last view when it
   * fits, else a view of the result as computed (never a view of a view,
   * whose states would be copied to build it). Findings quote line numbers:
   * a result with findings does not move across lines.
   */
  private placeLocks(p: Placed<FunctionLocks>, start: number, line: number, syntax: FunctionSyntax, cfg: Cfg): FunctionLocks | undefined {
    const last =
      p.at && p.at.start === start && p.at.line === line ? p.at.value : p.start === start && p.line === line ? p.value : undefined;
    if (last && last.syntax === syntax && last.cfg === cfg) return last;
    if (line !== p.line && p.value.imbalances.length > 0) return undefined;
    const value = shiftLocksLazily(p.value, { offset: start - p.start, line: line - p.line }, syntax, cfg);
    setAt(p, start, line, value);
    return value;
  }

  /**
   * The id of the file's outline (its functions' names, in order). The last run's names are compared first: a
   * keystroke seldom renames a function, and joining every name into a key to look up was done on each one.
   */
  private outlineOf(functions: readonly FunctionLocks[]): string {
    const last = this.doc.lastOutline;
    if (last && last.names.length === functions.length && functions.every((f, i) => f.syntax.name === last.names[i])) return last.id;
    const names = functions.map((f) => f.syntax.name);
    const joined = names.join(',');
    let id = this.doc.outlines.get(joined);
    if (id === undefined) {
      if (this.doc.outlines.size > 64) this.doc.outlines.clear();
      // Never an id given before the clear: rule results cached under it belong to another outline.
      id = this.doc.nextOutline++;
      this.doc.outlines.set(joined, id);
    }
    this.doc.lastOutline = { names, id: String(id) };
    return this.doc.lastOutline.id;
  }

  rules(file: FileAnalysis, fn: FunctionLocks, compute: () => CoreDiagnostic[], index = -1): CoreDiagnostic[] {
    const info = this.placed(fn.syntax, index);
    // Only the result this run's lock lookup gave (the rules' key is that lookup's).
    if (!info || info.result !== fn) return compute();
    // Rules read the function and may look at which functions the file defines (not at their bodies).
    this.outline ??= this.outlineOf(file.functions);
    const lastKey = info.entry.lastRulesKey;
    let key: string;
    if (lastKey && lastKey.dep === info.dep && lastKey.outline === this.outline) key = lastKey.key;
    else {
      key = `${info.dep}\u0002${this.outline}`;
      info.entry.lastRulesKey = { dep: info.dep, outline: this.outline, key };
    }
    const cached = info.entry.rules.get(key);
    // A function without findings (most) has nothing to move: its empty list is the same wherever it is.
    const reused = cached && (cached.value.length === 0 ? cached.value : reuse(cached, info.start, info.line, NO_FINDINGS, shiftFindings));
    if (reused) {
      info.entry.rules.touch(key, cached!);
      return reused;
    }
    const result = compute();
    info.entry.rules.remember(key, { start: info.start, line: info.line, value: result });
    return result;
  }
}

export class DocumentAnalyzer {
  private readonly trees: TreeCache;
  private readonly docs = new Map<string, DocCache>();
  private readonly keepRuns: number;
  /** Figures of the last analysis (tests and the benchmark read them). */
  lastStats: AnalysisStats = { functions: 0, reused: 0, computed: 0, local: false, ms: 0 };

  constructor(
    readonly analyzer: Analyzer,
    opts: DocumentAnalyzerOptions = {},
  ) {
    const timeoutMs = opts.parseTimeoutMs ?? 5000;
    this.keepRuns = opts.keepRuns ?? 2;
    this.trees = new TreeCache(
      (prepared, old) => {
        try {
          return analyzer.parseBlanked(prepared, old, { timeoutMs });
        } catch {
          return null;
        }
      },
      { maxTrees: opts.maxTrees ?? 32, prepare: (text) => analyzer.blank(text) },
    );
  }

  /** Records edits (offsets in the text before each edit) so the next parse is incremental. */
  edit(uri: string, edits: readonly DocumentEdit[], rows?: readonly EditRows[]): void {
    this.trees.edit(uri, edits, rows);
    this.docs.get(uri)?.parsed?.pending.push(...edits);
  }

  /** Drops the document's tree (after a full-content change the next parse starts afresh). */
  forgetTree(uri: string): void {
    this.trees.delete(uri);
    const doc = this.docs.get(uri);
    if (doc) doc.parsed = undefined;
  }

  /**
   * Analyses `text` (the document at `version`), with `shared` for the
   * callees it does not define. Returns undefined when the parse hit its time
   * limit. Never throws on any text.
   */
  analyze(uri: string, version: number, text: string, shared?: SummaryLookup): FileAnalysis | undefined {
    const t0 = performance.now();
    let doc = this.docs.get(uri);
    if (!doc) {
      doc = { run: 0, whole: 1, entries: new Map(), outlines: new Map(), nextOutline: 0, solve: new SolveMemo() };
      this.docs.set(uri, doc);
    }
    doc.run++;
    const previous = doc.parsed?.text;
    const memo = new RunMemo(doc);
    const parsed = this.applyLocally(doc, text, memo);
    const result = parsed ? this.analyzeParsed(uri, doc, parsed, memo, shared) : this.analyzeFull(uri, doc, version, text, memo, shared);
    if (!result) return undefined;
    // The version this one replaces is never asked for again: the memos of whole texts let it go (textMemo.ts).
    if (previous !== undefined && previous !== text) forgetText(previous);
    // forEach, not for-of over entries: that made a [key, entry] pair per cached function per keystroke.
    const oldest = doc.run - this.keepRuns;
    doc.entries.forEach((e, key, entries) => {
      if (e.lastRun < oldest) entries.delete(key);
    });
    this.lastStats = { functions: result.functions.length, ...memo.stats, local: !!parsed, ms: performance.now() - t0 };
    return result;
  }

  /**
   * Reparses the full tree after local edits (call it when the editor is
   * idle) and checks that it splits the text into the same functions, with
   * the same bodies and parse errors, as the local reparses said. Returns
   * undefined when there was nothing to check (or `text` is not the last
   * analysed version); otherwise whether the results stand and, when they do
   * not, the analysis of the full tree.
   */
  settle(uri: string, version: number, text: string, shared?: SummaryLookup): SettleResult | undefined {
    const doc = this.docs.get(uri);
    const p = doc?.parsed;
    if (!doc || !p || p.pending.length > 0 || p.text !== text) return undefined;
    const compacting = this.textsKept(uri) > COMPACT_AFTER;
    if (!p.unverified) return compacting ? this.compact(uri, doc, version, text, shared, true) : undefined;
    const tree = this.trees.get(uri, version, text);
    if (!tree) return undefined;
    const found = findFunctions(tree, text);
    const same =
      found.length === p.fns.length &&
      found.every((f, i) => {
        const g = p.fns[i]!;
        const s = g.syntax;
        return (
          f.name === s.name &&
          f.start === s.start &&
          f.end === s.end &&
          f.bodyStart === s.bodyStart &&
          f.bodyEnd === s.bodyEnd &&
          f.returnsPointer === s.returnsPointer &&
          f.isStatic === s.isStatic &&
          f.params.join(',') === s.params.join(',') &&
          f.body?.descendantCount === g.entry.bodyNodes
        );
      });
    if (
      same &&
      countParseErrors(
        tree,
        p.fns.map((f) => f.cfg.errorSites ?? 0),
      ) === p.parseErrors
    ) {
      this.adoptTopLevel(p, topLevelFacts(tree), tree.rootNode.hasError);
      return compacting ? this.compact(uri, doc, version, text, shared, true) : { consistent: true };
    }
    // (Wrong local results: compacted while they are made again from the whole tree.)
    if (compacting) return this.compact(uri, doc, version, text, shared, false);
    doc.parsed = undefined;
    doc.run++;
    const file = this.analyzeFull(uri, doc, version, text, new RunMemo(doc), shared);
    return { consistent: false, ...(file ? { file } : {}) };
  }

  /**
   * How many functions of a document's cache were made after it was last
   * made whole, each from a text of its own (see COMPACT_AFTER).
   */
  textsKept(uri: string): number {
    const doc = this.docs.get(uri);
    if (!doc) return 0;
    let n = 0;
    doc.entries.forEach((e) => {
      if (e.born > doc.whole) n++;
    });
    return n;
  }

  /**
   * The document analysed again with the functions made since it was opened
   * made again from this text: the versions they kept alive are let go (the
   * others keep the text the document was opened with, one for all). Costs
   * what an edit that the local reparse cannot take costs, plus those functions.
   */
  private compact(
    uri: string,
    doc: DocCache,
    version: number,
    text: string,
    shared: SummaryLookup | undefined,
    /** Whether the local results were confirmed by the whole tree (when not, the new analysis is a correction). */
    consistent: boolean,
  ): SettleResult | undefined {
    const entries = doc.entries;
    const parsed = doc.parsed;
    const kept = new Map<string, Entry>();
    entries.forEach((e, key) => {
      if (e.born <= doc.whole) kept.set(key, e);
    });
    doc.entries = kept;
    doc.parsed = undefined;
    doc.run++;
    const file = this.analyzeFull(uri, doc, version, text, new RunMemo(doc), shared);
    if (!file) {
      // (Parsing took too long: the cache stays as it was.)
      doc.entries = entries;
      doc.parsed = parsed;
      return undefined;
    }
    // The functions made now share this one text: one version kept per compaction, not one per function typed in.
    doc.entries.forEach((e) => {
      if (e.born === doc.run) e.born = doc.whole;
    });
    return { consistent, file, compacted: true };
  }

  /** Forgets a document (closed): frees its tree and its cached results. */
  close(uri: string): void {
    this.trees.delete(uri);
    this.docs.delete(uri);
  }

  dispose(): void {
    this.trees.dispose();
    this.docs.clear();
  }

  private analyzeFull(
    uri: string,
    doc: DocCache,
    version: number,
    text: string,
    memo: RunMemo,
    shared: SummaryLookup | undefined,
  ): FileAnalysis | undefined {
    const tree: Tree | undefined = this.trees.get(uri, version, text);
    if (!tree) {
      doc.parsed = undefined;
      return undefined;
    }
    const result = this.analyzer.analyze({ path: uri, text }, { tree, memo, shared });
    const fns: ParsedFn[] = [];
    for (let i = 0; i < result.functions.length; i++) {
      const f = result.functions[i]!;
      const fn = memo.placed(f.syntax, i);
      if (!fn) {
        doc.parsed = undefined;
        return result;
      }
      fn.cfg = f.cfg;
      fns.push(fn);
    }
    const p: Parsed = {
      text,
      lineIndex: result.lineIndex,
      fns,
      errorItems: 0,
      ungatedErrors: 0,
      parseErrors: result.parseErrors,
      pending: [],
      unverified: false,
    };
    this.adoptTopLevel(p, topLevelFacts(tree), tree.rootNode.hasError);
    doc.parsed = p;
    return result;
  }

  /** Records the full tree's top-level facts in `p` (whose functions match the tree). */
  private adoptTopLevel(p: Parsed, top: TopLevel, rootHasError: boolean): void {
    for (const f of p.fns) f.top = top.byStart.get(f.syntax.start);
    p.errorItems = top.errorItems;
    p.ungatedErrors = rootHasError ? p.parseErrors : p.fns.reduce((n, f) => n + (f.cfg.errorSites ?? 0), 0);
    p.unverified = false;
  }

  /** The analysis of a version built by local edits: the same summaries and rules as a full run. */
  private analyzeParsed(uri: string, doc: DocCache, p: Parsed, memo: RunMemo, shared: SummaryLookup | undefined): FileAnalysis {
    for (const f of p.fns) memo.place(f, f.syntax.start, p.lineIndex.lineOf(f.syntax.start));
    doc.parsed = p;
    // The analyzer reads the functions during the run only (its results hold the syntax and the CFG, not these
    // records), so the next run may place them again.
    return this.analyzer.analyzeParsed(
      { path: uri, text: p.text },
      { lineIndex: p.lineIndex, functions: p.fns, parseErrors: p.parseErrors },
      { memo, shared },
    );
  }

  /** The pending edits applied by local reparses, when every one qualifies and they lead to `text`. */
  private applyLocally(doc: DocCache, text: string, memo: RunMemo): Parsed | undefined {
    let p = doc.parsed;
    if (!p) return undefined;
    // applyOne moves the records of `p` in place: from here `p` is no version's split, and whatever this run
    // ends with (local or full) replaces it.
    doc.parsed = undefined;
    const pending = p.pending;
    for (let k = 0; k < pending.length; k++) {
      // The last edit's text is the document's, when it is: no copy of it made.
      p = this.applyOne(p, pending[k]!, memo, k === pending.length - 1 ? text : undefined);
      if (!p) return undefined;
    }
    return p.text === text ? p : undefined;
  }

  private applyOne(p: Parsed, e: DocumentEdit, memo: RunMemo, target?: string): Parsed | undefined {
    if (e.start < 0 || e.oldEnd < e.start || e.oldEnd > p.text.length || !locallySafe(p.text, e)) return undefined;
    const i = functionContaining(p.fns, e);
    const old = p.fns[i];
    if (!old || !old.top?.isolated) return undefined;
    const text = textAfter(p.text, e, target);
    const delta = e.newText.length - (e.oldEnd - e.start);
    const lines = LineIndex.edited(p.lineIndex, text, e.start, e.oldEnd, e.newText.length);
    const local = parseFunctionAlone(this.analyzer, text, lines, old.syntax, delta);
    if (!local) return undefined;
    const line = lines.lineOf(local.syntax.start);
    const entry = memo.entryFor(local, text, line);
    // The list and the records of `p` are moved in place (applyLocally let go of `p`): a keystroke moves every
    // function below it, and a new record per moved function, and a new list, was what survived of this step.
    const fns = p.fns;
    fns[i] = new ParsedFn(local.syntax, current(entry.cfg), entry, local.top, line);
    if (delta !== 0) {
      for (let k = i + 1; k < fns.length; k++) {
        const f = fns[k]!;
        f.syntax = movedSyntax(f.syntax, delta);
      }
    }
    const errorItems = p.errorItems - (old.top.defHasError ? 1 : 0) + (local.top.defHasError ? 1 : 0);
    const ungatedErrors =
      p.ungatedErrors - (old.cfg.errorSites ?? 0) - old.top.headerErrors + (local.cfg.errorSites ?? 0) + local.top.headerErrors;
    return {
      text,
      lineIndex: lines,
      fns,
      errorItems,
      ungatedErrors,
      parseErrors: errorItems > 0 ? ungatedErrors : 0,
      pending: [],
      unverified: true,
    };
  }
}
