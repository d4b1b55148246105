// The analysis core's figures (issue 3): parse vs analyse on the generated
// corpus, a cold `xsr check` process over it, and memory.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createAnalyzer, createTreeSitterParser, type SourceFile } from '../../server/src/core/index';
import { writeCorpus } from './corpus/write';
import { median, round1 } from './measure';

function pairedRuns(parse: () => void, analyze: () => void, runs = 15, warm = 5): { parse: number[]; analyze: number[] } {
  const out = { parse: [] as number[], analyze: [] as number[] };
  for (let i = 0; i < warm + runs; i++) {
    let t0 = performance.now();
    parse();
    const p = performance.now() - t0;
    t0 = performance.now();
    analyze();
    const a = performance.now() - t0;
    if (i >= warm) {
      out.parse.push(p);
      out.analyze.push(a);
    }
  }
  return out;
}

export interface CoreFigures {
  corpusLines: number;
  corpusFiles: number;
  parseMs: number;
  analyzeMs: number;
  ratioAnalyzeToParse: number;
  folderCheckColdMs: number;
  /** A cold `xsr guards` process over the corpus folder (the lock map: guards, requirements, order), median of 5. */
  guardsFolderMs: number;
  rssMb: number;
  corpusRecallXsr007?: number;
  corpusPrecisionXsr007?: number;
}

export async function benchCore(repo: string): Promise<{ figures: CoreFigures; corpusDir: string; files: SourceFile[] }> {
  const corpusDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-corpus-'));
  const corpus = writeCorpus(corpusDir, { lines: 15000 });
  const files = corpus.files.map((f) => ({ path: f.name, text: f.text }));
  const parser = await createTreeSitterParser();
  const analyzer = await createAnalyzer();
  // Paired runs (parse, then analyse, alternately) so both see the same machine
  // load; the first few warm the JIT, as a running server is.
  const { parse: parseRuns, analyze: analyzeRuns } = pairedRuns(
    () => {
      for (const f of files) parser.parse(f.text)!.delete();
    },
    () => {
      analyzer.analyzeMany(files);
    },
  );
  const parseMs = median(parseRuns);
  const analyzeMs = median(analyzeRuns);
  const results = analyzer.analyzeMany(files);
  const found = new Set(results.flatMap((r) => r.diagnostics.filter((d) => d.code === 'XSR007').map((d) => `${r.path}:${d.function}`)));
  const expected = new Set(corpus.expected.filter((e) => e.code === 'XSR007').map((e) => `${e.file}:${e.function}`));
  const tp = [...found].filter((f) => expected.has(f)).length;
  const cli = path.join(repo, 'dist', 'xsr.js');
  const cold: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'check', corpusDir, '--quiet', '--fail-on', 'none'], { encoding: 'utf8' });
    cold.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`xsr check failed (${r.status}): ${r.stderr}`);
  }
  const guards: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'guards', corpusDir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    guards.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`xsr guards failed (${r.status}): ${r.stderr}`);
  }
  parser.delete();
  return {
    corpusDir,
    files,
    figures: {
      corpusLines: files.reduce((n, f) => n + f.text.split('\n').length, 0),
      corpusFiles: files.length,
      parseMs: round1(parseMs),
      analyzeMs: round1(analyzeMs),
      ratioAnalyzeToParse: Math.round((analyzeMs / parseMs) * 100) / 100,
      folderCheckColdMs: round1(median(cold)),
      guardsFolderMs: round1(median(guards)),
      rssMb: round1(process.memoryUsage().rss / 1048576),
      corpusRecallXsr007: expected.size ? round1(tp / expected.size) : 1,
      corpusPrecisionXsr007: found.size ? round1(tp / found.size) : 1,
    },
  };
}

/** With XEN_TREE set: the same on a real checkout's scheduler files (nothing is stored). */
export async function benchXen(tree: string): Promise<Record<string, number> | undefined> {
  const candidates = ['xen/common/sched', 'xen/common'].map((d) => path.join(tree, d));
  const files: SourceFile[] = [];
  for (const dir of candidates) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      if (/^(sched.*|core|credit2?|rt|null|arinc653|cpupool)\.c$/.test(name))
        files.push({ path: name, text: fs.readFileSync(path.join(dir, name), 'utf8') });
    }
    if (files.length) break;
  }
  if (!files.length) return undefined;
  const parser = await createTreeSitterParser();
  const analyzer = await createAnalyzer();
  const runs = pairedRuns(
    () => {
      for (const f of files) parser.parse(f.text)!.delete();
    },
    () => {
      analyzer.analyzeMany(files);
    },
  );
  const parseMs = median(runs.parse);
  const analyzeMs = median(runs.analyze);
  parser.delete();
  return {
    xenFiles: files.length,
    xenLines: files.reduce((n, f) => n + f.text.split('\n').length, 0),
    xenParseMs: round1(parseMs),
    xenAnalyzeMs: round1(analyzeMs),
    xenRatioAnalyzeToParse: Math.round((analyzeMs / parseMs) * 100) / 100,
  };
}
