// The analysis core's entry point: text in, functions with lock states and
// diagnostics out. No LSP or editor types here (ARCHITECTURE.md, invariant 1).
import type { Parser, Point, Tree } from 'web-tree-sitter';

import { type FileAnalysis, registerAnalysis, type SourceFile } from './analysis';
import { buildCfg } from './cfg/build';
import { calleesOf } from './cfg/callees';
import type { Cfg, CfgNode } from './cfg/types';
import type { CoreDiagnostic } from './diagnostics';
import { eolOf, withEol } from './fix/text';
import { attachDiscipline, computeDiscipline, DEFAULT_GUARD_SETTINGS, type GuardSettings } from './guards/discipline';
import { analyzeFunctionLocks, type FunctionLocks, nothingHeld } from './locks/analyze';
import { CallIrqCounts } from './locks/callIrqCounts';
import { type FunctionSummary, isEmptySummary, sameSummaryKey, type SummaryLookup, SummaryStore } from './locks/summary';
import { ALL_RULES } from './rules/registry';
import type { Rule } from './rules/types';
import { Blanker } from './syntax/blank';
import { findFunctions, type FunctionSyntax } from './syntax/functions';
import { jumpMacrosOf } from './syntax/jumpMacros';
import { LineIndex } from './syntax/lineIndex';
import { countParseErrors } from './syntax/parseErrors';
import { createParser, type ParseLimits, parseText } from './syntax/parser';
import type { AttributeMacro } from './xen/attributes';
import { type EntryFact, entryFacts, entryIrqOf, registrationsIn } from './xen/entryPoints';
import { HelperTable, type LockHelper } from './xen/lockHelpers';

/**
 * Lets an incremental caller (core/incremental) reuse per-function work across
 * versions of a document: each hook gets the work as `compute` and either runs
 * it or returns an earlier result for the same function text, shifted to where
 * the function is now. Without a memo the analyzer computes everything.
 */
export interface FunctionMemo {
  cfg(syntax: FunctionSyntax, file: { text: string; lineIndex: LineIndex }, compute: () => Cfg): Cfg;
  /**
   * `context`: anything else the result depends on, as a key (the interrupt state the function is entered with).
   * `at`: the function's position in the solve's first pass (-1 in later passes; see SolveMemo).
   * `index` (here and in `rules`): the function's index in its file's list, where a memo that placed the
   * functions in that order finds it without a lookup by syntax (a hint: the syntax is what identifies it).
   */
  locks(
    syntax: FunctionSyntax,
    cfg: Cfg,
    summaries: SummaryLookup,
    compute: () => FunctionLocks,
    context?: string,
    at?: number,
    index?: number,
  ): FunctionLocks;
  rules(file: FileAnalysis, fn: FunctionLocks, compute: () => CoreDiagnostic[], index?: number): CoreDiagnostic[];
  /** What the summary solve keeps from the document's previous run (see SolveMemo). */
  readonly solve?: SolveMemo;
}

/**
 * A file already split into functions with their CFGs: what `analyze` builds
 * from the tree before it solves summaries and runs the rules. The incremental
 * analysis builds it without a full parse when an edit stays inside one body.
 */
/**
 * Interrupts on entry by the function's role: hypercall handlers (`do_*_op`,
 * or a `do_*` taking a guest handle) run with interrupts on; registered
 * softirq, timer and tasklet functions with them on, stop_machine_run
 * callbacks and the scheduler hooks the core calls under an irqsave lock
 * with them off (xen/entryPoints.ts, the registrations in the analysed files).
 */
interface EntryIrq {
  on: boolean;
  why: string;
  /** Entered so by Xen with no lock held (a registrar's callback, not a scheduler hook). */
  bare?: boolean;
}

function roleEntryIrq(fn: FunctionSyntax, text: string, facts: readonly EntryFact[] | undefined): EntryIrq | undefined {
  // (Every function is asked on every keystroke: the prefix both tests need is looked at first.)
  if (
    fn.name.startsWith('do_') &&
    (/^do_\w+_op$/.test(fn.name) || (/^do_\w+$/.test(fn.name) && /XEN_GUEST_HANDLE/.test(text.slice(fn.start, fn.bodyStart))))
  )
    return { on: true, why: 'a hypercall handler' };
  return facts ? entryIrqOf(facts) : undefined;
}

