// The entry-point vocabulary (core/xen/entryPoints.ts): registrations found in
// Xen-style text, scheduler hooks from the built-in table or learned call
// sites, hypercall handlers by name.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { LineIndex } from '../../server/src/core/syntax/lineIndex';
import {
  entryFacts,
  entryIrqOf,
  hypercallFacts,
  hypercallOf,
  registrationsIn,
  schedulerHookOf,
} from '../../server/src/core/xen/entryPoints';

const SOURCE = `
static void cf_check tick(void *data) { }
static void cf_check acct(void *data) { }
static long cf_check helper(void *data) { return 0; }
static void cf_check dump(unsigned char key) { }
static int cf_check take_down(void *data) { return 0; }
static void unit_sleep(const struct scheduler *ops, struct sched_unit *unit) { }
static void unit_insert(const struct scheduler *ops, struct sched_unit *unit) { }

static int prv_init(struct scheduler *ops)
{
    init_timer(&prv->master_ticker, acct, prv, cpu);
    init_timer( &spc->ticker, (void *)tick, (void *)(unsigned long)cpu, cpu );
    return continue_hypercall_on_cpu(cpu, helper, c);
}

static int __init setup(void)
{
    register_keyhandler('q', dump, "dump", 1);
    return stop_machine_run(&take_down, NULL, 0);
}

static const struct sched_ops sched_demo_def = {
    .name           = "demo",
    .sleep          = unit_sleep,
    .insert_unit    = unit_insert,
    .unknown_hook   = acct,
};
`;

const defined = new Set(['tick', 'acct', 'helper', 'dump', 'take_down', 'unit_sleep', 'unit_insert', 'prv_init', 'setup']);

test('registrations: registrar calls (plain, cast, address-of) and ops-table fields, with offsets', () => {
  const regs = registrationsIn({ path: 'demo.c', text: SOURCE });
  const got = regs.map((r) => `${r.function}<-${r.via}`).sort();
  assert.deepEqual(got, [
    'acct<-init_timer',
    'acct<-sched_ops.unknown_hook',
    'dump<-register_keyhandler',
    'helper<-continue_hypercall_on_cpu',
    'take_down<-stop_machine_run',
    'tick<-init_timer',
    'unit_insert<-sched_ops.insert_unit',
    'unit_sleep<-sched_ops.sleep',
  ]);
  const sleep = regs.find((r) => r.function === 'unit_sleep')!;
  assert.equal(SOURCE.slice(sleep.offset).startsWith('.sleep'), true);
});

test('entry facts: the built-in hook table without learned call sites, registrars with their context', () => {
  const facts = entryFacts(registrationsIn({ path: 'demo.c', text: SOURCE }), (f) => defined.has(f));
  const sleep = facts.get('unit_sleep')!;
  assert.equal(sleep.length, 1);
  assert.deepEqual(
    { kind: sleep[0]!.kind, held: sleep[0]!.held, irqs: sleep[0]!.irqs, source: sleep[0]!.source },
    {
      kind: 'scheduler-hook',
      held: ['sched(cpu)'],
      irqs: 'off',
      source: 'table',
    },
  );
  assert.deepEqual(facts.get('unit_insert')![0]!.held, []);
  assert.equal(facts.get('take_down')![0]!.irqs, 'off');
  assert.equal(facts.get('tick')![0]!.kind, 'timer');
  // acct is a timer and an unknown hook: both facts, the hook's context unknown.
  assert.deepEqual(
    facts
      .get('acct')!
      .map((f) => `${f.kind}/${f.source}`)
      .sort(),
    ['scheduler-hook/unknown', 'timer/table'],
  );
});

test('entry facts: learned call sites win over the table', () => {
  const facts = entryFacts(
    registrationsIn({ path: 'demo.c', text: SOURCE }),
    (f) => defined.has(f),
    (via) => (via === 'sched_ops.insert_unit' ? { held: ['cpupool_lock'], sites: 2 } : undefined),
  );
  const insert = facts.get('unit_insert')![0]!;
  assert.deepEqual(insert.held, ['cpupool_lock']);
  assert.equal(insert.source, 'learned');
  assert.match(insert.evidence, /2 call sites of ->insert_unit\(\)/);
});

test('registrations of functions the analysed set does not define are dropped', () => {
  const facts = entryFacts(registrationsIn({ path: 'demo.c', text: SOURCE }), (f) => f === 'tick');
  assert.deepEqual([...facts.keys()], ['tick']);
});

test('hypercall handlers by name, scheduler hook fields by table type', () => {
  assert.equal(hypercallOf('do_sched_op'), 'sched_op');
  assert.equal(hypercallOf('compat_sched_op'), 'sched_op');
  assert.equal(hypercallOf('do_domctl'), 'domctl');
  assert.equal(hypercallOf('do_frobnicate_op'), 'frobnicate_op');
  assert.equal(hypercallOf('do_schedule'), undefined);
  assert.equal(hypercallOf('compat_frobnicate_op'), undefined);
  assert.deepEqual(
    hypercallFacts(['do_sysctl', 'csched_tick']).map((f) => `${f.function}:${f.kind}:${f.irqs}`),
    ['do_sysctl:hypercall:on'],
  );
  assert.equal(schedulerHookOf('sched_ops.wake'), 'wake');
  assert.equal(schedulerHookOf('scheduler.pick_cpu'), 'pick_cpu');
  assert.equal(schedulerHookOf('notifier_block.notifier_call'), undefined);
});

