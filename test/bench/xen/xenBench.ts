// `npm run bench -- --xen XEN_GIT_DIR`: the checker on real Xen.
//
// Precision: `xsr check` over every .c file of xen/common (recursively) and
// xen/drivers/passthrough at HEAD and at RELEASE-4.11.0 (and every
// RELEASE-4.x.0 tag with --xen-tags): the findings, listed for a reviewer to
// judge, with the run's time and peak memory (xen/common is the scale test).
//
// Recall: bugs.json lists real locking-bug fixes from Xen's history. For each
// case whose kind is a rule we have, the files it touched are checked at the
// parent commit (the bug should be reported in the named function) and at the
// fix (it should be gone); every finding left on the fix trees is listed.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ruleMetas } from '../../../server/src/core/index';
import { type CheckFinding, runCheck } from './runCheck';
import { XenTrees } from './trees';

interface BugCase {
  id: string;
  fix: string;
  pre: string;
  kind: string;
  files: string[];
  function?: string;
}

const PRECISION_DIRS = ['xen/common', 'xen/drivers/passthrough'];
const CONTEXT = ['xen/include'];

export interface XenBenchOptions {
  allTags: boolean;
  log(s: string): void;
}

export async function benchXenGit(repo: string, gitDir: string, opts: XenBenchOptions): Promise<Record<string, unknown>> {
  const trees = new XenTrees(gitDir);
  try {
    return { ...precision(repo, trees, opts), ...recall(repo, trees, opts) };
  } finally {
    trees.dispose();
  }
}

const show = (f: CheckFinding): string =>
  `${f.file}:${f.line} ${f.code} ${f.function ?? ''}${f.conservative ? ' [conservative]' : ''}: ${f.message}`;

function precision(repo: string, trees: XenTrees, opts: XenBenchOptions): Record<string, unknown> {
  const refs = ['HEAD', 'RELEASE-4.11.0'];
  if (opts.allTags) for (let minor = 0; trees.has(`RELEASE-4.${minor}.0`); minor++) refs.push(`RELEASE-4.${minor}.0`);
  const out: Record<string, unknown> = {};
  for (const ref of [...new Set(refs)].filter((r) => trees.has(r))) {
    const dir = trees.export(ref, [...PRECISION_DIRS, ...CONTEXT]);
    const targets = PRECISION_DIRS.filter((d) => fs.existsSync(path.join(dir, d)));
    const run = runCheck(repo, dir, targets);
    const key = ref === 'HEAD' ? 'Head' : ref.replace(/^RELEASE-(\d+)\.(\d+)\.0$/, '$1$2');
    const byCode = new Map<string, number>();
    for (const f of run.findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
    opts.log(
      `xen ${ref}: ${run.files} files, ${run.functions} functions, ${run.ms} ms, ${run.maxRssMB} MB, ${run.findings.length} findings`,
    );
    for (const f of run.findings) opts.log(`  ${show(f)}`);
    out[`xen${key}Files`] = run.files;
    out[`xen${key}Functions`] = run.functions;
    out[`xen${key}CheckMs`] = run.ms;
    out[`xen${key}MaxRssMB`] = run.maxRssMB;
    out[`xen${key}Findings`] = run.findings.length;
    for (const [code, n] of byCode) out[`xen${key}${code}`] = n;
  }
  return out;
}

function recall(repo: string, trees: XenTrees, opts: XenBenchOptions): Record<string, unknown> {
  const corpus = JSON.parse(fs.readFileSync(path.join(repo, 'test', 'bench', 'xen', 'bugs.json'), 'utf8')) as { cases: BugCase[] };
  const ours = new Set<string>(ruleMetas().map((m) => m.code));
  const cases = corpus.cases.filter((c) => ours.has(c.kind) && c.function && trees.has(c.pre) && trees.has(c.fix));
  let found = 0;
  let cleared = 0;
  const left: string[] = [];
  const perRule = new Map<string, { cases: number; found: number; cleared: number }>();
  for (const c of cases) {
    // Reported in the function, or at an entry point that names it as where the walk or the need is (`X() leads to…`, `X() requires…`).
    const inFunction = (f: CheckFinding): boolean =>
      f.code === c.kind && (f.function === c.function || f.message.startsWith(`${c.function}() `));
    const pre = runCheck(repo, trees.export(c.pre, [...c.files, ...CONTEXT]), c.files);
    const fixDir = trees.export(c.fix, [...c.files, ...CONTEXT]);
    const fix = runCheck(
      repo,
      fixDir,
      c.files.filter((f) => fs.existsSync(path.join(fixDir, f))),
    );
    const hit = pre.findings.some(inFunction);
    const gone = !fix.findings.some(inFunction);
    if (hit) found++;
    if (hit && gone) cleared++;
    const r = perRule.get(c.kind) ?? { cases: 0, found: 0, cleared: 0 };
    perRule.set(c.kind, { cases: r.cases + 1, found: r.found + (hit ? 1 : 0), cleared: r.cleared + (hit && gone ? 1 : 0) });
    opts.log(
      `bug ${c.id} (${c.kind} in ${c.function}): ${hit ? 'reported before the fix' : 'MISSED'}${hit ? (gone ? ', gone after it' : ', STILL reported after it') : ''}`,
    );
    for (const f of fix.findings) left.push(`${c.id} @${c.fix.slice(0, 12)}: ${show(f)}`);
  }
  opts.log(
    `bugs: ${found}/${cases.length} reported before their fix (${cleared} gone after it); ${left.length} findings on the fix trees:`,
  );
  for (const l of left) opts.log(`  ${l}`);
  const byRule: Record<string, number> = {};
  for (const [code, r] of [...perRule].sort(([a], [b]) => (a < b ? -1 : 1))) {
    opts.log(`bugs ${code}: ${r.found}/${r.cases} reported before their fix (${r.cleared} gone after it)`);
    byRule[`bugRecall${code}`] = Math.round((r.found / r.cases) * 100) / 100;
    byRule[`bugCases${code}`] = r.cases;
  }
  return {
    ...byRule,
    bugCases: cases.length,
    bugCasesAll: corpus.cases.length,
    bugRecall: cases.length ? Math.round((found / cases.length) * 100) / 100 : 0,
    bugFound: found,
    bugClearedByFix: cleared,
    bugFixTreeFindings: left.length,
  };
}
