// What every bench of a layer gets and returns (bench.ts runs them in turn).
import type { SourceFile } from '../../server/src/core/index';

interface BenchContext {
  repo: string;
  corpusDir: string;
  files: SourceFile[];
}

export interface Bench {
  name: string;
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}
