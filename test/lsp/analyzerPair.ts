// What the edit-path tests compare: an incremental analyzer (the editor's)
// against a fresh analyzer of the same texts, and the findings as compared.
import assert from 'node:assert/strict';
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

/**
 * A document opened in the pair's incremental analyzer. `replace` edits the
 * first `from` into `to`, analyses the new version through the edit path and
 * asserts that it equals a fresh analysis of the same text (as `view` sees it).
 */
export function editedDocument(
  pair: { readonly fresh: CoreAnalyzer; readonly inc: IncrementalAnalyzer },
  uri: string,
  text: string,
  view: (f: AnalysedFile) => unknown,
): { readonly text: string; replace(from: string, to: string): AnalysedFile } {
  let version = 1;
  pair.inc.analyze(uri, version, text);
  return {
    get text() {
      return text;
    },
    replace(from, to) {
      const at = text.indexOf(from);
      assert.ok(at >= 0, from);
      pair.inc.edit(uri, [{ start: at, oldEnd: at + from.length, newText: to }]);
      text = text.slice(0, at) + to + text.slice(at + from.length);
      const got = pair.inc.analyze(uri, ++version, text)!;
      assert.deepEqual(view(got), view(pair.fresh.analyze({ path: uri, text })), `${from} → ${to}`);
      return got;
    },
  };
}
