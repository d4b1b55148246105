// Core findings as LSP diagnostics: code, source `xsr`, a link to the rule page,
// related locations (where the lock was taken or dropped) and tags.
import { pathToFileURL } from 'node:url';

import { type Diagnostic, DiagnosticTag } from 'vscode-languageserver';

import { type AnalysedFile, type CoreDiagnostic, ruleDocHref } from '../core/index';
import { type Positions, toSeverity } from './convert';

interface DiagnosticData {
  fixable: boolean;
}

// The two data payloads, shared by every diagnostic (only ever serialised, never changed).
const FIXABLE: DiagnosticData = { fixable: true };
const NOT_FIXABLE: DiagnosticData = { fixable: false };

/** The message, naming its function first when the rule's words do not (the Problems panel shows no function). */
function named(d: CoreDiagnostic): string {
  if (!d.function || callOf(d.function).test(d.message)) return d.message;
  return `${d.function}(): ${d.message}`;
}

/** `name(` as a word, per function name: every publication words every finding again. */
const callPatterns = new Map<string, RegExp>();
function callOf(name: string): RegExp {
  let re = callPatterns.get(name);
  if (!re) {
    if (callPatterns.size >= 4096) callPatterns.clear();
    callPatterns.set(name, (re = new RegExp(`(^|[^\\w])${name.replace(/[$]/g, '\\$&')}\\(`)));
  }
  return re;
}

/** A related location in another file of the run: its path as the editor knows it (a URI already, or a file path). */
function uriOf(path: string): string {
  return /^[a-z][\w+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path) ? path : pathToFileURL(path).href;
}

/** ruleDocHref per code, worked out once (a path search and a file URL: every publication asks again for every finding). */
const docHrefs = new Map<string, string | undefined>();
function docHref(code: string): string | undefined {
  if (!docHrefs.has(code)) docHrefs.set(code, ruleDocHref(code));
  return docHrefs.get(code);
}

export function toLspDiagnostic(at: Positions, uri: string, d: CoreDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: at.range(d.start, d.end),
    severity: toSeverity(d.severity),
    code: d.code,
    source: 'xsr',
    message: d.conservative ? `${named(d)} (the function has syntax errors: this finding rests on a recovered parse)` : named(d),
  };
  // The rule page shipped with the server (works offline), else the project's site.
  const href = docHref(d.code);
  if (href) out.codeDescription = { href };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({
      location: r.elsewhere
        ? { uri: uriOf(r.elsewhere.path), range: { start: r.elsewhere, end: r.elsewhere } }
        : { uri, range: at.range(r.start, r.end) },
      message: r.message,
    }));
  }
  // Most findings have no tags: no list is made for them (every publication converts every finding).
  if (d.tags?.length) {
    const tags: DiagnosticTag[] = [];
    if (d.tags.includes('unnecessary')) tags.push(DiagnosticTag.Unnecessary);
    if (d.tags.includes('deprecated')) tags.push(DiagnosticTag.Deprecated);
    if (tags.length) out.tags = tags;
  }
  out.data = d.fixable ? FIXABLE : NOT_FIXABLE;
  return out;
}

/** What `publishedDiagnostic` made of a finding, for which document. */
interface Made {
  uri: string;
  lsp: Diagnostic;
}

const made = new WeakMap<CoreDiagnostic, Made>();

/**
 * toLspDiagnostic for a publication: the diagnostic made for the same
 * finding object before, while its positions are where they were. Every
 * keystroke publishes every finding of the document, and most are the
 * objects of the last analysis (a function the edit did not touch keeps its
 * findings): converting each again (its message's function search, its
 * ranges and related locations) was most of a publication's own work and
 * allocation. A finding is never changed once made, so only its positions
 * can differ: the text before an offset can change without moving it (a
 * replacement of the same length), so each is checked, in the encoding of
 * the publication (the only thing the encoding changes). The object is shared
 * between publications: never change it (checkPatch adds to `data`: it
 * makes its own).
 */
export function publishedDiagnostic(at: Positions, uri: string, d: CoreDiagnostic): Diagnostic {
  const m = made.get(d);
  if (m && m.uri === uri && samePositions(at, d, m.lsp)) return m.lsp;
  const lsp = toLspDiagnostic(at, uri, d);
  made.set(d, { uri, lsp });
  return lsp;
}

/** The diagnostic's range and related ranges in this document are where `d`'s offsets are now. */
function samePositions(at: Positions, d: CoreDiagnostic, lsp: Diagnostic): boolean {
  if (!at.isRange(d.start, d.end, lsp.range)) return false;
  const related = d.related;
  if (!related?.length) return true;
  const info = lsp.relatedInformation!;
  for (let i = 0; i < related.length; i++) {
    const r = related[i]!;
    if (!r.elsewhere && !at.isRange(r.start, r.end, info[i]!.location.range)) return false;
  }
  return true;
}

/** The findings of a publication (see publishedDiagnostic: the objects may be those of an earlier one). */
export function toLspDiagnostics(file: AnalysedFile, uri: string, at: Positions): Diagnostic[] {
  return file.diagnostics.map((d) => publishedDiagnostic(at, uri, d));
}
