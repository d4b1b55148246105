// SARIF 2.1.0 output for `check` (and `check --patch`): one run, the rule
// metadata of every XSR code, one result per finding. Validated against the
// OASIS schema (server/schemas/sarif-schema-2.1.0.json) in the tests.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { REPO_URL, ruleDocUrl, ruleMetas } from '../../core/index';
import { packageVersion } from '../version';
import { lineInsensitiveFingerprint } from './fingerprint';
import type { CheckReport } from './types';

type Level = 'error' | 'warning' | 'note' | 'none';

function level(severity: string): Level {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

function artifactUri(p: string): string {
  if (path.isAbsolute(p)) return pathToFileURL(p).href;
  return p.split(path.sep).join('/').split('/').map(encodeURIComponent).join('/');
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: unknown[];
}

export function toSarif(report: CheckReport): SarifLog {
  const metas = ruleMetas();
  const codes: string[] = metas.map((m) => m.code);
  const rules = metas.map((m) => ({
    id: m.code,
    name: m.slug,
    shortDescription: { text: m.summary },
    helpUri: ruleDocUrl(m.code),
    defaultConfiguration: { level: level(m.severity) },
  }));
  const results = report.files.flatMap((f) =>
    f.diagnostics.map((d) => {
      const uri = artifactUri(f.path);
      const region = { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn };
      const index = codes.indexOf(d.code);
      const result: Record<string, unknown> = {
        ruleId: d.code,
        ...(index >= 0 ? { ruleIndex: index } : {}),
        level: level(d.severity),
        message: { text: d.message },
        // What --baseline and code-scanning services match a finding on when its lines move.
        partialFingerprints: { 'xsrLineInsensitive/v1': lineInsensitiveFingerprint({ path: f.path, ...d }) },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri }, region },
            logicalLocations: [{ name: d.function, kind: 'function' }],
          },
        ],
      };
      if (d.related?.length) {
        result.relatedLocations = d.related.map((r, i) => ({
          id: i + 1,
          message: { text: r.message },
          physicalLocation: {
            artifactLocation: { uri: r.path ? artifactUri(r.path) : uri },
            region: { startLine: r.line, startColumn: r.column },
          },
        }));
      }
      if (d.conservative) result.properties = { conservative: true };
      return result;
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'xsr', fullName: 'Xen Scheduler Review', version: packageVersion(), informationUri: REPO_URL, rules } },
        columnKind: 'utf16CodeUnits',
        // Inputs not analysed: the run did not check everything it was given.
        invocations: [
          {
            executionSuccessful: !report.skipped?.length,
            toolExecutionNotifications: (report.skipped ?? []).map((s) => ({
              level: 'warning',
              message: { text: `skipped: ${s.reason}` },
              locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(s.path) } } }],
            })),
          },
        ],
        results,
      },
    ],
  };
}
