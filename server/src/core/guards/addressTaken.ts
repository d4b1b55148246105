// The names the functions of a run use as values (`fp = f;`, `.hook = f`):
// a function so named may be called through a pointer from anywhere, so
// what it is entered holding is not learned from its callers. Each
// function's names are a set of its facts as collected (a moved copy shares
// it), so a run over one file keeps, per function of its table, the set it
// read and how many functions use each name, and an edit puts the changed
// functions' new sets in and takes their old ones out. The union of every
// function's names was built on every keystroke: 447 names added to a set
// of 31 in the bench's 5,000-line file, a twentieth of computeDiscipline's
// time on the edit loop.
import type { FunctionsByKey, FunctionTable } from './functionTable';

/** What the last run over one file read: per function of its table (in order) its names, and each name's count of functions. */
interface Kept {
  table: FunctionTable;
  refs: ReadonlySet<string>[];
  counts: Map<string, number>;
  /** The names with a count: a new set whenever one comes or goes (the discipline of a run keeps the set it was given). */
  names: ReadonlySet<string>;
}
let kept: Kept | undefined;

/** The names the functions use as values; `remember`: a run over one file (the next run updates what this one read). */
export function addressTaken(functions: FunctionsByKey, remember: boolean): ReadonlySet<string> {
  const list = functions.list;
  const k = kept;
  if (!remember || k?.table !== functions.table) {
    const refs = new Array<ReadonlySet<string>>(list.length);
    const counts = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      refs[i] = list[i]!.valueRefs;
      for (const v of refs[i]!) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const names = new Set(counts.keys());
    if (remember) kept = { table: functions.table, refs, counts, names };
    return names;
  }
  let changed = false;
  for (let i = 0; i < list.length; i++) {
    const now = list[i]!.valueRefs;
    const was = k.refs[i]!;
    if (now === was) continue;
    // The new names in first, the old ones out then: a name in both never reaches 0 (the set stays when none comes or goes).
    for (const v of now) {
      const n = (k.counts.get(v) ?? 0) + 1;
      k.counts.set(v, n);
      if (n === 1) changed = true;
    }
    for (const v of was) {
      const n = k.counts.get(v)! - 1;
      if (n > 0) k.counts.set(v, n);
      else {
        k.counts.delete(v);
        changed = true;
      }
    }
    k.refs[i] = now;
  }
  if (changed) k.names = new Set(k.counts.keys());
  return k.names;
}
