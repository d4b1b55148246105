// Runs every compiled test file with node's own test runner (spec reporter), so
// the run ends with the runner's summary (tests / pass / fail).
// Usage: node scripts/run-tests.mjs [--fast] [substring-filter]
//   --fast  the in-memory suites only: leaves out the groups named by file
//           (*.cli.test.ts spawn `xsr` processes, *.browser.test.ts drive
//           Chromium, *.peer.test.ts run SPIN, *.fuzz.test.ts run thousands
//           of generated cases) and the *.test.mjs wrappers around external
//           tools (the grammar tester, the editor run).
// Nothing is built here: a source newer than its last build is reported on
// one line (`npm run build` first) and the tests run as they were compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'out');
const testRoot = path.join(out, 'test');
const args = process.argv.slice(2);
const fast = args.includes('--fast');
const unknown = args.find((a) => a.startsWith('--') && a !== '--fast');
if (unknown) {
  console.error(`run-tests: unknown option ${unknown} (usage: node scripts/run-tests.mjs [--fast] [substring-filter])`);
  process.exit(2);
}
const filter = args.find((a) => !a.startsWith('--')) ?? '';
/** The groups that leave the process, or take minutes (fuzz): `--fast` leaves them out. */
const OUT_OF_PROCESS = /\.(cli|browser|peer|fuzz)\.test\.js$/;
const SKIP_DIRS = new Set(['node_modules', 'fixtures', 'workspace']);

function walk(dir, suffix, found = []) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(full, suffix, found);
    } else if (name.endsWith(suffix)) found.push(full);
  }
  return found;
}

/** The TypeScript source of a compiled file: out/<path>.js comes from <path>.ts (every project keeps the tree's layout). */
const sourceOf = (compiled) => path.join(root, path.relative(out, compiled)).replace(/\.js$/, '.ts');

// Compiled TypeScript tests, plus plain-JS wrappers around external tools
// (the grammar tester, the end-to-end editor run) written as *.test.mjs.
// A compiled test whose source is gone (renamed or deleted) is left out.
const selected = (f) => path.relative(root, f).includes(filter) && !(fast && OUT_OF_PROCESS.test(f));
const compiled = (existsSync(testRoot) ? walk(testRoot, '.test.js') : []).filter(selected);
const orphans = compiled.filter((f) => !existsSync(sourceOf(f)));
const files = compiled.filter((f) => !orphans.includes(f));
if (!fast) files.push(...walk(path.join(root, 'test'), '.test.mjs').filter(selected));
files.sort();

/** The build info of the TypeScript project a source belongs to (the nearest tsconfig.json above it). */
const buildInfos = new Map();
function buildInfoOf(source) {
  for (let dir = path.dirname(source); dir.startsWith(root) && dir !== root; dir = path.dirname(dir)) {
    const config = path.join(dir, 'tsconfig.json');
    if (!existsSync(config)) continue;
    if (!buildInfos.has(config)) {
      const file = JSON.parse(readFileSync(config, 'utf8')).compilerOptions?.tsBuildInfoFile;
      buildInfos.set(config, file ? path.resolve(dir, file) : undefined);
    }
    return buildInfos.get(config);
  }
  return undefined;
}
const mtime = (f) => (f && existsSync(f) ? statSync(f).mtimeMs : 0);

// A source is stale when it changed after its compiled file and after its
// project's last build (tsc -b leaves an unchanged output's time alone).
const sources = ['sim/src', 'server/src', 'client', 'test'].flatMap((d) => walk(path.join(root, d), '.ts'));
const stale = sources
  .filter((s) => !s.endsWith('.d.ts'))
  .filter((s) => {
    const t = mtime(s);
    return t > mtime(path.join(out, path.relative(root, s)).replace(/\.ts$/, '.js')) && t > mtime(buildInfoOf(s));
  })
  .map((s) => path.relative(root, s));
const some = (list) => `${list.slice(0, 3).join(', ')}${list.length > 3 ? `, +${list.length - 3} more` : ''}`;
if (stale.length)
  console.warn(
    `run-tests: warning: ${stale.length} source${stale.length === 1 ? ' is' : 's are'} newer than the last build (${some(stale)}); running the tests as last compiled. Run \`npm run build\` first.`,
  );
if (orphans.length)
  console.warn(
    `run-tests: warning: left out ${orphans.length} compiled test${orphans.length === 1 ? '' : 's'} without a source (renamed or deleted): ${some(orphans.map((f) => path.relative(root, f)))}.`,
  );
if (files.length === 0) {
  console.error(
    `no test files under ${testRoot}${filter ? ` matching ${filter}` : ''}${fast ? ' (--fast leaves out *.cli, *.browser, *.peer and *.fuzz tests)' : ''}`,
  );
  process.exit(1);
}

const res = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(res.status ?? 1);
