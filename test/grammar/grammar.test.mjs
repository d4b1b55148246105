// Runs vscode-tmgrammar-test on the injection grammar's annotated samples
// (test/grammar/*.test.c) inside node's test runner.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('TextMate injection grammar: every scope assertion holds', () => {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'vscode-tmgrammar-test');
  const r = spawnSync(bin, ['--config', 'test/grammar/package.json', 'test/grammar/locks.test.c'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /✓|passed|locks\.test\.c/);
});
