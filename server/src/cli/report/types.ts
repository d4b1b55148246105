// The `check --format json` contract (docs/reference.md): what `check` and
// `check --patch` build, and what the SARIF and text writers read.

export interface JsonDiagnostic {
  code: string;
  severity: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  function: string;
  message: string;
  fixable: boolean;
  conservative?: boolean;
  /** `path`: the related location is in another file of the run (XSR009/010/016's evidence). */
  related?: { line: number; column: number; message: string; path?: string }[];
}

/** A function the analysis could not do in full (not a finding: what it did not check). */
interface JsonNote {
  line: number;
  function: string;
  message: string;
}

export interface CheckReport {
  version: 1;
  files: { path: string; diagnostics: JsonDiagnostic[]; parseErrors: number; notes?: JsonNote[] }[];
  summary: {
    files: number;
    functions: number;
    diagnostics: number;
    ms: number;
    /** With --baseline: the findings left out because the baseline report has them. */
    inBaseline?: number;
  };
  /** Inputs that were not analysed, and why (the run then exits 2: they were not checked). */
  skipped?: { path: string; reason: string }[];
}
