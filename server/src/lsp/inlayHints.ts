// Lock-state inlay hints: the core says where they go, which locks they name
// and in which order (lockHints); this file makes LSP InlayHints of them, per
// the user's choice of kinds (`xsr.inlayHints.kinds`). A hint that exists only
// because a hidden kind changed (an RCU section, when RCU is hidden) is left out.
import { type InlayHint, InlayHintKind, type InlayHintParams } from 'vscode-languageserver';

import { type AnalysedFile, lockHints } from '../core/index';
import type { Positions } from './convert';
import { label, tooltip } from './lockLabels';
import type { InlayHintKinds, InlayHintsMode } from './settings';

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
    const changes = [...h.after.filter((e) => e.changed), ...h.released];
    if (mode === 'changes' && changes.length > 0 && changes.every((e) => kinds[e.kind] === 'hide')) continue;
    out.push({
      position: at.encoding === 'utf-16' ? { line: h.line, character: h.character } : at.position(file.lineIndex.offset(h)),
      label: label(h.after, kinds),
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: tooltip(h),
    });
  }
  return out;
}
