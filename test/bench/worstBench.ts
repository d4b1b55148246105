// Worst cases within bounds (issue 17): each generated worst case
// (test/shared/worstCases.ts: one function whose shape, not its size, makes it
// expensive) analysed in a process of its own, so its time and memory are its
// own: worstFunctionMs is the slowest (the fastest of five analyses after one
// warm-up: the least disturbed by other load), worstFunctionRssMb the highest
// peak RSS of such a process (Node and the WASM parser included, about 60-70
// MB of it). Then the language server opening a document of all of them: how
// long it takes, and the longest stretch it answers nothing else.
import { spawnSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import {
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializeRequest,
  PublishDiagnosticsNotification,
} from 'vscode-languageserver-protocol/node';

import { createAnalyzer } from '../../server/src/core/index';
import { BYSTANDER, worstCases } from '../shared/worstCases';
import { inMemoryServer } from './lspDriver';
import { round1 } from './measure';
import type { Bench } from './types';

interface CaseFigures {
  name: string;
  ms: number;
  cpuMs: number;
  /** Peak RSS of the process, and how much of it came after the warm-up (the case's own). */
  rssMb: number;
  extraMb: number;
  /** What the analysis said of the function: analysed, or its note. */
  outcome: string;
}

/** Child mode: `node worstBench.js CASE-INDEX` analyses one case and prints its figures as JSON. */
async function child(index: number): Promise<void> {
  const c = worstCases()[index]!;
  const analyzer = await createAnalyzer();
  // One warm-up (the JIT), then five timed analyses: the fastest is the machine's best (the least disturbed by other load).
  analyzer.analyze({ path: 'warm.c', text: BYSTANDER });
  const baseMb = process.resourceUsage().maxRSS / 1024;
  const runs: number[] = [];
  const cpu: number[] = [];
  let outcome = '';
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = analyzer.analyze({ path: 'worst.c', text: c.text });
    runs.push(performance.now() - t0);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1000);
    outcome = r.functions.map((f) => f.degraded ?? 'analysed').join('; ');
  }
  const figures: CaseFigures = {
    name: c.name,
    ms: Math.min(...runs),
    cpuMs: Math.min(...cpu),
    rssMb: process.resourceUsage().maxRSS / 1024,
    extraMb: process.resourceUsage().maxRSS / 1024 - baseMb,
    outcome,
  };
  process.stdout.write(JSON.stringify(figures));
}

function measureCase(index: number): CaseFigures {
  const r = spawnSync(process.execPath, [__filename, String(index)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`worst case ${index}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as CaseFigures;
}

/**
 * The language server opening a document that holds every worst case: how
 * long it takes, and the longest stretch it could answer nothing else (the
 * analysis runs on the message loop), read from the event loop's delay.
 */
async function serverStall(): Promise<{ stallMs: number; openMs: number }> {
  const { client, server } = inMemoryServer();
  const published = new Map<string, () => void>();
  client.onNotification(PublishDiagnosticsNotification.type, (p) => published.get(p.uri)?.());
  client.onNotification('xsr/analysisStatus', () => undefined);
  client.listen();
  try {
    await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, workspaceFolders: null, capabilities: {} });
    const done = (uri: string): Promise<void> => new Promise((resolve) => published.set(uri, resolve));
    const small = 'file:///bench/small.c';
    let wait = done(small);
    await client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: small, languageId: 'c', version: 1, text: BYSTANDER },
    });
    await wait;
    const big = 'file:///bench/worst.c';
    const text = worstCases()
      .map((c) => c.text)
      .join('\n');
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    wait = done(big);
    const t0 = performance.now();
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: big, languageId: 'c', version: 1, text } });
    await wait;
    const openMs = performance.now() - t0;
    delay.disable();
    // Still answering afterwards.
    await client.sendRequest(HoverRequest.type, { textDocument: { uri: small }, position: { line: 3, character: 4 } });
    return { stallMs: delay.max / 1e6, openMs };
  } finally {
    client.dispose();
    server.server.dispose();
    server.connection.dispose();
  }
}

export const worstBench: Bench = {
  name: 'worst cases',
  async run() {
    const cases = worstCases().map((_, i) => measureCase(i));
    const slowest = cases.reduce((a, b) => (b.ms > a.ms ? b : a));
    const fattest = cases.reduce((a, b) => (b.rssMb > a.rssMb ? b : a));
    const stall = await serverStall();
    return {
      worstFunctionMs: round1(slowest.ms),
      worstFunctionCpuMs: round1(slowest.cpuMs),
      worstFunction: slowest.name,
      worstFunctionRssMb: round1(fattest.rssMb),
      worstFunctionExtraMb: round1(fattest.extraMb),
      worstFunctionRssCase: fattest.name,
      // One figure per case: its time, its process's peak memory, what the analysis made of it.
      ...Object.fromEntries(
        cases.map((c) => [
          `worst: ${c.name}`,
          `${round1(c.ms)} ms (cpu ${round1(c.cpuMs)}), ${round1(c.rssMb)} MB (+${round1(c.extraMb)}), ${c.outcome}`,
        ]),
      ),
      serverWorstDocumentMs: round1(stall.openMs),
      serverLongestStallMs: round1(stall.stallMs),
    };
  },
};

if (require.main === module) {
  child(Number(process.argv[2])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
