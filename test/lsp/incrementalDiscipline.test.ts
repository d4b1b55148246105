// The editor's edit path against a fresh analysis, on the fixtures of the
// rules that compare sites across functions (the lock discipline: XSR009,
// XSR010, XSR015, XSR016; the interrupt rules XSR011–XSR013; XSR014 on top
// of the discipline). What the edit path remembers between versions (lock
// results by callee summaries, discipline facts and object lifetimes per
// result, the type table of what a file declares, whole-text scans) must
// give exactly what a fresh analysis of each version gives: every finding
// (code, range, message, related locations), every lock hint and the
// discipline's report (`xsr guards`).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import { type AnalysedFile, guardsReport, lockHints } from '../../server/src/core/index';
import { analyzerPair, editedDocument, findingsView } from './analyzerPair';

const PROTOCOL = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'protocol');
const FIXTURES = fs
  .readdirSync(PROTOCOL)
  .filter((n) => /^xsr01[0-6]_.*\.c$|^xsr009_.*\.c$/.test(n) && !n.endsWith('.fixed.c'))
  .sort();

function view(f: AnalysedFile): unknown {
  return {
    diagnostics: findingsView(f),
    hints: lockHints(f, 'all'),
    // The discipline itself (what `xsr guards` prints: guards with their sites, requirements, lock order).
    guards: guardsReport([f]),
    parseErrors: f.parseErrors,
  };
}

/** A small deterministic generator (xorshift32): the same edits on every run. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

interface Edit {
  start: number;
  oldEnd: number;
  newText: string;
  what: string;
}

/** Lines inside function bodies (offsets of their starts), from a fresh analysis of `text`. */
function bodyLines(text: string, file: AnalysedFile): number[] {
  const out: number[] = [];
  for (const fn of file.functions) {
    for (let at = text.indexOf('\n', fn.syntax.bodyStart) + 1; at > 0 && at < fn.syntax.bodyEnd - 1; at = text.indexOf('\n', at) + 1)
      out.push(at);
  }
  return out;
}

const SNIPPETS = [
  '    spin_lock(&prv->lock);\n',
  '    spin_unlock(&prv->lock);\n',
  '    ASSERT(spin_is_locked(&prv->lock));\n',
  '    local_irq_enable();\n',
  '    rcu_read_lock(&domlist_read_lock);\n',
  '    return;\n',
  '    now = NOW();\n',
];

/**
 * One edit of the kinds an editor sends while someone types and deletes in
 * a body: a letter typed into the first word of a statement (the bench's
 * edit: a lock call, a declaration, a return), a statement line deleted, a
 * lock operation or check typed on a line of its own; and now and then a
 * line outside the bodies (a declaration or a macro: the file's type table).
 */
function nextEdit(text: string, file: AnalysedFile, pick: (n: number) => number): Edit {
  const kind = pick(10);
  if (kind === 9) {
    const at = text.indexOf('\n') + 1;
    const decl = pick(2) === 0 ? '#define XSR_TEST_FLAG(v) ((v)->pause_flags)\n' : 'static unsigned int xsr_test_count;\n';
    return { start: at, oldEnd: at, newText: decl, what: `file scope: ${decl.trim()}` };
  }
  const lines = bodyLines(text, file);
  if (lines.length === 0) return { start: 0, oldEnd: 0, newText: '\n', what: 'newline' };
  const line = lines[pick(lines.length)]!;
  const end = text.indexOf('\n', line) + 1 || text.length;
  if (kind < 5) {
    const m = /^ +([A-Za-z_])\w/.exec(text.slice(line, end));
    if (m) {
      const at = line + m[0].length - 1;
      return { start: at, oldEnd: at, newText: 'q', what: `q typed into ${JSON.stringify(text.slice(line, end).trim())}` };
    }
  }
  if (kind < 7 && /[;{}]\s*$/.test(text.slice(line, end)) && !/[{}]/.test(text.slice(line, end)))
    return { start: line, oldEnd: end, newText: '', what: `deleted ${JSON.stringify(text.slice(line, end).trim())}` };
  const snippet = SNIPPETS[pick(SNIPPETS.length)]!;
  return { start: line, oldEnd: line, newText: snippet, what: `typed ${JSON.stringify(snippet.trim())}` };
}

