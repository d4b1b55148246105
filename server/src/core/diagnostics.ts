// Diagnostics as the core produces them: offsets into the document, codes from
// the contract (XSR001–XSR008), optional fixes as text edits.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  /** Offsets into the text the diagnostic was computed on. */
  start: number;
  end: number;
  newText: string;
}

export interface Related {
  start: number;
  end: number;
  message: string;
}

export interface CoreDiagnostic {
  code: string;
  severity: Severity;
  start: number;
  end: number;
  message: string;
  function: string;
  /** A quick fix exists (edits below, or computed by the fix module). */
  fixable: boolean;
  /** The function has parse errors: the finding rests on a recovered tree. */
  conservative?: boolean;
  related?: Related[];
  /** Tags for the editor (e.g. 'unnecessary' for redundant code). */
  tags?: ('unnecessary' | 'deprecated')[];
  edits?: TextEdit[];
  fixTitle?: string;
}

export const RULE_NAMES: Readonly<Record<string, string>> = {
  XSR001: 'old-migration-sequence',
  XSR002: 'migrate-start-unlocked',
  XSR003: 'migrate-finish-locked',
  XSR004: 'start-without-finish',
  XSR005: 'redundant-sleep-or-recheck',
  XSR006: 'processor-write-unlocked',
  XSR007: 'lock-imbalance',
  XSR008: 'old-migrate-call',
};

export const RULE_SEVERITY: Readonly<Record<string, Severity>> = {
  XSR001: 'error',
  XSR002: 'error',
  XSR003: 'error',
  XSR004: 'warning',
  XSR005: 'warning',
  XSR006: 'error',
  XSR007: 'error',
  XSR008: 'information',
};
