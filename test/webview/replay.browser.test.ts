// The race-replay webview in headless Chromium: the real dist/webview.js under
// the panel's CSP, with a stub VS Code API recording what the page posts; the
// story, the lanes (idle ones hidden), the state filters, the marks on what
// breaks the invariant, the general-code-path verdicts, a stale source, and
// axe-core in VS Code's default dark, light and high-contrast themes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

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
import { axeSkipReason, launch, openReplay, seriousViolations, skipReason, type ThemeName } from './harness';

const skip = skipReason();
if (skip) console.log(`# webview browser tests skipped: ${skip}`);
const axeSkip = skip ?? axeSkipReason();
if (!skip && axeSkip) console.log(`# accessibility checks skipped: ${axeSkip}`);
const origin = { title: 'vcpu_set_affinity in old_migrate.c', documentUri: 'file:///ws/old_migrate.c' };

// Each test is skipped on its own (not the suite), so the runner counts them as skipped.
const it = (name: string, fn: () => Promise<void>, reason = skip): void => {
  test(name, { skip: reason }, fn);
};

/** The text of each element as shown (block parts apart). */
const texts = (page: Page, selector: string): Promise<string[]> =>
  page.$$eval(selector, (els) => els.map((e) => ((e as HTMLElement).innerText ?? '').replace(/\s+/g, ' ').trim()));

/** The state rows shown, as `group.key: value (was …)`. */
const shownRows = (page: Page): Promise<string[]> =>
  page.$$eval('.state-table tbody tr', (rows) =>
    rows.map((row) => {
      const was = row.querySelector('.was')?.textContent;
      return `${row.getAttribute('data-group')}.${row.getAttribute('data-key')}: ${row.querySelector('.value')?.textContent}${was ? ` (${was})` : ''}`;
    }),
  );

