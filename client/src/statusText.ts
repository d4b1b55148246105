// What the status item and the output channel say about a file's analysis.
// Pure (no vscode import), so the tests read it directly.
import type { AnalysisStatusParams } from '../../server/src/contracts/lspRequests';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The status item's text (with its codicon) and tooltip for a finished
 * analysis: an error icon when a finding is an error, a warning icon for
 * warnings or for functions that could not be analysed in full (never a
 * clean check mark then), the count, and in the tooltip the figures and each
 * incomplete function with why.
 */
export function statusText(p: AnalysisStatusParams, restricted: string): { text: string; tooltip: string } {
  const errors = p.errors ?? 0;
  const warnings = p.warnings ?? 0;
  const incomplete = p.incomplete ?? [];
  const icon = errors > 0 ? '$(error)' : warnings > 0 || incomplete.length > 0 ? '$(warning)' : p.findings > 0 ? '$(info)' : '$(check)';
  const count = p.findings > 0 || incomplete.length > 0 ? ` ${p.findings}` : '';
  const partial = incomplete.length ? ` · ${plural(incomplete.length, 'function')} not analysed` : '';
  const lines = [
    `Xen Scheduler Review: ${plural(p.findings, 'finding')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})${restricted}`,
  ];
  if (p.functions !== undefined) {
    lines.push(
      `${plural(p.functions, 'function')}, ${plural(p.parseErrors ?? 0, 'syntax error')}${p.ms !== undefined ? `, ${p.ms} ms` : ''}`,
    );
  }
  if (incomplete.length) {
    lines.push('Not analysed in full:');
    for (const f of incomplete) lines.push(`• ${f.name}() at line ${f.line + 1}: ${f.reason}`);
  }
  return { text: `${icon} XSR${count}${partial}`, tooltip: lines.join('\n') };
}

/** The output channel's lines for an analysis: the figures, and a line per function not analysed in full. */
export function describeAnalysis(p: AnalysisStatusParams): string[] {
  const name = p.uri.replace(/^.*\//, '');
  if (p.state !== 'done') return [`${name}: ${p.state}${p.message ? ` (${p.message})` : ''}`];
  const figures = [
    plural(p.functions ?? 0, 'function'),
    plural(p.parseErrors ?? 0, 'syntax error'),
    `${plural(p.findings, 'finding')} (${plural(p.errors ?? 0, 'error')}, ${plural(p.warnings ?? 0, 'warning')})`,
  ];
  const lines = [`${name}: ${figures.join(', ')}${p.ms !== undefined ? `, ${p.ms} ms` : ''}`];
  for (const f of p.incomplete ?? []) lines.push(`  ${f.name}() at line ${f.line + 1}: ${f.reason}`);
  return lines;
}
