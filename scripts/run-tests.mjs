// Runs every compiled test file with node's own test runner (spec reporter), so
// the run ends with the runner's summary (tests / pass / fail).
// Usage: node scripts/run-tests.mjs [substring-filter]
import { readdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const testRoot = path.join(root, 'out', 'test');
const filter = process.argv[2] ?? '';
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.test.js') && full.includes(filter)) files.push(full);
  }
})(testRoot);
files.sort();
if (files.length === 0) {
  console.error(`no test files under ${testRoot}${filter ? ` matching ${filter}` : ''}`);
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root });
process.exit(res.status ?? 1);
