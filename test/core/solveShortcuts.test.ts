// Shortcuts of the summary solve and the lock dataflow that must answer
// exactly what the longer way answers: summaries compared without their keys
// (summary.ts), callee sets compared without asking which names are defined
// when they are the same (analyzer.ts), the depth-first ranks made without a
// callback and per solve (cfg/dataflow.ts), comparisons of atoms answered once
// per text (condition.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { sameDefinedCallees } from '../../server/src/core/analyzer';
import { type Domain, reversePostorder, solve } from '../../server/src/core/cfg/dataflow';
import type { Cfg, CfgNode, CfgNodeKind } from '../../server/src/core/cfg/types';
import { comparison } from '../../server/src/core/locks/condition';
import { LockNamer } from '../../server/src/core/locks/names';
import { type FunctionSummary, isEmptySummary, type LockEffect, sameSummaryKey, summaryKey } from '../../server/src/core/locks/summary';

const spin = (lock: string): LockEffect => ({ lock, kind: 'spin' });
const sched = (lock: string): LockEffect => ({ lock, kind: 'sched' });

function summary(parts: Partial<FunctionSummary> = {}): FunctionSummary {
  return { name: 'f', params: ['v'], acquires: [], releases: [], mayReleases: [], condAcquires: [], requires: [], ...parts };
}

describe('summaries compared without their keys', () => {
  // Pairs whose keys are equal and pairs whose keys differ, one field at a time.
  const pairs: [string, FunctionSummary, FunctionSummary][] = [
    ['both empty', summary(), summary()],
    ['the same effects, other objects', summary({ acquires: [spin('a->lock')] }), summary({ acquires: [spin('a->lock')] })],
    [
      'the same effects in another order',
      summary({ releases: [spin('x'), sched('sched(v)')] }),
      summary({ releases: [sched('sched(v)'), spin('x')] }),
    ],
    ['another lock', summary({ requires: [spin('x')] }), summary({ requires: [spin('y')] })],
    ['another kind', summary({ condAcquires: [spin('x')] }), summary({ condAcquires: [sched('x')] })],
    ['one effect more', summary({ mayReleases: [spin('x')] }), summary({ mayReleases: [spin('x'), spin('y')] })],
    ['the same effect in another list', summary({ acquires: [spin('x')] }), summary({ releases: [spin('x')] })],
    ['absent and empty optional lists', summary({ mayAcquires: [] }), summary({ condReleases: [] })],
    ['an optional list', summary({ mayAcquires: [spin('x')] }), summary()],
    ['conditional releases', summary({ condReleases: [spin('x')] }), summary({ condReleases: [spin('y')] })],
    ['a convention', summary({ condConvention: 'status' }), summary()],
    ['an exit state', summary({ irqExit: false }), summary({ irqExit: true })],
    ['an exit state and none', summary({ irqExit: false }), summary()],
    ['another name and parameters only', summary({ name: 'g', params: ['d'] }), summary()],
  ];

  for (const [what, a, b] of pairs)
    it(`${what}: the same answer as comparing keys`, () => {
      const byKey = summaryKey(a) === summaryKey(b);
      assert.equal(sameSummaryKey(a, b), byKey);
      assert.equal(sameSummaryKey(b, a), byKey);
      assert.equal(sameSummaryKey(a, a), true);
    });

  it('a summary is empty exactly when its key is that of a summary with nothing in it', () => {
    const emptyKey = summaryKey(summary());
    for (const [, a, b] of pairs)
      for (const s of [a, b]) assert.equal(isEmptySummary(s), summaryKey(s) === emptyKey, `${summaryKey(s)} ${JSON.stringify(s)}`);
    assert.equal(isEmptySummary(summary({ mayAcquires: [], condReleases: [] })), true);
    assert.equal(isEmptySummary(summary({ requires: [spin('x')] })), false);
  });
});

function node(id: number, kind: CfgNodeKind, to: number[]): CfgNode {
  return { id, kind, start: id, end: id + 1, line: id, succ: to.map((t) => ({ to: t })), facts: { calls: [], assignments: [] } };
}

/** 0 → 1 (cond) → 2 or 3, both going on to node 4. */
const DIAMOND: [CfgNodeKind, number[]][] = [
  ['entry', [1]],
  ['cond', [2, 3]],
  ['stmt', [4]],
  ['stmt', [4]],
];

/** A CFG of nodes given as [kind, successors], numbered in order; node 0 is the entry. */
function cfgOf(nodes: [CfgNodeKind, number[]][], exit: number): Cfg {
  return { nodes: nodes.map(([kind, to], id) => node(id, kind, to)), entry: 0, exit, hasError: false };
}

describe('the depth-first order of a CFG', () => {
  it('reverse postorder: a diamond, a loop, an unreachable node and a self-loop', () => {
    // 0 → 1; 1 → 2, 3 (a diamond joining at 4); 4 → 5 (loop head); 5 → 6, 7; 6 → 5 (back edge), 6 → 6; 7 exit; 8 unreachable → 4.
    const cfg = cfgOf([...DIAMOND, ['nop', [5]], ['cond', [6, 7]], ['stmt', [6, 5]], ['exit', []], ['stmt', [4]]], 7);
    // The search goes 0 1 2 4 5 6 (6 and 5 seen), 7; back to 1, then 3: postorder 6 7 5 4 2 3 1 0.
    assert.deepEqual(reversePostorder(cfg), [0, 1, 3, 2, 4, 5, 7, 6]);
  });

  it('a CFG of the entry alone', () => {
    const cfg = cfgOf([['entry', []]], 0);
    assert.deepEqual(reversePostorder(cfg), [0]);
  });
});

