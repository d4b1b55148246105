// Hover in a function body: the locks held before that line (must / may, with
// where each was taken) and, over a migration-protocol operation, what the
// protocol requires there. The core decides all of it (hoverInfo); this file
// only writes Markdown.
import { type Hover, type HoverParams, MarkupKind } from 'vscode-languageserver';

import { type AnalysedFile, type HeldSets, hoverInfo } from '../core/index';
import { toRange } from './convert';
import { takenAt } from './lockLabels';

/**
 * Text from the file as a Markdown code span: fenced with more backticks than
 * it holds (CommonMark), so a backtick in a lock expression cannot end the
 * span and turn the rest into live Markdown (links, images).
 */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || longest > 0 ? ' ' : '';
  return `${fence}${pad}${text.replace(/[\r\n]+/g, ' ')}${pad}${fence}`;
}

function list(s: HeldSets): string[] {
  const refs = (rs: HeldSets['must']): string => (rs.length ? rs.map((r) => `${codeSpan(r.name)} (${takenAt(r)})`).join(', ') : '—');
  return [`- must (every path): ${refs(s.must)}`, `- may (some paths): ${refs(s.may)}`];
}

export function provideHover(file: AnalysedFile, params: HoverParams): Hover | undefined {
  const info = hoverInfo(file, file.lineIndex.offset(params.position));
  if (!info) return undefined;
  const parts = [`**Locks held before line ${info.line + 1}** in ${codeSpan(`${info.function}()`)}`, '', ...list(info.before)];
  if (info.operation) parts.push('', `**${codeSpan(info.operation.name)}**: ${info.operation.note}`);
  // A function not analysed (or only coarsely) says so: an empty set there is no answer.
  if (info.degraded) parts.push('', `_Note: ${info.degraded}._`);
  const result: Hover = { contents: { kind: MarkupKind.Markdown, value: parts.join('\n') } };
  if (info.operation) result.range = toRange(file.lineIndex, info.operation.start, info.operation.end);
  return result;
}
