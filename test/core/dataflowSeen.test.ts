// The solve recognises a state a node has already seen by comparing it with
// the states seen there (domain.same), and by key only once a node has seen
// many (a loop head producing new states round after round, merged past the
// disjunct bound). Either way it must keep and drop exactly the states that
// keys alone keep and drop: the same lists, in the same order, at every node.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type Domain, solve } from '../../server/src/core/cfg/dataflow';
import type { Cfg, CfgNode, CfgNodeKind } from '../../server/src/core/cfg/types';

/** A counter and how it got there: paths differ by both. */
interface Count {
  n: number;
  tag: string;
}

function node(id: number, kind: CfgNodeKind, succ: CfgNode['succ']): CfgNode {
  return { id, kind, start: id, end: id + 1, line: id, succ, facts: { calls: [], assignments: [] } };
}

/** entry → head; head → body (true) or exit (false); body → head: a loop whose head sees every count. */
const loop: Cfg = {
  nodes: [
    node(0, 'entry', [{ to: 1 }]),
    node(1, 'cond', [
      { to: 2, branch: true },
      { to: 3, branch: false },
    ]),
    node(2, 'stmt', [{ to: 1 }]),
    node(3, 'exit', []),
  ],
  entry: 0,
  exit: 3,
  hasError: false,
};

/** Counts up by one and by two in the body (two new paths per path) up to `limit`, tagged by the step taken. */
function counting(limit: number): Domain<Count> {
  return {
    key: (s) => `${s.n}/${s.tag}`,
    same: (a, b) => a.n === b.n && a.tag === b.tag,
    merge: (states) => ({ n: Math.max(...states.map((s) => s.n)), tag: 'merged' }),
    transfer: (n, s) =>
      n.kind === 'stmt'
        ? [
            { n: Math.min(s.n + 1, limit), tag: 'one' },
            { n: Math.min(s.n + 2, limit), tag: 'two' },
          ]
        : [s],
    edge: (_n, _e, s) => s,
  };
}

/** What a solve gave, as keys: the states before each node and those sent into joins and to the exit. */
function summary(domain: Domain<Count>, maxDisjuncts: number): { before: string[][]; joins: string[][]; exit: string[][]; steps: number } {
  const r = solve(loop, domain, { n: 0, tag: 'start' }, maxDisjuncts);
  assert.equal(r.exhausted, undefined);
  return {
    before: r.before.map((l) => l.map(domain.key)),
    joins: r.intoJoins.map((l) => (l ?? []).map(domain.key)),
    exit: r.intoExit.map((l) => (l ?? []).flatMap((onEdge) => (onEdge ?? []).map(domain.key))),
    steps: r.steps,
  };
}

describe('dataflow: states a node has seen', () => {
  for (const [limit, maxDisjuncts, what] of [
    [8, 64, 'a few states at the loop head, compared one by one'],
    [40, 128, 'more states at the loop head than are compared one by one (keys from then on), none merged'],
    [40, 12, 'past the disjunct bound: merged states join what the node has seen'],
    [400, 12, 'a loop head visited more than 64 times: merged into one, round after round'],
  ] as const) {
    it(`keeps what keys alone keep: ${what}`, () => {
      const withSame = counting(limit);
      const { same: _same, ...byKey } = withSame;
      const a = summary(withSame, maxDisjuncts);
      const b = summary(byKey, maxDisjuncts);
      assert.deepEqual(a, b);
      // Unbounded, the loop head holds the start and every count up to the limit by both steps (a count
      // of 1 by one step only); bounded, merged states.
      if (maxDisjuncts > 2 * limit) assert.equal(a.before[1]!.length, 1 + 2 * limit - 1);
      else assert.ok(a.before[1]!.some((k) => k.endsWith('/merged')));
    });
  }
});
