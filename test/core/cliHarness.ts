// Spawns the compiled CLI (out/server/src/cli/main.js) for the fix, patch
// and SARIF tests (*.cli.test.ts): exit code, stdout, stderr.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'out/server/src/cli/main.js');

export function xsr(args: string[], opts: { input?: string; cwd?: string } = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-test-'));
}
