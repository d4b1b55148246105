// The workspace index: per-file records (records.ts) keyed by path, from disk
// (the background indexing and file watchers) and from the open documents
// (their current text, which wins over the disk while they are open), merged
// into one shared summary store by function name. A document is analysed with
// `lookupFor(itsPath)`: every other file's summaries, never its own older
// ones. `set` says which names' summaries changed for the other files, and
// `dependents` which files call them: what must be analysed again.
//
// Facts over the whole tree other than summaries (guards, entry facts) are to
// be kept the same way: per file in IndexedFile, merged here beside
// `definers`, their changes reported by `set`.
import { type FunctionSummary, summaryKey, type SummaryLookup } from '../locks/summary';
import type { IndexedFile, IndexedFunction } from './records';

type Layer = 'disk' | 'open';

/** A record and its functions by name (the first of a name wins, as in the file). */
interface Entry {
  record: IndexedFile;
  byName: Map<string, IndexedFunction>;
}

function entryOf(record: IndexedFile): Entry {
  const byName = new Map<string, IndexedFunction>();
  for (const f of record.functions) if (!byName.has(f.name)) byName.set(f.name, f);
  return { record, byName };
}

export class WorkspaceIndex {
  private readonly disk = new Map<string, Entry>();
  private readonly open = new Map<string, Entry>();
  /** For each function name, the paths whose effective record defines it, sorted (the first one answers). */
  private readonly definers = new Map<string, string[]>();
  /** For each name, the paths whose effective record calls it. */
  private readonly callers = new Map<string, Set<string>>();
  /** Counts the calls of `set`: a lookup made at the same count answers every name as this one does. */
  private generation = 0;

  /** Files with a record (disk or open). */
  get size(): number {
    return new Set([...this.disk.keys(), ...this.open.keys()]).size;
  }

  has(path: string): boolean {
    return this.disk.has(path) || this.open.has(path);
  }

  /** The record in use for `path`: the open document's, else the disk's. */
  record(path: string): IndexedFile | undefined {
    return this.entry(path)?.record;
  }

  private entry(path: string): Entry | undefined {
    return this.open.get(path) ?? this.disk.get(path);
  }

  /** Every record in use, by path order. */
  records(): IndexedFile[] {
    return [...new Set([...this.disk.keys(), ...this.open.keys()])].sort().map((p) => this.record(p)!);
  }

  /** The summary other files see for `name` (the first definer by path, `except` left out). */
  summary(name: string, except?: string): FunctionSummary | undefined {
    const paths = this.definers.get(name);
    if (!paths) return undefined;
    for (const p of paths) {
      if (p === except) continue;
      const fn = this.entry(p)?.byName.get(name);
      if (fn) return fn.summary;
    }
    return undefined;
  }

  /** Whether no `set` came since `generation` was read (an IndexLookup answers from the index as it is now). */
  generationIs(generation: number): boolean {
    return this.generation === generation;
  }

  /** The summaries a file at `path` is analysed with: everyone's but its own. */
  lookupFor(path: string): SummaryLookup {
    return new IndexLookup(this, path, this.generation);
  }

  /**
   * Sets (or with `record` undefined, removes) a file's record in a layer.
   * Returns the names whose summary, as any other file sees it, changed.
   */
  set(layer: Layer, path: string, record: IndexedFile | undefined): Set<string> {
    // Any set, even one that changes no summary: lookups compare summaries by identity, and a new record
    // holds new objects.
    this.generation++;
    const before = this.record(path);
    const map = layer === 'disk' ? this.disk : this.open;
    const seen = new Map<string, string | undefined>();
    const names = new Set([...(before?.functions ?? []), ...(record?.functions ?? [])].map((f) => f.name));
    // What every other file saw for these names before (by key: equal summaries are no change).
    for (const n of names) seen.set(n, keyOf(this.summary(n)));
    this.unlink(before);
    if (record) map.set(path, entryOf({ ...record, path }));
    else map.delete(path);
    this.link(this.record(path));
    const changed = new Set<string>();
    for (const n of names) if (keyOf(this.summary(n)) !== seen.get(n)) changed.add(n);
    return changed;
  }

  /**
   * The files that read the shared summary of any of `names`: those that call
   * it and do not define it themselves (their own definition is the one they use).
   */
  dependents(names: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const n of names) for (const p of this.callers.get(n) ?? []) if (!this.entry(p)?.byName.has(n)) out.add(p);
    return out;
  }

  private link(r: IndexedFile | undefined): void {
    if (!r) return;
    for (const f of r.functions) {
      const paths = this.definers.get(f.name) ?? [];
      if (!paths.includes(r.path)) {
        paths.push(r.path);
        paths.sort();
      }
      this.definers.set(f.name, paths);
      for (const c of f.callees) {
        let s = this.callers.get(c);
        if (!s) this.callers.set(c, (s = new Set()));
        s.add(r.path);
      }
    }
  }

  private unlink(r: IndexedFile | undefined): void {
    if (!r) return;
    for (const f of r.functions) {
      const paths = this.definers.get(f.name)?.filter((p) => p !== r.path);
      if (paths?.length) this.definers.set(f.name, paths);
      else this.definers.delete(f.name);
      for (const c of f.callees) {
        const s = this.callers.get(c);
        s?.delete(r.path);
        if (s?.size === 0) this.callers.delete(c);
      }
    }
  }
}

/** The summaries a file at `path` sees, as of the index's `generation` (see unchangedSince). */
class IndexLookup implements SummaryLookup {
  constructor(
    private readonly index: WorkspaceIndex,
    private readonly path: string,
    private readonly generation: number,
  ) {}

  get(name: string): FunctionSummary | undefined {
    return this.index.summary(name, this.path);
  }

  /** The index changes only through `set`: with no set in between, every answer is the same object. */
  unchangedSince(earlier: SummaryLookup): boolean {
    return (
      earlier instanceof IndexLookup &&
      earlier.index === this.index &&
      earlier.path === this.path &&
      earlier.generation === this.generation &&
      this.index.generationIs(this.generation)
    );
  }
}

const keyOf = (s: FunctionSummary | undefined): string | undefined => (s ? `${s.params.join(',')}|${summaryKey(s)}` : undefined);
