// Incremental analysis of open documents. Each version is analysed by the same
// Analyzer pipeline as a fresh run (same order, same summary fixpoint), so the
// result is exactly what a full analysis of the text gives; what changes is
// that the per-function work (CFG, lock dataflow, rules) is looked up in a
// cache keyed by the function's text and by the callee summaries it read, and
// reused — shifted to the function's new place — when both are unchanged.
// Only functions whose text changed, and callers whose callees' summaries
// changed, are recomputed.
import type { Tree } from 'web-tree-sitter';
import type { Analyzer, FileAnalysis, FunctionMemo } from '../analyzer';
import type { Cfg } from '../cfg/types';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import type { FunctionSummary, SummaryLookup } from '../locks/summary';
import type { FunctionSyntax } from '../syntax/functions';
import type { LineIndex } from '../syntax/lineIndex';
import { Delta, shiftCfg, shiftDiagnostics, shiftLocks } from './shift';
import { DocumentEdit, TreeCache } from './treeCache';

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
  ms: number;
}

interface Placed<T> {
  start: number;
  line: number;
  value: T;
}

interface Entry {
  cfg: Placed<Cfg>;
  callees: string[];
  locks: Map<string, Placed<FunctionLocks>>;
  rules: Map<string, Placed<CoreDiagnostic[]>>;
  lastRun: number;
}

interface DocCache {
  run: number;
  entries: Map<string, Entry>;
  /** Short ids for file outlines (the list of function names), so rule cache keys stay small. */
  outlines: Map<string, number>;
}

const MAX_VARIANTS = 4;
const summaryKeys = new WeakMap<FunctionSummary, string>();

function summaryDep(s: FunctionSummary | undefined): string {
  if (!s) return '-';
  let k = summaryKeys.get(s);
  if (k === undefined) {
    k = JSON.stringify([s.params, s.acquires, s.releases, s.condAcquires, s.requires]);
    summaryKeys.set(s, k);
  }
  return k;
}

function calleesOf(cfg: Cfg): string[] {
  const out = new Set<string>();
  for (const n of cfg.nodes) for (const c of n.facts.calls) out.add(c.name);
  return [...out].sort();
}

function remember<T>(map: Map<string, Placed<T>>, key: string, placed: Placed<T>): void {
  map.delete(key);
  map.set(key, placed);
  if (map.size > MAX_VARIANTS) map.delete(map.keys().next().value as string);
}

/**
 * Reuses a placed value at a new place: `shift` moves it; `movable` says
 * whether it may move across lines (findings quote line numbers in messages).
 */
function reuse<T>(p: Placed<T>, start: number, line: number, movable: (v: T) => boolean, shift: (v: T, d: Delta) => T): T | undefined {
  const d: Delta = { offset: start - p.start, line: line - p.line };
  if (d.offset === 0 && d.line === 0) return p.value;
  if (d.line !== 0 && !movable(p.value)) return undefined;
  const value = shift(p.value, d);
  p.start = start;
  p.line = line;
  p.value = value;
  return value;
}

/** One analysis run's view of a document's cache: the FunctionMemo the Analyzer calls. */
class RunMemo implements FunctionMemo {
  readonly stats = { reused: 0, computed: 0 };
  private readonly placeOf = new Map<FunctionSyntax, { entry: Entry; start: number; line: number }>();
  private readonly resultOf = new Map<FunctionLocks, { entry: Entry; dep: string; start: number; line: number }>();
  private outline: string | undefined;

  constructor(private readonly doc: DocCache) {}

  cfg(syntax: FunctionSyntax, file: { text: string; lines: LineIndex }, compute: () => Cfg): Cfg {
    // The body's node count guards against the same text parsed differently (error recovery in another context).
    const key = `${syntax.body?.descendantCount ?? -1}\u0000${file.text.slice(syntax.start, syntax.end)}`;
    const start = syntax.start;
    const line = file.lines.lineOf(start);
    let entry = this.doc.entries.get(key);
    let cfg: Cfg;
    if (entry) {
      cfg = reuse(entry.cfg, start, line, () => true, shiftCfg)!;
    } else {
      cfg = compute();
      entry = { cfg: { start, line, value: cfg }, callees: calleesOf(cfg), locks: new Map(), rules: new Map(), lastRun: this.doc.run };
      this.doc.entries.set(key, entry);
    }
    entry.lastRun = this.doc.run;
    this.placeOf.set(syntax, { entry, start, line });
    return cfg;
  }

