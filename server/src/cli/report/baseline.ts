// `check --baseline REPORT`: only the findings that are not in a previous
// report (SARIF from `--format sarif`, or `--format json`), matched by code,
// function and a line-insensitive fingerprint (fingerprint.ts), one for one:
// a second identical finding in a function is new when the baseline had one.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

import { type CommandContext, InputError } from '../context';
import { type FindingIdentity, identityKey } from './fingerprint';
import type { CheckReport } from './types';

/** The report without what `--baseline REPORT` already has (`check` and `check --patch`). */
export function withBaseline(ctx: CommandContext, report: CheckReport): CheckReport {
  const file = ctx.values.baseline;
  if (file === undefined) return report;
  if (typeof file !== 'string' || file === '') throw new InputError('--baseline needs a REPORT file (--format json or sarif output)');
  return subtractBaseline(report, readBaseline(file));
}

/** The findings of a baseline report, as identities. */
function readBaseline(file: string): FindingIdentity[] {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read the baseline (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new InputError(`${file}: the baseline is not JSON (${(e as Error).message})`);
  }
  const found = fromJsonReport(json) ?? fromSarif(json);
  if (!found) throw new InputError(`${file}: not an xsr report (expected the output of --format json or --format sarif)`);
  return found;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const obj = (x: unknown): Record<string, unknown> | undefined =>
  x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

function fromJsonReport(json: unknown): FindingIdentity[] | undefined {
  const r = obj(json);
  if (!r || r.version !== 1 || !Array.isArray(r.files)) return undefined;
  return r.files.flatMap((f) => {
    const path = str(obj(f)?.path) ?? '';
    return arr(obj(f)?.diagnostics).flatMap((d) => {
      const o = obj(d);
      const code = str(o?.code);
      return code ? [{ path, code, function: str(o?.function) ?? '', message: str(o?.message) ?? '' }] : [];
    });
  });
}

/** A SARIF artifact URI back to the path it was made from (file URLs, or relative and percent-encoded). */
function sarifPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

function fromSarif(json: unknown): FindingIdentity[] | undefined {
  const log = obj(json);
  if (!log || log.version !== '2.1.0' || !Array.isArray(log.runs)) return undefined;
  return log.runs.flatMap((run) =>
    arr(obj(run)?.results).flatMap((res) => {
      const r = obj(res);
      const code = str(r?.ruleId);
      if (!code) return [];
      const loc = obj(arr(r?.locations)[0]);
      const uri = str(obj(obj(loc?.physicalLocation)?.artifactLocation)?.uri) ?? '';
      const fn = str(obj(arr(loc?.logicalLocations)[0])?.name) ?? '';
      return [{ path: sarifPath(uri), code, function: fn, message: str(obj(r?.message)?.text) ?? '' }];
    }),
  );
}

/** The report without the findings the baseline has; `summary.inBaseline` counts those left out. */
function subtractBaseline(report: CheckReport, baseline: readonly FindingIdentity[]): CheckReport {
  const remaining = new Map<string, number>();
  for (const b of baseline) {
    const k = identityKey(b);
    remaining.set(k, (remaining.get(k) ?? 0) + 1);
  }
  let matched = 0;
  const files = report.files.map((f) => ({
    ...f,
    diagnostics: f.diagnostics.filter((d) => {
      const k = identityKey({ path: f.path, code: d.code, function: d.function, message: d.message });
      const n = remaining.get(k) ?? 0;
      if (n === 0) return true;
      remaining.set(k, n - 1);
      matched++;
      return false;
    }),
  }));
  const diagnostics = files.reduce((n, f) => n + f.diagnostics.length, 0);
  return { ...report, files, summary: { ...report.summary, diagnostics, inBaseline: matched } };
}