test('interrupts on entry: timers on, stop_machine_run and irqsave-lock hooks off, unlocked hooks and disagreeing facts unknown', () => {
  const facts = entryFacts(registrationsIn({ path: 'demo.c', text: SOURCE }), (f) => defined.has(f));
  const irq = (fn: string): string => {
    const e = entryIrqOf(facts.get(fn) ?? []);
    return e ? `${e.on ? 'on' : 'off'}: ${e.why}` : 'unknown';
  };
  assert.equal(
    irq('tick'),
    'on: a timer callback (init_timer): execute_timer() drops the timer lock with spin_unlock_irq() before calling (timer.c:454-456)',
  );
  assert.equal(
    irq('take_down'),
    'off: a stop_machine_run() callback: every CPU disables interrupts before the function runs (stop_machine.c:117)',
  );
  assert.equal(irq('unit_sleep'), 'off: the sleep scheduler hook: vcpu_sleep_nosync_locked() under the unit lock (core.c:932-941)');
  // insert_unit runs with no scheduler lock: the table's IRQs-on guess is not used for the entry state.
  assert.equal(irq('unit_insert'), 'unknown');
  // A timer stored in an unknown hook field too: the timer's context (the unknown hook says nothing).
  assert.match(irq('acct'), /^on: a timer callback/);
  assert.equal(irq('helper'), 'on: a continue_hypercall_on_cpu() callback: a per-vCPU tasklet on the target CPU (domain.c:2444-2470)');
  const both = [...(facts.get('tick') ?? []), ...(facts.get('take_down') ?? [])].map((f) => ({ ...f, function: 'x' }));
  assert.equal(entryIrqOf(both), undefined);
});

// A keystroke that changes one word's letters: the registrations of the edited text are the last text's, moved
// (LineIndex.edited notes the edit), or read again when the word is, or is near, something a registration reads.
test('registrations of a text edited by a keystroke equal those read from the whole text', () => {
  const piece = fc.constantFrom(
    'init_timer(&t, tick, NULL, 0);\n',
    'init_timer (&t,\n  tock, NULL, 0);\n',
    'open_softirq(SOFTIRQ, handler);\n',
    'call_rcu(&h->rcu, free_it);\n',
    'static struct scheduler sched_demo = {\n    .name = "demo",\n    .wake = demo_wake,\n};\n',
    'static const struct ops tbl[] = { { .f = fn_a }, { .f = fn_b } };\n',
    'x = { 1 };\n',
    'void f(void)\n{\n    foo(a);\n    bar = baz;\n}\n',
    'struc demo_ops ops = { .f = fn_c };\n',
    'init_time (&t, tock, NULL, 0);\n',
    'init_time',
    'init_timer',
    'struc',
    'struct',
    ' ',
    '(',
    ')',
    '{',
    '}',
    '=',
    '/* c */',
    'word',
  );
  const text = fc.array(piece, { maxLength: 14 }).map((p) => p.join(''));
  const letters = fc.constantFrom('', 'q', 'r', 'e', 't', 'x_', 'er');
  let round = 0;
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(3), letters, (before, a, b, inserted) => {
      const path = `edit${round++}.c`;
      const start = a % (before.length + 1);
      const oldEnd = Math.min(before.length, start + b);
      const after = before.slice(0, start) + inserted + before.slice(oldEnd);
      registrationsIn({ path, text: before });
      LineIndex.edited(new LineIndex(before), after, start, oldEnd, inserted.length);
      const edited = registrationsIn({ path, text: after });
      // Another path: read from the whole text.
      const whole = registrationsIn({ path: `whole-${path}`, text: after }).map((r) => ({ ...r, path }));
      assert.deepEqual(edited, whole, JSON.stringify({ before, after }));
    }),
    { numRuns: 3000 },
  );
});

test('registrations after a keystroke that makes or changes one, and after one that moves them', () => {
  const cases: { before: string; at: number; inserted: string; expect: [string, string, number][] }[] = [
    // A struct initialiser from `struc` typed into `struct`.
    { before: 'struc demo_ops ops = { .f = fn_c };\n', at: 5, inserted: 't', expect: [['fn_c', 'demo_ops.f', 24]] },
    // A registrar call from its name typed.
    { before: 'void g(void)\n{\n    init_time (&t, tock, NULL, 0);\n}\n', at: 28, inserted: 'r', expect: [['tock', 'init_timer', 19]] },
    // The callback renamed.
    { before: 'void g(void)\n{\n    init_timer(&t, tock, NULL, 0);\n}\n', at: 35, inserted: 'q', expect: [['tqock', 'init_timer', 19]] },
    // A word above both: moved.
    {
      before: 'void g(void)\n{\n    foo(a);\n    init_timer(&t, tock, NULL, 0);\n}\nstatic struct ops o = { .f = fn_d };\n',
      at: 20,
      inserted: 'qq',
      expect: [
        ['tock', 'init_timer', 33],
        ['fn_d', 'ops.f', 90],
      ],
    },
  ];
  for (const [i, c] of cases.entries()) {
    const path = `case${i}.c`;
    const after = c.before.slice(0, c.at) + c.inserted + c.before.slice(c.at);
    registrationsIn({ path, text: c.before });
    LineIndex.edited(new LineIndex(c.before), after, c.at, c.at, c.inserted.length);
    const got = registrationsIn({ path, text: after });
    assert.deepEqual(
      got.map((r) => [r.function, r.via, r.offset]),
      c.expect,
      after,
    );
    assert.deepEqual(
      got,
      registrationsIn({ path: `whole-${path}`, text: after }).map((r) => ({ ...r, path })),
    );
  }
});
