// Conversions between the core's offsets and LSP types, in one place.
import { DiagnosticSeverity, Range } from 'vscode-languageserver';
import type { Severity } from '../core/diagnostics';
import type { LineIndex } from '../core/syntax/lineIndex';

/** Where the rule pages live (docs/rules/XSRnnn.md in the project repository). */
export const RULE_DOCS_BASE_URL = 'https://github.com/xen-scheduler-review/xen-scheduler-review/blob/main/docs/rules/';

export function ruleHref(code: string): string | undefined {
  return /^XSR00[1-8]$/.test(code) ? `${RULE_DOCS_BASE_URL}${code}.md` : undefined;
}

export function toRange(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.position(start), end: lines.position(Math.max(start, end)) };
}

export function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
