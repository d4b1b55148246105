// Unit tests of the pure modules shared by the extension and the webview.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { patchSummary } from '../../client/src/patchSummary';
import { makeProvenance, staleFiles, withRelativePaths } from '../../client/src/replay/provenance';
import { escapeHtml, replayShell } from '../../client/src/replay/shell';
import { stepForLine, stepIsInDocument } from '../../client/src/replay/stepLookup';
import { describeAnalysis, statusText } from '../../client/src/statusText';
import { explainResult } from '../../client/webview/explain';
import { stateRows, visibleRows } from '../../client/webview/stateDiff';
import { marksOf, storyOf } from '../../client/webview/story';
import { parseFromWebview, parsePersistedState, parseToWebview } from '../../server/src/contracts/webview/messages';
import { actionText, threadLabel } from '../../server/src/contracts/webview/stepText';
import { laneOrder, parseTraceText, validateSimResult } from '../../server/src/contracts/webview/traceValidation';
import {
  assertTrace,
  deadlockTrace,
  longTrace,
  nothingToCheck,
  raceTrace,
  schedulerRace,
  verifiedResult,
  violationTrace,
} from './fixtures';

describe('trace validation', () => {
  it('accepts the contract shapes, with the additions for general code paths', () => {
    for (const t of [violationTrace(), verifiedResult(), longTrace(20), raceTrace(), assertTrace(), deadlockTrace(), nothingToCheck()])
      assert.equal(validateSimResult(t).ok, true);
  });

  it('names the first malformed addition', () => {
    const cases: [unknown, string][] = [
      [{ ...raceTrace(), race: { first: 2, second: 'x', location: 'a' } }, '"race" must be { first: step, second: step, location }.'],
      [{ ...raceTrace(), race: undefined }, 'a RACE result must name its two steps in "race".'],
      [{ ...assertTrace(), assertion: { file: 'a.c', line: 0, text: 'x' } }, '"assertion" must be { file?, line?, text }.'],
      [{ ...deadlockTrace(), cycle: [{ thread: 'T1', holds: 3, wants: 'x' }] }, '"cycle" must be a list of { thread, holds, wants }.'],
      [
        { ...raceTrace(), model: { threads: [{ name: 'T1' }], locations: [], skipped: [] } },
        '"model" must be { threads: [ { name, function } ], locations: [ … ], skipped: [ … ] }.',
      ],
      [
        { ...violationTrace(), provenance: { functions: [], document: 1, files: [] } },
        '"provenance" must be { functions, document, files: [ { path, sha256 } ] }.',
      ],
    ];
    for (const [input, expected] of cases) {
      const r = validateSimResult(input);
      assert.ok(!r.ok && r.error === expected, JSON.stringify(r));
    }
    const t = raceTrace() as unknown as { trace: { state: Record<string, unknown> }[] };
    t.trace[1]!.state.vars = { 'prv->credit': { nested: 1 } };
    const r = validateSimResult(t);
    assert.ok(!r.ok && r.error === 'Step 2 of "trace" has a malformed state: "vars" must map locations to numbers, strings or booleans.');
  });

  it('names the first problem in one sentence', () => {
    const cases: [unknown, RegExp][] = [
      [42, /not a JSON object/],
      [{ ...violationTrace(), version: 2 }, /Unsupported trace version 2/],
      [{ ...violationTrace(), result: 'maybe' }, /"result" must be one of violation, verified, limit/],
      [{ ...violationTrace(), invariant: 'INV9' }, /"invariant"/],
      [{ ...violationTrace(), trace: {} }, /"trace" must be a list/],
      [{ ...violationTrace(), stats: { states: 1 } }, /"stats"/],
    ];
    for (const [input, expected] of cases) {
      const r = validateSimResult(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, expected);
    }
  });

  it('points at the malformed step', () => {
    const t = violationTrace() as unknown as { trace: Record<string, unknown>[] };
    t.trace[2] = { ...t.trace[2], line: 0 };
    const r = validateSimResult(t);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error, 'Step 3 of "trace" has a "line" that is not a positive integer.');
    const u = violationTrace() as unknown as { trace: { state: Record<string, unknown> }[] };
    u.trace[0]!.state.runq = { A: 'v' };
    const r2 = validateSimResult(u);
    assert.ok(!r2.ok && r2.error === 'Step 1 of "trace" has a malformed state: "runq" must map pCPUs to lists of vCPUs.');
  });

  it('reports invalid JSON text', () => {
    const r = parseTraceText('{ "version": 1, ');
    assert.ok(!r.ok && r.error.startsWith('The file is not valid JSON'));
  });

  it('orders lanes: declared threads first, then by appearance', () => {
    const t = violationTrace();
    t.threads = ['S'];
    assert.deepEqual(laneOrder(t), ['S', 'X']);
    assert.deepEqual(laneOrder({ ...raceTrace(), threads: ['T2', 'T3'] }), ['T1', 'T2', 'T3']);
  });
});