/**
 * Updates `entryIrq` from the call sites: a function every caller in the set
 * calls with interrupts off (on) is entered with them off (on); roles win.
 * Returns whether anything changed. `counts` holds the call sites counted
 * for the set (see CallIrqCounts): only the functions whose result changed
 * since they were counted are counted again.
 */
function learnEntryIrq(
  set: FunctionSet,
  results: readonly FunctionLocks[][],
  entryIrq: Map<string, EntryIrq>,
  roles: ReadonlyMap<string, EntryIrq>,
  counts: CallIrqCounts,
): boolean {
  for (let idx = 0; idx < set.fns.length; idx++) counts.update(idx, results[set.fileOf[idx]!]?.[set.indexIn[idx]!]?.callIrq);
  let changed = false;
  for (const [name, t] of counts.byCallee) {
    if (roles.has(name)) continue;
    const v = t.unknown === 0 && (t.on === 0) !== (t.off === 0) ? t.off === 0 : undefined;
    if (v !== entryIrq.get(name)?.on) {
      if (v === undefined) entryIrq.delete(name);
      else entryIrq.set(name, { on: v, why: `every call to it in the analysed code is made with interrupts ${v ? 'on' : 'off'}` });
      changed = true;
    }
  }
  return changed;
}

/** The solve's order (calleesFirst) as last computed, and the callers of each function of the set, built when first asked for. */
interface LastOrder {
  names: readonly string[];
  callees: readonly ReadonlySet<string>[];
  order: number[];
  callers?: ReadonlyMap<string, number[]>;
}

/**
 * The functions of a solve, as parallel lists by index (one list per field,
 * not an object per function: the editor's solve makes them on every
 * keystroke): each one's file (index into the prepared files), index in its
 * file, parse, name and the names it calls.
 */
interface FunctionSet {
  fileOf: number[];
  indexIn: number[];
  fns: ParsedFile['functions'];
  names: string[];
  callees: ReadonlySet<string>[];
}

/**
 * What the summary solve of one document keeps from its previous run: the
 * incremental analysis hands one in per document (FunctionMemo.solve), so
 * that a keystroke, which changes one function, neither orders the call
 * graph again nor counts every call site again. A folder's run has none.
 */
export class SolveMemo {
  order: LastOrder | undefined;
  readonly callIrq = new CallIrqCounts();
  /** This solve's number, and the number of the solve whose first pass this one's follows (-1: none). */
  current = 0;
  since = -1;
  /**
   * The first pass of the last solve, for this one's to follow when it can:
   * each position's summary (in calleesFirst order), the order and the shared
   * lookup. In the editor a keystroke changes one function: a function at the
   * same position, with the same text (cache entry) and context, whose
   * callees' summaries are the objects they were then, has the dependency key
   * it had then (documentAnalysis.ts depKey) without asking the lookups for
   * each callee: 1,200 lookups per keystroke in the bench's 5,000-line file,
   * a fifth of the solve.
   */
  private last: { order: number[]; shared: SummaryLookup | undefined; summaries: (FunctionSummary | undefined)[] } | undefined;
  /** The summaries by position of the solve before `last` (when the current one follows it). */
  private previous: (FunctionSummary | undefined)[] = [];
  /** The names whose summary, at this point of the first pass, is not the object it was at this point of the last solve. */
  readonly diverged = new Set<string>();

  /**
   * Starts a solve: its first pass follows the last one's when the order is
   * the same (the same names with the same callees among them), the shared
   * lookup answers as it did, and both started from an empty store.
   */
  begin(order: number[], shared: SummaryLookup | undefined, emptyStore: boolean): void {
    const last = this.last;
    const follows =
      emptyStore &&
      last !== undefined &&
      last.order === order &&
      (shared === undefined ? last.shared === undefined : last.shared !== undefined && shared.unchangedSince?.(last.shared) === true);
    this.current++;
    this.since = follows ? this.current - 1 : -1;
    this.diverged.clear();
    // Two arrays serve in turn, not one made on every keystroke.
    const recycled = this.previous;
    recycled.length = 0;
    this.previous = last?.summaries ?? [];
    this.last = emptyStore ? { order, shared, summaries: recycled } : undefined;
  }