  locks(syntax: FunctionSyntax, cfg: Cfg, summaries: SummaryLookup, compute: () => FunctionLocks): FunctionLocks {
    const place = this.placeOf.get(syntax);
    if (!place || place.entry.cfg.value !== cfg) {
      this.stats.computed++;
      return compute();
    }
    const { entry, start, line } = place;
    const dep = entry.callees.map((c) => summaryDep(summaries.get(c))).join('\u0001');
    const cached = entry.locks.get(dep);
    let result = cached && reuse(cached, start, line, (v) => v.diagnostics.length === 0, (v, d) => shiftLocks(v, d, syntax, cfg));
    if (result) {
      if (result.syntax !== syntax || result.cfg !== cfg) result = { ...result, syntax, cfg };
      this.stats.reused++;
    } else {
      result = compute();
      this.stats.computed++;
    }
    remember(entry.locks, dep, { start, line, value: result });
    this.resultOf.set(result, { entry, dep, start, line });
    return result;
  }

  rules(file: FileAnalysis, fn: FunctionLocks, compute: () => CoreDiagnostic[]): CoreDiagnostic[] {
    const info = this.resultOf.get(fn);
    if (!info) return compute();
    // Rules read the function and may look at which functions the file defines (not at their bodies).
    if (this.outline === undefined) {
      const names = file.functions.map((f) => f.syntax.name).join(',');
      let id = this.doc.outlines.get(names);
      if (id === undefined) {
        if (this.doc.outlines.size > 64) this.doc.outlines.clear();
        id = this.doc.outlines.size;
        this.doc.outlines.set(names, id);
      }
      this.outline = String(id);
    }
    const key = `${info.dep}\u0002${this.outline}`;
    const cached = info.entry.rules.get(key);
    const result = (cached && reuse(cached, info.start, info.line, (v) => v.length === 0, (v, d) => shiftDiagnostics(v, d.offset))) ?? compute();
    remember(info.entry.rules, key, { start: info.start, line: info.line, value: result });
    return result;
  }
}

export class DocumentAnalyzer {
  private readonly trees: TreeCache;
  private readonly docs = new Map<string, DocCache>();
  private readonly keepRuns: number;
  /** Figures of the last analysis (tests and the benchmark read them). */
  lastStats: AnalysisStats = { functions: 0, reused: 0, computed: 0, ms: 0 };

  constructor(readonly analyzer: Analyzer, opts: DocumentAnalyzerOptions = {}) {
    const timeoutMs = opts.parseTimeoutMs ?? 5000;
    this.keepRuns = opts.keepRuns ?? 2;
    this.trees = new TreeCache((text, old) => {
      try {
        return analyzer.parse(text, old, { timeoutMs });
      } catch {
        return null;
      }
    }, { maxTrees: opts.maxTrees ?? 32 });
  }

  /** Records edits (offsets in the text before each edit) so the next parse is incremental. */
  edit(uri: string, edits: readonly DocumentEdit[], rows?: readonly { start: number; oldEnd: number }[]): void {
    this.trees.edit(uri, edits, rows);
  }

  /** Drops the document's tree (after a full-content change the next parse starts afresh). */
  forgetTree(uri: string): void {
    this.trees.delete(uri);
  }

  /**
   * Analyses `text` (the document at `version`). Returns undefined when the
   * parse hit its time limit. Never throws on any text.
   */
  analyze(uri: string, version: number, text: string): FileAnalysis | undefined {
    const t0 = performance.now();
    const tree: Tree | undefined = this.trees.get(uri, version, text);
    if (!tree) return undefined;
    let doc = this.docs.get(uri);
    if (!doc) {
      doc = { run: 0, entries: new Map(), outlines: new Map() };
      this.docs.set(uri, doc);
    }
    doc.run++;
    const memo = new RunMemo(doc);
    const result = this.analyzer.analyze({ path: uri, text }, { tree, memo });
    for (const [key, e] of doc.entries) if (e.lastRun < doc.run - this.keepRuns) doc.entries.delete(key);
    this.lastStats = { functions: result.functions.length, ...memo.stats, ms: performance.now() - t0 };
    return result;
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
}
