// The race-replay webview in headless Chromium: the real dist/webview.js under
// the panel's CSP, with a stub VS Code API recording what the page posts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Browser } from 'playwright-core';

import { longTrace, verifiedResult, violationTrace } from './fixtures';
import { launch, openReplay, skipReason } from './harness';

const skip = skipReason();
if (skip) console.log(`# webview browser tests skipped: ${skip}`);
const origin = { title: 'vcpu_set_affinity in old_migrate.c', documentUri: 'file:///ws/old_migrate.c' };

// Each test is skipped on its own (not the suite), so the runner counts them as skipped.
const it = (name: string, fn: () => Promise<void>): void => {
  test(name, { skip }, fn);
};

describe('race replay webview', () => {
  let browser: Browser;
  before(async () => {
    if (!skip) browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('draws one lane per thread with each action in its thread’s lane', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('.lanes .row[data-step="4"]');
    const headers = await r.page.$$eval('.lanes-header .lane-title', (els) => els.map((e) => e.textContent?.trim()));
    assert.deepEqual(headers, ['X', 'S']);
    const rows = await r.page.$$eval('.lanes .row', (rows) =>
      rows.map((row) => [...row.querySelectorAll('.cell.lane')].map((c) => c.querySelector('.action')?.textContent ?? '')),
    );
    assert.deepEqual(rows, [
      ['lock sched(v)', ''],
      ['set_bit(_VPF_migrating)', ''],
      ['unlock sched(v)', ''],
      ['', 'context_saved: <wake> v'],
    ]);
    assert.equal(
      await r.page.locator('.verdict').textContent(),
      'Violation of INV3 after 4 steps. Broken invariant INV3: a vCPU that is migrating and not running must be on no runqueue. v is migrating and not running, yet it is queued on A.',
    );
    assert.equal(await r.page.locator('vscode-badge.result-badge').textContent(), 'violation');
    assert.deepEqual(await r.cspViolations(), [], 'the page runs under its CSP without violations');
    await r.page.close();
  });

  it('moves with the keyboard and posts step indices', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('.row.selected[data-index="0"]');
    await r.page.focus('.lanes');
    await r.page.keyboard.press('ArrowRight');
    await r.page.waitForSelector('.row.selected[data-index="1"]');
    await r.page.keyboard.press('End');
    await r.page.waitForSelector('.row.selected[data-index="3"]');
    await r.page.keyboard.press('ArrowLeft');
    await r.page.waitForSelector('.row.selected[data-index="2"]');
    await r.page.keyboard.press('Home');
    await r.page.waitForSelector('.row.selected[data-index="0"]');
    await r.page.keyboard.press('ArrowLeft'); // already first: nothing posted
    await r.page.keyboard.press('Enter');
    const posted = (await r.posted()).filter((m) => m.type !== 'ready');
    assert.deepEqual(posted, [
      { type: 'stepSelected', step: 1 },
      { type: 'stepSelected', step: 3 },
      { type: 'stepSelected', step: 2 },
      { type: 'stepSelected', step: 0 },
      { type: 'openSource', step: 0 },
    ]);
    assert.equal(await r.page.getAttribute('.lanes', 'aria-activedescendant'), 'step-row-0');
    await r.page.close();
  });

  it('selects a step the extension names without echoing it back', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('.row.selected[data-index="0"]');
    await r.send({ type: 'select', step: 2 });
    await r.page.waitForSelector('.row.selected[data-index="2"]');
    assert.deepEqual(
      (await r.posted()).filter((m) => m.type !== 'ready'),
      [],
    );
    await r.page.close();
  });

  it('highlights what changed since the previous step', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('.row.selected[data-index="0"]');
    await r.page.click('.row[data-index="3"]');
    await r.page.waitForSelector('.row.selected[data-index="3"]');
    const changed = await r.page.$$eval('vscode-table-row.changed', (rows) =>
      rows.map(
        (row) =>
          `${row.getAttribute('data-group')}.${row.getAttribute('data-key')}: ${row.querySelector('.value')?.textContent} (${row.querySelector('.was')?.textContent})`,
      ),
    );
    assert.deepEqual(changed, ['runq.A: v (was —)', 'running.A: idle (was v)']);
    assert.match((await r.page.locator('.pane-title').textContent()) ?? '', /State after step 4 · 2 changes/);
    const unchanged = await r.page.$$eval('vscode-table-row:not(.changed)', (rows) => rows.length);
    assert.ok(unchanged > 0);
    // The table's columns line up with its header after the rows were replaced.
    await r.page.waitForFunction(
      () => {
        const head = document.querySelectorAll('vscode-table-header-cell')[2]?.getBoundingClientRect();
        const cell = document.querySelector('vscode-table-row')?.querySelectorAll('vscode-table-cell')[2]?.getBoundingClientRect();
        return !!head && !!cell && Math.abs(head.left - cell.left) < 2;
      },
      null,
      { timeout: 2000 },
    );
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
    await r.send({ type: 'loadError', message: 'The file is not valid JSON: Unexpected end', origin: { title: 'x.xsrtrace.json' } });
    await r.page.waitForSelector('text=The file is not valid JSON: Unexpected end');
    await r.page.close();
  });

  it('escapes source text', async () => {
    const r = await openReplay(browser);
    const t = violationTrace();
    t.trace[0]!.action = '<img src=x onerror="window.__pwned=1">';
    await r.send({ type: 'load', trace: t, origin: { title: '<b>title</b>' }, step: 0 });
    await r.page.waitForSelector('.row[data-index="0"]');
    assert.equal(await r.page.locator('.row[data-index="0"] .action').textContent(), t.trace[0]!.action);
    assert.equal(await r.page.locator('.summary .title').textContent(), '<b>title</b>');
    assert.equal(await r.page.locator('.lanes img').count(), 0);
    await r.page.close();
  });

  it('shows verified and limit results clearly', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: verifiedResult(), origin, step: 0 });
    await r.page.waitForSelector('.verdict-verified');
    assert.equal(await r.page.locator('.verdict-verified').textContent(), 'Verified. All 3 invariants hold in every interleaving.');
    assert.equal(await r.page.locator('vscode-badge.result-badge').textContent(), 'verified');
    await r.send({ type: 'load', trace: longTrace(5), origin, step: 0 });
    await r.page.waitForSelector('.verdict-limit');
    assert.match(
      (await r.page.locator('.verdict-limit').textContent()) ?? '',
      /Limit reached\. State budget of 1000000 reached\. .*not a proof/,
    );
    await r.page.close();
  });

  it('saves its state and restores it after a reload', async () => {
    const r = await openReplay(browser);
    await r.send({ type: 'load', trace: violationTrace(), origin, step: 0 });
    await r.page.waitForSelector('.row.selected[data-index="0"]');
    await r.page.focus('.lanes');
    await r.page.keyboard.press('ArrowRight');
    await r.page.keyboard.press('ArrowRight');
    await r.page.waitForSelector('.row.selected[data-index="2"]');
    const saved = (await r.saved()) as { step: number; origin: unknown; trace: unknown };
    assert.equal(saved.step, 2);
    assert.deepEqual(saved.origin, origin);
    await r.page.close();
    const restored = await openReplay(browser, saved);
    await restored.page.waitForSelector('.row.selected[data-index="2"]');
    assert.match((await restored.page.locator('.position').textContent()) ?? '', /^Step 3 of 4 · X: unlock sched\(v\)/);
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
          if (document.querySelector('.row.selected[data-index="0"]')) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
      return performance.now() - t0;
    }, trace);
    const rowsInDom = await r.page.$$eval('.lanes .row', (rows) => rows.length);
    assert.ok(rowsInDom < 150, `only the rows in view are in the DOM (${rowsInDom})`);
    await r.page.focus('.lanes');
    const t0 = Date.now();
    await r.page.keyboard.press('End');
    await r.page.waitForSelector('.row.selected[data-step="1000"]');
    for (let i = 0; i < 20; i++) await r.page.keyboard.press('ArrowLeft');
    await r.page.waitForSelector('.row.selected[data-step="980"]');
    const navMs = Date.now() - t0;
    assert.ok(await r.page.locator('.row.selected[data-step="980"]').isVisible());
    console.log(`# 1000-step trace: load ${loadMs.toFixed(0)} ms, End + 20 steps ${navMs} ms, ${rowsInDom} rows in the DOM`);
    // Bounds far above the measured figures (tens to hundreds of ms): they catch a
    // quadratic render, not a slow CI machine. The figures themselves are logged above.
    assert.ok(loadMs < 15000, `load took ${loadMs} ms`);
    assert.ok(navMs < 15000, `navigation took ${navMs} ms`);
    await r.page.close();
  });
});