describe('state diff', () => {
  it('marks only the entries that changed, with their old value', () => {
    const t = violationTrace().trace;
    const rows = stateRows(t[3]!.state, t[2]!.state);
    const changed = rows.filter((r) => r.previous !== undefined).map((r) => `${r.group}.${r.key}: ${r.previous} -> ${r.value}`);
    assert.deepEqual(changed, ['runq.A: — -> v', 'running.A: v -> idle']);
  });

  it('shows a released lock as gone', () => {
    const t = violationTrace().trace;
    const lock = stateRows(t[2]!.state, t[1]!.state).find((r) => r.group === 'locks');
    assert.deepEqual(lock, { group: 'locks', key: 'sched(A)', value: '—', previous: 'X' });
  });

  it('has no highlights without a previous step', () => {
    assert.ok(stateRows(violationTrace().trace[0]!.state).every((r) => r.previous === undefined));
  });

  it('shows the modelled variables with their changes', () => {
    const t = raceTrace().trace;
    const vars = stateRows(t[1]!.state, t[0]!.state).filter((r) => r.group === 'vars');
    assert.deepEqual(vars, [
      { group: 'vars', key: 'prv->credit', value: '7', previous: '10' },
      { group: 'vars', key: 'svc->budget', value: '5' },
    ]);
  });

  it('filters by name and by change, keeping what breaks the invariant', () => {
    const t = raceTrace().trace;
    const rows = stateRows(t[2]!.state, t[1]!.state);
    const ids = (rs: { group: string; key: string }[]): string[] => rs.map((r) => `${r.group}.${r.key}`);
    assert.deepEqual(ids(visibleRows(rows, { filter: 'BUDGET', changedOnly: false })), ['vars.svc->budget']);
    assert.deepEqual(ids(visibleRows(rows, { filter: 'variable', changedOnly: false })), ['vars.prv->credit', 'vars.svc->budget']);
    assert.deepEqual(ids(visibleRows(rows, { filter: '', changedOnly: true })), ['vars.prv->credit']);
    assert.deepEqual(ids(visibleRows(rows, { filter: '', changedOnly: true, keep: new Set(['locks.prv->lock']) })), [
      'locks.prv->lock',
      'vars.prv->credit',
    ]);
  });
});

