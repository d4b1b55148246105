// Loads the real webview bundle (dist/webview.js) and stylesheet into headless
// Chromium under the panel's own HTML shell and CSP, with a stub
// `acquireVsCodeApi` that records every posted message and the saved state.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { replayShell } from '../../client/src/replay/shell';

const CHROMIUM = process.env.XSR_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const ROOT = path.resolve(__dirname, '..', '..', '..');
const ORIGIN = 'https://xsr-webview.test';
const BUNDLE = path.join(ROOT, 'dist', 'webview.js');

/** Why the browser tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!existsSync(CHROMIUM))
    return `${CHROMIUM} is absent: install Debian's chromium package (apt-get install chromium) to run the webview tests`;
  if (!existsSync(BUNDLE)) return 'dist/webview.js is absent: run node scripts/bundle.mjs first';
  return undefined;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface Loaded {
  page: Page;
  /** Messages the page posted to the extension, in order. */
  posted(): Promise<{ type: string; step?: number }[]>;
  /** The state last saved with setState. */
  saved(): Promise<unknown>;
  /** Content Security Policy violations reported by the page. */
  cspViolations(): Promise<string[]>;
  send(message: unknown): Promise<void>;
}

/** Opens a page with the panel's HTML; `initialState` is what getState() returns (a restored panel). */
export async function openReplay(browser: Browser, initialState?: unknown): Promise<Loaded> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const html = replayShell({
    cspSource: ORIGIN,
    nonce: 'dGVzdG5vbmNlMTIzNDU2',
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/media/replay.css`,
    title: 'Race Replay',
  });
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/' || url.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    const file = path.join(ROOT, url.pathname);
    if (!file.startsWith(ROOT) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file) });
  });
  await page.addInitScript((state: unknown) => {
    const w = window as unknown as Record<string, unknown>;
    w.__posted = [];
    w.__state = state;
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => (w.__csp as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => (w.__posted as unknown[]).push(JSON.parse(JSON.stringify(m))),
      getState: () => w.__state,
      setState: (s: unknown) => {
        w.__state = JSON.parse(JSON.stringify(s));
      },
    });
  }, initialState ?? null);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return {
    page,
    posted: () => page.evaluate(() => (window as unknown as { __posted: { type: string; step?: number }[] }).__posted),
    saved: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    send: (message: unknown) => page.evaluate((m) => window.postMessage(m, '*'), message as object),
  };
}
