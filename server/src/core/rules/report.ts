// One way for a rule to word a finding: its code and severity from the rule's
// record, the function it is in, and the `conservative` mark when the
// function's parse had errors (the finding rests on a recovered tree).
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic, Related, Severity } from '../diagnostics';
import type { FunctionLocks } from '../locks/analyze';
import type { RuleMeta } from './types';

export interface FindingInput {
  start: number;
  end: number;
  message: string;
  related?: Related[];
  fixable?: boolean;
  tags?: CoreDiagnostic['tags'];
  /** Overrides the rule's default severity (XSR009 reads are warnings). */
  severity?: Severity;
}

export function finding(meta: RuleMeta, fn: FunctionLocks, d: FindingInput): CoreDiagnostic {
  const out: CoreDiagnostic = {
    code: meta.code,
    severity: d.severity ?? meta.severity,
    start: d.start,
    end: d.end,
    message: d.message,
    function: fn.syntax.name,
    fixable: d.fixable ?? false,
  };
  if (fn.cfg.hasError || fn.syntax.hasError || fn.degraded) out.conservative = true;
  if (d.related?.length) out.related = d.related;
  if (d.tags?.length) out.tags = d.tags;
  return out;
}

/** 1-based line of an offset, as messages quote it. */
export function lineNo(file: Pick<FileAnalysis, 'lineIndex'>, offset: number): number {
  return file.lineIndex.lineOf(offset) + 1;
}
