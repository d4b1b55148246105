// Hover in a function body: the locks held before the line and after it
// (before → after; the inlay hints show the after side), with where each was
// taken, and over a migration-protocol operation what the protocol requires
// there. The core decides all of it (hoverInfo); this file only writes Markdown.
import { type Hover, type HoverParams, MarkupKind } from 'vscode-languageserver';

import { type AnalysedFile, type HeldEntry, hoverInfo } from '../core/index';
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

function entry(e: HeldEntry): string {
  if (e.kind === 'irq') return `interrupts off (by ${codeSpan(e.via ?? '?')}'s \`_irq\` acquire)`;
  return `${codeSpan(e.name)} (${e.changed ? 'taken on this line' : takenAt(e)}${e.may ? ', on some paths only' : ''})`;
}

function held(entries: readonly HeldEntry[]): string {
  return entries.length ? `🔒 ${entries.map(entry).join(', ')}` : '🔓 no lock held';
}

export function provideHover(file: AnalysedFile, params: HoverParams): Hover | undefined {
  const info = hoverInfo(file, file.lineIndex.offset(params.position));
  if (!info) return undefined;
  const changed = info.released.length > 0 || info.entriesAfter.some((e) => e.changed);
  const released = info.released.filter((e) => e.kind !== 'irq').map((e) => codeSpan(e.name));
  const parts = [
    `**Locks at line ${info.line + 1}** in ${codeSpan(`${info.function}()`)}: before → after`,
    '',
    `- before: ${held(info.entriesBefore)}`,
    changed ? `- after: ${held(info.entriesAfter)}` : '- after: unchanged',
  ];
  if (released.length) parts.push(`- released on this line: ${released.join(', ')}`);
  if (info.operation) parts.push('', `**${codeSpan(info.operation.name)}**: ${info.operation.note}`);
  // A function not analysed (or only coarsely) says so: an empty set there is no answer.
  if (info.degraded) parts.push('', `_Note: ${info.degraded}._`);
  const result: Hover = { contents: { kind: MarkupKind.Markdown, value: parts.join('\n') } };
  if (info.operation) result.range = toRange(file.lineIndex, info.operation.start, info.operation.end);
  return result;
}
