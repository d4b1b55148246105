// `xsr/lockMap`: the lock discipline learned from an open document's analysis
// (its guards, requirements, order, entry points), as `xsr guards` prints it.
// The core decides all of it; this file only packs the answer.
import type { LockMapResult } from '../contracts/lspRequests';
import { type AnalysedFile, guardsReport, guardsText } from '../core/index';

export function lockMap(file: AnalysedFile): LockMapResult {
  const report = guardsReport([file]);
  return { text: guardsText(report), guards: report.guards.length, requires: report.requires.length, order: report.order.length };
}
