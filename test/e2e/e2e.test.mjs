// The end-to-end run in a real VS Code (code-server + Chromium) inside node's
// test runner. It needs `bash scripts/e2e/setup.sh` (CI runs it); without
// code-server or Chromium it is skipped with the reason.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CODE_SERVER = path.join(
  process.env.XSR_E2E_CACHE ?? path.join(ROOT, '.cache', 'code-server'),
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);
const CHROMIUM = process.env.XSR_CHROMIUM ?? '/usr/bin/chromium';

const missing = !existsSync(CODE_SERVER)
  ? 'code-server is not installed (run: bash scripts/e2e/setup.sh)'
  : !existsSync(CHROMIUM)
    ? `${CHROMIUM} is missing (apt-get install chromium)`
    : undefined;

test(
  'end to end in code-server: findings, hints, hover, quick fix, code lens, replay panel',
  { skip: missing, timeout: 15 * 60 * 1000 },
  () => {
    // Deadlines, not delays: a condition that holds ends its wait at once; on a loaded machine
    // (CI beside other work) the workbench may need well over 45 s for a step.
    const r = spawnSync(process.execPath, [path.join(ROOT, 'test', 'e2e', 'run.mjs'), '--timeout', '120000'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 14 * 60 * 1000,
    });
    process.stdout.write(
      r.stdout
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n') + '\n',
    );
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const m = /(\d+) passed, (\d+) failed/.exec(r.stdout);
    assert.ok(m, 'the runner printed its summary');
    assert.equal(m[2], '0');
    assert.ok(Number(m[1]) >= 10, `only ${m[1]} checks ran`);
  },
);
