// Which analysed function a call names across files, for the lock order and
// for XSR014: a static function of the caller's own file, else the one
// global function of the name, else a header's static inline; a static
// function of another file is not the callee. Most names are defined once,
// and those are answered from the name alone (guards/discipline.ts
// CallResolver, guards/atomicity.ts Callees): these cases pin that answer
// for each kind of definition, and for a name defined twice. And what a
// function takes through its callees reaches a caller defined before them,
// several calls up (the order's closure looks again only at the callees
// whose locks grew). Written for this project in Xen's style.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Analyzer } from '../../server/src/core/analyzer';
import { disciplineOf } from '../../server/src/core/guards/discipline';

const lib = [
  'DEFINE_SPINLOCK(global_lock);',
  'DEFINE_SPINLOCK(lib_twice_lock);',
  'DEFINE_SPINLOCK(static_lock);',
  'static void take_static(void)',
  '{',
  '    spin_lock(&static_lock);',
  '    spin_unlock(&static_lock);',
  '}',
  'void take_global(void)',
  '{',
  '    spin_lock(&global_lock);',
  '    spin_unlock(&global_lock);',
  '}',
  'static void take_twice(void)',
  '{',
  '    spin_lock(&lib_twice_lock);',
  '    spin_unlock(&lib_twice_lock);',
  '}',
  '',
].join('\n');

const header = [
  'static inline void take_header(void)',
  '{',
  '    spin_lock(&header_lock);',
  '    spin_unlock(&header_lock);',
  '}',
  '',
].join('\n');

const main = [
  'DEFINE_SPINLOCK(outer_lock);',
  'DEFINE_SPINLOCK(main_twice_lock);',
  'static void take_twice(void)',
  '{',
  '    spin_lock(&main_twice_lock);',
  '    spin_unlock(&main_twice_lock);',
  '}',
  'void caller(void)',
  '{',
  '    spin_lock(&outer_lock);',
  '    take_static();',
  '    take_global();',
  '    take_header();',
  '    take_twice();',
  '    spin_unlock(&outer_lock);',
  '}',
  '',
].join('\n');

async function orderOf(files: { path: string; text: string }[]): Promise<string[][]> {
  const analysed = (await Analyzer.create()).analyzeMany(files);
  const d = disciplineOf(analysed[0]!)!;
  return d.order.map((e) => [e.outer, e.inner, ...e.sites.map((s) => `${s.fn.name}:${s.via ?? ''}`)]);
}

test('lock order through calls: the global, the header inline and the own file’s static are callees; another file’s static is not', async () => {
  const order = await orderOf([
    { path: 'lib.c', text: lib },
    { path: 'lib.h', text: header },
    { path: 'main.c', text: main },
  ]);
  assert.deepEqual(order, [
    ['outer_lock', 'global_lock', 'caller:take_global'],
    ['outer_lock', 'header_lock', 'caller:take_header'],
    ['outer_lock', 'main_twice_lock', 'caller:take_twice'],
  ]);
});

test('what a callee takes reaches a caller defined before it, four calls up, in the order first taken', async () => {
  const text = [
    'DEFINE_SPINLOCK(top_lock);',
    'DEFINE_SPINLOCK(mid_lock);',
    'DEFINE_SPINLOCK(leaf_lock);',
    'void chain_top(void)',
    '{',
    '    spin_lock(&top_lock);',
    '    chain_1();',
    '    spin_unlock(&top_lock);',
    '}',
    'void chain_1(void)',
    '{',
    '    chain_2();',
    '}',
    'void chain_2(void)',
    '{',
    '    spin_lock(&mid_lock);',
    '    spin_unlock(&mid_lock);',
    '    chain_3();',
    '}',
    'void chain_3(void)',
    '{',
    '    chain_leaf();',
    '}',
    'void chain_leaf(void)',
    '{',
    '    spin_lock(&leaf_lock);',
    '    spin_unlock(&leaf_lock);',
    '}',
    '',
  ].join('\n');
  assert.deepEqual(await orderOf([{ path: 'chain.c', text }]), [
    ['top_lock', 'mid_lock', 'chain_top:chain_1'],
    ['top_lock', 'leaf_lock', 'chain_top:chain_1'],
  ]);
});

/** A time stamp from a clock function, taken before the lock and compared under it (XSR014 (c)). */
const rq = [
  'struct demo_rq {',
  '    spinlock_t lock;',
  '    s_time_t load_stamp;',
  '    unsigned int load;',
  '};',
  'void rq_reset(struct demo_rq *rq)',
  '{',
  '    spin_lock(&rq->lock);',
  '    rq->load_stamp = NOW();',
  '    rq->load = 0;',
  '    spin_unlock(&rq->lock);',
  '}',
  'void rq_add(struct demo_rq *rq, unsigned int n)',
  '{',
  '    spin_lock(&rq->lock);',
  '    rq->load += n;',
  '    rq->load_stamp = NOW();',
  '    spin_unlock(&rq->lock);',
  '}',
  'int rq_idle_for(struct demo_rq *rq, s_time_t limit)',
  '{',
  '    s_time_t now = rq_clock();',
  '    int idle;',
  '',
  '    spin_lock(&rq->lock);',
  '    idle = now - rq->load_stamp > limit;',
  '    spin_unlock(&rq->lock);',
  '',
  '    return idle;',
  '}',
  '',
].join('\n');

async function staleLines(clock: { path: string; text: string }): Promise<string[]> {
  const analysed = (await Analyzer.create()).analyzeMany([clock, { path: 'rq.c', text: rq }]);
  return analysed.flatMap((f) =>
    f.diagnostics.filter((x) => x.code === 'XSR014').map((x) => `${f.path}:${f.lineIndex.lineOf(x.start) + 1}:${x.function}`),
  );
}

test('XSR014: a stamp from another file’s global clock or a header’s inline one is a sample; from another file’s static one it is not', async () => {
  const clock = (prefix: string): string => `${prefix}s_time_t rq_clock(void)\n{\n    return NOW();\n}\n`;
  assert.deepEqual(await staleLines({ path: 'clock.c', text: clock('') }), ['rq.c:26:rq_idle_for']);
  assert.deepEqual(await staleLines({ path: 'clock.h', text: clock('static inline ') }), ['rq.c:26:rq_idle_for']);
  assert.deepEqual(await staleLines({ path: 'clock.c', text: clock('static ') }), []);
});
