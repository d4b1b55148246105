// The workspace index's figures (issue 15): a fresh server indexing a
// sched/-shaped folder (the generated 15,000-line corpus; today's Xen sched/
// too when XEN_TREE is set), the first inlay hints of a 3,500-line file opened
// in a fresh server while it indexes, and the server's memory after indexing.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { generateCorpus } from './corpus/generate';
import { median, round1 } from './measure';
import { startServerProcess } from './serverProcess';
import type { Bench } from './types';

const RUNS = 3;

/** From `initialized` to the index's `ready`, in a fresh server process (worker start and WASM load included). */
async function indexColdMs(repo: string, folder: string): Promise<number> {
  const s = await startServerProcess(repo, [folder]);
  try {
    const t0 = performance.now();
    await s.initialized();
    await s.indexed;
    return performance.now() - t0;
  } finally {
    s.dispose();
  }
}

/** From opening the file to the hints of its first screen, in a fresh server that is indexing `folder` meanwhile. */
async function firstHintsMs(repo: string, folder: string, text: string): Promise<number> {
  const s = await startServerProcess(repo, [folder]);
  try {
    await s.initialized();
    const uri = 'file:///bench/first-hints.c';
    const t0 = performance.now();
    void s.open(uri, text);
    await s.hints(uri, 0, 60);
    return performance.now() - t0;
  } finally {
    s.dispose();
  }
}

export const indexBench: Bench = {
  name: 'index',
  async run(ctx) {
    const out: Record<string, unknown> = {};
    const runs = async (f: () => Promise<number>): Promise<number> => {
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) xs.push(await f());
      return round1(median(xs));
    };
    out.indexSchedMs = await runs(() => indexColdMs(ctx.repo, ctx.corpusDir));
    const sched = process.env.XEN_TREE ? path.join(process.env.XEN_TREE, 'xen', 'common', 'sched') : undefined;
    if (sched && fs.existsSync(sched)) out.indexXenSchedMs = await runs(() => indexColdMs(ctx.repo, sched));
    const file = generateCorpus({ lines: 3500, files: 1, seed: 11 }).files[0]!;
    out.firstHintsFileLines = file.text.split('\n').length;
    out.firstHintsMs = await runs(() => firstHintsMs(ctx.repo, ctx.corpusDir, file.text));
    // Memory: the corpus folder (and today's sched/ with XEN_TREE) indexed, then every corpus file opened.
    if (fs.existsSync('/proc/self/status')) {
      const s = await startServerProcess(ctx.repo, sched && fs.existsSync(sched) ? [ctx.corpusDir, sched] : [ctx.corpusDir]);
      try {
        await s.initialized();
        await s.indexed;
        // The index thread stops once idle: memory is measured in the state the server stays in.
        const indexing = s.threads();
        for (let i = 0; i < 100 && s.threads() >= indexing; i++) await new Promise((r) => setTimeout(r, 100));
        for (const [i, f] of ctx.files.entries()) await s.open(`file:///corpus/${i}/${f.path}`, f.text);
        out.serverRssMb = round1(s.rssMb());
        out.serverRssIndexed = sched && fs.existsSync(sched) ? 'corpus + sched/' : 'corpus';
      } finally {
        s.dispose();
      }
    }
    return out;
  },
};