  /** The first pass (at position `at` of the order) gave the function `name` this summary. */
  firstPass(at: number, name: string, summary: FunctionSummary): void {
    if (!this.last) return;
    this.last.summaries[at] = summary;
    if (this.since >= 0 && this.previous[at] !== summary) this.diverged.add(name);
  }

  /** Whether none of `callees` has a summary that is not the object it was at this point of the last solve. */
  unchanged(callees: ReadonlySet<string>): boolean {
    for (const d of this.diverged) if (callees.has(d)) return false;
    return true;
  }
}

export interface ParsedFile {
  lineIndex: LineIndex;
  /** `callees` (the names called, as the analyzer collects them) may be given to save collecting them again. */
  functions: { syntax: FunctionSyntax; cfg: Cfg; callees?: ReadonlySet<string> }[];
  parseErrors: number;
}

interface Prepared extends ParsedFile {
  file: SourceFile;
}

// Summary passes, and rounds of learning the interrupt state functions are entered with.
const MAX_PASSES = 12;

/** What an analyzer is made with: the user's lock helpers and attribute macros, and the rules to run. */
export interface AnalyzerOptions {
  helpers?: readonly LockHelper[];
  attributes?: readonly AttributeMacro[];
  rules?: readonly Rule[];
  /** The guard inference's thresholds (core/guards). */
  guards?: Partial<GuardSettings>;
}

export class Analyzer {
  readonly table: HelperTable;
  private readonly blanker: Blanker;
  private readonly rules: Rule[] = [];
  /** The order of the last solve without a memo of its own (a folder's run: see SolveMemo). */
  private lastOrder: LastOrder | undefined;

  private constructor(
    private readonly parser: Parser,
    helpers: readonly LockHelper[],
    attributes: readonly AttributeMacro[],
    /** The guard inference's thresholds (core/guards). */
    readonly guards: GuardSettings = DEFAULT_GUARD_SETTINGS,
  ) {
    this.table = new HelperTable(helpers);
    this.blanker = new Blanker(attributes);
  }

  /** An analyzer with the user's lock helpers and attribute macros; it runs every rule of the registry unless `rules` says which. */
  static async create(opts: AnalyzerOptions = {}): Promise<Analyzer> {
    const a = new Analyzer(await createParser(), opts.helpers ?? [], opts.attributes ?? [], { ...DEFAULT_GUARD_SETTINGS, ...opts.guards });
    for (const r of opts.rules ?? ALL_RULES) a.addRule(r);
    return a;
  }

  addRule(rule: Rule): void {
    this.rules.push(rule);
  }

  /** The text tree-sitter reads for `text`: attribute macros blanked, same length (syntax/blank.ts). */
  blank(text: string): string {
    return this.blanker.blank(text);
  }

  /** Parses `text` (blanked here). The caller owns the tree. */
  parse(text: string, limits?: ParseLimits): Tree {
    return this.parseBlanked(this.blank(text), null, limits);
  }

  /** Parses text already blanked (incrementally when `oldTree` was edited to match it). The caller owns the tree. */
  parseBlanked(blanked: string, oldTree?: Tree | null, limits?: ParseLimits): Tree {
    const tree = parseText(this.parser, blanked, oldTree, limits);
    if (!tree) throw new Error('parse did not complete');
    return tree;
  }

  /**
   * Analyses one file on its own (its functions' summaries are shared within
   * it; `shared` answers for the functions it calls but does not define: the
   * workspace's, core/workspace).
   */
  analyze(
    file: SourceFile,
    opts: { tree?: Tree; summaries?: SummaryStore; memo?: FunctionMemo; shared?: SummaryLookup } = {},
  ): FileAnalysis {
    return this.analyzeMany([file], {
      trees: opts.tree ? [opts.tree] : undefined,
      summaries: opts.summaries,
      memo: opts.memo,
      shared: opts.shared,
    })[0]!;
  }

  /**
   * Parses only `range` of `text` (tree-sitter's included ranges): offsets and
   * points in the tree are those of the whole text. The caller owns the tree;
   * null when the parse did not complete.
   */
  parseRange(text: string, range: { startIndex: number; endIndex: number; startPosition: Point; endPosition: Point }): Tree | null {
    const { startIndex: from, endIndex: to } = range;
    const piece = this.blank(text.slice(from, to));
    // The text with the range blanked, read piece by piece: the parser asks for the text from an offset on, and
    // one string joined from the three parts is copied whole (a keystroke's reparse of one function of a long
    // file copied the file); chunks that stop at the range's end read the same characters.
    const read = (index: number): string =>
      index < from ? text.slice(index, from) : index < to ? piece.slice(index - from) : text.slice(index);
    return this.parser.parse(read, null, { includedRanges: [range] });
  }

