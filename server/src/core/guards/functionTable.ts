// The discipline's functions of a run, by key and by name. What decides the
// indexes is each function's path, name and static-ness, in order (a key is
// `path#name` for a static function, else its name): on a keystroke that
// keeps every function, those are the same while every function's facts are
// new objects (a moved function's facts are a moved copy). So a run over one
// file keeps the indexes (a `FunctionTable`, one per distinct list of
// functions in a row) and each run reads its facts through them: an array of
// the functions in order, not three maps of every function built on every
// edit (the map by key, the map by name and its lists, and the comparison of
// the list with the last one's). On the bench's edit loop those maps were
// 8.3 MB of the 200 edits' allocation (and most of it survived a scavenge:
// the discipline lives until the next edit).
import type { FunctionFacts } from './collect';

/**
 * The indexes of one list of functions (every facts of a run in file order,
 * a definition seen twice included). Nobody changes one once made.
 */
export class FunctionTable {
  private readonly paths: readonly string[];
  private readonly names: readonly string[];
  private readonly statics: readonly boolean[];
  /** Per function by key (in the order first seen), its place among every facts. */
  readonly first: readonly number[];
  /** The keys in order (first seen). */
  readonly keys: readonly string[];
  /** Key → place in `keys`. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Name → the places in `keys` of the functions so named, in order (most names have one). */
  readonly byName: ReadonlyMap<string, readonly number[]>;
  /** The names of `byName`, in order, and each name's place among them. */
  readonly nameList: readonly string[];
  readonly nameIndex: ReadonlyMap<string, number>;

  constructor(every: readonly FunctionFacts[]) {
    this.paths = every.map((f) => f.path);
    this.names = every.map((f) => f.name);
    this.statics = every.map((f) => f.isStatic);
    const first: number[] = [];
    const keys: string[] = [];
    const indexOf = new Map<string, number>();
    for (let i = 0; i < every.length; i++) {
      const key = every[i]!.key;
      // A definition seen twice (a header read twice, an #ifdef alternative): the first stays.
      if (indexOf.has(key)) continue;
      indexOf.set(key, keys.length);
      keys.push(key);
      first.push(i);
    }
    const byName = new Map<string, number[]>();
    for (let k = 0; k < first.length; k++) {
      const name = every[first[k]!]!.name;
      const list = byName.get(name);
      if (list) list.push(k);
      else byName.set(name, [k]);
    }
    this.first = first;
    this.keys = keys;
    this.indexOf = indexOf;
    this.byName = byName;
    this.nameList = [...byName.keys()];
    this.nameIndex = new Map(this.nameList.map((n, i) => [n, i]));
  }

  /** Whether these are the indexes of `every` (each function's path, name and static-ness, in order). */
  fits(every: readonly FunctionFacts[]): boolean {
    if (every.length !== this.paths.length) return false;
    for (let i = 0; i < every.length; i++) {
      const f = every[i]!;
      if (this.paths[i] !== f.path || this.names[i] !== f.name || this.statics[i] !== f.isStatic) return false;
    }
    return true;
  }

  /** The functions by key of a run whose facts these are the indexes of, in order. */
  functionsOf(every: readonly FunctionFacts[]): FunctionFacts[] {
    const out = new Array<FunctionFacts>(this.first.length);
    for (let k = 0; k < out.length; k++) out[k] = every[this.first[k]!]!;
    return out;
  }
}

/** The table of the last run over one file: reused while its functions are the same by path, name and static-ness. */
let lastTable: FunctionTable | undefined;

/**
 * The table of a run's facts: for a run over one file, the last one when it
 * fits (one object per distinct list of functions in a row, so what is
 * remembered with it compares it by identity), else a new one.
 */
export function functionTable(every: readonly FunctionFacts[], remember: boolean): FunctionTable {
  if (!remember) return new FunctionTable(every);
  if (lastTable?.fits(every)) return lastTable;
  return (lastTable = new FunctionTable(every));
}

/** A run's functions by key: the table's index over this run's facts (a map, for every reader of the discipline). */
export class FunctionsByKey implements ReadonlyMap<string, FunctionFacts> {
  constructor(
    readonly table: FunctionTable,
    /** The functions in the table's order. */
    readonly list: readonly FunctionFacts[],
  ) {}

