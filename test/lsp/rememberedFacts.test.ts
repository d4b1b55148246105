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