  /** Analyses a file already split into functions (see ParsedFile): the same summaries and rules as `analyze`. */
  analyzeParsed(
    file: SourceFile,
    parsed: ParsedFile,
    opts: { summaries?: SummaryStore; memo?: FunctionMemo; shared?: SummaryLookup } = {},
  ): FileAnalysis {
    const prepared: Prepared = { file, lineIndex: parsed.lineIndex, functions: parsed.functions, parseErrors: parsed.parseErrors };
    const results = this.solveSummaries([prepared], opts.summaries ?? new SummaryStore(), opts.memo, opts.shared);
    return this.folderFindings([this.finish(prepared, results[0]!, opts.memo)])[0]!;
  }

  /**
   * Analyses files together: summaries are computed bottom-up over every
   * function of every file to a fixpoint, so a helper in one file is known to
   * its callers in another. `context` files (the headers they include) are
   * analysed for their summaries only: no findings, no results.
   */
  analyzeMany(
    files: readonly SourceFile[],
    opts: {
      trees?: readonly Tree[] | undefined;
      summaries?: SummaryStore | undefined;
      memo?: FunctionMemo | undefined;
      shared?: SummaryLookup | undefined;
      context?: readonly SourceFile[] | undefined;
    } = {},
  ): FileAnalysis[] {
    const prepared = files.map((f, i) => this.prepare(f, opts.trees?.[i], opts.memo));
    const context = (opts.context ?? []).map((f) => this.prepare(f));
    const store = opts.summaries ?? new SummaryStore();
    const results = this.solveSummaries([...prepared, ...context], store, opts.memo, opts.shared);
    // Context files (the headers included) take part in the lock discipline, never reported on.
    const contextFiles = context.map((p, i): FileAnalysis => {
      const functions = results[prepared.length + i]!;
      return { path: p.file.path, text: p.file.text, lineIndex: p.lineIndex, functions, diagnostics: [], parseErrors: p.parseErrors };
    });
    return this.folderFindings(
      prepared.map((p, i) => this.finish(p, results[i]!, opts.memo)),
      contextFiles,
    );
  }

  /**
   * The lock discipline of the files analysed together (core/guards: every
   * file gets the same object), then the rules that compare sites across
   * them add their findings to each file.
   */
  private folderFindings(files: FileAnalysis[], context: readonly FileAnalysis[] = []): FileAnalysis[] {
    if (files.length) {
      const discipline = computeDiscipline(files, context, this.table, this.guards);
      for (const f of files) attachDiscipline(f, discipline);
    }
    for (const rule of this.rules) {
      if (!rule.checkFolder) continue;
      let shares: { file: FileAnalysis; diagnostics: CoreDiagnostic[] }[];
      try {
        shares = rule.checkFolder(files);
      } catch (e) {
        const first = files[0];
        if (first)
          first.diagnostics.push({
            code: 'XSR000',
            severity: 'hint',
            start: 0,
            end: 0,
            function: '',
            fixable: false,
            message: `internal error in rule ${rule.meta.code}: ${(e as Error).message}`,
          });
        continue;
      }
      for (const { file, diagnostics } of shares) {
        matchLineEnds(file.text, diagnostics);
        file.diagnostics = [...file.diagnostics, ...diagnostics].sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
      }
    }
    return files;
  }

  private prepare(file: SourceFile, tree?: Tree, memo?: FunctionMemo): Prepared {
    const lines = new LineIndex(file.text);
    const t = tree ?? this.parse(file.text);
    const root = t.rootNode;
    const functions = findFunctions(t, file.text, root).map((syntax) => {
      const build = (): Cfg => {
        try {
          return buildCfg(syntax.body!, file.text, lines, { jumpMacros: jumpMacrosOf(file.text).macros });
        } catch (e) {
          return unbuiltCfg(syntax, lines, e);
        }
      };
      const cfg = memo ? memo.cfg(syntax, { text: file.text, lineIndex: lines }, build) : build();
      syntax.hasError = cfg.hasError;
      delete syntax.body;
      return { syntax, cfg };
    });
    const parseErrors = countParseErrors(
      t,
      functions.map((f) => f.cfg.errorSites ?? 0),
      root,
    );
    // Everything past this point reads the CFGs: free the WASM tree now (a
    // folder of thousands of files must not hold every tree at once).
    if (!tree) t.delete();
    return { file, lineIndex: lines, functions, parseErrors };
  }

