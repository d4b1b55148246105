// What the edit-path tests compare: an incremental analyzer (the editor's)
// against a fresh analyzer of the same texts, and the findings as compared.
import { before } from 'node:test';

import {
  type AnalysedFile,
  type CoreAnalyzer,
  createAnalyzer,
  createIncrementalAnalyzer,
  type IncrementalAnalyzer,
} from '../../server/src/core/index';

/** A fresh analyzer and an incremental one over its own analyzer, made before the suite's tests run. */
export function analyzerPair(): { readonly fresh: CoreAnalyzer; readonly inc: IncrementalAnalyzer } {
  const pair = {} as { fresh: CoreAnalyzer; inc: IncrementalAnalyzer };
  before(async () => {
    pair.fresh = await createAnalyzer();
    pair.inc = createIncrementalAnalyzer(await createAnalyzer());
  });
  return pair;
}

/** Every finding with all it says: code, range, function, message, severity, related locations, fix edits. */
export function findingsView(f: AnalysedFile): unknown[] {
  return f.diagnostics.map((d) => ({
    code: d.code,
    start: d.start,
    end: d.end,
    function: d.function,
    message: d.message,
    severity: d.severity,
    related: d.related,
    edits: d.edits,
  }));
}
