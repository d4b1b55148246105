// How held locks read in the editor: the inlay-hint label (`🔒 sched(v),
// prv->lock? (+rcu)`, `🔓 no lock held` when none), its tooltip, and "taken at
// line N". The core orders the entries (the line's own change first) and says
// what kind each is; this file only writes them, per the user's choice of
// showing, dimming or hiding each kind (`xsr.inlayHints.kinds`). An inlay
// hint has no colour of its own, so a dimmed kind is written by its kind only
// (`rcu`, `irqs off`), after the others, with its full name in the tooltip.
import { type HeldEntry, type LockClass, lockOrigin, type LockRef } from '../core/index';
import type { InlayHintKinds } from './settings';

/** Labels longer than this are shortened in the middle (the changed lock stays). */
const MAX_LABEL = 64;
/** A single name longer than this is shortened in its middle. */
const MAX_NAME = 36;
const NO_LOCK = '🔓 no lock held';

const SHORT: Record<LockClass, string> = { sched: 'sched', private: 'lock', rcu: 'rcu', irq: 'irqs off' };

/** `text` with its middle replaced by `…` to fit `max` characters. */
function elideMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

const nameOf = (e: HeldEntry): string => (e.may ? `${e.name}?` : e.name);

/** The dimmed entries, by kind only: `rcu`, `2 rcu`, `irqs off`. */
function dimmedPart(entries: readonly HeldEntry[]): string[] {
  const counts = new Map<LockClass, number>();
  for (const e of entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 && k !== 'irq' ? `${n} ${SHORT[k]}` : SHORT[k]));
}

function render(shown: readonly string[], dimmed: readonly string[]): string {
  const dim = dimmed.length ? `(${shown.length ? '+' : ''}${dimmed.join(', ')})` : '';
  return `🔒 ${[shown.join(', '), dim].filter((x) => x !== '').join(' ')}`;
}

/**
 * The hint's label: the entries the user shows, the line's own change first,
 * then the dimmed kinds; shortened in the middle past MAX_LABEL characters,
 * never dropping a lock the line took.
 */
export function label(all: readonly HeldEntry[], kinds: InlayHintKinds): string {
  // The interrupt state reads after the locks (`🔒 sched(v) · irq off`), where the core left it in (a change, or the entry state).
  const irq = all.find((e) => e.kind === 'irq');
  const suffix = irq && kinds.irq !== 'hide' ? ` · ${irq.name.replace(/^irqs /, 'irq ')}${irq.may ? '?' : ''}` : '';
  return `${lockLabel(
    all.filter((e) => e.kind !== 'irq'),
    kinds,
  )}${suffix}`;
}

function lockLabel(entries: readonly HeldEntry[], kinds: InlayHintKinds): string {
  if (entries.length === 0) return NO_LOCK;
  // A lock the line took is named in full even when its kind is dimmed; the interrupt state stays dimmed
  // (it changes with the `_irq` lock that is named already).
  const inFull = (e: HeldEntry): boolean => kinds[e.kind] === 'show' || (kinds[e.kind] === 'dim' && e.changed && e.kind !== 'irq');
  const full = entries.filter(inFull);
  const dimmed = dimmedPart(entries.filter((e) => kinds[e.kind] === 'dim' && !inFull(e)));
  if (full.length === 0 && dimmed.length === 0) return '🔓 no lock shown';
  let shown = full.map(nameOf);
  if (render(shown, dimmed).length <= MAX_LABEL) return render(shown, dimmed);
  shown = shown.map((n) => elideMiddle(n, MAX_NAME));
  const head = full.filter((e) => e.changed).length;
  // Drop entries from the middle (after the changed ones, before the last) until the label fits.
  const middle = shown.slice(head, Math.max(head, shown.length - 1));
  const tail = shown.length - 1 >= head ? shown.slice(-1) : [];
  let dropped = 0;
  const attempt = (): string[] => [...shown.slice(0, head), ...middle.slice(dropped), ...(dropped ? [`…+${dropped}`] : []), ...tail];
  while (render(attempt(), dimmed).length > MAX_LABEL && dropped < middle.length) dropped++;
  return render(attempt(), dimmed);
}

/** Where a lock was taken (1-based line), or why the caller is assumed to hold it. */
export function takenAt(r: Pick<LockRef, 'line' | 'entry' | 'because'>): string {
  return lockOrigin(r);
}

/** One entry of the tooltip. */
/** Where the interrupt state came from, in words (1-based line). */
export function irqOrigin(e: HeldEntry): string {
  if (e.name === 'irqs restored') return `interrupts restored to what was saved (line ${e.line + 1}${e.via ? `, ${e.via}` : ''})`;
  const state = `interrupts ${e.name === 'irqs on' ? 'on' : 'off'}${e.may ? ' on some paths' : ''}`;
  if (e.entry) return `${state} on entry${e.why ? `: ${e.why}` : ''}`;
  return `${state} since line ${e.line + 1}${e.via ? ` (${e.via})` : ''}`;
}

function describeEntry(e: HeldEntry): string {
  if (e.kind === 'irq') return irqOrigin(e);
  return `${e.name}: ${e.changed ? 'taken on this line' : takenAt(e)}${e.may ? ', on some paths only' : ''}`;
}

/** The hint's tooltip: the convention (after the line), every entry in full, and what the line released. */
export function tooltip(hint: { line: number; after: readonly HeldEntry[]; released: readonly HeldEntry[] }): string {
  const lines = [`Held after line ${hint.line + 1} (hover the line for before → after):`];
  if (!hint.after.some((e) => e.kind !== 'irq')) lines.push('no lock held');
  for (const e of hint.after) lines.push(`• ${describeEntry(e)}`);
  const released = hint.released.filter((e) => e.kind !== 'irq').map((e) => e.name);
  if (released.length) lines.push(`Released on this line: ${released.join(', ')}`);
  return lines.join('\n');
}