  /**
   * calleesFirst, remembered for the last input (the document's, when the
   * solve has a memo): an incremental caller passes the same callee sets (by
   * identity) for functions it did not re-parse. With it, the callers of each
   * function of the set (indices into `fns`), built when first asked for the
   * same input.
   */
  private orderOf(
    fnNames: readonly string[],
    callees: readonly ReadonlySet<string>[],
    names: ReadonlySet<string>,
    memo: SolveMemo | undefined,
  ): {
    order: number[];
    callersOf: (name: string) => readonly number[];
  } {
    const last = memo ? memo.order : this.lastOrder;
    // calleesFirst follows only the callees defined in the set, in the order the set lists them: callee sets
    // listing the same defined names in the same order give the same order, and the same callers of every
    // function of the set. (A keystroke renaming a call to a function defined elsewhere changes only the rest.)
    let reuse = !!last && last.names.length === fnNames.length;
    for (let i = 0; reuse && i < fnNames.length; i++)
      reuse = fnNames[i] === last!.names[i] && sameDefinedCallees(callees[i]!, last!.callees[i]!, names);
    const entry: LastOrder = reuse
      ? { ...last!, names: fnNames, callees }
      : { names: fnNames, callees, order: calleesFirst(fnNames, callees) };
    if (memo) memo.order = entry;
    else this.lastOrder = entry;
    const callersOf = (name: string): readonly number[] => {
      if (!entry.callers) {
        const m = new Map<string, number[]>();
        callees.forEach((called, i) => {
          for (const c of called) {
            if (!names.has(c)) continue;
            const list = m.get(c);
            if (list) list.push(i);
            else m.set(c, [i]);
          }
        });
        entry.callers = m;
      }
      return entry.callers.get(name) ?? [];
    };
    return { order: entry.order, callersOf };
  }