describe('comparisons of atoms, once per text', () => {
  it('the same answer asked again, for a comparison and for an atom that is none', () => {
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(comparison('ld<rd'), { a: 'ld', op: '<', b: 'rd' });
      assert.deepEqual(comparison('v->processor!=cpu'), { a: 'v->processor', op: '!=', b: 'cpu' });
      assert.deepEqual(comparison('rc==0'), { a: 'rc', op: '==', b: '0' });
      assert.equal(comparison('spin_trylock(&l)'), undefined);
      assert.equal(comparison('x-<y'), undefined);
    }
  });
});

describe('callee sets compared for the solve order', () => {
  const defined = new Set(['lock_it', 'unlock_it', 'helper']);
  const cases: [string, string[], string[], boolean][] = [
    ['the same names in the same order', ['printk', 'lock_it', 'helper'], ['printk', 'lock_it', 'helper'], true],
    ['other undefined names, same defined ones', ['printk', 'lock_it', 'helper'], ['memcpy', 'lock_it', 'helper'], true],
    ['the same size, another defined name', ['printk', 'lock_it', 'helper'], ['printk', 'lock_it', 'unlock_it'], false],
    ['the same defined names in another order', ['lock_it', 'helper'], ['helper', 'lock_it'], false],
    ['one defined name more', ['lock_it'], ['lock_it', 'helper'], false],
    ['an undefined name more', ['lock_it'], ['lock_it', 'printk'], true],
    ['both empty', [], [], true],
  ];
  for (const [what, a, b, expected] of cases)
    it(`${what}: ${expected ? 'the same' : 'not the same'}`, () => {
      assert.equal(sameDefinedCallees(new Set(a), new Set(b), defined), expected);
      assert.equal(sameDefinedCallees(new Set(b), new Set(a), defined), expected);
    });
});

describe('what the solve keeps of its lists', () => {
  /** Each state a string; a node's transfer appends its id, except at a `nop` (passes the state on). */
  const tagging: Domain<string> = {
    key: (s) => s,
    same: (a, b) => a === b,
    merge: (states) => states.join('+'),
    transfer: (n, s) => (n.kind === 'nop' ? [s] : [`${s}${n.id}`]),
    edge: (_n, _e, s) => s,
  };

  it('straight-line code sends nothing into a join: the shared empty list, read as no states anywhere', () => {
    const cfg = cfgOf(
      [
        ['entry', [1]],
        ['stmt', [2]],
        ['exit', []],
      ],
      2,
    );
    const r = solve(cfg, tagging, 's');
    assert.equal(r.intoJoins.length, 0);
    assert.equal(r.intoJoins[1], undefined);
    assert.deepEqual(r.before, [['s'], ['s0'], ['s01']]);
  });

  it('a join: each node its own list of its states, the states sent into the join by the sender', () => {
    // 0 → 1 (cond) → 2 or 3 → 4 (nop, the join) → 5 (exit).
    const cfg = cfgOf([...DIAMOND, ['nop', [5]], ['exit', []]], 5);
    const r = solve(cfg, tagging, 's');
    assert.deepEqual(r.before, [['s'], ['s0'], ['s01'], ['s01'], ['s013', 's012'], ['s013', 's012']]);
    // Two nodes with the same two states hold two lists (only one-state lists are shared).
    assert.notEqual(r.before[4], r.before[5]);
    assert.deepEqual(r.intoJoins[2], ['s012']);
    assert.deepEqual(r.intoJoins[3], ['s013']);
    assert.equal(r.intoJoins[4], undefined);
  });
});

describe('scheduler-lock addresses, told from the text', () => {
  // `cpu = v->processor;` in the function: a pCPU's lock reached through `cpu` is traced to the vCPU's.
  const cfg = cfgOf(
    [
      ['entry', [1]],
      ['stmt', [2]],
      ['exit', []],
    ],
    2,
  );
  cfg.nodes[1]!.facts.assignments.push({ lhs: 'cpu', rhs: 'v->processor', op: '=', start: 1, end: 2, rhsCall: undefined });
  const namer = LockNamer.of(cfg);
  const cases: [string, string | undefined][] = [
    ['&per_cpu(schedule_data, cpu).schedule_lock', 'sched(v->processor)'],
    // A comment and spaces between the tokens: canonicalText drops them, and the text still says schedule_lock.
    ['per_cpu(schedule_data,/* here */ other) . schedule_lock', 'sched(other)'],
    ['(get_sched_res(cpu)->schedule_lock)', 'sched(v->processor)'],
    ['&unit->res->schedule_lock', 'sched(unit->res)'],
    // A comment inside the word parts it in two (`schedule_ lock`): no such member.
    ['x->schedule_/**/lock', undefined],
    ['x->schedule_locks', undefined],
    ['&prv->lock', undefined],
    ['cpu', undefined],
  ];
  for (const [expr, name] of cases)
    it(`${expr}: ${name ?? 'none'}`, () => {
      assert.equal(namer.schedPointer(expr), name);
      // Asked again (remembered per text): the same answer.
      assert.equal(namer.schedPointer(expr), name);
    });
});
