// Hostile and half-typed input, in process: one test per shape of issue 17
// (and the shapes its fuzzing found since). Each ends with a result: a
// finding, a held set, or a function marked not analysed with the reason.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

import type { FileAnalysis } from '../../server/src/core/analysis';
import type { FunctionMemo } from '../../server/src/core/analyzer';
import type { Cfg } from '../../server/src/core/cfg/types';
import { applyEdits, fixAll } from '../../server/src/core/fix/index';
import { checkPatch } from '../../server/src/core/patch/index';
import { fixtureMarks, patchMarks } from '../shared/fixtureMarks';
import { ISSUE_17_SEEDS, issue17Mutant } from '../shared/mutate';
import {
  BYSTANDER,
  conditionalLockPairs,
  deepExpressions,
  HALF_TYPED_IF,
  heldFlagPairs,
  longCondition,
  nestedBlocks,
  nestedIfdefs,
  nestedIfs,
  rewritePatch,
  trylockChain,
} from '../shared/worstCases';
import { PATCHES, readFixture, REPO } from './fixtures';
import { protocolAnalyzer } from './rulesHarness';

const NESTED = 'not analysed: statements nested deeper than 200 levels';
/** The notes a function may carry when its paths were too many (analyze.ts); anything else is a new kind of failure. */
const DEGRADED = [
  /^paths merged: the function has more paths than the analysis budget allows/,
  /^not analysed: more paths and states than the analysis budget allows$/,
  /^more correlated branch tests than a path can remember \(\d+\)/,
];

const readExample = (): string => fs.readFileSync(path.join(REPO, 'examples', 'sched_example.c'), 'utf8');

async function analyse(text: string, file = 'hostile.c'): Promise<FileAnalysis> {
  return (await protocolAnalyzer()).analyze({ path: file, text });
}

/** The lock sets before the statement on 1-based `line` (sorted names). */
function heldOn(file: FileAnalysis, line: number): { must: string[]; may: string[] } {
  for (const fn of file.functions) {
    const l = fn.lineLocks.find((x) => x.line + 1 === line);
    if (l) return { must: l.must.map((r) => r.name).sort(), may: l.may.map((r) => r.name).sort() };
  }
  throw new Error(`no statement analysed on line ${line}`);
}

const findings = (file: FileAnalysis): string[] =>
  file.diagnostics.map((d) => `${file.lineIndex.lineOf(d.start) + 1}:${d.code}:${d.function}`);
