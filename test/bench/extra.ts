// The benches of the other layers (language server, simulator), run after
// the core's. Each returns flat figures merged into the JSON line.
import { indexBench } from './indexBench';
import { lspBench } from './lspBench';
import { simBench } from './simBench';
import type { Bench } from './types';
import { worstBench } from './worstBench';

export const extraBenches: Bench[] = [lspBench, indexBench, simBench, worstBench];
