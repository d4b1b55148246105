// One vocabulary: for every function of every fixture, the migration
// operations the checker sees (the rules' view) are exactly the ones the model
// extraction turns into thread instructions, line by line; and every atomic,
// bit and list operation the vocabulary names becomes the model's step of
// that kind at its line. A spelling one side knows and the other does not
// (`pause_flags |= VPF_migrating`, `__set_bit`) fails here.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { type AnalysedFile, createAnalyzer, extractModel, memoryOpsIn, migrationOpsIn } from '../../server/src/core/index';
import { FIXTURES } from './fixtures';

/** How the model names each operation of the vocabulary. */
const MODEL_OP: Readonly<Record<string, string>> = {
  setMigrating: 'setMigrating',
  migrateStart: 'migrateStart',
  migrateFinish: 'migrateFinish',
  oldMigrate: 'migrate',
  sleep: 'sleepNosync',
  sleepLocked: 'sleepNosyncLocked',
  wake: 'wake',
};

function cFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? cFiles(full) : e.name.endsWith('.c') ? [full] : [];
  });
}

/** The function's own lines (inlined callees' instructions carry their own lines). */
function ownLines(analysis: AnalysedFile, name: string): (line: number) => boolean {
  const fn = analysis.functions.find((f) => f.syntax.name === name)!;
  const first = analysis.lineIndex.lineOf(fn.syntax.start) + 1;
  const last = analysis.lineIndex.lineOf(fn.syntax.end) + 1;
  return (line) => line >= first && line <= last;
}

/** The model step a memory operation of the vocabulary becomes. */
function modelStep(name: string, kind: 'atomic' | 'list' | 'once'): string {
  if (kind === 'list') return /empty|first/.test(name) ? 'read' : 'list';
  if (kind === 'once') return /WRITE|write/.test(name) ? 'write' : 'read';
  return name.startsWith('__') || name === 'sched_set_pause_flags' || name === 'sched_clear_pause_flags' ? 'write' : 'atomic';
}

describe('one vocabulary for the checker and the model', () => {
  it('every fixture function: the same migration operations, at the same lines', async () => {
    const analyzer = await createAnalyzer();
    let compared = 0;
    let withOps = 0;
    for (const file of cFiles(FIXTURES)) {
      const analysis = analyzer.analyze({ path: file, text: fs.readFileSync(file, 'utf8') });
      for (const fn of analysis.functions) {
        const name = fn.syntax.name;
        if (/^(unit_)?context_saved$/.test(name)) continue;
        const own = ownLines(analysis, name);
        const checker = new Set(migrationOpsIn(analysis, name).map((o) => `${o.line + 1}:${MODEL_OP[o.kind]}`));
        const model = extractModel(analysis, [name], { initiators: 1 }).model;
        const modelOps = new Set(
          model.threads[0]!.instrs.filter((i) => Object.values(MODEL_OP).includes(i.op) && i.src && own(i.src.line)).map(
            (i) => `${i.src!.line}:${i.op}`,
          ),
        );
        assert.deepEqual([...modelOps].sort(), [...checker].sort(), `${path.relative(FIXTURES, file)}: ${name}`);
        compared++;
        if (checker.size) withOps++;
      }
    }
    // The comparison must have had something to compare.
    assert.ok(compared > 100 && withOps > 20, `${compared} functions, ${withOps} with migration operations`);
  });

  it('every fixture function: each atomic, bit and list operation is a step of its kind at its line', async () => {
    const analyzer = await createAnalyzer();
    let ops = 0;
    for (const file of cFiles(FIXTURES)) {
      const analysis = analyzer.analyze({ path: file, text: fs.readFileSync(file, 'utf8') });
      for (const fn of analysis.functions) {
        const name = fn.syntax.name;
        const mem = memoryOpsIn(analysis, name).filter((o) => {
          // The migrating flag's bit operations are migration operations (compared above).
          const line = analysis.text.split('\n')[o.line] ?? '';
          return !/_VPF_migrating/.test(line);
        });
        if (mem.length === 0) continue;
        const model = extractModel(analysis, [name], { initiators: 1, allLocations: true }).model;
        const steps = new Set(model.threads.flatMap((t) => t.instrs).map((i) => `${i.src?.line}:${i.op}`));
        for (const o of mem) {
          assert.ok(
            steps.has(`${o.line + 1}:${modelStep(o.name, o.kind)}`),
            `${path.relative(FIXTURES, file)}: ${name}: ${o.name} at line ${o.line + 1}`,
          );
          ops++;
        }
      }
    }
    assert.ok(ops >= 15, `${ops} memory operations compared`);
  });

  it('the `|=` spelling of the flag write is an operation for both', async () => {
    const text = [
      'static void f(struct vcpu *v)',
      '{',
      '    spinlock_t *lock = vcpu_schedule_lock_irq(v);',
      '    v->pause_flags |= VPF_migrating;',
      '    vcpu_schedule_unlock_irq(lock, v);',
      '    vcpu_sleep_nosync(v);',
      '    vcpu_migrate(v);',
      '}',
    ].join('\n');
    const analysis = (await createAnalyzer()).analyze({ path: 'or_equals.c', text });
    assert.deepEqual(migrationOpsIn(analysis, 'f'), [
      { line: 3, kind: 'setMigrating' },
      { line: 5, kind: 'sleep' },
      { line: 6, kind: 'oldMigrate' },
    ]);
    assert.deepEqual(
      analysis.diagnostics.map((d) => [d.code, analysis.lineIndex.lineOf(d.start) + 1]),
      [['XSR001', 4]],
    );
    const ops = extractModel(analysis, ['f'], { initiators: 1 }).model.threads[0]!.instrs.map((i) => i.op);
    assert.deepEqual(
      ops.filter((o) => o !== 'jump' && o !== 'choice' && o !== 'nop'),
      ['lockVcpu', 'setMigrating', 'unlockVcpu', 'sleepNosync', 'migrate'],
    );
  });

  it('atomic bit operations, their non-atomic twins, atomic_t and lists: the steps the vocabulary says', async () => {
    const text = [
      'struct csched_vcpu { unsigned long flags; atomic_t credit; struct list_head runq_elem; };',
      'struct csched_private { struct list_head runq; };',
      'static void f(struct csched_vcpu *svc, struct csched_private *prv)',
      '{',
      '    set_bit(1, &svc->flags);',
      '    __clear_bit(0, &svc->flags);',
      '    atomic_inc(&svc->credit);',
      '    if ( test_and_clear_bit(1, &svc->flags) )',
      '        list_add(&svc->runq_elem, &prv->runq);',
      '    list_del(&svc->runq_elem);',
      '}',
    ].join('\n');
    const analysis = (await createAnalyzer()).analyze({ path: 'mem.c', text });
    assert.deepEqual(
      memoryOpsIn(analysis, 'f').map((o) => `${o.line + 1}:${o.name}:${o.kind}`),
      [
        '5:set_bit:atomic',
        '6:__clear_bit:atomic',
        '7:atomic_inc:atomic',
        '8:test_and_clear_bit:atomic',
        '9:list_add:list',
        '10:list_del:list',
      ],
    );
    const instrs = extractModel(analysis, ['f'], { initiators: 1, allLocations: true }).model.threads[0]!.instrs;
    assert.deepEqual(
      instrs.filter((i) => !['jump', 'nop', 'let', 'branch', 'choice'].includes(i.op)).map((i) => `${i.src!.line}:${i.op}`),
      ['5:atomic', '6:read', '6:write', '7:atomic', '8:atomic', '9:list', '10:list'],
    );
  });
});
