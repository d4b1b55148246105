// The language server's figures (issue 5): edit latency over real JSON-RPC
// (in-process streams, debounce 0), with the corpus folder indexed. The
// memory of a real server process is indexBench's.
import { generateCorpus } from './corpus/generate';
import { benchLsp } from './lspDriver';
import { round1 } from './measure';
import type { Bench } from './types';

export const lspBench: Bench = {
  name: 'lsp',
  async run(ctx) {
    const big = generateCorpus({ lines: 5000, files: 1, seed: 7 }).files[0]!;
    // 100 untimed edits first: the JIT compiles the edit path over the first ~90
    // (a server someone types into is warm); then 200 timed edits.
    // With the corpus folder indexed first: the figures include what the workspace index costs an edit.
    const r = await benchLsp({ text: big.text, edits: 200, warmup: 100, folder: ctx.corpusDir });
    return {
      lspFileLines: big.text.split('\n').length,
      editToDiagnosticsP50Ms: round1(r.editToDiagnosticsP50Ms),
      editToDiagnosticsP95Ms: round1(r.editToDiagnosticsP95Ms),
      fullAnalysisMs: round1(r.fullAnalysisMs),
      coreFullAnalysisMs: round1(r.coreFullAnalysisMs),
      ratioEditToFull: Math.round(r.ratioEditToFull * 1000) / 1000,
      inlayHintsMs: round1(r.inlayHintsMs),
    };
  },
};
