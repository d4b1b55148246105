// What each function takes, itself or through its callees: the lock order's
// closure (discipline.ts's orderEdges reads it). A run over one file (the
// editor's document, analysed again on every keystroke) keeps its closure
// with what it was computed from, and the next run reuses it when that is
// the same: most keystrokes change neither a lock a function takes nor a
// function it calls.
import { collectedFacts, type FunctionFacts } from './collect';

/** How the discipline resolves calls (its CallResolver). */
export interface Callees {
  /** What each call of the function at place `k` of the run's functions (in the order lockClosure is given them) resolves to, in the order of its calls. */
  calleesAt(k: number): readonly (FunctionFacts | undefined)[];
  /**
   * For a run that remembers: one object per distinct list of functions (by
   * path, name and static-ness, in order) in a row; equal, every call names
   * the function of the same key. Undefined for a folder's run.
   */
  readonly signature: object | undefined;
}

/**
 * The last closure of a run over one file, with its inputs: the functions
 * (the resolver's signature), the aliases, and per function (in order) the
 * locks it takes itself and the keys of its callees. The closure is a
 * function of those alone. Names only: it keeps nothing of a document alive.
 */
interface Remembered {
  signature: object;
  aliases: [string, string][];
  taken: string[][];
  calleeKeys: string[][];
  takes: ReadonlyMap<string, ReadonlySet<string>>;
}
let last: Remembered | undefined;

/**
 * Facts as collected → the closure whose inputs they gave: facts that are
 * the same object take the same locks and call the same functions (under one
 * signature, where a key is at one place), so only a function collected
 * again (the edited one) has its inputs compared.
 */
const readInto = new WeakMap<FunctionFacts, Remembered>();

/** The locks a function takes itself (not with a trylock or an RCU read lock), aliased, each once in the order first taken. */
function takenBy(f: FunctionFacts, alias: (l: string) => string): string[] {
  const out: string[] = [];
  for (const a of f.acquisitions) {
    if (a.noWait) continue;
    const l = alias(a.lock);
    if (!out.includes(l)) out.push(l);
  }
  return out;
}

/** The keys of the other functions `f` calls, each once in the order first called. */
function calleeKeysOf(f: FunctionFacts, k: number, resolver: Callees): string[] {
  const out: string[] = [];
  for (const callee of resolver.calleesAt(k)) if (callee && callee !== f && !out.includes(callee.key)) out.push(callee.key);
  return out;
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function sameAliases(a: readonly [string, string][], b: ReadonlyMap<string, string>): boolean {
  if (a.length !== b.size) return false;
  let i = 0;
  for (const [k, v] of b) {
    const x = a[i++]!;
    if (x[0] !== k || x[1] !== v) return false;
  }
  return true;
}

/**
 * The last run's closure when its inputs are this run's (updating what it
 * remembers of the functions collected again), else undefined.
 */
function reused(
  fns: readonly FunctionFacts[],
  resolver: Callees,
  aliases: ReadonlyMap<string, string>,
): ReadonlyMap<string, ReadonlySet<string>> | undefined {
  const r = last;
  if (!r || resolver.signature === undefined || r.signature !== resolver.signature || !sameAliases(r.aliases, aliases)) return undefined;
  const alias = (l: string): string => aliases.get(l) ?? l;
  const collectedAgain: FunctionFacts[] = [];
  for (let i = 0; i < fns.length; i++) {
    const f = fns[i]!;
    const origin = collectedFacts(f);
    if (readInto.get(origin) === r) continue;
    if (!sameList(takenBy(f, alias), r.taken[i]!) || !sameList(calleeKeysOf(f, i, resolver), r.calleeKeys[i]!)) return undefined;
    collectedAgain.push(origin);
  }
  // (The same inputs: the closure stays, and these facts gave them too.)
  for (const origin of collectedAgain) readInto.set(origin, r);
  return r.takes;
}

/**
 * What each function takes, itself or through its callees (the locks, in
 * the order first found), by key: passes over every function, each adding
 * its callees' locks, until none adds one (at most 12). A function is
 * looked at in a pass only for the callees whose locks grew since it was
 * last looked at: it added all of the others' then, so they would add
 * nothing (the sets, their order and the passes are those of looking at
 * every callee). Nobody changes the sets returned.
 */
export function lockClosure(
  /** The functions by key, in order. */
  fns: readonly FunctionFacts[],
  resolver: Callees,
  aliases: ReadonlyMap<string, string>,
): ReadonlyMap<string, ReadonlySet<string>> {
  const known = reused(fns, resolver, aliases);
  if (known) return known;
  const alias = (l: string): string => aliases.get(l) ?? l;
  const taken = fns.map((f) => takenBy(f, alias));
  const calleeKeys = fns.map((f, k) => calleeKeysOf(f, k, resolver));
  const index = new Map<string, number>();
  fns.forEach((f, i) => index.set(f.key, i));
  const sets = taken.map((t) => new Set(t));
  // Each function's callees (by index, each once, in the order first called), and when each set last grew and
  // each function was last looked at (a count of growths: -1, never).
  const calleesOf = calleeKeys.map((keys) => keys.map((k) => index.get(k)!));
  const grew = sets.map((s): number => (s.size > 0 ? 0 : -1));
  const seen = fns.map(() => -1);
  let growths = 0;
  for (let changed = true, pass = 0; changed && pass < 12; pass++) {
    changed = false;
    for (let i = 0; i < fns.length; i++) {
      const m = sets[i]!;
      const since = seen[i]!;
      for (const j of calleesOf[i]!) {
        if (grew[j]! <= since) continue;
        for (const l of sets[j]!) {
          if (m.has(l)) continue;
          m.add(l);
          changed = true;
          grew[i] = ++growths;
        }
      }
      seen[i] = growths;
    }
  }
  const takes = new Map<string, ReadonlySet<string>>();
  fns.forEach((f, i) => takes.set(f.key, sets[i]!));
  last = resolver.signature === undefined ? undefined : { signature: resolver.signature, aliases: [...aliases], taken, calleeKeys, takes };
  if (last) for (const f of fns) readInto.set(collectedFacts(f), last);
  return takes;
}
