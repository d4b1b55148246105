// What each function of a file touches, as the model sees it: the shared
// locations it reads and writes (by access path, callees inlined) and the
// locks it takes. The code lenses go on functions that take a lock and touch
// shared state; the partners offered for a simulation are the functions that
// touch the same locations (one of them writing) or take the same locks.
import type { FileAnalysis } from '../analysis';
import type { FunctionLocks } from '../locks/analyze';
import { fileConstants, ModelContext } from './context';
import { Locations } from './locations';
import { collectListHeads, ThreadBuilder } from './walk';

export interface FunctionFootprint {
  name: string;
  start: number;
  /** Location (display name) -> whether the function writes it. */
  locations: Map<string, boolean>;
  locks: Set<string>;
}

/** The footprints of the file's functions (all of them, or those named), computed together so names agree. */
export function functionFootprints(file: FileAnalysis, only?: ReadonlySet<string>): FunctionFootprint[] {
  const fns = file.functions.filter((f) => !f.cfg.degraded && (!only || only.has(f.syntax.name)));
  const ctx = new ModelContext(file, new Locations(), {
    xen: false,
    written: new Set(),
    constants: fileConstants(file.text),
    maxInline: 1,
    pcpus: ['A', 'B'],
  });
  collectListHeads(ctx);
  fns.forEach((fn, t) => build(ctx, fn, t));
  const displays = new Map<string, string>();
  for (const [display, info] of ctx.locations) if (!displays.has(info.key)) displays.set(info.key, display);
  return fns.map((fn, t) => {
    const locations = new Map<string, boolean>();
    for (const [key, a] of ctx.accesses) if (a.byCode.has(t)) locations.set(displays.get(key) ?? key, a.writers.has(t));
    const locks = new Set([...ctx.lockUse].filter(([, s]) => s.has(t)).map(([l]) => l));
    return { name: fn.syntax.name, start: fn.syntax.start, locations, locks };
  });
}

function build(ctx: ModelContext, fn: FunctionLocks, t: number): void {
  try {
    new ThreadBuilder(ctx, t).build(fn, []);
  } catch {
    // A function the translation cannot read touches nothing it can name.
  }
}

export interface Partner {
  name: string;
  start: number;
  /** What it shares with the function: locks first, then locations (one of the two writing). */
  shares: string[];
}

/** The functions that share a lock or a written location with `name`, most shared first. */
export function partnersOf(file: FileAnalysis, name: string): Partner[] {
  const all = functionFootprints(file);
  const me = all.find((f) => f.name === name);
  if (!me) return [];
  const out: Partner[] = [];
  for (const f of all) {
    if (f.name === name) continue;
    const locks = [...f.locks].filter((l) => me.locks.has(l)).sort();
    const locs = [...f.locations]
      .filter(([l, w]) => me.locations.has(l) && (w || me.locations.get(l)))
      .map(([l]) => l)
      .sort();
    if (locks.length + locs.length) out.push({ name: f.name, start: f.start, shares: [...locks, ...locs] });
  }
  return out.sort((a, b) => b.shares.length - a.shares.length || a.start - b.start);
}
