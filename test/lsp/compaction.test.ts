// Typing in one function after another leaves each edited function's cached
// analysis holding the text of the version it was made in (V8 substrings are
// views of the string they were cut from). Settling an idle document whose
// cache holds more than a bound of such functions analyses it again from its
// text alone: the findings stay those of the edit path and of a fresh
// analysis, and the cache holds no older version any more.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TextDocument } from 'vscode-languageserver-textdocument';

import { createAnalyzer } from '../../server/src/core/index';
import { analyzerPair, findingsView } from './analyzerPair';
import { startClient } from './harness';

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

  it('compacts half-typed code to the findings of a fresh analysis of the same text', () => {
    const uri = 'file:///compact/half-typed.c';
    let text = manyFunctions();
    let version = 1;
    pair.inc.analyze(uri, version, text);
    // A half-typed statement (`v-> = ;`) in front of 20 declarations: a syntax error in each of 20 functions.
    for (const at of statementStarts(text).slice(0, 20).reverse()) {
      const from = at - 1;
      pair.inc.edit(uri, [{ start: from, oldEnd: from, newText: 'v-> = ;' }]);
      text = `${text.slice(0, from)}v-> = ;${text.slice(from)}`;
      assert.ok(pair.inc.analyze(uri, ++version, text));
    }
    const fresh = pair.fresh.analyze({ path: uri, text });
    assert.ok(fresh.parseErrors > 0, 'the typed text does not parse');
    const settled = pair.inc.settle(uri, version, text);
    assert.ok(settled?.compacted && settled.file, 'settling past the bound analyses the text again');
    assert.deepEqual(findingsView(settled.file), findingsView(fresh));
    assert.equal(settled.file.parseErrors, fresh.parseErrors);
    assert.equal(pair.inc.textsKept(uri), 0);
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

  it('in the server: the compacted analysis replaces the last one without a second publication', { timeout: 60_000 }, async () => {
    const c = await startClient({ server: { debounceMs: 0, settleMs: 0 } });
    const uri = 'file:///compact/server.c';
    const opened = manyFunctions();
    await c.open(uri, opened);
    await c.diagnosticsFor(uri, 1);
    // One change of 20 edits, one per function, the last first (so each range is read in the text as opened):
    // one analysis makes 20 functions from version 2, and the settle after its publication compacts.
    const doc = TextDocument.create(uri, 'c', 1, opened);
    const points = statementStarts(opened).slice(0, 20).reverse();
    const changes = points.map((at) => ({ range: { start: doc.positionAt(at), end: doc.positionAt(at) }, text: 'q' }));
    await c.change(uri, 2, changes);
    const published = await c.diagnosticsFor(uri, 2);
    const isV2 = (s: { uri: string; version: number; state: string }): boolean => s.uri === uri && s.version === 2 && s.state === 'done';
    const first = await c.statuses.next(isV2);
    const second = await c.statuses.next(isV2, c.statuses.items.indexOf(first) + 1);
    assert.equal(second.findings, first.findings);
    let typed = opened;
    for (const at of points) typed = `${typed.slice(0, at)}q${typed.slice(at)}`;
    const fresh = (await createAnalyzer()).analyze({ path: uri, text: typed });
    assert.equal(published.length, fresh.diagnostics.length);
    assert.equal(fresh.diagnostics.filter((d) => d.code === 'XSR007').length, 8);
    // The next edit is analysed from the compacted cache; version 2 was published once.
    const at = points[points.length - 1]! + 1;
    const p = TextDocument.create(uri, 'c', 2, typed).positionAt(at);
    await c.change(uri, 3, [{ range: { start: p, end: p }, text: 'z' }]);
    const next = await c.diagnosticsFor(uri, 3);
    const text3 = `${typed.slice(0, at)}z${typed.slice(at)}`;
    assert.deepEqual(
      next.map((d) => `${d.range.start.line}:${d.range.start.character} ${String(d.code)}`),
      (await createAnalyzer()).analyze({ path: uri, text: text3 }).diagnostics.map((d) => {
        const q = TextDocument.create(uri, 'c', 3, text3).positionAt(d.start);
        return `${q.line}:${q.character} ${d.code}`;
      }),
    );
    assert.equal(c.diagnostics.items.filter((d) => d.uri === uri && d.version === 2).length, 1);
    await c.dispose();
  });
});
