// Core findings as LSP diagnostics: code, source `xsr`, a link to the rule page,
// related locations (where the lock was taken or dropped) and tags.
import { type Diagnostic, DiagnosticTag } from 'vscode-languageserver';

import { type AnalysedFile, type CoreDiagnostic, ruleDocHref } from '../core/index';
import { type Positions, toSeverity } from './convert';

interface DiagnosticData {
  fixable: boolean;
}

export function toLspDiagnostic(at: Positions, uri: string, d: CoreDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: at.range(d.start, d.end),
    severity: toSeverity(d.severity),
    code: d.code,
    source: 'xsr',
    message: d.conservative ? `${d.message} (the function has syntax errors: this finding rests on a recovered parse)` : d.message,
  };
  // The rule page shipped with the server (works offline), else the project's site.
  const href = ruleDocHref(d.code);
  if (href) out.codeDescription = { href };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({
      location: { uri, range: at.range(r.start, r.end) },
      message: r.message,
    }));
  }
  const tags = new Set<DiagnosticTag>();
  if (d.tags?.includes('unnecessary')) tags.add(DiagnosticTag.Unnecessary);
  if (d.tags?.includes('deprecated')) tags.add(DiagnosticTag.Deprecated);
  if (tags.size) out.tags = [...tags];
  const data: DiagnosticData = { fixable: d.fixable };
  out.data = data;
  return out;
}

export function toLspDiagnostics(file: AnalysedFile, uri: string, at: Positions): Diagnostic[] {
  return file.diagnostics.map((d) => toLspDiagnostic(at, uri, d));
}