  private solveSummaries(prepared: Prepared[], store: SummaryStore, memo?: FunctionMemo, shared?: SummaryLookup): FunctionLocks[][] {
    const set = functionSet(prepared);
    const { fileOf, indexIn, fns, names: fnNames } = set;
    // A function defined here is looked up here only (never in `shared`, which
    // may hold an older version of it); any other callee in `shared`.
    const names = new Set(fnNames);
    const lookup: SummaryLookup = shared ? { get: (name) => (names.has(name) ? store.get(name) : shared.get(name)) } : store;
    const { order, callersOf } = this.orderOf(fnNames, set.callees, names, memo?.solve);
    // Call sites counted for learning entry states: the document's counts from its last run, else counted afresh.
    const counts = memo?.solve?.callIrq ?? new CallIrqCounts();
    const solveMemo = memo?.solve;
    solveMemo?.begin(order, shared, store.size === 0);
    counts.begin(fnNames, names);
    const results: FunctionLocks[][] = prepared.map((p) => new Array<FunctionLocks>(p.functions.length));
    // A function needs (re)analysis when it was never analysed, or a callee's summary changed after it was
    // last analysed (its callers are marked when a summary changes). In callees-first order that happens only
    // around recursion, so most functions are analysed once.
    const stale = new Uint8Array(fns.length).fill(1);
    // Interrupts on entry (issue 13): what every caller in the set calls the function with, or what its
    // role says (a hypercall handler). Learned after the summaries, then the functions whose entry changed
    // are analysed again (their summaries may change, and so their callers': the loop goes on).
    const entryIrq = new Map<string, EntryIrq>();
    const registered = entryFacts(
      prepared.flatMap((p) => registrationsIn(p.file)),
      (n) => names.has(n),
    );
    for (let idx = 0; idx < fns.length; idx++) {
      const role = roleEntryIrq(fns[idx]!.syntax, prepared[fileOf[idx]!]!.file.text, registered.get(fnNames[idx]!));
      if (role) entryIrq.set(fnNames[idx]!, role);
    }
    // The role wins over what the callers in the set say: it is how Xen itself enters the function (every
    // softirq, timer expiry, rendezvous or hook call), while the callers seen are only those in the analysed
    // files; a direct call that disagrees is that caller's business (its own state is checked at its sites).
    const roles = new Map(entryIrq);
    // The interrupt state each function was last analysed with: 0 unknown, 1 on, 2 off.
    const analysedWith = new Uint8Array(fns.length);
    // The function being analysed, read by the one `compute` below: the memo calls it at once or not at all,
    // and one closure per solve costs less than one per function and pass (the editor's solve, on every
    // keystroke, asks the memo for every function of the document).
    let current = 0;
    let entered: EntryIrq | undefined;
    const compute = (): FunctionLocks => {
      const f = fns[current]!;
      const p = prepared[fileOf[current]!]!;
      try {
        return analyzeFunctionLocks(f.syntax, f.cfg, {
          source: p.file.text,
          lineIndex: p.lineIndex,
          table: this.table,
          summaries: lookup,
          entryIrq: entered?.on,
          entryIrqWhy: entered?.why,
          entryIrqBare: entered?.bare,
        });
      } catch (e) {
        // A bug of ours on some shape of code costs that function, never the file or the run.
        return nothingHeld(f.syntax, f.cfg, `not analysed: internal error in the lock analysis (${errorText(e)})`);
      }
    };
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let any = false;
      for (let k = 0; k < order.length; k++) {
        const i = order[k]!;
        const name = fnNames[i]!;
        const e = entryIrq.get(name);
        const irq = e?.on;
        const irqCode = irq === undefined ? 0 : irq ? 1 : 2;
        if (!stale[i] && analysedWith[i] === irqCode) continue;
        any = true;
        analysedWith[i] = irqCode;
        stale[i] = 0;
        current = i;
        entered = e;
        const key = irq === undefined ? '' : irq ? 'irq-on' : e?.bare ? 'irq-off-bare' : 'irq-off';
        const f = fns[i]!;
        const res = memo ? memo.locks(f.syntax, f.cfg, lookup, compute, key, pass === 0 ? k : -1, indexIn[i]) : compute();
        results[fileOf[i]!]![indexIn[i]!] = res;
        if (pass === 0) solveMemo?.firstPass(k, name, res.summary);
        const old = store.get(name);
        // No summary and an empty one mean the same to callers: not a change. (Compared as their keys
        // would be, without making them: summary.ts.)
        if (old !== res.summary && (old ? !sameSummaryKey(old, res.summary) : !isEmptySummary(res.summary))) {
          store.set(res.summary);
          for (const c of callersOf(name)) stale[c] = 1;
        }
      }
      if (!any) {
        // Summaries are stable: learn the entry states from the call sites; stop when they are stable too.
        if (!learnEntryIrq(set, results, entryIrq, roles, counts)) break;
      }
    }
    return results;
  }

  private finish(p: Prepared, functions: FunctionLocks[], memo?: FunctionMemo): FileAnalysis {
    const file: FileAnalysis = {
      path: p.file.path,
      text: p.file.text,
      lineIndex: p.lineIndex,
      functions,
      diagnostics: [],
      parseErrors: p.parseErrors,
    };
    const diags: CoreDiagnostic[] = [];
    // The function being checked, read by the one `check` below (the memo runs it at once or not at all):
    // one closure per file rather than one per function (the editor's run asks the memo for every function).
    let fn: FunctionLocks;
    const check = (): CoreDiagnostic[] => {
      const out: CoreDiagnostic[] = [];
      for (const rule of this.rules) {
        try {
          out.push(...rule.check(file, fn));
        } catch (e) {
          // A rule bug must not take the whole analysis down; it is reported instead.
          out.push({
            code: 'XSR000',
            severity: 'hint',
            start: fn.syntax.start,
            end: fn.syntax.start,
            function: fn.syntax.name,
            fixable: false,
            message: `internal error in rule ${rule.meta.code}: ${(e as Error).message}`,
          });
        }
      }
      return out;
    };
    if (this.rules.length > 0)
      for (let i = 0; i < functions.length; i++) {
        fn = functions[i]!;
        const found = memo ? memo.rules(file, fn, check, i) : check();
        for (const d of found) diags.push(d);
      }
    matchLineEnds(file.text, diags);
    file.diagnostics = diags.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
    return registerAnalysis(file);
  }
}

