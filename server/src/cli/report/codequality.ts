// GitLab Code Quality output for `check` (what Xen's GitLab CI shows in a
// merge request: the Code Climate issue subset GitLab reads). GitLab compares
// the head's report with the base's by `fingerprint`, so it is line-insensitive
// (fingerprint.ts): a finding that only moved is not "new". Two findings with
// the same identity get their occurrence number in the fingerprint, which
// GitLab wants unique within a report.
import { createHash } from 'node:crypto';

import { identityKey } from './fingerprint';
import type { CheckReport } from './types';

type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  type: 'issue';
  check_name: string;
  description: string;
  categories: string[];
  severity: CodeQualitySeverity;
  fingerprint: string;
  location: { path: string; lines: { begin: number; end: number } };
}

function severity(s: string): CodeQualitySeverity {
  return s === 'error' ? 'major' : s === 'warning' ? 'minor' : 'info';
}

/** Paths as GitLab wants them: relative to the repository, with forward slashes. */
function gitlabPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** The finding's code and message, with its function when the message does not name it already. */
function describe(d: { code: string; function: string; message: string }): string {
  return d.message.includes(`${d.function}(`) ? `${d.code} ${d.message}` : `${d.code} ${d.function}(): ${d.message}`;
}

export function toCodeQuality(report: CheckReport): CodeQualityIssue[] {
  const seen = new Map<string, number>();
  return report.files.flatMap((f) =>
    f.diagnostics.map((d) => {
      const key = identityKey({ path: f.path, code: d.code, function: d.function, message: d.message });
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      return {
        type: 'issue' as const,
        check_name: d.code,
        description: describe(d),
        categories: ['Bug Risk'],
        severity: severity(d.severity),
        fingerprint: createHash('md5').update(`${key}\u0000${n}`).digest('hex'),
        location: { path: gitlabPath(f.path), lines: { begin: d.line, end: d.endLine } },
      };
    }),
  );
}