describe('race replay webview', () => {
  let browser: Browser;
  before(async () => {
    if (!skip) browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('draws one lane per acting thread with each action in its thread’s lane', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('.lanes tr[data-step="4"]');
    assert.deepEqual(await texts(r.page, '.lanes thead .lane-title'), ['X', 'S']);
    const rows = await r.page.$$eval('.lanes tbody tr', (rows) =>
      rows.map((row) => [...row.querySelectorAll('td.lane')].map((c) => c.querySelector('.action')?.textContent ?? '')),
    );
    assert.deepEqual(rows, [
      ['lock sched(v)', ''],
      ['set_bit(_VPF_migrating)', ''],
      ['unlock sched(v)', ''],
      ['', 'context_saved: <wake> v'],
    ]);
    assert.equal(
      await r.page.locator('.verdict p').first().textContent(),
      'Violation of INV3 after 4 steps. Broken invariant INV3: a vCPU that is migrating and not running must be on no runqueue. v is migrating and not running, yet it is queued on A.',
    );
    assert.equal(await r.page.locator('.result-badge').textContent(), '✖ violation');
    assert.deepEqual(await r.cspViolations(), [], 'the page runs under its CSP without violations');
    await r.page.close();
  });

  it('tells the story of the trace, marks the breaking step and names each condition taken', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: schedulerRace(), origin, step: 0 });
    await r.page.waitForSelector('.lanes tr[data-step="10"]');
    assert.deepEqual(await texts(r.page, '.story p'), [
      'pCPU A deschedules v from A and queues v on A.',
      'X (vcpu_set_affinity) marks v for migration under sched(A).',
      "pCPU A (context_saved) clears v->is_running, sees pause_flags & VPF_migrating set, then moves v to B and clears v's migrating flag under sched(A).",
      "Step 10 breaks INV1: v is on A's runqueue but v->processor is B.",
    ]);
    // The branch the simulator numbered reads as the condition it took.
    assert.equal(
      await r.page.locator('tr[data-step="4"] td.active .action').textContent(),
      '!cpumask_test_cpu(v->processor, v->cpu_hard_affinity) is true',
    );
    // The breaking step carries a label, not only a colour; at that step, the entries it changed are marked.
    assert.deepEqual(
      await r.page.$$eval('tr.marked', (rows) => rows.map((x) => [x.getAttribute('data-step'), x.querySelector('.mark')?.textContent])),
      [['10', '⚠ breaks INV1']],
    );
    await r.page.click('tr[data-step="10"]');
    await r.page.waitForSelector('tr.selected[data-step="10"]');
    assert.deepEqual(
      await r.page.$$eval('.state-table tr[data-breaking]', (rows) =>
        rows.map((x) => `${x.getAttribute('data-group')}.${x.getAttribute('data-key')}`),
      ),
      ['processor.v', 'flags.v', 'locks.sched(A)'],
    );
    await r.page.close();
  });

  it('hides the lanes of threads that never act, and shows them on request', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: schedulerRace(), origin, step: 0 });
    await r.page.waitForSelector('.lanes tr[data-step="1"]');
    assert.deepEqual(await texts(r.page, '.lanes thead .lane-title'), ['X vcpu_set_affinity', 'pCPU A']);
    assert.equal(await r.page.locator('label[for="show-idle"]').textContent(), 'Show 3 idle threads');
    await r.page.check('#show-idle');
    await r.page.waitForFunction(() => document.querySelectorAll('.lanes thead .lane-title').length === 5);
    assert.deepEqual(await texts(r.page, '.lanes thead .lane-title'), [
      'X vcpu_set_affinity',
      'Y vcpu_set_affinity',
      'pCPU A',
      'pCPU B',
      'pCPU C',
    ]);
    assert.deepEqual(((await r.saved()) as { view: unknown }).view, { showIdleLanes: true, changedOnly: false, filter: '' });
    await r.page.close();
  });

  it('moves with the keyboard, backwards as forwards, and posts step indices', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('tr.selected[data-index="0"]');
    await r.page.focus('.lanes-table');
    await r.page.keyboard.press('ArrowRight');
    await r.page.waitForSelector('tr.selected[data-index="1"]');
    const forward = await shownRows(r.page);
    await r.page.keyboard.press('End');
    await r.page.waitForSelector('tr.selected[data-index="3"]');
    await r.page.keyboard.press('ArrowLeft');
    await r.page.waitForSelector('tr.selected[data-index="2"]');
    await r.page.keyboard.press('ArrowLeft');
    await r.page.waitForSelector('tr.selected[data-index="1"]');
    assert.deepEqual(await shownRows(r.page), forward, 'a step reached backwards shows what it shows reached forwards');
    await r.page.keyboard.press('Home');
    await r.page.waitForSelector('tr.selected[data-index="0"]');
    await r.page.keyboard.press('ArrowLeft'); // already first: nothing posted
    await r.page.keyboard.press('Enter');
    const posted = (await r.posted()).filter((m) => m.type !== 'ready');
    assert.deepEqual(posted, [
      { type: 'stepSelected', step: 1 },
      { type: 'stepSelected', step: 3 },
      { type: 'stepSelected', step: 2 },
      { type: 'stepSelected', step: 1 },
      { type: 'stepSelected', step: 0 },
      { type: 'openSource', step: 0 },
    ]);
    assert.equal(await r.page.getAttribute('.lanes-table', 'aria-activedescendant'), 'step-row-0');
    await r.page.close();
  });

  it('selects a step the extension names without echoing it back', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('tr.selected[data-index="0"]');
    await r.send({ type: 'select', step: 2 });
    await r.page.waitForSelector('tr.selected[data-index="2"]');
    assert.deepEqual(
      (await r.posted()).filter((m) => m.type !== 'ready'),
      [],
    );
    await r.page.close();
  });

  it('highlights what changed since the previous step, and announces only that', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('tr.selected[data-index="0"]');
    await r.page.click('tr[data-index="3"]');
    await r.page.waitForSelector('tr.selected[data-index="3"]');
    const changed = await r.page.$$eval('.state-table tr.changed', (rows) =>
      rows.map(
        (row) =>
          `${row.getAttribute('data-group')}.${row.getAttribute('data-key')}: ${row.querySelector('.value')?.textContent} (${row.querySelector('.was')?.textContent})`,
      ),
    );
    assert.deepEqual(changed, ['runq.A: v (was —)', 'running.A: idle (was v)']);
    assert.equal(await r.page.locator('.pane-title').textContent(), 'State after step 4 · 2 changes');
    assert.ok((await r.page.locator('.state-table tr:not(.changed)').count()) > 1);
    // The live region says the step and its changes; the table itself is not live.
    assert.equal(
      await r.page.locator('.state-pane [aria-live]').textContent(),
      'Step 4 of 4, S: context_saved: <wake> v; breaks INV3. Changed: runqueue of A: v, was —; running of A: idle, was v.',
    );
    assert.equal(await r.page.locator('.state-table[aria-live], .state-pane[aria-live]').count(), 0);
    // Each active cell has a name that reads as a sentence.
    assert.equal(await r.page.getByRole('gridcell', { name: 'Step 2, X: set_bit(_VPF_migrating) at line 24', exact: true }).count(), 1);
    assert.equal(
      await r.page.getByRole('gridcell', { name: 'Step 4, S: context_saved: <wake> v at line 41 ⚠ breaks INV3', exact: true }).count(),
      1,
    );
    await r.page.close();
  });

  it('filters the state by name and hides what did not change', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.click('tr[data-index="1"]');
    await r.page.waitForSelector('tr.selected[data-index="1"]');
    await r.page.fill('.state-pane input[type="search"]', 'runq');
    await r.page.waitForFunction(() => document.querySelectorAll('.state-table tbody tr').length === 2);
    assert.deepEqual(await shownRows(r.page), ['runq.A: —', 'runq.B: —']);
    assert.equal(await r.page.locator('.state-empty').textContent(), '5 entries hidden by the filter.');
    await r.page.fill('.state-pane input[type="search"]', '');
    await r.page.check('#changed-only');
    await r.page.waitForFunction(() => document.querySelectorAll('.state-table tbody tr').length === 1);
    assert.deepEqual(await shownRows(r.page), ['flags.v: migrating (was —)']);
    // The choice holds across steps, backwards too, and is kept with the panel's state.
    await r.page.click('tr[data-index="0"]');
    await r.page.waitForSelector('tr.selected[data-index="0"]');
    assert.deepEqual(await shownRows(r.page), []);
    assert.deepEqual(((await r.saved()) as { view: unknown }).view, { showIdleLanes: false, changedOnly: true, filter: '' });
    await r.page.close();
  });

  it('says when the source changed since the trace was made, and offers to run it again', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('tr.selected[data-index="0"]');
    assert.equal(await r.page.locator('.stale').isVisible(), false);
    await r.send({ type: 'stale', files: ['old_migrate.c'], canRerun: true });
    await r.page.waitForSelector('.stale[role="alert"]:not([hidden])');
    assert.equal(
      await r.page.locator('.stale span').textContent(),
      'The source changed since this trace was made (old_migrate.c): its steps may no longer match the lines they name.',
    );
    await r.page.click('.stale button[data-action="rerun"]');
    assert.deepEqual(
      (await r.posted()).filter((m) => m.type === 'rerun'),
      [{ type: 'rerun' }],
    );
    await r.send({ type: 'stale', files: [], canRerun: true });
    await r.page.waitForSelector('.stale[hidden]', { state: 'attached' });
    // Without a way to re-run (a trace file with no provenance), only the warning.
    await r.send({ type: 'stale', files: ['a.c', 'b.c'], canRerun: false });
    await r.page.waitForSelector('.stale:not([hidden])');
    assert.equal(await r.page.locator('.stale button').count(), 0);
    await r.page.close();
  });

  it('shows a race: both steps marked, both reachable, the variables and what was modelled', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: raceTrace(), origin: { title: 'burn_credits ∥ refill_credit' }, step: 0 });
    await r.page.waitForSelector('tr[data-step="3"]');
    assert.deepEqual(await texts(r.page, '.lanes thead .lane-title'), ['T1 burn_credits', 'T2 refill_credit']);
    assert.deepEqual(await texts(r.page, 'tr.marked .mark'), [
      '⚠ race on prv->credit: first access',
      '⚠ race on prv->credit: second access',
    ]);
    assert.equal(await r.page.locator('.result-badge').textContent(), '✖ violation');
    assert.match((await r.page.locator('.verdict p').first().textContent()) ?? '', /^Race after 3 steps\. Broken invariant RACE: /);
    assert.equal(
      await r.page.locator('.verdict .race').textContent(),
      'Race on prv->credit: Step 2 · T1, line 13 and Step 3 · T2, line 31',
    );
    assert.deepEqual(await texts(r.page, '.story p'), [
      'T1 (burn_credits) takes prv->lock, then sets prv->credit to 7.',
      'T2 (refill_credit) sets prv->credit to 8.',
      'Steps 2 and 3 race on prv->credit: neither holds a lock the other takes (prv->credit is written by T1 and T2 with no common lock).',
    ]);
    await r.page.click('.verdict button[data-action="race-second"]');
    await r.page.waitForSelector('tr.selected[data-step="3"]');
    assert.deepEqual(
      (await r.posted()).filter((m) => m.type !== 'ready'),
      [
        { type: 'stepSelected', step: 2 },
        { type: 'openSource', step: 2 },
      ],
    );
    // The modelled variables, the changed one highlighted and marked as the raced location.
    assert.deepEqual(await shownRows(r.page), ['locks.prv->lock: T1', 'vars.prv->credit: 8 (was 7)', 'vars.svc->budget: 5']);
    assert.equal(await r.page.locator('.state-table tr[data-breaking]').getAttribute('data-key'), 'prv->credit');
    assert.equal(await r.page.locator('details.model summary').textContent(), 'What was modelled: 2 threads, 2 locations');
    await r.page.click('details.model summary');
    assert.deepEqual(await texts(r.page, 'details.model li'), [
      'T1 runs burn_credits()',
      'T2 runs refill_credit()',
      'prv->credit',
      'svc->budget',
      'trace_var(): no shared state',
    ]);
    await r.page.close();
  });

  it('shows a failing assertion with a way to its line, and a deadlock’s cycle', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: assertTrace(), origin: { title: 'burn_credits' }, step: 0 });
    await r.page.waitForSelector('tr[data-step="2"].marked');
    assert.equal(await r.page.locator('tr.marked .mark').textContent(), '⚠ the assertion fails');
    assert.equal(await r.page.locator('.verdict .assertion').textContent(), 'Failing: ASSERT(svc->budget >= 0) Show credit.c:20');
    await r.page.click('.verdict button[data-action="assertion"]');
    assert.deepEqual(
      (await r.posted()).filter((m) => m.type === 'openAssertion'),
      [{ type: 'openAssertion' }],
    );
    await r.send({ type: 'load', trace: deadlockTrace(), origin: { title: 'tick ∥ balance' }, step: 1 });
    await r.page.waitForSelector('.cycle');
    assert.deepEqual(await texts(r.page, '.cycle li'), [
      'T1 holds prv->lock and waits for rqd->lock',
      'T2 holds rqd->lock and waits for prv->lock',
    ]);
    assert.match((await r.page.locator('.verdict p').first().textContent()) ?? '', /^Deadlock after 2 steps\./);
    assert.deepEqual(await r.page.$$eval('.state-table tr[data-breaking]', (rows) => rows.map((x) => x.getAttribute('data-key'))), [
      'prv->lock',
      'rqd->lock',
    ]);
    await r.page.close();
  });

  it('shows a malformed trace as a clear message instead of lanes', async () => {
    const r = await openReplay(browser);
    const bad = { ...violationTrace(), trace: [{ step: 1, thread: 'X', action: 'lock', state: { processor: {} } }] };
    await r.send({ type: 'load', trace: bad, origin: { title: 'broken.xsrtrace.json' }, step: 0 });
    await r.page.waitForSelector('.load-error[role="alert"]');
    assert.equal(await r.page.locator('.load-error h1').textContent(), 'Cannot show broken.xsrtrace.json');
    assert.equal(
      await r.page.locator('.error-message').textContent(),
      'Step 1 of "trace" has a malformed state: "running" must map pCPUs to a vCPU or null.',
    );
    assert.equal(await r.page.locator('.lanes').count(), 0);
    await r.send({
      type: 'load',
      trace: { ...raceTrace(), race: { first: 0, second: 3, location: 'x' } },
      origin: { title: 'race.xsrtrace.json' },
      step: 0,
    });
    await r.page.waitForSelector('text="race" must be { first: step, second: step, location }.');
    await r.send({ type: 'loadError', message: 'The file is not valid JSON: Unexpected end', origin: { title: 'x.xsrtrace.json' } });
    await r.page.waitForSelector('text=The file is not valid JSON: Unexpected end');
    await r.page.close();
  });

  it('escapes source text', async () => {
    const r = await openReplay(browser);
    const t = violationTrace();
    t.trace[0]!.action = '<img src=x onerror="window.__pwned=1">';
    await r.send({ type: 'load', trace: t, origin: { title: '<b>title</b>' }, step: 0 });
    await r.page.waitForSelector('tr[data-index="0"]');
    assert.equal(await r.page.locator('tr[data-index="0"] .action').textContent(), t.trace[0]!.action);
    assert.equal(await r.page.locator('.summary .title').textContent(), '<b>title</b>');
    assert.equal(await r.page.locator('.lanes img').count(), 0);
    await r.page.close();
  });

  it('shows verified, limit and nothing-to-check results clearly', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: verifiedResult(), origin, step: 0 });
    await r.page.waitForSelector('.verdict-verified');
    assert.equal(await r.page.locator('.verdict-verified p').textContent(), 'Verified. All 3 invariants hold in every interleaving.');
    assert.equal(await r.page.locator('.result-badge').textContent(), '✔ verified');
    assert.equal(await r.page.locator('.story').count(), 0);
    await r.send({ type: 'load', trace: longTrace(5), origin, step: 0 });
    await r.page.waitForSelector('.verdict-limit');
    assert.match(
      (await r.page.locator('.verdict-limit').textContent()) ?? '',
      /Limit reached\. State budget of 1000000 reached\. .*not a proof/,
    );
    await r.send({ type: 'load', trace: nothingToCheck(), origin, step: 0 });
    await r.page.waitForSelector('.verdict-nothing-to-check');
    assert.equal(await r.page.locator('.result-badge').textContent(), '– nothing to check');
    assert.equal(
      await r.page.locator('.verdict p').textContent(),
      'Nothing to check. dump_settings and trace_runstate share no state or lock the model tracks. Nothing was explored, so nothing is proved either.',
    );
    assert.equal(await r.page.locator('.lanes').count(), 0);
    assert.equal(await r.page.locator('details.model summary').textContent(), 'What was modelled: 2 threads, 0 locations');
    await r.page.close();
  });

  it('saves its state and restores it after a reload', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('tr.selected[data-index="0"]');
    await r.page.focus('.lanes-table');
    await r.page.keyboard.press('ArrowRight');
    await r.page.keyboard.press('ArrowRight');
    await r.page.waitForSelector('tr.selected[data-index="2"]');
    await r.page.fill('.state-pane input[type="search"]', 'lock');
    const saved = (await r.saved()) as { step: number; origin: unknown; trace: unknown; view: unknown };
    assert.equal(saved.step, 2);
    assert.deepEqual(saved.origin, origin);
    assert.deepEqual(saved.view, { showIdleLanes: false, changedOnly: false, filter: 'lock' });
    await r.page.close();
    const restored = await openReplay(browser, saved);
    await restored.page.waitForSelector('tr.selected[data-index="2"]');
    assert.match((await restored.page.locator('.position').textContent()) ?? '', /^Step 3 of 4 · X: unlock sched\(v\)/);
    assert.equal(await restored.page.inputValue('.state-pane input[type="search"]'), 'lock');
    await restored.page.close();
  });

  it('renders a 1,000-step trace quickly and keeps navigation responsive', async () => {
    const r = await openReplay(browser);
    const trace = longTrace(1000);
    const loadMs = await r.page.evaluate(async (t) => {
      const t0 = performance.now();
      window.postMessage({ type: 'load', trace: t, origin: { title: 'big' }, step: 0 }, '*');
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (document.querySelector('tr.selected[data-index="0"]')) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
      return performance.now() - t0;
    }, trace);
    await r.page.focus('.lanes-table');
    const t0 = Date.now();
    await r.page.keyboard.press('End');
    await r.page.waitForSelector('tr.selected[data-step="1000"]');
    for (let i = 0; i < 20; i++) await r.page.keyboard.press('ArrowLeft');
    await r.page.waitForSelector('tr.selected[data-step="980"]');
    const navMs = Date.now() - t0;
    assert.ok(await r.page.locator('tr.selected[data-step="980"]').isVisible());
    console.log(`# 1000-step trace: load ${loadMs.toFixed(0)} ms, End + 20 steps ${navMs} ms`);
    // Bounds far above the measured figures (tens to hundreds of ms): they catch a
    // quadratic render, not a slow CI machine. The figures themselves are logged above.
    assert.ok(loadMs < 15000, `load took ${loadMs} ms`);
    assert.ok(navMs < 15000, `navigation took ${navMs} ms`);
    await r.page.close();
  });

  for (const theme of ['dark', 'light', 'high-contrast'] as ThemeName[]) {
    it(
      `has no serious or critical axe-core violation in the ${theme} theme`,
      async () => {
        const r = await openReplay(browser, undefined, { theme });
        for (const [trace, title] of [
          [schedulerRace(), 'vcpu_set_affinity in old_migrate.c'],
          [raceTrace(), 'burn_credits ∥ refill_credit'],
        ] as const) {
          await r.send({ type: 'load', trace, origin: { title }, step: trace.trace.length - 1 });
          await r.page.waitForSelector(`tr.selected[data-index="${trace.trace.length - 1}"]`);
          await r.send({ type: 'stale', files: ['old_migrate.c'], canRerun: true });
          await r.page.waitForSelector('.stale:not([hidden])');
          for (const summary of await r.page.$$('details summary')) await summary.click();
          assert.deepEqual(await seriousViolations(r.page), [], `${theme}: ${title}`);
        }
        await r.page.close();
      },
      axeSkip,
    );
  }

  it('draws highlights with borders in the high-contrast theme, not only colours', async () => {
    const r = await openReplay(browser, undefined, { theme: 'high-contrast' });
    await r.send({ type: 'load', trace: schedulerRace(), origin, step: 9 });
    await r.page.waitForSelector('tr.selected[data-index="9"]');
    const styles = await r.page.evaluate(() => {
      const selected = getComputedStyle(document.querySelector('tr.selected')!);
      const marked = getComputedStyle(document.querySelector('tr.marked > th.num')!);
      const breaking = getComputedStyle(document.querySelector('.state-table tr.breaking > th')!);
      return {
        outline: `${selected.outlineStyle} ${selected.outlineWidth} ${selected.outlineColor}`,
        marked: marked.boxShadow,
        breaking: breaking.boxShadow,
      };
    });
    assert.equal(styles.outline, 'solid 2px rgb(243, 133, 24)', 'the selected step has the theme’s contrast border');
    assert.equal(styles.marked, 'rgb(244, 135, 113) 4px 0px 0px 0px inset', 'the breaking step has a border');
    assert.equal(styles.breaking, 'rgb(244, 135, 113) 4px 0px 0px 0px inset', 'the entries that break the invariant have a border');
    // A step whose change breaks nothing: its changed entry has the contrast border.
    await r.page.click('tr[data-index="6"]');
    await r.page.waitForSelector('tr.selected[data-index="6"]');
    const changed = await r.page.$eval('.state-table tr.changed > th', (th) => getComputedStyle(th).boxShadow);
    assert.equal(changed, 'rgb(243, 133, 24) 3px 0px 0px 0px inset', 'a changed entry has a border');
    await r.page.close();
  });
});
