// What guards/collect.ts and the folder rules keep of a function that an
// edit elsewhere only moves, against a fresh analysis of every version: each
// edit below changes what a kept answer was read from (the text before the
// function's body, ...) while the function's own lock result is reused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { type AnalysedFile, guardsReport, lockHints } from '../../server/src/core/index';
import { analyzerPair, editedDocument, findingsView } from './analyzerPair';

const PROTOCOL = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'protocol');

function view(f: AnalysedFile): unknown {
  return { diagnostics: findingsView(f), hints: lockHints(f, 'all'), guards: guardsReport([f]), parseErrors: f.parseErrors };
}

const stale = (f: AnalysedFile): string[] => f.diagnostics.filter((d) => d.code === 'XSR014').map((d) => d.function);

describe('what the edit path keeps of a moved function', () => {
  const analyzers = analyzerPair();

  it('the boot mark follows the text before the function, which tree-sitter may leave out of its definition', () => {
    const name = 'xsr014_stale.c';
    const uri = `file:///remembered/boot-${name}`;
    const doc = editedDocument(analyzers, uri, fs.readFileSync(path.join(PROTOCOL, name), 'utf8'), view);
    const opened = stale(doc.replace('p->epoch++;\n    p->last_refill', 'p->epoch += 1;\n    p->last_refill'));
    assert.ok(opened.includes('pool_take'));
    const comment = '/* (a) The budget read under the lock decides after the release. */\nstatic int pool_take(';
    // A line comment naming `__init` in place of the block comment: the text before the function now reaches back
    // to the last `}`, and reads `__init` (pool_take is boot code, not reported).
    const line = '// (a) __init budget\nstatic int pool_take(';
    assert.ok(!stale(doc.replace(comment, line)).includes('pool_take'));
    // Moved by an edit above it, unchanged before it: still boot code; and the block comment back.
    assert.ok(!stale(doc.replace('p->epoch += 1;\n    p->last_refill', 'p->epoch++;\n    p->last_refill')).includes('pool_take'));
    assert.deepEqual(stale(doc.replace(line, comment)), opened);
    // `__init` typed between the comment and the function, then a letter more (no mark), then taken out.
    assert.ok(!stale(doc.replace('*/\nstatic int pool_take(', '*/\n__init\nstatic int pool_take(')).includes('pool_take'));
    assert.ok(stale(doc.replace('__init\nstatic int pool_take(', '__initx\nstatic int pool_take(')).includes('pool_take'));
    assert.deepEqual(stale(doc.replace('*/\n__initx\nstatic int pool_take(', '*/\nstatic int pool_take(')), opened);
    analyzers.inc.close(uri);
  });

  it('the scheduler releases a function names by a field read again follow the function, moved or edited (XSR014)', () => {
    const name = 'xsr014_reread_unit.c';
    const uri = `file:///remembered/reread-${name}`;
    const doc = editedDocument(analyzers, uri, fs.readFileSync(path.join(PROTOCOL, name), 'utf8'), view);
    // Moved down by edits above it (characters, then lines), the function keeps its finding, at its new place.
    assert.deepEqual(stale(doc.replace('v->sched_unit = NULL;', 'v->sched_unit = 0;')), ['demo_runstate_get']);
    assert.deepEqual(stale(doc.replace('v->sched_unit = 0;', 'v->sched_unit = 0;\n    v->sched_unit = 0;')), ['demo_runstate_get']);
    // Its release named by the unit locked: nothing; back; the kept function names its release by the field.
    const release = 'unit_schedule_unlock_irq(lock, v->sched_unit); /* expect XSR014 */';
    const plain = release.replace('v->sched_unit', 'unit');
    assert.deepEqual(stale(doc.replace(release, plain)), []);
    assert.deepEqual(stale(doc.replace('v->sched_unit = 0;\n    v->sched_unit = 0;', 'v->sched_unit = NULL;')), []);
    assert.deepEqual(stale(doc.replace(plain, release)), ['demo_runstate_get']);
    const kept =
      'lock = unit_schedule_lock_irq(unit);\n    memcpy(runstate, &v->runstate, sizeof(*runstate));\n    unit_schedule_unlock_irq(lock, unit);';
    const reread = kept.replace('(unit)', '(v->sched_unit)').replace(', unit)', ', v->sched_unit)');
    assert.deepEqual(stale(doc.replace(kept, reread)), ['demo_runstate_get', 'demo_runstate_get_kept']);
    // The root assigned between the lock and the release: not the object locked, nothing to say.
    assert.deepEqual(
      stale(
        doc.replace(
          '    memcpy(runstate, &v->runstate, sizeof(*runstate));\n    unit_schedule_unlock_irq(lock, v->sched_unit);\n}\n\n/* Negative: the running',
          '    v = idle_vcpu[0];\n    unit_schedule_unlock_irq(lock, v->sched_unit);\n}\n\n/* Negative: the running',
        ),
      ),
      ['demo_runstate_get'],
    );
    assert.deepEqual(stale(doc.replace('v->sched_unit = NULL;', 'v->sched_unit = 0;')), ['demo_runstate_get']);
    analyzers.inc.close(uri);
  });

  it("what a callee writes, two calls down, follows an edit of the deeper callee (XSR014's committed values)", () => {
    const name = 'xsr014_stale.c';
    const uri = `file:///remembered/writes-${name}`;
    const added = [
      'static void pool_note_inner(struct demo_pool *p, unsigned int v)',
      '{',
      '    p->epoch = v;',
      '}',
      '',
      'static void pool_note(struct demo_pool *p, unsigned int v)',
      '{',
      '    pool_note_inner(p, v);',
      '}',
      '',
      'static int pool_take_noted(struct demo_pool *p, unsigned int n)',
      '{',
      '    unsigned int left;',
      '',
      '    spin_lock(&p->lock);',
      '    left = p->budget;',
      '    pool_note(p, left);',
      '    spin_unlock(&p->lock);',
      '',
      '    if ( left < n )',
      '        return -EBUSY;',
      '    return 0;',
      '}',
      '',
    ].join('\n');
    const doc = editedDocument(analyzers, uri, `${fs.readFileSync(path.join(PROTOCOL, name), 'utf8')}\n${added}`, view);
    const noted = (f: AnalysedFile): boolean => stale(f).includes('pool_take_noted');
    // Handed to a callee whose callee writes what the lock guards: the section's decision, not a snapshot.
    assert.equal(noted(doc.replace('p->epoch++;\n    p->last_refill', 'p->epoch += 1;\n    p->last_refill')), false);
    // The deeper callee writes nothing any more (the callee between them is not edited): a stale use.
    assert.equal(noted(doc.replace('    p->epoch = v;\n', '    (void)v;\n')), true);
    assert.equal(noted(doc.replace('    (void)v;\n', '    p->epoch = v;\n')), false);
    analyzers.inc.close(uri);
  });

  it("XSR011's lock identities follow the functions, moved or edited, and the file's static locks", () => {
    const name = 'xsr011_irq_inconsistent.c';
    const uri = `file:///remembered/irq-${name}`;
    const doc = editedDocument(analyzers, uri, fs.readFileSync(path.join(PROTOCOL, name), 'utf8'), view);
    const mixed = (f: AnalysedFile): string[] =>
      f.diagnostics.filter((d) => d.code === 'XSR011').map((d) => `${d.function} ${/takes (\S+)/.exec(d.message)?.[1]}`);
    const devs = 'devs_setup_irq devs_lock';
    // Moved by an edit above it: the finding at its new place.
    assert.deepEqual(mixed(doc.replace('p->ticks++;', 'p->ticks += 1;')), ['do_pool_op pool_lock', devs]);
    // The hypercall takes another lock (as many sites as before): the pool lock is consistent, the stats lock mixed.
    const plain = 'spin_lock(&pool_lock); /* expect XSR011 */\n    p->cmd = cmd;\n    spin_unlock(&pool_lock);';
    const stats = plain.replaceAll('pool_lock', 'stats_lock');
    assert.deepEqual(mixed(doc.replace(plain, stats)), ['do_pool_op stats_lock', devs]);
    // The stats lock declared static inside the hypercall (its own lock), with a line more above it; then back.
    assert.deepEqual(mixed(doc.replace(stats, `static DEFINE_SPINLOCK(stats_lock);\n    ${stats}`)), [devs]);
    assert.deepEqual(mixed(doc.replace('p->ticks += 1;', 'p->ticks += 1;\n    p->ticks += 1;')), [devs]);
    assert.deepEqual(mixed(doc.replace(`static DEFINE_SPINLOCK(stats_lock);\n    ${stats}`, plain)), ['do_pool_op pool_lock', devs]);
    analyzers.inc.close(uri);
  });

  it('the boot mark of a function that nothing precedes follows what is typed before it', () => {
    const text = fs.readFileSync(path.join(PROTOCOL, 'xsr014_stale.c'), 'utf8');
    const from = text.indexOf('static int pool_take(');
    const body = text.slice(from, text.indexOf('\n}\n', from) + 3);
    const uri = 'file:///remembered/boot-first.c';
    const doc = editedDocument(analyzers, uri, `${body}\n${text.slice(0, from)}`, view);
    assert.deepEqual(stale(doc.replace('p->epoch++;', 'p->epoch += 1;')), ['pool_take']);
    assert.deepEqual(stale(doc.replace('static int pool_take(', '// __init\nstatic int pool_take(')), []);
    assert.deepEqual(stale(doc.replace('// __init\nstatic int pool_take(', 'static int pool_take(')), ['pool_take']);
    analyzers.inc.close(uri);
  });
});