describe('the edit path on the lock-discipline fixtures', () => {
  const analyzers = analyzerPair();

  it('the fixtures give the findings of every rule checked here (so the comparison below exercises them)', () => {
    const codes = new Set<string>(
      FIXTURES.flatMap((n) =>
        analyzers.fresh.analyze({ path: n, text: fs.readFileSync(path.join(PROTOCOL, n), 'utf8') }).diagnostics.map((d) => d.code),
      ),
    );
    for (const code of ['XSR009', 'XSR010', 'XSR011', 'XSR012', 'XSR013', 'XSR014', 'XSR015', 'XSR016']) assert.ok(codes.has(code), code);
  });

  it("an edit inside a callee changes its callers' findings, and the edit path follows (XSR014 across calls)", () => {
    const name = 'xsr014_now_callee.c';
    const uri = `file:///discipline/callee-${name}`;
    const doc = editedDocument(analyzers, uri, fs.readFileSync(path.join(PROTOCOL, name), 'utf8'), view);
    const stale = (f: AnalysedFile): string[] => f.diagnostics.filter((d) => d.code === 'XSR014').map((d) => d.function);
    const edit = (from: string, to: string): AnalysedFile => {
      const got = doc.replace(from, to);
      assert.equal(analyzers.inc.lastStats.local, true, 'typed inside a body');
      return got;
    };
    const opened = stale(analyzers.fresh.analyze({ path: uri, text: doc.text }));
    assert.deepEqual(opened, ['item_saved', 'rq_sync', 'rq_idle_for']);
    // item_burn (two calls below item_saved) no longer compares the stamp; rq_clock (the first `return NOW();`,
    // and then the first `return 0;`) no longer returns a sample.
    assert.deepEqual(stale(edit('s_time_t delta = now - it->start_time;', 's_time_t delta = 0;')), ['rq_sync', 'rq_idle_for']);
    assert.deepEqual(stale(edit('return NOW();', 'return 0;')), ['rq_sync']);
    // And back.
    assert.deepEqual(stale(edit('s_time_t delta = 0;', 's_time_t delta = now - it->start_time;')), ['item_saved', 'rq_sync']);
    assert.deepEqual(stale(edit('return 0;', 'return NOW();')), opened);
    analyzers.inc.close(uri);
  });

  it('what the discipline remembers of an unchanged function follows the edits that change it (callees, releases)', () => {
    const name = 'xsr014_reread_unit.c';
    const uri = `file:///discipline/remembered-${name}`;
    const doc = editedDocument(analyzers, uri, fs.readFileSync(path.join(PROTOCOL, name), 'utf8'), view);
    const stale = (f: AnalysedFile): string[] => f.diagnostics.filter((d) => d.code === 'XSR014').map((d) => d.function);
    assert.deepEqual(stale(analyzers.fresh.analyze({ path: uri, text: doc.text })), ['demo_runstate_get']);
    // The release named by the unit locked, then by the field read again (the edited function's calls are asked again,
    // the others' answers are kept).
    // A function whose calls had no such release gets one (and loses it again).
    const kept =
      'lock = unit_schedule_lock_irq(unit);\n    memcpy(runstate, &v->runstate, sizeof(*runstate));\n    unit_schedule_unlock_irq(lock, unit);';
    const reread = kept.replace('(unit)', '(v->sched_unit)').replace(', unit)', ', v->sched_unit)');
    assert.deepEqual(stale(doc.replace(kept, reread)), ['demo_runstate_get', 'demo_runstate_get_kept']);
    assert.deepEqual(stale(doc.replace(reread, kept)), ['demo_runstate_get']);
    const release = 'unit_schedule_unlock_irq(lock, v->sched_unit); /* expect XSR014 */';
    assert.deepEqual(stale(doc.replace(release, release.replace('v->sched_unit', 'unit'))), []);
    assert.deepEqual(stale(doc.replace(release.replace('v->sched_unit', 'unit'), release)), ['demo_runstate_get']);
    // The function renamed: its caller's call resolves to nothing (every function's remembered callees are resolved again)…
    assert.deepEqual(stale(doc.replace('static void demo_runstate_get(', 'static void demo_runstate_got(')), []);
    // …the caller edited while its callee has another name (it resolves its calls to nothing), an edit elsewhere, and the
    // name back: the caller, not edited since, finds its callee again.
    const returned = 'return state.time[RUNSTATE_running];';
    assert.deepEqual(stale(doc.replace(returned, returned.replace(';', ' + 0;'))), []);
    assert.deepEqual(stale(doc.replace('demo_set_prio(v, prio);', 'demo_set_prio(v, prio + 1);')), []);
    assert.deepEqual(stale(doc.replace('static void demo_runstate_got(', 'static void demo_runstate_get(')), ['demo_runstate_get']);
    assert.deepEqual(stale(doc.replace('demo_set_prio(v, prio + 1);', 'demo_set_prio(v, prio);')), ['demo_runstate_get']);
    analyzers.inc.close(uri);
  });

  it('the lock order through callees follows the edits of what a callee takes and of what a function calls', () => {
    // What each function takes through its callees is kept from one version to the next while no function's own
    // locks or callees change: each edit below changes one of them, and the order must follow it.
    const text = [
      'static DEFINE_SPINLOCK(a_lock);',
      'static DEFINE_SPINLOCK(b_lock);',
      'static DEFINE_SPINLOCK(c_lock);',
      '',
      'static void inner(void)',
      '{',
      '    spin_lock(&b_lock);',
      '    spin_unlock(&b_lock);',
      '}',
      '',
      'static void other(void)',
      '{',
      '    spin_lock(&c_lock);',
      '    spin_unlock(&c_lock);',
      '}',
      '',
      'static void middle(void)',
      '{',
      '    inner();',
      '}',
      '',
      'void outer(void)',
      '{',
      '    int n = 0;',
      '    spin_lock(&a_lock);',
      '    middle();',
      '    spin_unlock(&a_lock);',
      '}',
      '',
    ].join('\n');
    const uri = 'file:///discipline/closure.c';
    const doc = editedDocument(analyzers, uri, text, view);
    const order = (f: AnalysedFile): string[] => guardsReport([f]).order.map((e) => `${e.outer} -> ${e.inner} (${e.example.function})`);
    const first = analyzers.fresh.analyze({ path: uri, text });
    assert.deepEqual(order(first), ['a_lock -> b_lock (outer)']);
    // An edit that changes no lock taken and no call: the same order.
    assert.deepEqual(order(doc.replace('int n = 0;', 'int n = 1;')), ['a_lock -> b_lock (outer)']);
    // A callee two calls down takes another lock.
    assert.deepEqual(
      order(doc.replace('    spin_lock(&b_lock);\n    spin_unlock(&b_lock);', '    spin_lock(&c_lock);\n    spin_unlock(&c_lock);')),
      ['a_lock -> c_lock (outer)'],
    );
    // It takes a lock with a trylock (no order), then takes none.
    assert.deepEqual(
      order(
        doc.replace(
          '    spin_lock(&c_lock);\n    spin_unlock(&c_lock);\n}\n\nstatic void other',
          '    spin_trylock(&c_lock);\n    spin_unlock(&c_lock);\n}\n\nstatic void other',
        ),
      ),
      [],
    );
    assert.deepEqual(order(doc.replace('    spin_trylock(&c_lock);\n    spin_unlock(&c_lock);\n', '')), []);
    // The middle function calls another callee instead, then both.
    assert.deepEqual(order(doc.replace('    inner();', '    other();')), ['a_lock -> c_lock (outer)']);
    assert.deepEqual(order(doc.replace('    other();', '    inner();\n    other();')), ['a_lock -> c_lock (outer)']);
    // The outer function calls the callee itself, with the lock.
    assert.deepEqual(order(doc.replace('    middle();', '    inner();\n    middle();')), ['a_lock -> c_lock (outer)']);
    analyzers.inc.close(uri);
  });

  it('what a call resolves to follows the edits that rename its callee or make it static', () => {
    // The functions by key and by name are read through indexes kept while every function has the same path, name
    // and static-ness (guards/functionTable.ts), and each function's callees by their place in them: a function the
    // edit leaves alone keeps its remembered callees, which must follow its callee's new name.
    const text = [
      'static DEFINE_SPINLOCK(a_lock);',
      'static DEFINE_SPINLOCK(b_lock);',
      '',
      'void inner(void)',
      '{',
      '    spin_lock(&b_lock);',
      '    spin_unlock(&b_lock);',
      '}',
      '',
      'void outer(void)',
      '{',
      '    spin_lock(&a_lock);',
      '    inner();',
      '    spin_unlock(&a_lock);',
      '}',
      '',
    ].join('\n');
    const uri = 'file:///discipline/renamed.c';
    const doc = editedDocument(analyzers, uri, text, view);
    const order = (f: AnalysedFile): string[] => guardsReport([f]).order.map((e) => `${e.outer} -> ${e.inner} (${e.example.function})`);
    assert.deepEqual(order(analyzers.fresh.analyze({ path: uri, text })), ['a_lock -> b_lock (outer)']);
    assert.deepEqual(order(doc.replace('void inner(void)', 'void innerx(void)')), []);
    assert.deepEqual(order(doc.replace('void innerx(void)', 'void inner(void)')), ['a_lock -> b_lock (outer)']);
    assert.deepEqual(order(doc.replace('void inner(void)', 'static void inner(void)')), ['a_lock -> b_lock (outer)']);
    assert.deepEqual(order(doc.replace('static void inner(void)', 'void inner(void)')), ['a_lock -> b_lock (outer)']);
    analyzers.inc.close(uri);
  });

  it("the names used as values follow an edit that takes a function's address, and one that stops; the names read alone follow a rename", () => {
    // Kept per function from one version to the next (guards/addressTaken.ts): a function whose address is taken is
    // entered from anywhere, so its callers' consensus is no requirement.
    const text = [
      'static DEFINE_SPINLOCK(a_lock);',
      '',
      'static void work_locked(void)',
      '{',
      '}',
      '',
      'void one(void)',
      '{',
      '    spin_lock(&a_lock);',
      '    work_locked();',
      '    spin_unlock(&a_lock);',
      '}',
      '',
      'void two(void)',
      '{',
      '    spin_lock(&a_lock);',
      '    work_locked();',
      '    spin_unlock(&a_lock);',
      '}',
      '',
      'void three(void)',
      '{',
      '    int n = 0;',
      '}',
      '',
    ].join('\n');
    const uri = 'file:///discipline/address.c';
    const doc = editedDocument(analyzers, uri, text, view);
    const requires = (f: AnalysedFile): string[] => guardsReport([f]).requires.map((r) => `${r.function}: ${r.lock} (${r.evidence})`);
    const byCallers = ['work_locked: a_lock (its name ends in _locked and all 2 of its callers hold it)'];
    assert.deepEqual(requires(analyzers.fresh.analyze({ path: uri, text })), byCallers);
    assert.deepEqual(requires(doc.replace('int n = 0;', 'void (*fp)(void) = work_locked;')), ['work_locked: * (its name ends in _locked)']);
    assert.deepEqual(requires(doc.replace('void (*fp)(void) = work_locked;', 'int n = 0;')), byCallers);
    // What is read of the names alone (which end in `_locked`) is kept while the functions' names are: renamed, the
    // function requires nothing (its callers' consensus needs a reason), and renamed back, it does again.
    assert.deepEqual(requires(doc.replace('static void work_locked(void)', 'static void work_lockless(void)')), []);
    assert.deepEqual(requires(doc.replace('static void work_lockless(void)', 'static void work_locked(void)')), byCallers);
    analyzers.inc.close(uri);
  });

  it("each lock's interrupt discipline follows the edits of a function's acquisitions and of the aliases", () => {
    // What each function adds to a lock's counts is kept per function from one version to the next: the edited
    // function's part changes, and another function's edit that installs a lock as the pCPU's scheduler lock (the
    // aliases) renames the lock in a part whose function is not collected again.
    const text = [
      'struct sched_resource {',
      '    spinlock_t *schedule_lock;',
      '};',
      'struct demo_private {',
      '    spinlock_t lock;',
      '};',
      '',
      'void one(struct demo_private *prv)',
      '{',
      '    spin_lock_irq(&prv->lock);',
      '    spin_unlock_irq(&prv->lock);',
      '}',
      '',
      'void two(struct demo_private *prv)',
      '{',
      '    int n = 0;',
      '    spin_lock(&prv->lock);',
      '    spin_unlock(&prv->lock);',
      '}',
      '',
      'void install(struct sched_resource *sr, struct demo_private *prv)',
      '{',
      '    int n = 0;',
      '}',
      '',
    ].join('\n');
    const uri = 'file:///discipline/irq.c';
    const locks = (f: AnalysedFile): string[] =>
      guardsReport([f]).locks.map(
        (l) => `${l.lock}: ${l.irq.disabled}/${l.irq.enabled}/${l.irq.unknown} ${l.sites?.enabled?.function ?? '-'}`,
      );
    // The edits one after another through the edit path, each compared with a fresh analysis only at the end: a fresh
    // analysis of a version in between would be the run the next one keeps from (a run keeps what the last run over
    // the same functions found).
    let current = text;
    let version = 1;
    analyzers.inc.analyze(uri, version, current);
    const edit = (from: string, to: string): AnalysedFile => {
      const at = current.indexOf(from);
      assert.ok(at >= 0, from);
      analyzers.inc.edit(uri, [{ start: at, oldEnd: at + from.length, newText: to }]);
      current = current.slice(0, at) + to + current.slice(at + from.length);
      return analyzers.inc.analyze(uri, ++version, current)!;
    };
    const steps: [string, string][] = [
      ['    int n = 0;\n    spin_lock(', '    local_irq_enable();\n    spin_lock('],
      ['int n = 0;', 'sr->schedule_lock = &prv->lock;'],
      ['sr->schedule_lock = &prv->lock;', 'int n = 0;'],
      ['    local_irq_enable();\n    spin_lock(', '    int n = 0;\n    spin_lock('],
    ];
    const want = [
      ['demo_private.lock: 1/1/0 two'],
      ['sched(cpu): 1/1/0 two'],
      ['demo_private.lock: 1/1/0 two'],
      ['demo_private.lock: 1/0/1 -'],
    ];
    const got = steps.map(([from, to]) => {
      const f = edit(from, to);
      return { locks: locks(f), view: view(f), text: current };
    });
    assert.deepEqual(
      got.map((g) => g.locks),
      want,
    );
    for (const g of got) assert.deepEqual(g.view, view(analyzers.fresh.analyze({ path: uri, text: g.text })));
    analyzers.inc.close(uri);
  });

  it("a function's remembered lock nestings follow the aliases and its context, which edits elsewhere change", () => {
    // What a function nests (the lock held, the lock taken) is kept per facts as collected: another function's edit
    // that installs a lock as the pCPU's scheduler lock (the aliases) or stops holding a lock where it calls a hook
    // (the hook's learned context) changes it, though the function itself is not collected again.
    const order = (f: AnalysedFile): string[] => guardsReport([f]).order.map((e) => `${e.outer} -> ${e.inner} (${e.example.function})`);
    const aliased = [
      'struct sched_resource {',
      '    spinlock_t *schedule_lock;',
      '};',
      'struct demo_private {',
      '    spinlock_t lock;',
      '};',
      'static DEFINE_SPINLOCK(b_lock);',
      '',
      'void outer(struct demo_private *prv)',
      '{',
      '    spin_lock(&prv->lock);',
      '    spin_lock(&b_lock);',
      '    spin_unlock(&b_lock);',
      '    spin_unlock(&prv->lock);',
      '}',
      '',
      'void install(struct sched_resource *sr, struct demo_private *prv)',
      '{',
      '    int n = 0;',
      '}',
      '',
    ].join('\n');
    const a = editedDocument(analyzers, 'file:///discipline/nestings-aliased.c', aliased, view);
    assert.deepEqual(order(analyzers.fresh.analyze({ path: 'file:///discipline/nestings-aliased.c', text: aliased })), [
      'demo_private.lock -> b_lock (outer)',
    ]);
    assert.deepEqual(order(a.replace('int n = 0;', 'sr->schedule_lock = &prv->lock;')), ['sched(cpu) -> b_lock (outer)']);
    assert.deepEqual(order(a.replace('sr->schedule_lock = &prv->lock;', 'int n = 0;')), ['demo_private.lock -> b_lock (outer)']);
    analyzers.inc.close('file:///discipline/nestings-aliased.c');
    const hooked = [
      'struct demo_ops {',
      '    void (*sleep)(void);',
      '};',
      'static DEFINE_SPINLOCK(a_lock);',
      'static DEFINE_SPINLOCK(b_lock);',
      '',
      'static void demo_sleep(void)',
      '{',
      '    spin_lock(&b_lock);',
      '    spin_unlock(&b_lock);',
      '}',
      '',
      'static const struct demo_ops demo_ops = {',
      '    .sleep = demo_sleep,',
      '};',
      '',
      'void caller(const struct demo_ops *o)',
      '{',
      '    spin_lock(&a_lock);',
      '    o->sleep();',
      '    spin_unlock(&a_lock);',
      '}',
      '',
    ].join('\n');
    const h = editedDocument(analyzers, 'file:///discipline/nestings-hooked.c', hooked, view);
    assert.deepEqual(order(analyzers.fresh.analyze({ path: 'file:///discipline/nestings-hooked.c', text: hooked })), [
      'a_lock -> b_lock (demo_sleep)',
    ]);
    const held = '    o->sleep();\n    spin_unlock(&a_lock);';
    const released = '    spin_unlock(&a_lock);\n    o->sleep();';
    assert.deepEqual(order(h.replace(held, released)), []);
    assert.deepEqual(order(h.replace(released, held)), ['a_lock -> b_lock (demo_sleep)']);
    analyzers.inc.close('file:///discipline/nestings-hooked.c');
  });

  it('functions moved again and again by edits above them keep their sites where they are (findings, hints, guards)', () => {
    // Edits in the first function move every function below it: their facts, collected once, are moved copies,
    // moved again in place by each later edit (forward, back to where they were collected, across lines).
    const name = 'xsr009_unguarded.c';
    const uri = `file:///discipline/moved-${name}`;
    const doc = editedDocument(analyzers, uri, fs.readFileSync(path.join(PROTOCOL, name), 'utf8'), view);
    const first = 'static void demo_add_credit(const struct scheduler *ops, unsigned int n)\n{\n';
    const unguarded = (f: AnalysedFile): number => f.diagnostics.filter((d) => d.code === 'XSR009').length;
    const opened = unguarded(doc.replace(first, first));
    assert.ok(opened >= 2, `${opened} XSR009 findings below the edited function`);
    // (Each replace compares the edit path's view with a fresh analysis.)
    doc.replace(first, `${first}    int q;\n`);
    doc.replace('    int q;\n', '    int qq;\n');
    doc.replace('    int qq;\n', '    int q; int r;\n\n');
    doc.replace('    int q; int r;\n\n', '');
    doc.replace(first, `${first}    int q;\n`);
    assert.equal(unguarded(doc.replace('    int q;\n', '')), opened);
    analyzers.inc.close(uri);
  });

  for (const name of FIXTURES) {
    it(`${name}: after every edit of a sequence, the findings and hints equal a fresh analysis`, () => {
      const uri = `file:///discipline/${name}`;
      let text = fs.readFileSync(path.join(PROTOCOL, name), 'utf8');
      let version = 1;
      let current = analyzers.inc.analyze(uri, version, text)!;
      assert.deepEqual(view(current), view(analyzers.fresh.analyze({ path: uri, text })), 'as opened');
      const pick = rng(0x5eed + name.length * 7919 + name.charCodeAt(7));
      let changed = 0;
      let local = 0;
      let resplit = 0;
      for (let k = 0; k < 24; k++) {
        const e = nextEdit(text, analyzers.fresh.analyze({ path: uri, text }), pick);
        text = text.slice(0, e.start) + e.newText + text.slice(e.oldEnd);
        analyzers.inc.edit(uri, [{ start: e.start, oldEnd: e.oldEnd, newText: e.newText }]);
        let got = analyzers.inc.analyze(uri, ++version, text);
        assert.ok(got, 'parse finished');
        const want = analyzers.fresh.analyze({ path: uri, text });
        if (analyzers.inc.lastStats.local) {
          local++;
          // Typing into a body reparses that function alone. Where the parser's error recovery in the whole
          // file splits the text into other functions (a letter typed into `return` of a function with an
          // error), the whole-file reparse the editor runs when idle (settle) says so and gives the full
          // analysis; anywhere else the local result itself must be the fresh one.
          if (!isDeepStrictEqual(view(got), view(want))) {
            const settled = analyzers.inc.settle(uri, version, text);
            assert.equal(settled?.consistent, false, `edit ${k + 1} (${e.what}): differs though the whole-file reparse agrees`);
            got = settled.file;
            resplit++;
          }
        }
        assert.ok(got);
        assert.deepEqual(view(got), view(want), `edit ${k + 1}: ${e.what}`);
        if (!isDeepStrictEqual(view(want), view(current))) changed++;
        current = got;
      }
      // The sequence must change findings or hints (else it compares nothing), mostly through the local reparse.
      assert.ok(changed >= 3, `${changed} edits changed the findings or hints`);
      assert.ok(local - resplit >= 8, `${local} local reparses, ${resplit} of them split otherwise by the whole file`);
      analyzers.inc.close(uri);
    });
  }
});