describe('the story of a trace', () => {
  it('tells the scheduler race in a few sentences from what each step changed', () => {
    assert.deepEqual(storyOf(schedulerRace()), [
      'pCPU A deschedules v from A and queues v on A.',
      'X (vcpu_set_affinity) marks v for migration under sched(A).',
      "pCPU A (context_saved) clears v->is_running, sees pause_flags & VPF_migrating set, then moves v to B and clears v's migrating flag under sched(A).",
      "Step 10 breaks INV1: v is on A's runqueue but v->processor is B.",
    ]);
  });

  it('ends with the race, the assertion or the cycle; other results have no story', () => {
    assert.equal(
      storyOf(raceTrace()).at(-1),
      'Steps 2 and 3 race on prv->credit: neither holds a lock the other takes (prv->credit is written by T1 and T2 with no common lock).',
    );
    // The first step's state has nothing before it to differ from: the story starts at what breaks.
    assert.deepEqual(storyOf(assertTrace()), ['At step 2, ASSERT(svc->budget >= 0) fails (line 20).']);
    assert.equal(
      storyOf(deadlockTrace()).at(-1),
      'Then no thread can go on: T1 holds prv->lock and waits for rqd->lock; T2 holds rqd->lock and waits for prv->lock.',
    );
    for (const r of [verifiedResult(), longTrace(4), nothingToCheck()]) assert.deepEqual(storyOf(r), []);
  });

  it('keeps a long story to a few sentences', () => {
    const t = schedulerRace();
    const steps = [...t.trace, ...t.trace, ...t.trace].map((s, i) => ({ ...s, step: i + 1 }));
    const story = storyOf({ ...t, trace: steps });
    assert.ok(story.length <= 6, story.join('\n'));
    assert.match(story[1]!, /^\(\d+ more episodes\.\)$/);
  });

  it('marks the breaking step and what it changed; both ends of a race; a deadlock’s locks', () => {
    const m = marksOf(schedulerRace());
    assert.deepEqual([...m.steps], [[9, 'breaks INV1']]);
    assert.deepEqual([...m.rows], ['processor.v', 'flags.v', 'locks.sched(A)']);
    const race = marksOf(raceTrace());
    assert.deepEqual(
      [...race.steps],
      [
        [1, 'race on prv->credit: first access'],
        [2, 'race on prv->credit: second access'],
      ],
    );
    assert.deepEqual([...race.rows], ['vars.prv->credit']);
    assert.deepEqual([...marksOf(deadlockTrace()).rows], ['locks.prv->lock', 'locks.rqd->lock']);
    assert.equal(marksOf(verifiedResult()).steps.size, 0);
  });
});

describe('step text', () => {
  it('says which way an unknown condition went', () => {
    assert.equal(
      actionText({ action: 'unknown condition: branch 1 of 2', text: '( !cpumask_test_cpu(v->processor, v->cpu_hard_affinity) )' }),
      '!cpumask_test_cpu(v->processor, v->cpu_hard_affinity) is true',
    );
    assert.equal(
      actionText({ action: 'unknown condition: branch 2 of 2', text: 'if ( v->affinity_broken )' }),
      'v->affinity_broken is false',
    );
    assert.equal(actionText({ action: 'unknown condition: branch 2 of 3', text: 'switch ( op )' }), 'op: case 2 of 3');
    // (a) (b) is not one parenthesised whole: kept as it is.
    assert.equal(actionText({ action: 'unknown condition: branch 1 of 2', text: '(a) && (b)' }), '(a) && (b) is true');
    assert.equal(actionText({ action: 'unknown condition: branch 1 of 2' }), 'unknown condition: branch 1 of 2');
    assert.equal(actionText({ action: 'lock sched(A)', text: 'x' }), 'lock sched(A)');
  });

  it('names a thread with the function it runs', () => {
    assert.equal(threadLabel('X:vcpu_set_affinity'), 'X (vcpu_set_affinity)');
    assert.equal(threadLabel('pCPU A'), 'pCPU A');
    assert.equal(threadLabel('T1', new Map([['T1', 'burn_credits']])), 'T1 (burn_credits)');
  });
});

describe('trace provenance', () => {
  const text = 'int x;\n';
  const p = makeProvenance(violationTrace(), {
    document: 'old_migrate.c',
    functions: ['vcpu_set_affinity', 'context_saved'],
    relative: (f) => (f.startsWith('/') ? undefined : f),
    read: (f) => (f === 'old_migrate.c' ? text : undefined),
  });

  it('records the document, the functions and each file’s SHA-256', () => {
    assert.deepEqual(p, {
      functions: ['vcpu_set_affinity', 'context_saved'],
      document: 'old_migrate.c',
      files: [{ path: 'old_migrate.c', sha256: createHash('sha256').update(text).digest('hex') }],
    });
  });

  it('tells a changed or missing source from an unchanged one', () => {
    assert.deepEqual(
      staleFiles(p, () => text),
      [],
    );
    assert.deepEqual(
      staleFiles(p, () => 'int y;\n'),
      ['old_migrate.c'],
    );
    assert.deepEqual(
      staleFiles(p, () => undefined),
      ['old_migrate.c'],
    );
  });

  it('saves step and assertion files relative to the workspace', () => {
    const t = assertTrace();
    t.trace[0]!.file = 'file:///ws/xen/credit.c';
    t.assertion!.file = '/ws/xen/credit.c';
    const rel = (f: string): string | undefined => (f.includes('/ws/') ? 'xen/credit.c' : undefined);
    const out = withRelativePaths(t, rel);
    assert.deepEqual(
      out.trace.map((s) => s.file),
      ['xen/credit.c', 'credit.c'],
    );
    assert.equal(out.assertion!.file, 'xen/credit.c');
    assert.equal(t.trace[0]!.file, 'file:///ws/xen/credit.c', 'the trace shown is left alone');
  });
});

