// What the server remembers of a document's earlier analyses, for what only a
// comparison can tell: a function an edit turned into a lock helper (XSR007 on
// that function: the core's newLockHelpers, against the lock shapes the
// functions had when the document was opened) and a function a syntax error
// swallowed (a deleted brace: it is no longer found at all). It also builds
// the status notification (figures, findings by severity, incomplete
// functions). One entry per open document, dropped when it closes.
import type { Diagnostic } from 'vscode-languageserver';

import type { AnalysisStatusParams, IncompleteFunction } from '../contracts/lspRequests';
import { type AnalysedFile, type CoreDiagnostic, type LockShapeBaseline, newLockHelpers, nextLockShapeBaseline } from '../core/index';
import type { Positions } from './convert';
import { publishedDiagnostic, toLspDiagnostics } from './diagnostics';
import type { DocumentState } from './documents';

interface Observed {
  version: number;
  file: AnalysedFile;
  /** XSR007 findings of functions that became lock helpers since `baseline`. */
  helpers: CoreDiagnostic[];
  /** Functions seen in earlier analyses, missing now while the file has syntax errors. */
  lost: IncompleteFunction[];
  /** The baseline for the next version. */
  next: LockShapeBaseline;
}

interface DocumentHistory {
  /** The baseline this version is compared with (undefined: the first analysis of the document). */
  baseline?: LockShapeBaseline;
  /**
   * Every function seen since the document was opened, in the order first
   * seen, with its last line (for a function of `current.file`, the line
   * there: it is written here when the function goes missing).
   */
  known: Map<string, number>;
  /** The functions of `known` missing from `current.file`. */
  missing: string[];
  current?: Observed;
}

/**
 * The same function names in the same order. A function above the edit is
 * the object it was (its name is not read again: the functions are results
 * and moved views of several shapes, and this runs on every keystroke).
 */
function sameNames(a: AnalysedFile, b: AnalysedFile): boolean {
  const x = a.functions;
  const y = b.functions;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && x[i]!.syntax.name !== y[i]!.syntax.name) return false;
  return true;
}

export class AnalysisHistory {
  private readonly docs = new Map<string, DocumentHistory>();

  /** Records an analysis (a new version, or a corrected analysis of the same version). */
  observe(st: DocumentState): void {
    if (!st.file) return;
    let h = this.docs.get(st.uri);
    if (!h) this.docs.set(st.uri, (h = { known: new Map(), missing: [] }));
    if (h.current && h.current.version !== st.version) h.baseline = h.current.next;
    const file = st.file;
    const last = h.current?.file;
    // A keystroke inside a body keeps the functions' names: only those already missing are looked at.
    if (!last || !sameNames(last, file)) {
      const present = new Set(file.functions.map((f) => f.syntax.name));
      // The last line of a function that goes missing now (the lines of the functions present are read from the file).
      if (last)
        for (const f of last.functions) if (!present.has(f.syntax.name)) h.known.set(f.syntax.name, last.lineIndex.lineOf(f.syntax.start));
      for (const f of file.functions) if (!h.known.has(f.syntax.name)) h.known.set(f.syntax.name, 0);
      h.missing = [...h.known.keys()].filter((name) => !present.has(name));
    }
    const lost: IncompleteFunction[] = [];
    for (const name of h.missing) {
      if (file.parseErrors > 0)
        lost.push({ name, line: h.known.get(name)!, reason: 'no longer found: a syntax error around it hides it from the analysis' });
      else h.known.delete(name); // removed on purpose: the file parses cleanly
    }
    if (file.parseErrors === 0) h.missing = [];
    h.current = {
      version: st.version,
      file,
      helpers: h.baseline ? newLockHelpers(h.baseline, file) : [],
      lost,
      next: nextLockShapeBaseline(h.baseline, file),
    };
  }

  private observed(st: DocumentState): Observed | undefined {
    const c = this.docs.get(st.uri)?.current;
    return c && c.version === st.version && c.file === st.file ? c : undefined;
  }

  /** The core's findings and the comparison's, as LSP diagnostics. */
  diagnostics(st: DocumentState, at: (file: AnalysedFile) => Positions): Diagnostic[] {
    if (!st.file) return [];
    const positions = at(st.file);
    return [
      ...toLspDiagnostics(st.file, st.uri, positions),
      ...(this.observed(st)?.helpers ?? []).map((d) => publishedDiagnostic(positions, st.uri, d)),
    ];
  }

  /** The status notification of an analysis. */
  status(st: DocumentState): AnalysisStatusParams {
    const out: AnalysisStatusParams = { uri: st.uri, version: st.version, state: st.file ? 'done' : 'skipped', findings: 0 };
    if (!st.file) {
      out.message = st.skipped ?? 'not analysed';
      return out;
    }
    const file = st.file;
    const o = this.observed(st);
    // Counted in one pass over each list, without joining or filtering them: the status goes out on every keystroke.
    let errors = 0;
    let warnings = 0;
    for (const list of [file.diagnostics, o?.helpers ?? []])
      for (const d of list) {
        if (d.severity === 'error') errors++;
        else if (d.severity === 'warning') warnings++;
      }
    out.findings = file.diagnostics.length + (o?.helpers.length ?? 0);
    out.errors = errors;
    out.warnings = warnings;
    out.functions = file.functions.length;
    out.parseErrors = file.parseErrors;
    out.ms = Math.round(st.ms * 10) / 10;
    // Not analysed: cut short by the analysis, or lost to a syntax error. A function analysed on a
    // recovered parse (Xen's macros often leave tree-sitter an error node) is analysed: only counted.
    const incomplete: IncompleteFunction[] = [];
    let recovered = 0;
    for (const f of file.functions) {
      if (f.degraded?.startsWith('not analysed'))
        incomplete.push({ name: f.syntax.name, line: file.lineIndex.lineOf(f.syntax.start), reason: f.degraded });
      else if (f.syntax.hasError) recovered++;
    }
    if (o) for (const l of o.lost) incomplete.push(l);
    if (incomplete.length) out.incomplete = incomplete;
    if (recovered) out.recovered = recovered;
    return out;
  }

  forget(uri: string): void {
    this.docs.delete(uri);
  }
}
