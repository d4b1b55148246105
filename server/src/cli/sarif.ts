// SARIF 2.1.0 output for `check` (and `check --patch`): one run, the rule
// metadata of every XSR code, one result per finding. Validated against the
// OASIS schema (server/schemas/sarif-schema-2.1.0.json) in the tests.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_NAMES, RULE_SEVERITY } from '../core';
import type { CheckReport } from './commands/check';
import { packageVersion } from './version';

import { REPO_URL, RULE_DOCS_URL } from '../core/ruleDocs';

export { REPO_URL, RULE_DOCS_URL };

const SHORT: Readonly<Record<string, string>> = {
  XSR001: 'The pre-2018 migration sequence: _VPF_migrating set under the lock, sleep and vcpu_migrate() after the unlock.',
  XSR002: 'A migrate start reached without the vCPU\'s (unit\'s) scheduler lock held.',
  XSR003: 'A migrate finish reached while a scheduler lock is held.',
  XSR004: 'A path from a migrate start reaches the exit without a finish after the unlock.',
  XSR005: 'A separate vcpu_sleep_nosync() or pause_flags re-check around a start/finish pair.',
  XSR006: 'v->processor (or unit->res) assigned where no scheduler lock is held.',
  XSR007: 'A lock held at return, released when not held, or retaken while held.',
  XSR008: 'The old vcpu_migrate() called outside the initiator sequence.',
};

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
  const codes = Object.keys(RULE_NAMES).sort();
  const rules = codes.map((id) => ({
    id,
    name: RULE_NAMES[id]!,
    shortDescription: { text: SHORT[id] ?? RULE_NAMES[id]! },
    helpUri: `${RULE_DOCS_URL}${id}.md`,
    defaultConfiguration: { level: level(RULE_SEVERITY[id] ?? 'warning') },
  }));
  const results = report.files.flatMap((f) => f.diagnostics.map((d) => {
    const uri = artifactUri(f.path);
    const region = { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn };
    const index = codes.indexOf(d.code);
    const result: Record<string, unknown> = {
      ruleId: d.code,
      ...(index >= 0 ? { ruleIndex: index } : {}),
      level: level(d.severity),
      message: { text: d.message },
      locations: [{
        physicalLocation: { artifactLocation: { uri }, region },
        logicalLocations: [{ name: d.function, kind: 'function' }],
      }],
    };
    if (d.related?.length) {
      result.relatedLocations = d.related.map((r, i) => ({
        id: i + 1,
        message: { text: r.message },
        physicalLocation: { artifactLocation: { uri }, region: { startLine: r.line, startColumn: r.column } },
      }));
    }
    if (d.conservative) result.properties = { conservative: true };
    return result;
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'xsr', fullName: 'Xen Scheduler Review', version: packageVersion(), informationUri: REPO_URL, rules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}
