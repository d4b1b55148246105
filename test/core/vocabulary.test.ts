// One vocabulary: for every function of every fixture, the migration
// operations the checker sees (the rules' view) are exactly the ones the model
// extraction turns into thread instructions, line by line. A spelling one side
// knows and the other does not (`pause_flags |= VPF_migrating`) fails here.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import { createAnalyzer, extractModel, migrationOpsIn } from '../../server/src/core/index';
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
        const checker = new Set(migrationOpsIn(analysis, name).map((o) => `${o.line + 1}:${MODEL_OP[o.kind]}`));
        const model = extractModel(analysis, [name], { initiators: 1 }).model;
        const modelOps = new Set(
          model.threads[0]!.instrs.filter((i) => Object.values(MODEL_OP).includes(i.op) && i.src).map((i) => `${i.src!.line}:${i.op}`),
        );
        assert.deepEqual([...modelOps].sort(), [...checker].sort(), `${path.relative(FIXTURES, file)}: ${name}`);
        compared++;
        if (checker.size) withOps++;
      }
    }
    // The comparison must have had something to compare.
    assert.ok(compared > 100 && withOps > 20, `${compared} functions, ${withOps} with migration operations`);
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
});
