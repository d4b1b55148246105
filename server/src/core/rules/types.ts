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
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[];
  /**
   * Findings that compare sites across the files analysed together (a folder,
   * or the one file): each file's share, added to its diagnostics.
   */
  checkFolder?(files: readonly FileAnalysis[]): { file: FileAnalysis; diagnostics: CoreDiagnostic[] }[];
}