const locks = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`).sort();

/** The bystander's one finding, wherever it sits in a file. */
function bystanderFinding(text: string): string {
  return `${fixtureMarks(text)('bystander_leak').line}:XSR007:sched_bystander`;
}

describe('half-typed code', () => {
  it('an incomplete `if (` is analysed: the function, its statements, no crash', async () => {
    const r = await analyse(HALF_TYPED_IF);
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.degraded]),
      [['f', undefined]],
    );
    // `l` is released and never taken: the caller's lock, held on entry.
    assert.deepEqual(findings(r), []);
    assert.deepEqual(heldOn(r, 1), { must: ['l'], may: [] });
  });

  it('unclosed brackets of every kind in a condition end the condition at the end of the text', async () => {
    for (const cond of ['( (a', '( !(b', 'trylock(&l', 'likely(x', '(struct x *)(p', 'a && (b ||', '!!!(((']) {
      const text = `static void f(struct sched_priv *prv)\n{\n    spin_lock(&prv->lock);\n    if ( ${cond} )\n        prv->n++;\n    spin_unlock(&prv->lock);\n}\n`;
      const r = await analyse(text);
      assert.deepEqual(
        r.functions.map((f) => f.syntax.name),
        ['f'],
        cond,
      );
      for (const f of r.functions) assert.equal(f.degraded, undefined, cond);
    }
  });

  it('the mutants that crashed the condition parser in a folder run are analysed with the rest of the folder', async () => {
    const example = readExample();
    const files = ISSUE_17_SEEDS.map((seed) => ({ path: `mutant-${seed}.c`, text: issue17Mutant(example, seed) }));
    const all = (await protocolAnalyzer()).analyzeMany([...files, { path: 'bystander.c', text: BYSTANDER }]);
    assert.deepEqual(
      all.map((r) => r.path),
      [...files.map((f) => f.path), 'bystander.c'],
    );
    // Most of the example's functions are recovered from each mutant.
    const functions = (await analyse(example)).functions.length;
    for (const r of all.slice(0, -1))
      assert.ok(r.functions.length >= functions / 2, `${r.path}: ${r.functions.length} of ${functions} functions`);
    assert.deepEqual(findings(all.at(-1)!), [bystanderFinding(BYSTANDER)]);
  });
});

describe('deep nesting', () => {
  it('1,500 nested ifs: the function is not analysed, with the reason; the rest of the folder is', async () => {
    const text = nestedIfs(1500);
    const all = (await protocolAnalyzer()).analyzeMany([
      { path: 'deep.c', text },
      { path: 'bystander.c', text: BYSTANDER },
    ]);
    assert.deepEqual(
      all[0]!.functions.map((f) => [f.syntax.name, f.degraded]),
      [['sched_nested_ifs', NESTED]],
    );
    assert.deepEqual(findings(all[0]!), []);
    assert.ok(all[0]!.functions[0]!.lineLocks.every((l) => l.must.length === 0 && l.may.length === 0));
    assert.deepEqual(findings(all[1]!), [bystanderFinding(BYSTANDER)]);
  });

  it('5,000 nested blocks: not analysed, with the reason', async () => {
    const r = await analyse(nestedBlocks(5000));
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.degraded]),
      [['sched_nested_blocks', NESTED]],
    );
    assert.deepEqual(findings(r), []);
  });

  it('a function inside 20,000 nested #ifdefs is found and analysed', async () => {
    const r = await analyse(nestedIfdefs(20000));
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.degraded]),
      [['sched_in_ifdefs', undefined]],
    );
    assert.deepEqual(heldOn(r, 20000 + 4), { must: ['prv->lock'], may: [] });
  });

  it('5,000 nested parentheses, negations and calls in one function: analysed, the lock held throughout', async () => {
    const text = deepExpressions(5000);
    const r = await analyse(text);
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.degraded]),
      [['sched_deep_expressions', undefined]],
    );
    assert.deepEqual(findings(r), []);
    for (const line of [4, 5, 6, 7, 8, 9, 10]) assert.deepEqual(heldOn(r, line), { must: ['prv->lock'], may: [] }, `line ${line}`);
  });

  it('a condition of 5,000 operands is one opaque test: the lock is held on both branches', async () => {
    const r = await analyse(longCondition(5000));
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.degraded]),
      [['sched_long_condition', undefined]],
    );
    assert.deepEqual(heldOn(r, 5), { must: ['prv->lock'], may: [] });
    assert.deepEqual(heldOn(r, 6), { must: ['prv->lock'], may: [] });
  });
});

describe('trylock chains', () => {
  it('18 trylocks joined by &&: all held in the body, each a may after it; findings only for locks that do leak', async () => {
    const text = trylockChain(18, '&&');
    const at = fixtureMarks(text);
    const r = await analyse(text);
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.degraded]),
      [['sched_try_chain', undefined]],
    );
    assert.deepEqual(heldOn(r, at('chain_body').line), { must: locks('prv->l', 18), may: [] });
    // A path where trylock k failed keeps l0..l(k-1): every lock but the last may leak.
    assert.deepEqual(heldOn(r, at('chain_after').line), { must: [], may: locks('prv->l', 17) });
    const closing = at('chain_after').line + 1;
    assert.ok(r.diagnostics.length > 0);
    for (const d of r.diagnostics) {
      assert.equal(`${r.lineIndex.lineOf(d.start) + 1}:${d.code}`, `${closing}:XSR007`);
      assert.match(d.message, /^sched_try_chain\(\) returns holding prv->l(\d|1[0-6]) \(taken at line \d+\)/);
    }
  });

  it('18 trylocks joined by ||: the body holds one of them, none for sure', async () => {
    const text = trylockChain(18, '||');
    const at = fixtureMarks(text);
    const r = await analyse(text);
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.degraded]),
      [['sched_try_chain', undefined]],
    );
    assert.deepEqual(heldOn(r, at('chain_body').line), { must: [], may: locks('prv->l', 18) });
    for (const d of r.diagnostics) assert.match(d.message, /^sched_try_chain\(\) returns holding prv->l\d+ /);
  });

  for (const op of ['&&', '||'] as const) {
    it(`40 trylocks joined by ${op}: analysed; every lock is possibly held in the body, none for sure after it`, async () => {
      const text = trylockChain(40, op);
      const at = fixtureMarks(text);
      const r = await analyse(text);
      assert.equal(r.functions.length, 1);
      const fn = r.functions[0]!;
      if (fn.degraded)
        assert.ok(
          DEGRADED.some((d) => d.test(fn.degraded!)),
          fn.degraded,
        );
      const body = heldOn(r, at('chain_body').line);
      assert.deepEqual([...body.must, ...body.may].sort(), locks('prv->l', 40));
      if (op === '||') assert.deepEqual(body.must, []);
      assert.deepEqual(heldOn(r, at('chain_after').line).must, []);
      for (const d of r.diagnostics) assert.match(d.message, /^sched_try_chain\(\) returns holding prv->l\d+ /);
    });
  }

  it('65 trylocks in one condition: not analysed, with the statement named', async () => {
    const r = await analyse(trylockChain(65, '&&'));
    assert.deepEqual(
      r.functions.map((f) => f.degraded),
      ['not analysed: the statement at line 3 makes more than 64 lock calls'],
    );
    assert.deepEqual(findings(r), []);
  });
});

describe('conditionally held locks', () => {
  it('5 locks taken and released under the same conditions: exact may-sets, nothing held at the end, no finding', async () => {
    const text = conditionalLockPairs(5);
    const at = fixtureMarks(text);
    const r = await analyse(text);
    assert.equal(r.functions[0]!.degraded, undefined);
    assert.deepEqual(heldOn(r, at('pairs_middle').line), { must: [], may: locks('prv->l', 5) });
    assert.deepEqual(heldOn(r, at('pairs_end').line), { must: [], may: [] });
    assert.deepEqual(findings(r), []);
  });

  it('400 pairs: no false XSR007; nothing must-held at the end; a coarser answer says so', async () => {
    const text = conditionalLockPairs(400);
    const at = fixtureMarks(text);
    const r = await analyse(text);
    assert.deepEqual(findings(r), []);
    const fn = r.functions[0]!;
    const end = heldOn(r, at('pairs_end').line);
    assert.deepEqual(end.must, []);
    if (fn.degraded)
      assert.ok(
        DEGRADED.some((d) => d.test(fn.degraded!)),
        fn.degraded,
      );
    else assert.deepEqual(end.may, []);
  });

  it('`bool held = false; if ( c ) { lock; held = true; } … if ( held ) unlock;`: no false XSR007, nothing held at the end', async () => {
    const text = heldFlagPairs(5);
    const at = fixtureMarks(text);
    const r = await analyse(text);
    assert.equal(r.functions[0]!.degraded, undefined);
    assert.deepEqual(heldOn(r, at('flags_middle').line), { must: [], may: locks('prv->l', 5) });
    assert.deepEqual(heldOn(r, at('flags_end').line), { must: [], may: [] });
    assert.deepEqual(findings(r), []);
  });

  it('400 held flags: no false XSR007, nothing must-held at the end', async () => {
    const text = heldFlagPairs(400);
    const r = await analyse(text);
    assert.deepEqual(findings(r), []);
    const fn = r.functions[0]!;
    if (fn.degraded)
      assert.ok(
        DEGRADED.some((d) => d.test(fn.degraded!)),
        fn.degraded,
      );
    assert.deepEqual(heldOn(r, fixtureMarks(text)('flags_end').line).must, []);
  });
});

describe('line ends', () => {
  const text = readFixture('locks', 'control.c');
  const lf = async (): Promise<string[]> => findings(await analyse(text, 'control.c'));

  it('CR-only line ends: the same findings on the same lines as with LF, and no fix', async () => {
    const cr = await analyse(text.replace(/\n/g, '\r'), 'control.c');
    assert.deepEqual(findings(cr), await lf());
    assert.ok(findings(cr).length >= 3);
    const fixable = readFixture('protocol', 'xsr001_pin_override.c').replace(/\n/g, '\r');
    const r = await analyse(fixable, 'pin.c');
    assert.deepEqual(
      r.diagnostics.filter((d) => d.code === 'XSR001').map((d) => [d.fixable, d.edits]),
      [[false, undefined]],
    );
    assert.deepEqual(fixAll(r), { edits: [], skipped: ['the file ends its lines with a lone CR: no fix is applied'] });
  });

  it('CRLF line ends: the same findings, and the fix writes CRLF lines only (the LF fix with \\r\\n)', async () => {
    const crlf = await analyse(text.replace(/\n/g, '\r\n'), 'control.c');
    assert.deepEqual(findings(crlf), await lf());
    const name = 'xsr001_pin_override';
    const source = readFixture('protocol', `${name}.c`).replace(/\n/g, '\r\n');
    const r = await analyse(source, 'pin.c');
    const fixed = applyEdits(source, fixAll(r).edits);
    assert.equal(fixed, readFixture('protocol', `${name}.fixed.c`).replace(/\n/g, '\r\n'));
    assert.doesNotMatch(fixed, /[^\r]\n/);
  });
});

describe('patches', () => {
  it('a 10,000- and a 20,000-line rewrite: every line taken as changed, the function analysed', { timeout: 120_000 }, async () => {
    for (const lines of [10_000, 20_000]) {
      const { base, patch } = rewritePatch(lines);
      const r = checkPatch(patch, (p) => (p === 'xen/common/sched/big.c' ? base : undefined), await protocolAnalyzer());
      assert.ok(!('error' in r), JSON.stringify(r));
      assert.deepEqual(
        r.files.map((f) => [f.path, f.analysis.functions.map((fn) => fn.syntax.name), f.diagnostics.length]),
        [['xen/common/sched/big.c', ['sched_big'], 0]],
      );
      assert.deepEqual([r.files[0]!.changedLines[0], r.files[0]!.changedLines.at(-1)], [2, lines + 3]);
      assert.equal(r.skipped, undefined);
    }
  });

  it('a patch creating a file over 5 MB: skipped with the reason, the other files of the patch analysed', async () => {
    const line = '+    prv->count += 1;';
    const big = Array.from({ length: Math.ceil((5 * 1048576) / (line.length - 1)) + 10 }, () => line);
    const created = (file: string, body: string[]): string[] => ['--- /dev/null', `+++ b/${file}`, `@@ -0,0 +1,${body.length} @@`, ...body];
    const small = BYSTANDER.trimEnd()
      .split('\n')
      .map((l) => `+${l}`);
    const text = [...created('xen/common/sched/huge.c', big), ...created('xen/common/sched/small.c', small), ''].join('\n');
    const r = checkPatch(text, () => undefined, await protocolAnalyzer());
    assert.ok(!('error' in r));
    assert.deepEqual(r.skipped, [{ path: 'xen/common/sched/huge.c', reason: 'the patched file is over 5 MB: not analysed' }]);
    assert.deepEqual(
      r.files.map((f) => [f.path, f.diagnostics.map((d) => `${f.analysis.lineIndex.lineOf(d.start) + 1}:${d.code}`)]),
      [['xen/common/sched/small.c', [`${fixtureMarks(BYSTANDER)('bystander_leak').line}:XSR007`]]],
    );
  });

  it('a pure git rename (no hunks) in a series applies: the next mails change the renamed file', async () => {
    const series = fs.readFileSync(path.join(PATCHES, 'series.mbox'), 'utf8');
    const moved = series.replaceAll('xen/common/sched/demo.c', 'xen/common/sched/moved.c');
    const rename = [
      'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001',
      'From: XSR Tests <tests@example.invalid>',
      'Date: Tue, 2 Jan 2024 00:00:00 +0000',
      'Subject: [PATCH 0/2] xen/sched: demo: move demo.c',
      '',
      '---',
      ' xen/common/sched/{demo.c => moved.c} | 0',
      ' 1 file changed, 0 insertions(+), 0 deletions(-)',
      ' rename xen/common/sched/{demo.c => moved.c} (100%)',
      '',
      'diff --git a/xen/common/sched/demo.c b/xen/common/sched/moved.c',
      'similarity index 100%',
      'rename from xen/common/sched/demo.c',
      'rename to xen/common/sched/moved.c',
      '-- ',
      '2.39.5',
      '',
      '',
    ].join('\n');
    const base = fs.readFileSync(path.join(PATCHES, 'base', 'xen', 'common', 'sched', 'demo.c'), 'utf8');
    const r = checkPatch(rename + moved, (p) => (p === 'xen/common/sched/demo.c' ? base : undefined), await protocolAnalyzer());
    assert.ok(!('error' in r), JSON.stringify(r));
    const start = patchMarks(moved, 'xen/common/sched/moved.c', base)('kick_start').line;
    assert.deepEqual(
      r.files.map((f) => [f.path, f.diagnostics.map((d) => `${f.analysis.lineIndex.lineOf(d.start) + 1}:${d.code}:${d.function}`)]),
      [['xen/common/sched/moved.c', [`${start}:XSR004:sched_demo_kick`]]],
    );
  });
});

describe('a bug of ours costs one function', () => {
  it('an error while building a CFG: that function is not analysed (the error named), the others are', async () => {
    const text = `${BYSTANDER}\n${conditionalLockPairs(2)}`;
    const memo: FunctionMemo = {
      cfg: (syntax, _file, compute) => {
        if (syntax.name === 'sched_cond_pairs')
          syntax.body = new Proxy(syntax.body!, {
            get: () => {
              throw new Error('boom');
            },
          });
        return compute();
      },
      locks: (_s, _c, _l, compute) => compute(),
      rules: (_f, _fn, compute) => compute(),
    };
    const r = (await protocolAnalyzer()).analyze({ path: 'x.c', text }, { memo });
    assert.deepEqual(
      r.functions.map((f) => [f.syntax.name, f.degraded]),
      [
        ['sched_bystander', undefined],
        ['sched_cond_pairs', 'not analysed: internal error while building its control flow (Error: boom)'],
      ],
    );
    assert.deepEqual(findings(r), [bystanderFinding(text)]);
  });

  it('an error in the lock analysis: that function is not analysed (the error named), the others are', async () => {
    const text = `${BYSTANDER}\n${conditionalLockPairs(2)}`;
    const memo: FunctionMemo = {
      // An edge to a node that does not exist: the solver fails on this function only.
      cfg: (syntax, _file, compute): Cfg => {
        const cfg = compute();
        if (syntax.name === 'sched_cond_pairs') cfg.nodes[cfg.entry]!.succ.push({ to: cfg.nodes.length + 7 });
        return cfg;
      },
      locks: (_s, _c, _l, compute) => compute(),
      rules: (_f, _fn, compute) => compute(),
    };
    const r = (await protocolAnalyzer()).analyze({ path: 'x.c', text }, { memo });
    const [ok, failed] = r.functions;
    assert.deepEqual([ok!.syntax.name, ok!.degraded], ['sched_bystander', undefined]);
    assert.equal(failed!.syntax.name, 'sched_cond_pairs');
    assert.match(failed!.degraded!, /^not analysed: internal error in the lock analysis \(TypeError: /);
    // The rules fail on that broken CFG too, each saying so (XSR000) on that function alone.
    assert.deepEqual(
      findings(r).filter((f) => !f.endsWith(':XSR000:sched_cond_pairs')),
      [bystanderFinding(text)],
    );
  });
});
