// Lock-state inlay hints: the core says where they go, which locks they name
// and in which order (lockHints); this file makes LSP InlayHints of them, per
// the user's choice of kinds (`xsr.inlayHints.kinds`). A hint that exists only
// because a hidden kind changed (an RCU section, when RCU is hidden) is left out.
import { type InlayHint, InlayHintKind, type InlayHintParams } from 'vscode-languageserver';

import { type AnalysedFile, lockHints } from '../core/index';
import type { Positions } from './convert';
import { label, tooltip } from './lockLabels';
import type { InlayHintKinds, InlayHintsMode } from './settings';

type LockHint = ReturnType<typeof lockHints>[number];

/** How a hint reads for the kinds and mode it was written for (`skip`: left out). */
interface Written {
  kinds: InlayHintKinds;
  mode: InlayHintsMode;
  skip: boolean;
  label: string;
  tooltip: string;
}

/**
 * The words of each hint, by the core's hint object: the core gives a
 * function's hints again while its lock states are the same objects (every
 * function on screen but the one edited), and the editor asks for the lines
 * on screen on every keystroke. A label and tooltip depend on nothing but
 * the hint and the user's kinds and mode (compared by value); the position
 * is made each time (in UTF-8 it reads the text).
 */
const written = new WeakMap<LockHint, Written>();

const sameKinds = (a: InlayHintKinds, b: InlayHintKinds): boolean =>
  a.sched === b.sched && a.private === b.private && a.rcu === b.rcu && a.irq === b.irq;

function write(h: LockHint, kinds: InlayHintKinds, mode: InlayHintsMode): Written {
  const w = written.get(h);
  if (w && w.mode === mode && sameKinds(w.kinds, kinds)) return w;
  const changes = [...h.after.filter((e) => e.changed), ...h.released];
  const skip = mode === 'changes' && changes.length > 0 && changes.every((e) => kinds[e.kind] === 'hide');
  const made: Written = { kinds: { ...kinds }, mode, skip, label: skip ? '' : label(h.after, kinds), tooltip: skip ? '' : tooltip(h) };
  written.set(h, made);
  return made;
}

export function provideInlayHints(
  file: AnalysedFile,
  settings: { inlayHintsMode: InlayHintsMode; inlayHintKinds: InlayHintKinds },
  params: InlayHintParams,
  at: Positions,
): InlayHint[] {
  const mode = settings.inlayHintsMode;
  if (mode === 'off') return [];
  const kinds = settings.inlayHintKinds;
  const out: InlayHint[] = [];
  for (const h of lockHints(file, mode, params.range.start.line, params.range.end.line)) {
    const w = write(h, kinds, mode);
    if (w.skip) continue;
    out.push({
      position: at.encoding === 'utf-16' ? { line: h.line, character: h.character } : at.position(file.lineIndex.offset(h)),
      label: w.label,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: w.tooltip,
    });
  }
  return out;
}
