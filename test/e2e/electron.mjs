// Runs the in-editor suite (test/e2e/electron/suite.cjs) in a desktop VS Code
// downloaded by @vscode/test-electron. That needs Microsoft's update server: on a
// machine without it this prints one line saying so and exits 0 without claiming a
// pass (code-server covers the editor there: test/e2e/run.mjs).
// Usage: node test/e2e/electron.mjs [VSCODE_VERSION]   (default: stable)
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = process.argv[2] ?? 'stable';

if (!existsSync(path.join(ROOT, 'dist/client.js'))) {
  console.error('dist/client.js is missing: run npm run build first');
  process.exit(1);
}

let vscodeExecutablePath;
try {
  // A silent reporter: the only line printed on failure is ours.
  const reporter = { report() {}, error() {} };
  vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: path.join(ROOT, '.cache', 'vscode-test'), reporter });
} catch (e) {
  const reason = (e?.message ?? String(e)).split('\n')[0];
  console.log(
    `VS Code ${version} could not be downloaded (${reason}): the electron tests did not run; use test/e2e/run.mjs (code-server) here.`,
  );
  process.exit(0);
}

try {
  const code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'test/e2e/electron/suite.cjs'),
    launchArgs: [
      path.join(ROOT, 'test/e2e/workspace'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--user-data-dir',
      mkdtempSync(path.join(os.tmpdir(), 'xsr-electron-')),
    ],
  });
  process.exit(code);
} catch (e) {
  console.error(`electron tests failed: ${e?.message ?? e}`);
  process.exit(1);
}
