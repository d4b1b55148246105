// Model extraction from C (server/src/core/model/extract.ts) run through the
// simulator: the old initiator races, the fixed one and a boolean-guarded
// start/finish verify, and the thread programs are what the C says.
import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';

import type { FileAnalysis } from '../../server/src/core/analysis';
import { Analyzer } from '../../server/src/core/analyzer';
import { ExtractError, extractModel } from '../../server/src/core/model/extract';
import { explore } from '../../sim/src/index';
import { fixtureMarks } from '../shared/fixtureMarks';
import { readFixture } from './fixtures';

/** The 1-based lines the two fixtures mark with `@name` comments. */
const oldMarks = fixtureMarks(readFixture('model', 'old_protocol.c'), 'old_protocol.c');
const newMarks = fixtureMarks(readFixture('model', 'new_protocol.c'), 'new_protocol.c');
const oldLine = (name: string): number => oldMarks(name).line;
const newLine = (name: string): number => newMarks(name).line;

/** The thread's actions without the (silent) jumps, as `op:line`. */
function actions(instrs: { op: string; src?: { line: number } }[]): string[] {
  return instrs.filter((i) => i.op !== 'jump').map((i) => `${i.op}${i.src ? `:${i.src.line}` : ''}`);
}

describe('model extraction', () => {
  let analyzer: Analyzer;
  let oldFile: FileAnalysis;
  let newFile: FileAnalysis;
  before(async () => {
    analyzer = await Analyzer.create();
    oldFile = analyzer.analyze({ path: 'old_protocol.c', text: readFixture('model', 'old_protocol.c') });
    newFile = analyzer.analyze({ path: 'new_protocol.c', text: readFixture('model', 'new_protocol.c') });
  });

  it('reads the pre-2018 initiator as lock, flag, unlock, re-check, sleep, migrate', () => {
    const { model, notes } = extractModel(oldFile, ['sched_move_vcpu'], { initiators: 1 });
    assert.deepEqual(actions(model.threads[0]!.instrs), [
      `lockVcpu:${oldLine('lock')}`,
      `setMigrating:${oldLine('set_flag')}`,
      `unlockVcpu:${oldLine('unlock')}`,
      `ifMigrating:${oldLine('recheck')}`,
      `sleepNosync:${oldLine('sleep')}`,
      `migrate:${oldLine('migrate')}`,
    ]);
    assert.equal(model.schedulers!.contextSaved, 'old');
    assert.deepEqual(model.pcpus, ['A', 'B', 'C']);
    assert.deepEqual(notes, ['sched_move_vcpu: skipped calls the model does not know: domain_update_node_affinity']);
  });

  it('finds the race in the old protocol: INV1 with a 10-step trace from the source lines', () => {
    const { model } = extractModel(oldFile, ['sched_move_vcpu', 'context_saved'], { initiators: 1 });
    const r = explore(model, { timeoutMs: 60000 });
    assert.equal(r.result, 'violation');
    assert.equal(r.invariant, 'INV1');
    assert.equal(r.trace.length, 10);
    const own = r.trace.filter((s) => s.thread.startsWith('X:')).map((s) => s.line);
    assert.deepEqual(own, [oldLine('lock'), oldLine('lock'), oldLine('set_flag'), oldLine('unlock')]);
    const last = r.trace[r.trace.length - 1]!;
    assert.deepEqual(last.state.runq.A, ['v']);
    assert.equal(last.state.processor.v, 'B');
    // The scheduler's steps point at the file's context_saved; schedule() is not in the file.
    const sched = r.trace.filter((s) => s.thread === 'pCPU A').map((s) => `${s.line ?? '-'} ${s.action.split(':')[0]}`);
    assert.deepEqual(sched, [
      '- lock sched(A); schedule(A)',
      `${oldLine('clear_running')} context_saved`,
      `${oldLine('test_migrating')} context_saved`,
      `${oldLine('saved_migrate')} vcpu_migrate`,
      `${oldLine('saved_migrate')} vcpu_migrate`,
      `${oldLine('saved_migrate')} vcpu_migrate`,
    ]);
    assert.deepEqual(
      r.trace.filter((s) => s.thread === 'pCPU A' && s.line !== undefined).map((s) => s.file),
      Array(5).fill('old_protocol.c'),
    );
  });

  it("links the scheduler steps to the lines of the file's context_saved, both variants", () => {
    assert.deepEqual(extractModel(oldFile, ['sched_move_vcpu']).model.schedulers!.sources, {
      clearRunning: { file: 'old_protocol.c', line: oldLine('clear_running'), text: 'prev->is_running = 0' },
      testMigrating: {
        file: 'old_protocol.c',
        line: oldLine('test_migrating'),
        text: '( unlikely(test_bit(_VPF_migrating, &prev->pause_flags)) )',
      },
      migrate: { file: 'old_protocol.c', line: oldLine('saved_migrate'), text: 'vcpu_migrate(prev)' },
    });
    assert.deepEqual(extractModel(newFile, ['sched_move_vcpu']).model.schedulers!.sources, {
      clearRunning: { file: 'new_protocol.c', line: newLine('clear_running'), text: 'prev->is_running = 0' },
      migrate: { file: 'new_protocol.c', line: newLine('saved_finish'), text: 'vcpu_migrate_finish(prev)' },
    });
    // A file without context_saved: the scheduler steps stay without a line.
    const alone = analyzer.analyze({
      path: 'alone.c',
      text: readFixture('model', 'old_protocol.c').replace(/void context_saved[\s\S]*$/, ''),
    });
    assert.equal(extractModel(alone, ['sched_move_vcpu']).model.schedulers!.sources, undefined);
  });

  it('verifies the fixed protocol with two initiators', () => {
    const { model } = extractModel(newFile, ['sched_move_vcpu'], {});
    assert.equal(model.threads.length, 2);
    assert.equal(model.schedulers!.contextSaved, 'new');
    const r = explore(model, { timeoutMs: 60000 });
    assert.equal(r.result, 'verified', r.message);
  });

  it('one boolean guarding the start and the finish: one choice where it is set, both tests evaluated, verified', () => {
    const { model } = extractModel(newFile, ['sched_pin_temporarily', 'sched_move_vcpu'], {});
    const pin = model.threads[0]!;
    assert.equal(pin.name, 'X:sched_pin_temporarily');
    const ops = actions(pin.instrs);
    // The unknown (`pin && !cpumask_test_cpu(…)`) is one choice; `migrate` is a local the model follows, so both its tests are branches.
    assert.deepEqual(
      ops.filter((o) => o.startsWith('choice') || o.startsWith('branch')),
      [`choice:${newLine('pin_test')}`, `branch:${newLine('guard_start')}`, `branch:${newLine('guard_finish')}`],
    );
    assert.equal(ops.filter((o) => o.startsWith('migrateFinish')).length, 1);
    const choice = pin.instrs.find((i) => i.op === 'choice')!;
    assert.deepEqual((choice as { labels?: string[] }).labels, [
      'pin && !cpumask_test_cpu(cpu, v->cpu_hard_affinity) is true',
      'pin && !cpumask_test_cpu(cpu, v->cpu_hard_affinity) is false',
    ]);
    const r = explore(model, { timeoutMs: 60000 });
    assert.equal(r.result, 'verified', `${r.message} ${JSON.stringify(r.trace.map((s) => s.action))}`);
  });

  it('names what is missing', () => {
    assert.throws(
      () => extractModel(oldFile, ['no_such_function']),
      (e: unknown) => e instanceof ExtractError && /no function named no_such_function in old_protocol\.c/.test((e as Error).message),
    );
    assert.throws(() => extractModel(oldFile, ['context_saved']), /select at least one initiator/);
  });
});
