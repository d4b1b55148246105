// Hover in a function body: the locks held before that line (must / may, with
// where each was taken) and, over a migration-protocol operation, what the
// protocol requires there. The core decides all of it (hoverInfo); this file
// only writes Markdown.
import { type Hover, type HoverParams, MarkupKind } from 'vscode-languageserver';

import { type AnalysedFile, type HeldSets, hoverInfo } from '../core/index';
import { toRange } from './convert';
import { takenAt } from './lockLabels';

function list(s: HeldSets): string[] {
  const refs = (rs: HeldSets['must']): string => (rs.length ? rs.map((r) => `\`${r.name}\` (${takenAt(r)})`).join(', ') : '—');
  return [`- must (every path): ${refs(s.must)}`, `- may (some paths): ${refs(s.may)}`];
}

export function provideHover(file: AnalysedFile, params: HoverParams): Hover | undefined {
  const info = hoverInfo(file, file.lineIndex.offset(params.position));
  if (!info) return undefined;
  const parts = [`**Locks held before line ${info.line + 1}** in \`${info.function}()\``, '', ...list(info.before)];
  if (info.operation) parts.push('', `**\`${info.operation.name}\`**: ${info.operation.note}`);
  const result: Hover = { contents: { kind: MarkupKind.Markdown, value: parts.join('\n') } };
  if (info.operation) result.range = toRange(file.lineIndex, info.operation.start, info.operation.end);
  return result;
}
