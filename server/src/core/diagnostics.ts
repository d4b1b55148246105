// Diagnostics as the core produces them: offsets into the document, codes from
// the contract (docs/reference.md; XSR001–XSR016 reserved), optional fixes as text edits.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Every diagnostic code of the contract (rules/registry.ts lists the ones this build implements). */
export type RuleCode =
  | 'XSR001'
  | 'XSR002'
  | 'XSR003'
  | 'XSR004'
  | 'XSR005'
  | 'XSR006'
  | 'XSR007'
  | 'XSR008'
  | 'XSR009'
  | 'XSR010'
  | 'XSR011'
  | 'XSR012'
  | 'XSR013'
  | 'XSR014'
  | 'XSR015'
  | 'XSR016';

/** A rule's code, or XSR000: a rule failed on this function (a bug of ours, reported instead of thrown). */
type DiagnosticCode = RuleCode | 'XSR000';

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
  /**
   * A location in another file of the run (the lock-discipline rules' evidence):
   * `start`/`end` are then unused; `line`/`character` are 0-based.
   */
  elsewhere?: { path: string; line: number; character: number };
}

export interface CoreDiagnostic {
  code: DiagnosticCode;
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
