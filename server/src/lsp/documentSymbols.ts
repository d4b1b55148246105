// Document symbols: every function, with its locking shape as the detail
// (`takes prv->lock · releases sched(v) · requires rcu(x)`), so the Outline and
// the breadcrumbs show what each function does to the locks. The core reads
// the shapes from the functions' summaries (functionSymbols).
import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver';

import { type AnalysedFile, type FunctionSymbol, functionSymbols } from '../core/index';
import type { Positions } from './convert';

/** `takes prv->lock · releases sched(v)`; `no lock taken or required` when the function does nothing to locks. */
function lockSummary(s: FunctionSymbol): string {
  const parts: string[] = [];
  const add = (what: string, locks: readonly string[]): void => {
    if (locks.length) parts.push(`${what} ${locks.join(', ')}`);
  };
  add('takes', s.takes);
  add('takes on success', s.takesOnSuccess);
  add('releases', s.releases);
  add('may release', s.mayRelease);
  // A lock the function releases is one the caller holds: "requires" names only the others.
  add(
    'requires',
    s.requires.filter((l) => !s.releases.includes(l) && !s.mayRelease.includes(l)),
  );
  if (s.degraded?.startsWith('not analysed')) return 'not analysed';
  const shape = parts.length ? parts.join(' · ') : 'no lock taken or required';
  return s.syntaxErrors ? `${shape} (syntax errors)` : shape;
}

export function documentSymbols(file: AnalysedFile, at: Positions): DocumentSymbol[] {
  return functionSymbols(file).map((s) => ({
    name: s.name,
    detail: lockSummary(s),
    kind: SymbolKind.Function,
    range: at.range(s.start, s.end),
    selectionRange: at.range(s.nameStart, s.nameEnd),
  }));
}
