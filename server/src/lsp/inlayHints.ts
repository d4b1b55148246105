// Lock-state inlay hints: the core says where they go and which locks they
// name (lockHints); this file makes LSP InlayHints of them.
import { type InlayHint, InlayHintKind, type InlayHintParams } from 'vscode-languageserver';

import { type AnalysedFile, lockHints } from '../core/index';
import type { Positions } from './convert';
import { label, tooltip } from './lockLabels';
import type { InlayHintsMode } from './settings';

export function provideInlayHints(file: AnalysedFile, mode: InlayHintsMode, params: InlayHintParams, at: Positions): InlayHint[] {
  if (mode === 'off') return [];
  return lockHints(file, mode, params.range.start.line, params.range.end.line).map((h) => ({
    position: at.encoding === 'utf-16' ? { line: h.line, character: h.character } : at.position(file.lineIndex.offset(h)),
    label: label(h.held),
    kind: InlayHintKind.Type,
    paddingLeft: true,
    tooltip: tooltip(h.held),
  }));
}
