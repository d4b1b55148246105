// Runs a Promela model through Spin (spin -a, cc, ./pan) and reports its verdict,
// for the peer cross-check test and for the bench (spinMs).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SpinResult {
  verdict: 'violation' | 'verified';
  /** Everything: spin -a, the C compile of pan, and pan's search. */
  ms: number;
  /** pan's search alone (the compiled verifier running). */
  searchMs: number;
  /** pan's "states, stored" figure. */
  states: number;
  output: string;
}

/** Directory of the Promela peer models (test/peer), from out/test/sim or test/sim. */
const PEER_DIR = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../../test/peer' : '../peer');

export function spinAvailable(): boolean {
  const r = spawnSync('spin', ['-V'], { encoding: 'utf8' });
  return r.status === 0 && !r.error;
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error) throw r.error;
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 && cmd !== './pan') throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${out}`);
  return out;
}

/** file: a path, or a name in test/peer (e.g. "old.pml"). Throws when spin or cc is missing. */
export function runSpin(file: string): SpinResult {
  const model = path.isAbsolute(file) ? file : path.join(PEER_DIR, file);
  const dir = mkdtempSync(path.join(tmpdir(), 'xsr-spin-'));
  const t0 = performance.now();
  try {
    run('spin', ['-a', model], dir);
    run('cc', ['-O2', '-DSAFETY', '-o', 'pan', 'pan.c'], dir);
    const t1 = performance.now();
    const output = run('./pan', ['-m100000'], dir);
    const searchMs = Math.round(performance.now() - t1);
    const errors = /errors:\s*(\d+)/.exec(output);
    if (!errors) throw new Error(`unexpected pan output:\n${output}`);
    const states = Number(/(\d+) states, stored/.exec(output)?.[1] ?? 0);
    return { verdict: Number(errors[1]) > 0 ? 'violation' : 'verified', ms: Math.round(performance.now() - t0), searchMs, states, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
