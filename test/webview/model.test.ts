// Unit tests of the pure modules shared by the extension and the webview.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { escapeHtml, replayShell } from '../../client/src/replay/shell';
import { stepForLine, stepIsInDocument } from '../../client/src/replay/stepLookup';
import { explainResult } from '../../client/webview/explain';
import { stateRows } from '../../client/webview/stateDiff';
import { parseFromWebview, parsePersistedState, parseToWebview } from '../../server/src/contracts/webview/messages';
import { laneOrder, parseTraceText, validateSimResult } from '../../server/src/contracts/webview/traceValidation';
import { longTrace, verifiedResult, violationTrace } from './fixtures';

describe('trace validation', () => {
  it('accepts the contract shapes', () => {
    for (const t of [violationTrace(), verifiedResult(), longTrace(20)]) assert.equal(validateSimResult(t).ok, true);
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
  });

  it('restores only a well-formed persisted state', () => {
    assert.ok(parsePersistedState({ version: 1, origin: { title: 't' }, step: 2, trace: violationTrace() }));
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
