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

export function toLspDiagnostics(file: AnalysedFile, uri: string, at: Positions): Diagnostic[] {
  return file.diagnostics.map((d) => toLspDiagnostic(at, uri, d));
}
