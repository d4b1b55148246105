// The simulator's figures: time to the old protocol's counterexample (2
// initiators x 3 pCPUs), time to verify the new protocol (3 x 3), states with
// DPOR against the naive enumeration, Spin on the same models for scale (the
// new protocol 2 x 3 against pan on test/peer/new.pml in the same run: pan's
// search alone, and with its C compile), and a general code path: the
// largest general fixture extracted from C and explored.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createAnalyzer, extractModel } from '../../server/src/core/index';
import { countNaive, explore, referenceModel } from '../../sim/src/index';
import { runSpin, spinAvailable } from '../sim/spinRunner';
import type { Bench } from './types';

/** The largest general fixture (the most states): a waker against a domain move under the vCPU's lock. */
const GENERAL = { file: 'test/fixtures/model/general/move_domain.c', functions: ['vcpu_wake', 'sched_move_domain_locked'] };

const NEW = { initiators: 3, pcpus: 3 };
const OLD = { initiators: 2, pcpus: 3 };

async function benchSim(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const notes: string[] = [];
  // Old protocol: the whole explore() (DPOR until INV1, then BFS for the minimal trace). Warm once, best of 3.
  explore(referenceModel('old', OLD));
  let oldMs = Infinity,
    steps = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = explore(referenceModel('old', OLD));
    oldMs = Math.min(oldMs, performance.now() - t0);
    if (r.result !== 'violation' || r.invariant !== 'INV1')
      throw new Error(`old protocol: expected INV1, got ${r.result} ${r.invariant ?? ''}`);
    steps = r.trace.length;
  }
  out.simOldMs = Math.round(oldMs);
  out.simOldTraceSteps = steps;

  // New protocol, 3 x 3: stateful DPOR with symmetry (explore's defaults).
  const t0 = performance.now();
  const nr = explore(referenceModel('new', NEW), { maxStates: 50_000_000, timeoutMs: 600_000 });
  const newMs = performance.now() - t0;
  if (nr.result !== 'verified') throw new Error(`new protocol 3x3: ${nr.result}: ${nr.message}`);
  out.simNewMs = Math.round(newMs);
  out.simNewStates = nr.stats.states;
  out.simStatesDpor = nr.stats.states;
  out.simStatesPerSec = Math.round(nr.stats.states / (newMs / 1000));

  // The naive enumeration (no reduction, no caching), counted exactly on the state graph.
  const naive = countNaive(referenceModel('new', NEW));
  if (naive.limit || naive.cyclic) throw new Error(`naive count: ${naive.limit ?? 'cyclic state graph'}`);
  out.simStatesNaive = Number(naive.treeStates);
  out.simStatesNaiveExact = String(naive.treeStates);
  out.simNaiveExecutions = String(naive.executions);
  out.simStatesStateful = naive.graphStates;
  out.simNaiveCountMs = naive.ms;
  out.simReduction = Math.round(Number(naive.treeStates) / nr.stats.states);
  out.simReductionStateful = Math.round((naive.graphStates / nr.stats.states) * 100) / 100;
  notes.push(
    'simStatesNaive: nodes of the naive execution tree (stateless, every interleaving), computed exactly by path counting on the acyclic state graph; a double here, exact digits in simStatesNaiveExact',
  );
  notes.push('simStatesStateful: distinct states of the full state graph = what the stateful naive search visits');
  notes.push('simStatesDpor: distinct states (up to symmetry of identical initiators) visited by stateful DPOR');

  // The new protocol, 2 x 3, against Spin's pan on the same model in the same run: best of 3 each.
  explore(referenceModel('new', { initiators: 2, pcpus: 3 }));
  let new2Ms = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = explore(referenceModel('new', { initiators: 2, pcpus: 3 }));
    new2Ms = Math.min(new2Ms, performance.now() - t);
    if (r.result !== 'verified') throw new Error(`new protocol 2x3: ${r.result}`);
  }
  out.simNew2x3Ms = Math.round(new2Ms);

  // A general code path: extraction from C and exploration, best of 3.
  const repo = path.resolve(__dirname, '..', '..', '..');
  const analyzer = await createAnalyzer();
  const text = fs.readFileSync(path.join(repo, GENERAL.file), 'utf8');
  let generalMs = Infinity,
    generalStates = 0;
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    const file = analyzer.analyze({ path: GENERAL.file, text });
    const r = explore(extractModel(file, GENERAL.functions).model);
    if (i > 0) generalMs = Math.min(generalMs, performance.now() - t);
    if (r.result !== 'verified') throw new Error(`${GENERAL.file}: ${r.result}: ${r.message}`);
    generalStates = r.stats.states;
  }
  out.simGeneralMs = Math.round(generalMs);
  out.simGeneralStates = generalStates;
  notes.push(
    `simGeneralMs: ${GENERAL.file} (${GENERAL.functions.join(', ')}), analysis + extraction + exploration, best of 3 after a warm-up`,
  );

  if (spinAvailable()) {
    out.spinMs = runSpin('old.pml').ms;
    let search = Infinity,
      total = Infinity;
    for (let i = 0; i < 3; i++) {
      const s2 = runSpin('new.pml');
      search = Math.min(search, s2.searchMs);
      total = Math.min(total, s2.ms);
    }
    out.spinNewMs = total;
    out.spinNew2x3SearchMs = search;
    out.spinNew2x3WithCompileMs = total;
    notes.push(
      'new protocol 2 x 3: simNew2x3Ms (xsr, DPOR with state caching and symmetry) against pan on test/peer/new.pml: spinNew2x3SearchMs (pan alone), spinNew2x3WithCompileMs (spin -a, cc -O2 and pan), best of 3 each',
    );
  } else {
    notes.push('spinMs, spinNewMs, spinNew2x3* omitted: spin is not on PATH');
  }
  out.simNote = notes.join('; ');
  return out;
}

export const simBench: Bench = { name: 'sim', run: () => benchSim() };
