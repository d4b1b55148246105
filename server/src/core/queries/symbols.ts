// The functions of a file with the locking shape of each (document symbols:
// the Outline and breadcrumbs): what a call of it takes, releases and
// requires, from the function's summary, and whether it could be analysed.
import type { FileAnalysis } from '../analysis';
import type { FunctionLocks } from '../locks/analyze';
import type { LockEffect } from '../locks/summary';

export interface FunctionSymbol {
  name: string;
  /** Offsets of the whole definition and of the name in its header. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  /** Held at every exit after a call (an acquirer helper). */
  takes: string[];
  /** Held at the exits that return success only (a trylock-like helper). */
  takesOnSuccess: string[];
  /** Held by the caller and released at every exit. */
  releases: string[];
  /** Held by the caller and released at some exits only. */
  mayRelease: string[];
  /** Must be held by the caller. */
  requires: string[];
  /** Why the function was not analysed, or only coarsely. */
  degraded?: string;
  /** The function's text holds syntax errors (its results rest on a recovered parse). */
  syntaxErrors: boolean;
}

const names = (effects: readonly LockEffect[]): string[] => effects.map((e) => e.lock);

/** Offsets of the function's name in its header (the definition's start when it cannot be found). */
export function nameRange(file: Pick<FileAnalysis, 'text'>, fn: Pick<FunctionLocks, 'syntax'>): { start: number; end: number } {
  const { name, start, bodyStart } = fn.syntax;
  const header = file.text.slice(start, bodyStart);
  const escaped = name.replace(/[$]/g, '\\$&');
  let found = -1;
  for (const m of header.matchAll(new RegExp(`(?<![\\w$])${escaped}(?=\\s*\\()`, 'g'))) found = m.index;
  return found < 0 ? { start, end: start } : { start: start + found, end: start + found + name.length };
}

export function functionSymbols(file: FileAnalysis): FunctionSymbol[] {
  return file.functions.map((fn) => {
    const s = fn.summary;
    const at = nameRange(file, fn);
    const out: FunctionSymbol = {
      name: fn.syntax.name,
      start: fn.syntax.start,
      end: fn.syntax.end,
      nameStart: at.start,
      nameEnd: at.end,
      takes: names(s.acquires),
      takesOnSuccess: names(s.condAcquires),
      releases: names(s.releases),
      mayRelease: names(s.mayReleases),
      requires: names(s.requires),
      syntaxErrors: fn.syntax.hasError || fn.cfg.hasError,
    };
    if (fn.degraded) out.degraded = fn.degraded;
    return out;
  });
}
