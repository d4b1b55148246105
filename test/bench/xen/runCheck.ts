// Runs `xsr check --format json` the way a user does (the bundled CLI, its
// own header search), measuring wall time and the process's peak memory.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export interface CheckFinding {
  file: string;
  line: number;
  code: string;
  function?: string;
  message: string;
  conservative?: boolean;
}

export interface CheckRun {
  findings: CheckFinding[];
  files: number;
  functions: number;
  ms: number;
  maxRssMB: number;
}

interface JsonReport {
  files: { path: string; diagnostics: { code: string; line: number; function?: string; message: string; conservative?: boolean }[] }[];
  summary: { files: number; functions: number };
}

/** `xsr check TARGETS…` from `cwd`, paths in findings relative to `cwd`. */
export function runCheck(repo: string, cwd: string, targets: readonly string[]): CheckRun {
  const cli = path.join(repo, 'dist', 'xsr.js');
  const preload = path.join(repo, 'test', 'bench', 'xen', 'maxrss.cjs');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', preload, cli, 'check', ...targets, '--format', 'json'], {
    cwd,
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // 0: no findings, 1: findings, 2: some inputs skipped (listed in the report); anything else is a failure.
  if (r.status !== 0 && r.status !== 1 && r.status !== 2)
    throw new Error(`xsr check ${targets.join(' ')} (in ${cwd}): exit ${r.status}: ${r.stderr.slice(-2000)}`);
  const rss = /XSR_MAXRSS_KB=(\d+)/.exec(r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  const findings: CheckFinding[] = [];
  for (const f of report.files)
    for (const d of f.diagnostics)
      findings.push({
        file: path.relative(cwd, path.resolve(cwd, f.path)),
        line: d.line,
        code: d.code,
        message: d.message,
        ...(d.function ? { function: d.function } : {}),
        ...(d.conservative ? { conservative: true } : {}),
      });
  return {
    findings,
    files: report.summary.files,
    functions: report.summary.functions,
    ms: Math.round(ms),
    maxRssMB: rss ? Math.round(Number(rss[1]) / 1024) : -1,
  };
}
