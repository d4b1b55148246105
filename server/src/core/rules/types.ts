// What a rule is: its record (code, slug, severity, what it reports, what its
// fix does) and its check over one analysed function. The registry
// (./registry.ts) collects them; SARIF, the CLI, the rule-page links and the
// language server read the records from there.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic, RuleCode, Severity } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';

export interface RuleMeta {
  code: RuleCode;
  /** The contract's name (`old-migration-sequence`). */
  slug: string;
  /** Default severity (XSR009 reports reads one level lower, as the contract says). */
  severity: Severity;
  /** One sentence: what the rule reports (SARIF shortDescription, `xsr help rules`). */
  summary: string;
  /** What the quick fix does, when the rule has one. */
  fix?: string;
}

export interface Rule {
  readonly meta: RuleMeta;
  /**
   * Reads the lock discipline of every file analysed together (`file.discipline`):
   * run once all of them are analysed, never memoised per function.
   */
  readonly folder?: boolean;
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[];
}
