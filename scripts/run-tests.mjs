// Runs every compiled test file with node's own test runner (spec reporter), so
// the run ends with the runner's summary (tests / pass / fail).
// Usage: node scripts/run-tests.mjs [substring-filter]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const testRoot = path.join(root, 'out', 'test');
const filter = process.argv[2] ?? '';
const files = [];
function walk(dir, suffix) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'node_modules' && name !== 'fixtures' && name !== 'workspace') walk(full, suffix);
    } else if (name.endsWith(suffix) && path.relative(root, full).includes(filter)) files.push(full);
  }
}
// Compiled TypeScript tests, plus plain-JS wrappers around external tools
// (the grammar tester, the end-to-end editor run) written as *.test.mjs.
walk(testRoot, '.test.js');
walk(path.join(root, 'test'), '.test.mjs');
files.sort();
if (files.length === 0) {
  console.error(`no test files under ${testRoot}${filter ? ` matching ${filter}` : ''}`);
  process.exit(1);
}
const res = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(res.status ?? 1);
