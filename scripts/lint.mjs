// The build's checks beyond the type checker, run side by side: formatting
// (Prettier), lint (eslint with typescript-eslint and import order), the layer
// rules (dependency-cruiser, .dependency-cruiser.cjs) and unused exports and
// files (knip). Any failure fails the build with that tool's own report.
// `node scripts/lint.mjs --fix` formats and applies lint fixes instead.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const fix = process.argv.includes('--fix');
const FORMATTED = '**/*.{ts,mjs,cjs,json}';

// Fixing runs one tool after the other (eslint's import sorting, then Prettier's layout): side by side they would overwrite each other.
const checks = fix
  ? [
      { name: 'eslint', cmd: bin('eslint'), args: ['--fix', '--cache', '--cache-location', 'node_modules/.cache/eslint', '.'] },
      { name: 'prettier', cmd: bin('prettier'), args: ['--write', '--cache', '--log-level', 'warn', FORMATTED] },
    ]
  : [
      { name: 'prettier', cmd: bin('prettier'), args: ['--check', '--cache', '--log-level', 'warn', FORMATTED] },
      { name: 'eslint', cmd: bin('eslint'), args: ['--cache', '--cache-location', 'node_modules/.cache/eslint', '.'] },
      {
        name: 'layers',
        cmd: bin('depcruise'),
        args: ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'sim', 'server', 'client', 'test'],
      },
      { name: 'knip', cmd: bin('knip'), args: ['--no-progress'] },
    ];

function run({ name, cmd, args }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => resolve({ name, ok: false, out: String(e) }));
    child.on('close', (code) => resolve({ name, ok: code === 0, out }));
  });
}

const results = [];
if (fix) for (const c of checks) results.push(await run(c));
else results.push(...(await Promise.all(checks.map(run))));
let failed = false;
for (const r of results) {
  if (r.ok) continue;
  failed = true;
  process.stderr.write(`\n[${r.name}] failed:\n${r.out.trim()}\n`);
}
if (failed) {
  if (!fix) console.error('\nlint failed: `npm run format` fixes formatting and import order; the rest needs a hand.');
  process.exit(1);
}