/** The functions of the prepared files, in order, as parallel lists (see FunctionSet), each made to measure. */
function functionSet(prepared: readonly Prepared[]): FunctionSet {
  let n = 0;
  for (const p of prepared) n += p.functions.length;
  const set: FunctionSet = {
    fileOf: new Array<number>(n),
    indexIn: new Array<number>(n),
    fns: new Array<ParsedFile['functions'][number]>(n),
    names: new Array<string>(n),
    callees: new Array<ReadonlySet<string>>(n),
  };
  let idx = 0;
  for (let fi = 0; fi < prepared.length; fi++) {
    const functions = prepared[fi]!.functions;
    for (let i = 0; i < functions.length; i++, idx++) {
      const f = functions[i]!;
      set.fileOf[idx] = fi;
      set.indexIn[idx] = i;
      set.fns[idx] = f;
      set.names[idx] = f.syntax.name;
      set.callees[idx] = f.callees ?? calleesOf(f.cfg);
    }
  }
  return set;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The CFG of a function whose body could not be built (a bug of ours): entry straight to exit, marked not analysed. */
function unbuiltCfg(syntax: FunctionSyntax, lines: LineIndex, e: unknown): Cfg {
  const at = syntax.bodyStart;
  const node = (id: number, kind: 'entry' | 'exit'): CfgNode => ({
    id,
    kind,
    start: at,
    end: at,
    line: lines.lineOf(at),
    succ: id === 0 ? [{ to: 1 }] : [],
    facts: { calls: [], assignments: [] },
  });
  return {
    nodes: [node(0, 'entry'), node(1, 'exit')],
    entry: 0,
    exit: 1,
    hasError: false,
    degraded: `internal error while building its control flow (${errorText(e)})`,
  };
}

/**
 * Fixes insert `\n`: in a CRLF file they insert `\r\n` instead. A file with
 * lone `\r` line ends gets no fix (line surgery there is not worth the risk).
 */
function matchLineEnds(text: string, diags: CoreDiagnostic[]): void {
  const eol = eolOf(text);
  if (eol === '\n') return;
  for (const d of diags) {
    if (!d.edits) continue;
    if (eol === '\r') {
      delete d.edits;
      delete d.fixTitle;
      d.fixable = false;
    } else d.edits = withEol(d.edits, eol);
  }
}

/** Whether two callee sets list the same names defined in the set (`defined`), in the same order. */
export function sameDefinedCallees(a: ReadonlySet<string>, b: ReadonlySet<string>, defined: ReadonlySet<string>): boolean {
  if (a === b) return true;
  // The same names in the same order (a function unchanged since the last solve): the same defined ones
  // too, without asking which are defined (a lookup per callee).
  if (a.size === b.size) {
    const ib = b.values();
    let equal = true;
    for (const x of a)
      if (x !== ib.next().value) {
        equal = false;
        break;
      }
    if (equal) return true;
  }
  const ia = a.values();
  const ib = b.values();
  for (;;) {
    let x = ia.next();
    while (!x.done && !defined.has(x.value)) x = ia.next();
    let y = ib.next();
    while (!y.done && !defined.has(y.value)) y = ib.next();
    if (x.done || y.done) return !!x.done && !!y.done;
    if (x.value !== y.value) return false;
  }
}

/** Indices in an order where callees come before callers (DFS postorder; cycles broken arbitrarily). */
function calleesFirst(names: readonly string[], callees: readonly ReadonlySet<string>[]): number[] {
  const byName = new Map<string, number[]>();
  names.forEach((name, i) => byName.set(name, [...(byName.get(name) ?? []), i]));
  const state = new Uint8Array(names.length);
  const out: number[] = [];
  for (let root = 0; root < names.length; root++) {
    if (state[root]) continue;
    const stack: { i: number; it: Iterator<string> }[] = [{ i: root, it: callees[root]!.values() }];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = top.it.next();
      if (next.done) {
        out.push(top.i);
        state[top.i] = 2;
        stack.pop();
        continue;
      }
      for (const j of byName.get(next.value) ?? []) {
        if (state[j]) continue;
        state[j] = 1;
        stack.push({ i: j, it: callees[j]!.values() });
      }
    }
  }
  return out;
}