describe('status and patch summaries', () => {
  const base = { uri: 'file:///ws/core.c', version: 3, state: 'done' as const, functions: 110, parseErrors: 0, ms: 42.5 };

  it('never shows a clean check when a function could not be analysed, and an error icon for errors', () => {
    assert.deepEqual(statusText({ ...base, findings: 0, errors: 0, warnings: 0 }, '').text, '$(check) XSR');
    assert.deepEqual(statusText({ ...base, findings: 2, errors: 1, warnings: 1 }, '').text, '$(error) XSR 2');
    assert.deepEqual(statusText({ ...base, findings: 1, errors: 0, warnings: 0 }, '').text, '$(info) XSR 1');
    const lost = {
      ...base,
      findings: 0,
      errors: 0,
      warnings: 0,
      parseErrors: 2,
      incomplete: [{ name: 'vcpu_set_affinity', line: 11, reason: 'no longer found: a syntax error around it hides it from the analysis' }],
    };
    const s = statusText(lost, '');
    assert.equal(s.text, '$(warning) XSR 0 · 1 function not analysed');
    assert.equal(
      s.tooltip,
      [
        'Xen Scheduler Review: 0 findings (0 errors, 0 warnings)',
        '110 functions, 2 syntax errors, 42.5 ms',
        'Not analysed in full:',
        '• vcpu_set_affinity() at line 12: no longer found: a syntax error around it hides it from the analysis',
      ].join('\n'),
    );
    assert.deepEqual(describeAnalysis(lost), [
      'core.c: 110 functions, 2 syntax errors, 0 findings (0 errors, 0 warnings), 42.5 ms',
      '  vcpu_set_affinity() at line 12: no longer found: a syntax error around it hides it from the analysis',
    ]);
  });

  it('says what a patch introduces, fixes and keeps', () => {
    const range = { start: { line: 9, character: 4 }, end: { line: 9, character: 20 } };
    const { message, details } = patchSummary({
      files: [
        {
          uri: 'file:///ws/xen/common/sched/demo.c',
          status: 'modified',
          diagnostics: [
            { range, code: 'XSR001', message: 'sched_demo_affinity(): old migration sequence', data: { review: 'introduced' } },
            { range, code: 'XSR006', message: 'sched_demo_home(): v->processor is assigned…', data: { review: 'stays' } },
          ],
          fixed: [{ code: 'XSR004', function: 'sched_demo_kick', message: 'a path from a start…', line: 40 }],
        },
      ],
    });
    assert.equal(
      message,
      'Check Patch: 2 findings in 1 changed file. It introduces 1 (XSR001 in sched_demo_affinity()), fixes 1 (XSR004 in sched_demo_kick()); 1 stays (XSR006 in sched_demo_home()).',
    );
    assert.deepEqual(details, [
      'demo.c:',
      '  introduces line 10: XSR001 sched_demo_affinity(): old migration sequence',
      '  stays      line 10: XSR006 sched_demo_home(): v->processor is assigned…',
      '  fixes      base line 41: XSR004 sched_demo_kick(): a path from a start…',
    ]);
  });
});

