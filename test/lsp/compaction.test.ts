// Typing in one function after another leaves each edited function's cached
// analysis holding the text of the version it was made in (V8 substrings are
// views of the string they were cut from). Settling an idle document whose
// cache holds more than a bound of such functions analyses it again from its
// text alone: the findings stay those of the edit path and of a fresh
// analysis, and the cache holds no older version any more.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { analyzerPair, findingsView } from './analyzerPair';

const pair = analyzerPair();

/** Forty functions in Xen's style, every fifth leaving its scheduler lock held on an early return (XSR007), so there are findings to keep. */
function manyFunctions(): string {
  let out = '#include <xen/sched.h>\n';
  for (let i = 0; i < 40; i++)
    out +=
      `\nstatic void count_${i}(struct vcpu *v)\n{\n    spinlock_t *lock = vcpu_schedule_lock_irq(v);\n\n` +
      (i % 5 === 0 ? `    if ( v->runstate.count_${i} )\n        return;\n` : '') +
      `    v->runstate.count_${i}++;\n    vcpu_schedule_unlock_irq(lock, v);\n}\n`;
  return out;
}

/** The offset right after the first letter of the first statement of each function body (a local edit stays inside it). */
function statementStarts(text: string): number[] {
  return [...text.matchAll(/\n\{\n {4}[a-z_]\w{3,}/g)].map((m) => m.index + 7);
}

describe('compaction of an idle document', () => {
  it('lets go of the versions kept by edited functions, with the same findings', () => {
    const uri = 'file:///compact/typed.c';
    let text = manyFunctions();
    let version = 1;
    pair.inc.analyze(uri, version, text);
    assert.equal(pair.inc.textsKept(uri), 0, 'the first analysis makes every function from one text');
    const points = statementStarts(text).slice(0, 20);
    assert.equal(points.length, 20);
    // A letter typed in each of 20 functions, last first (the earlier offsets stay valid).
    for (const at of [...points].reverse()) {
      pair.inc.edit(uri, [{ start: at, oldEnd: at, newText: 'q' }]);
      text = `${text.slice(0, at)}q${text.slice(at)}`;
      const got = pair.inc.analyze(uri, ++version, text)!;
      assert.ok(pair.inc.lastStats.local, 'a letter inside a body is reparsed locally');
      assert.deepEqual(findingsView(got), findingsView(pair.fresh.analyze({ path: uri, text })));
    }
    assert.equal(pair.inc.textsKept(uri), 20, 'each edited function was made from a version of its own');
    const typed = pair.inc.analyze(uri, version, text)!;
    assert.equal(typed.diagnostics.filter((d) => d.code === 'XSR007').length, 8, 'the locks left held are found');

    const settled = pair.inc.settle(uri, version, text);
    assert.ok(settled?.compacted && settled.consistent && settled.file, 'settling past the bound analyses the text again');
    assert.deepEqual(findingsView(settled.file), findingsView(typed));
    assert.equal(pair.inc.textsKept(uri), 0, 'no function holds an older version');

    // The edit path goes on from the compacted cache, equal to a fresh analysis.
    const at = points[0]! + 1;
    pair.inc.edit(uri, [{ start: at, oldEnd: at, newText: 'z' }]);
    text = `${text.slice(0, at)}z${text.slice(at)}`;
    const next = pair.inc.analyze(uri, version + 1, text)!;
    assert.ok(pair.inc.lastStats.local);
    assert.deepEqual(findingsView(next), findingsView(pair.fresh.analyze({ path: uri, text })));
    assert.equal(pair.inc.textsKept(uri), 1);
    pair.inc.close(uri);
  });

  it('leaves a document alone while it keeps no more than the bound', () => {
    const uri = 'file:///compact/few.c';
    let text = manyFunctions();
    let version = 1;
    pair.inc.analyze(uri, version, text);
    for (const at of statementStarts(text).slice(0, 3).reverse()) {
      pair.inc.edit(uri, [{ start: at, oldEnd: at, newText: 'q' }]);
      text = `${text.slice(0, at)}q${text.slice(at)}`;
      pair.inc.analyze(uri, ++version, text);
    }
    const settled = pair.inc.settle(uri, version, text);
    assert.ok(settled && !settled.compacted && settled.consistent, 'an ordinary settle: the local reparses confirmed');
    assert.equal(pair.inc.textsKept(uri), 3);
    pair.inc.close(uri);
  });
});
