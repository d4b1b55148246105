// Historical Xen scheduler races, reproduced from the pre-fix sources of the
// Xen git history and checked again on the fix: `node scripts/xen-races.mjs
// [--json] [MIRROR]` (default: $XEN_MIRROR or /work/.mirror/xen-project+xen/repo;
// needs `npm run build`). Xen's files are read from the mirror into a temporary
// folder and simulated there with the built `xsr`; nothing of Xen is kept.
// The cases are also test/core/xenRaces.cli.test.ts (skipped without a mirror).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const XEN_RACES = [
  {
    id: 'sched-move-domain-processor-unlocked',
    fix: 'ef55257bc8',
    path: 'xen/common/schedule.c',
    functions: ['vcpu_wake', 'sched_move_domain'],
    why: 'sched_move_domain() rewrites v->processor with no scheduler lock while vcpu_wake() holds the lock of the old pCPU',
  },
  {
    id: 'credit1-flags-non-atomic',
    fix: 'be65075094',
    path: 'xen/common/sched_credit.c',
    functions: ['csched_vcpu_yield', 'csched_acct'],
    why: "csched_vcpu_yield()'s `flags |= YIELD` and csched_acct()'s PARKED updates, under different locks, lose each other's bit",
  },
];

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CLI = path.join(root, 'out/server/src/cli/main.js');

/** Simulates one case before and after its fix; the JSON results. */
export function runCase(mirror, c) {
  const dir = mkdtempSync(path.join(tmpdir(), 'xsr-xen-'));
  try {
    const out = {};
    for (const [which, rev] of [
      ['pre', `${c.fix}^`],
      ['fix', c.fix],
    ]) {
      const show = spawnSync('git', ['-C', mirror, 'show', `${rev}:${c.path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (show.status !== 0) throw new Error(`git show ${rev}:${c.path}: ${show.stderr}`);
      const file = path.join(dir, `${which}-${path.basename(c.path)}`);
      writeFileSync(file, show.stdout);
      const args = ['simulate', file, ...c.functions.flatMap((f) => ['--function', f]), '--format', 'json'];
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
      out[which] = { code: r.status, result: JSON.parse(r.stdout), file };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const mirror = args.find((a) => a !== '--json') ?? process.env.XEN_MIRROR ?? '/work/.mirror/xen-project+xen/repo';
  const results = XEN_RACES.map((c) => ({ ...c, ...runCase(mirror, c) }));
  if (json) {
    console.log(
      JSON.stringify(
        results.map((r) => ({ id: r.id, fix: r.fix, pre: r.pre.result, preCode: r.pre.code, fixed: r.fix.result, fixCode: r.fix.code })),
      ),
    );
    process.exit(0);
  }
  for (const r of results) {
    const c = r;
    const pre = r.pre.result,
      fix = r.fix.result;
    console.log(`${c.id} (fix ${c.fix}, ${c.path}: ${c.functions.join(' vs ')})`);
    console.log(`  ${c.why}`);
    console.log(`  before the fix: ${pre.result} ${pre.invariant ?? ''}: ${pre.message}`);
    console.log(`    minimal trace: ${pre.trace.length} steps; ${pre.stats.states} states, ${pre.stats.ms} ms`);
    for (const s of pre.trace) console.log(`    ${String(s.step).padStart(3)} ${s.thread.padEnd(22)} L${s.line ?? '-'} ${s.action}`);
    console.log(`  with the fix:   ${fix.result}: ${fix.message}`);
  }
}
