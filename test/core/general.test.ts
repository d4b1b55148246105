// Any selected code path, simulated: the fixtures of test/fixtures/model/general
// (our own Xen-style C) with their known verdicts, exact minimal trace lengths
// and exact execution counts (stateless DPOR: one per Mazurkiewicz trace),
// the racing lines, the failing assertion, the lock cycle, and what the model
// says it modelled. The extraction's options (copies, init, distinct) too.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';

import type { FileAnalysis } from '../../server/src/core/analysis';
import { Analyzer } from '../../server/src/core/analyzer';
import { ExtractError, extractModel, type ExtractOptions } from '../../server/src/core/model/extract';
import { explore, type SimResult } from '../../sim/src/index';
import { fixtureMarks } from '../shared/fixtureMarks';
import { readFixture } from './fixtures';

const FILES = ['lost_update.c', 'check_then_act.c', 'abba.c', 'wrong_lock.c', 'flags_word.c', 'move_domain.c', 'list_walk.c'] as const;
type FileName = (typeof FILES)[number];

describe('simulating any code path', () => {
  const files = new Map<FileName, FileAnalysis>();
  const line = (f: FileName, mark: string): number => fixtureMarks(readFixture('model', 'general', f), f)(mark).line;
  const path = (f: FileName) => `test/fixtures/model/general/${f}`;
  before(async () => {
    const analyzer = await Analyzer.create();
    for (const f of FILES) files.set(f, analyzer.analyze({ path: path(f), text: readFixture('model', 'general', f) }));
  });
  const run = (f: FileName, fns: string[], opts: ExtractOptions = {}): { r: SimResult; stateless: SimResult } => {
    const { model } = extractModel(files.get(f)!, fns, opts);
    return { r: explore(model), stateless: explore(model, { stateful: false }) };
  };

  it('lost update without the lock: RACE between the racy ++ and the locked +=, in 4 steps', () => {
    const { r, stateless } = run('lost_update.c', ['burn_credit_locked', 'burn_credit_racy']);
    assert.equal(r.invariant, 'RACE');
    assert.deepEqual(r.race, { first: 3, second: 4, location: 'prv->credit' });
    assert.deepEqual(
      r.trace.map((s) => [s.thread, s.line, s.action]),
      [
        ['X:burn_credit_locked', line('lost_update.c', 'locked_lock'), 'lock prv->lock'],
        ['X:burn_credit_locked', line('lost_update.c', 'locked_add'), 'read prv->credit'],
        ['X:burn_credit_locked', line('lost_update.c', 'locked_add'), 'write prv->credit'],
        ['Y:burn_credit_racy', line('lost_update.c', 'racy_add'), 'read prv->credit'],
      ],
    );
    assert.equal(r.trace[3]!.text, 'p->credit++');
    assert.deepEqual(r.model, {
      threads: [
        { name: 'X:burn_credit_locked', function: 'burn_credit_locked' },
        { name: 'Y:burn_credit_racy', function: 'burn_credit_racy' },
      ],
      locations: ['prv->credit'],
      skipped: [],
    });
    // 4 traces: the racy read and write before, between (twice) or after the locked section's accesses.
    assert.equal(stateless.stats.executions, 4);
  });

  it('lost update with the lock: two copies of the locked update verify (2 traces: one section first or the other)', () => {
    const { r, stateless } = run('lost_update.c', ['burn_credit_locked']);
    assert.equal(r.result, 'verified');
    assert.deepEqual(
      r.model!.threads.map((t) => t.name),
      ['X:burn_credit_locked', 'Y:burn_credit_locked'],
    );
    assert.equal(stateless.stats.executions, 2);
    const racy = run('lost_update.c', ['burn_credit_racy']).r;
    assert.equal(racy.invariant, 'RACE');
    assert.equal(racy.trace.length, 3);
  });

  it('functions that share nothing: nothing to check, with what each touches', () => {
    const { r } = run('lost_update.c', ['mark_active', 'burn_credit_racy']);
    assert.equal(r.result, 'nothing-to-check');
    assert.deepEqual(r.model!.skipped, ['X:mark_active touches prv->nr_active', 'Y:burn_credit_racy touches p->credit']);
    assert.equal(r.stats.states, 0);
  });

  it('check-then-act across an unlock: the ASSERT fails in 14 steps; the fixed version verifies', () => {
    const { r, stateless } = run('check_then_act.c', ['claim_pcpu']);
    assert.equal(r.invariant, 'ASSERT');
    assert.deepEqual(r.assertion, { file: path('check_then_act.c'), line: line('check_then_act.c', 'assert'), text: 'ASSERT(!spc->busy)' });
    assert.equal(r.trace.length, 14);
    assert.deepEqual(r.notes, ['initial values: spc->busy = false']);
    // Both threads check, then both act: the second finds busy set.
    const lines = r.trace.map((s) => `${s.thread[0]}${s.line}`);
    const at = (m: string) => line('check_then_act.c', m);
    assert.deepEqual(lines.slice(0, 6), [
      `X${at('check_lock')}`,
      `X${at('check')}`,
      `X${at('check_unlock')}`,
      `Y${at('check_lock')}`,
      `Y${at('check')}`,
      `Y${at('check_unlock')}`,
    ]);
    assert.deepEqual(r.trace[13]!.state.vars, { 'spc->busy': true });
    assert.equal(stateless.stats.executions, 8);
    const fixed = run('check_then_act.c', ['claim_pcpu_fixed']);
    assert.equal(fixed.r.result, 'verified');
    assert.equal(fixed.stateless.stats.executions, 4);
  });

  it('ABBA: DEADLOCK after the two outer locks, with the lock cycle; the fixed order verifies', () => {
    const { r, stateless } = run('abba.c', ['balance_load', 'update_nr']);
    assert.equal(r.invariant, 'DEADLOCK');
    assert.deepEqual(r.cycle, [
      { thread: 'X:balance_load', holds: ['prv->lock'], wants: 'rqd->lock' },
      { thread: 'Y:update_nr', holds: ['rqd->lock'], wants: 'prv->lock' },
    ]);
    assert.deepEqual(
      r.trace.map((s) => s.line),
      [line('abba.c', 'a_outer'), line('abba.c', 'b_outer')],
    );
    assert.equal(stateless.stats.executions, 3);
    const fixed = run('abba.c', ['balance_load', 'update_nr_fixed']);
    assert.equal(fixed.r.result, 'verified');
    assert.equal(fixed.stateless.stats.executions, 2);
  });

  it('an ASSERT under the wrong lock fails (and the race is noted); under the right lock it holds', () => {
    const { r, stateless } = run('wrong_lock.c', ['runq_reserve', 'runq_reserve_wrong_lock']);
    assert.equal(r.invariant, 'ASSERT');
    assert.equal(r.assertion!.text, 'ASSERT(rqd->nr_queued <= MAX_QUEUED)');
    assert.equal(r.trace.length, 10);
    assert.deepEqual(r.notes, ['also violated: RACE', 'initial values: rqd->nr_queued = 1']);
    assert.ok(r.trace.some((s) => s.line === line('wrong_lock.c', 'wrong_inc') && s.action === 'write rqd->nr_queued = 3'));
    assert.equal(stateless.stats.executions, 24);
    const right = run('wrong_lock.c', ['runq_reserve']);
    assert.equal(right.r.result, 'verified');
    assert.equal(right.stateless.stats.executions, 8);
    assert.deepEqual(right.r.model!.skipped, ['integer locations take values 0..3 and wrap around (rqd->nr_queued)']);
  });

  it("a flags word updated with plain |= under two different locks races (credit1's PARKED/YIELD shape); atomic bit operations verify", () => {
    const { r, stateless } = run('flags_word.c', ['vcpu_yield_racy', 'acct_racy']);
    assert.equal(r.invariant, 'RACE');
    assert.deepEqual(r.race, { first: 4, second: 5, location: 'sv->flags' });
    assert.deepEqual(
      [r.trace[3]!.line, r.trace[3]!.action, r.trace[4]!.line, r.trace[4]!.action],
      [line('flags_word.c', 'yield_racy'), 'write sv->flags = 2', line('flags_word.c', 'park_test'), 'read sv->flags = 2'],
    );
    assert.equal(stateless.stats.executions, 28);
    const fixed = run('flags_word.c', ['vcpu_yield_atomic', 'acct_atomic', 'schedule_clear_yield']);
    assert.equal(fixed.r.result, 'verified');
    assert.equal(fixed.stateless.stats.executions, 48);
    assert.deepEqual(fixed.r.model!.locations, ['sv->flags']);
  });

  it("v->processor rewritten while a waker holds the old pCPU's lock: the unlock helper's ASSERT fails (sched_move_domain's shape); under the lock it verifies", () => {
    const { r, stateless } = run('move_domain.c', ['vcpu_wake', 'sched_move_domain']);
    assert.equal(r.invariant, 'ASSERT');
    assert.deepEqual(r.assertion, {
      file: path('move_domain.c'),
      line: line('move_domain.c', 'wake_unlock'),
      text: 'vcpu_schedule_unlock_irqrestore: ASSERT(lock == per_cpu(schedule_data, v->processor).schedule_lock)',
    });
    assert.equal(r.trace.length, 9);
    assert.deepEqual(
      r.trace.slice(0, 3).map((s) => s.action),
      ['read v->processor = A (the lock helper finds its lock)', 'lock sched(A)', 'read v->processor = A (the lock helper finds its lock)'],
    );
    assert.ok(r.trace.some((s) => s.line === line('move_domain.c', 'move_write') && s.action.startsWith('write v->processor = B')));
    assert.deepEqual(r.notes, ['also violated: RACE', 'initial values: v->processor = A']);
    assert.equal(stateless.stats.executions, 70);
    const fixed = run('move_domain.c', ['vcpu_wake', 'sched_move_domain_locked']);
    assert.equal(fixed.r.result, 'verified');
    assert.equal(fixed.stateless.stats.executions, 42);
  });

  it('a dump walking a list without the lock of its writers races (csched_dump shape); under the lock it verifies', () => {
    const { r } = run('list_walk.c', ['dump_racy', 'dom_deactivate']);
    assert.equal(r.invariant, 'RACE');
    assert.deepEqual(r.race, { first: 2, second: 3, location: 'prv->active_sdom' });
    assert.deepEqual(
      r.trace.map((s) => [s.line, s.action]),
      [
        [line('list_walk.c', 'deactivate') - 1, 'lock prv->lock'],
        [line('list_walk.c', 'walk_racy'), 'read prv->active_sdom'],
        [line('list_walk.c', 'deactivate'), 'list_del sdom from prv->active_sdom'],
      ],
    );
    const fixed = run('list_walk.c', ['dump_locked', 'dom_deactivate', 'dom_activate']);
    assert.equal(fixed.r.result, 'verified');
    assert.equal(fixed.stateless.stats.executions, 24);
  });

  it('options: --copies, --init (by name or by another spelling), --distinct', () => {
    const three = run('lost_update.c', ['burn_credit_locked', 'burn_credit_racy'], { copies: { burn_credit_locked: 2 } }).r;
    assert.deepEqual(
      three.model!.threads.map((t) => t.name),
      ['X:burn_credit_locked', 'Y:burn_credit_locked', 'Z:burn_credit_racy'],
    );
    const fixed = extractModel(files.get('wrong_lock.c')!, ['runq_reserve'], { init: { 'rqd->nr_queued': 2 } }).model;
    assert.equal(fixed.shared!.locations[0]!.init, 2);
    assert.equal(explore(fixed).stats.executions, 1);
    const other = extractModel(files.get('check_then_act.c')!, ['claim_pcpu'], { init: { 'spc->busy': 1 } }).model;
    assert.equal(explore(other).result, 'verified'); // busy from the start: nobody acts
    assert.throws(() => extractModel(files.get('wrong_lock.c')!, ['runq_reserve'], { init: { 'rqd->nope': 1 } }), ExtractError);
    assert.throws(
      () => extractModel(files.get('wrong_lock.c')!, ['runq_reserve'], { copies: { nope: 2 } }),
      /not one of the selected functions/,
    );
    // Distinct objects: the two copies' `prv` are different objects, so the racy ++ on p->credit races with nothing.
    const apart = run('lost_update.c', ['burn_credit_locked', 'burn_credit_racy'], { distinct: true }).r;
    assert.equal(apart.result, 'nothing-to-check');
  });
});
