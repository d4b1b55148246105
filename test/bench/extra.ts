// The benches of the other layers (language server, simulator), run after
// the core's. Each returns flat figures merged into the JSON line.
import type { SourceFile } from '../../server/src/core';
import { lspBench } from './lspBench';
import { simBench } from './simBench';

export interface BenchContext {
  repo: string;
  corpusDir: string;
  files: SourceFile[];
}

export interface Bench {
  name: string;
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}

export const extraBenches: Bench[] = [lspBench, simBench];