describe('messages', () => {
  it('accepts well-formed messages and rejects the rest', () => {
    assert.deepEqual(parseFromWebview({ type: 'stepSelected', step: 3 }), { type: 'stepSelected', step: 3 });
    assert.equal(parseFromWebview({ type: 'stepSelected', step: -1 }), undefined);
    assert.equal(parseFromWebview({ type: 'stepSelected', step: 1.5 }), undefined);
    assert.equal(parseFromWebview({ type: 'delete everything' }), undefined);
    assert.equal(parseFromWebview('ready'), undefined);
    assert.deepEqual(parseToWebview({ type: 'select', step: 0, extra: 1 }), { type: 'select', step: 0 });
    assert.equal(parseToWebview({ type: 'load', trace: {}, step: 0 }), undefined, 'load needs an origin');
    assert.ok(parseToWebview({ type: 'load', trace: {}, origin: { title: 't' }, step: 0 }), 'the trace itself is checked later');
    assert.deepEqual(parseToWebview({ type: 'stale', files: ['a.c'], canRerun: true }), { type: 'stale', files: ['a.c'], canRerun: true });
    assert.equal(parseToWebview({ type: 'stale', files: [1], canRerun: true }), undefined);
    assert.deepEqual(parseFromWebview({ type: 'rerun', x: 1 }), { type: 'rerun' });
    assert.deepEqual(parseFromWebview({ type: 'openAssertion' }), { type: 'openAssertion' });
  });

  it('restores only a well-formed persisted state', () => {
    assert.ok(parsePersistedState({ version: 1, origin: { title: 't' }, step: 2, trace: violationTrace() }));
    const view = { showIdleLanes: true, changedOnly: false, filter: 'runq' };
    assert.deepEqual(parsePersistedState({ version: 1, origin: { title: 't' }, step: 0, view })?.view, view);
    assert.equal(parsePersistedState({ version: 1, origin: { title: 't' }, step: 0, view: { filter: 3 } })?.view, undefined);
    assert.equal(parsePersistedState({ version: 1, step: 2 }), undefined);
    assert.equal(parsePersistedState(null), undefined);
  });
});

describe('explanations', () => {
  it('explains a violation in one sentence naming the invariant', () => {
    const { headline, sentence } = explainResult(violationTrace());
    assert.equal(headline, 'Violation of INV3 after 4 steps');
    assert.match(sentence, /^Broken invariant INV3: a vCPU that is migrating and not running must be on no runqueue\. v is migrating/);
  });

  it('says clearly that a limit is not a proof', () => {
    assert.match(explainResult(longTrace(3)).sentence, /not a proof/);
    assert.equal(explainResult(verifiedResult()).headline, 'Verified');
  });
});

describe('step lookup', () => {
  const steps = violationTrace().trace;
  const inDoc = (s: (typeof steps)[number]) => stepIsInDocument(s, '/ws/old_migrate.c', '/ws/old_migrate.c');
  it('finds the step on a line, preferring one at or after the current step', () => {
    assert.equal(stepForLine(steps, 0, 24, inDoc), 1);
    assert.equal(stepForLine(steps, 3, 20, inDoc), 0);
    assert.equal(stepForLine(steps, 0, 99, inDoc), undefined);
  });
  it('matches a file URI, as the language server reports it', () => {
    const s = { ...steps[0]!, file: 'file:///ws/dir%20a/old_migrate.c' };
    assert.equal(stepIsInDocument(s, '/ws/dir a/old_migrate.c', undefined), true);
    assert.equal(stepIsInDocument(s, '/ws/old_migrate.c', undefined), false);
  });
  it('matches a relative file name against the document path', () => {
    assert.equal(stepIsInDocument(steps[0]!, '/ws/sub/old_migrate.c', undefined), true);
    assert.equal(stepIsInDocument(steps[0]!, '/ws/new_migrate.c', undefined), false);
  });
});

describe('html shell', () => {
  it('allows scripts only with the nonce and nothing by default', () => {
    const raw = replayShell({ cspSource: 'vscode-resource:', nonce: 'abc', scriptUri: 'x.js', styleUri: 'y.css', title: '<t>' });
    const html = raw.replace(/&#39;/g, "'");
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-abc'/);
    assert.doesNotMatch(html, /unsafe-(inline|eval)/);
    assert.match(raw, /<title>&lt;t&gt;<\/title>/);
    assert.equal(escapeHtml(`"<&'>`), '&quot;&lt;&amp;&#39;&gt;');
  });
});
