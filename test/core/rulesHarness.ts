// Shared by the rule, fix, patch and SARIF tests: the fixtures folder, one
// analyzer with the protocol rules, and the inline-expectation reader.
import * as path from 'node:path';

import { Analyzer } from '../../server/src/core/analyzer';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/protocol');

let analyzer: Promise<Analyzer> | undefined;
export function protocolAnalyzer(): Promise<Analyzer> {
  return (analyzer ??= Analyzer.create());
}

interface Expectations {
  /** "line:code" entries, a code written twice counted twice. */
  findings: string[];
  /** 1-based lines of `expect none` signatures. */
  none: number[];
}

export function expectations(text: string): Expectations {
  const out: Expectations = { findings: [], none: [] };
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(/(?:\/\*|\/\/)\s*expect\s+([^*\n]*?)\s*(?:\*\/|$)/g)) {
      const body = m[1]!.trim();
      if (body === 'none') out.none.push(i + 1);
      else for (const code of body.split(/[\s,]+/).filter(Boolean)) out.findings.push(`${i + 1}:${code}`);
    }
  });
  return out;
}