  get size(): number {
    return this.list.length;
  }

  get(key: string): FunctionFacts | undefined {
    const k = this.table.indexOf.get(key);
    return k === undefined ? undefined : this.list[k];
  }

  has(key: string): boolean {
    return this.table.indexOf.has(key);
  }

  values(): MapIterator<FunctionFacts> {
    return new ListIterator(this.list);
  }

  keys(): MapIterator<string> {
    return new ListIterator(this.table.keys);
  }

  *entries(): MapIterator<[string, FunctionFacts]> {
    for (let k = 0; k < this.list.length; k++) yield [this.table.keys[k]!, this.list[k]!];
  }

  [Symbol.iterator](): MapIterator<[string, FunctionFacts]> {
    return this.entries();
  }

  forEach(callback: (value: FunctionFacts, key: string, map: ReadonlyMap<string, FunctionFacts>) => void, thisArg?: unknown): void {
    for (let k = 0; k < this.list.length; k++) callback.call(thisArg, this.list[k]!, this.table.keys[k]!, this);
  }
}

/**
 * A run's functions by name: each name's list made when first asked (most
 * runs ask for a few names' lists: an edit resolves the edited function's
 * calls again, the others' are remembered).
 */
export class FunctionsByName implements ReadonlyMap<string, readonly FunctionFacts[]> {
  private readonly lists: (readonly FunctionFacts[] | undefined)[];

  constructor(private readonly functions: FunctionsByKey) {
    this.lists = new Array<readonly FunctionFacts[] | undefined>(functions.table.nameList.length);
  }

  get size(): number {
    return this.lists.length;
  }

  get(name: string): readonly FunctionFacts[] | undefined {
    const i = this.functions.table.nameIndex.get(name);
    return i === undefined ? undefined : this.at(i, name);
  }

  private at(i: number, name: string): readonly FunctionFacts[] {
    let out = this.lists[i];
    if (out === undefined) {
      const places = this.functions.table.byName.get(name)!;
      const list = new Array<FunctionFacts>(places.length);
      for (let j = 0; j < places.length; j++) list[j] = this.functions.list[places[j]!]!;
      this.lists[i] = out = list;
    }
    return out;
  }

  has(name: string): boolean {
    return this.functions.table.nameIndex.has(name);
  }

  keys(): MapIterator<string> {
    return new ListIterator(this.functions.table.nameList);
  }

  *values(): MapIterator<readonly FunctionFacts[]> {
    const names = this.functions.table.nameList;
    for (let i = 0; i < names.length; i++) yield this.at(i, names[i]!);
  }

  *entries(): MapIterator<[string, readonly FunctionFacts[]]> {
    const names = this.functions.table.nameList;
    for (let i = 0; i < names.length; i++) yield [names[i]!, this.at(i, names[i]!)];
  }

  [Symbol.iterator](): MapIterator<[string, readonly FunctionFacts[]]> {
    return this.entries();
  }

  forEach(
    callback: (value: readonly FunctionFacts[], key: string, map: ReadonlyMap<string, readonly FunctionFacts[]>) => void,
    thisArg?: unknown,
  ): void {
    const names = this.functions.table.nameList;
    for (let i = 0; i < names.length; i++) callback.call(thisArg, this.at(i, names[i]!), names[i]!, this);
  }
}

/**
 * An iterator over a list that hands out one result object, changed at each
 * step (for-of and spread read a result before the next step and keep
 * none). A run's maps are iterated once per run by readers V8 runs
 * unoptimised (XSR014's run record, the hypercall names): an array's
 * iterator made a result object per step there, 8.2 MB of the bench's 200
 * edits, where the maps they read before made none.
 */
class ListIterator<T> implements MapIterator<T> {
  private i = 0;
  private readonly result: { done: boolean; value: T | undefined } = { done: false, value: undefined };

  constructor(private readonly list: readonly T[]) {}

  next(): IteratorResult<T, undefined> {
    const r = this.result;
    if (this.i < this.list.length) r.value = this.list[this.i++];
    else {
      r.done = true;
      r.value = undefined;
    }
    return r as IteratorResult<T, undefined>;
  }

  [Symbol.iterator](): MapIterator<T> {
    return this;
  }
}
