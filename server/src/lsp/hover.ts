// Hover in a function body: the locks held before the line and after it
// (before → after; the inlay hints show the after side), with where each was
// taken, and over a migration-protocol operation what the protocol requires
// there. The core decides all of it (hoverInfo); this file only writes Markdown.
import { type Hover, type HoverParams, MarkupKind } from 'vscode-languageserver';

import { type AnalysedFile, fieldGuardAt, functionRequirementsAt, type HeldEntry, hoverInfo } from '../core/index';
import type { Positions } from './convert';
import { irqOrigin, takenAt } from './lockLabels';

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
  if (e.kind === 'irq') return e.entry || !e.via ? irqOrigin(e) : irqOrigin({ ...e, via: codeSpan(e.via) });
  return `${codeSpan(e.name)} (${e.changed ? 'taken on this line' : takenAt(e)}${e.may ? ', on some paths only' : ''})`;
}

function held(entries: readonly HeldEntry[]): string {
  const irq = entries.filter((e) => e.kind === 'irq').map(entry);
  const locks = entries.filter((e) => e.kind !== 'irq');
  return locks.length ? `🔒 ${[...locks.map(entry), ...irq].join(', ')}` : ['🔓 no lock held', ...irq].join(', ');
}

/** Over an access of a field, list head or global: the lock that guards it and the evidence (core/guards). */
function fieldGuardText(file: AnalysedFile, offset: number): { text: string; start: number; end: number } | undefined {
  const f = fieldGuardAt(file, offset);
  if (!f) return undefined;
  const name = codeSpan(f.location.replace(/^(struct|union) /, ''));
  const text = f.guard
    ? `**${name}** is guarded by ${codeSpan(f.guard.lock)}: held at ${f.guard.held} of its ${f.guard.total} accesses; ${f.guard.heldHere ? 'held here' : '**not held here**'}.`
    : `**${name}**: no lock is held at a clear majority of its ${f.accesses} access${f.accesses === 1 ? '' : 'es'} (no guard learned).`;
  return { text, start: f.start, end: f.end };
}

/** Over a function's name (a call, or its definition): what it requires of its callers, and why. */
function requirementsText(file: AnalysedFile, offset: number): { text: string; start: number; end: number } | undefined {
  const r = functionRequirementsAt(file, offset);
  if (!r) return undefined;
  const head = `**${codeSpan(`${r.function}()`)}**`;
  if (r.requires.length === 0) return { text: `${head} requires no lock of its callers.`, start: r.start, end: r.end };
  const lines = r.requires.map((q) => `- requires ${q.lock === '*' ? 'a lock' : codeSpan(q.lock)} (${q.why}): ${q.evidence}`);
  return { text: [`${head}: what its callers must hold`, ...lines].join('\n'), start: r.start, end: r.end };
}

function functionHasRequirements(file: AnalysedFile, offset: number): boolean {
  return (functionRequirementsAt(file, offset)?.requires.length ?? 0) > 0;
}

export function provideHover(file: AnalysedFile, params: HoverParams, at: Positions): Hover | undefined {
  const offset = at.offset(params.position);
  const info = hoverInfo(file, offset);
  const guard = fieldGuardText(file, offset);
  const reqs = requirementsText(file, offset);
  if (!info) {
    // Outside a body: a function's own name in its definition.
    if (!reqs) return undefined;
    return { contents: { kind: MarkupKind.Markdown, value: reqs.text }, range: at.range(reqs.start, reqs.end) };
  }
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
  // In a body, a call's requirements only when it has some (the definition's own name always says).
  const callReqs = reqs && functionHasRequirements(file, offset) ? reqs : undefined;
  if (callReqs) parts.push('', callReqs.text);
  else if (guard) parts.push('', guard.text);
  // A function not analysed (or only coarsely) says so: an empty set there is no answer.
  if (info.degraded) parts.push('', `_Note: ${info.degraded}._`);
  const result: Hover = { contents: { kind: MarkupKind.Markdown, value: parts.join('\n') } };
  if (info.operation) result.range = at.range(info.operation.start, info.operation.end);
  else if (callReqs) result.range = at.range(callReqs.start, callReqs.end);
  else if (guard) result.range = at.range(guard.start, guard.end);
  return result;
}
