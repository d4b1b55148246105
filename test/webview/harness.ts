// Loads the real webview bundle (dist/webview.js) and stylesheet into headless
// Chromium under the panel's own HTML shell and CSP, with a stub
// `acquireVsCodeApi` that records every posted message and the saved state.
// A theme's variables (captured from VS Code by scripts/e2e/theme-vars.mjs)
// can be applied as VS Code applies them, and axe-core run on the page.
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
/** axe-core's browser build: the dev dependency, or XSR_AXE naming another copy. */
const AXE = process.env.XSR_AXE ?? path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

export type ThemeName = 'dark' | 'light' | 'high-contrast';

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

/** Why the accessibility checks cannot run here, or undefined when they can. */
export function axeSkipReason(): string | undefined {
  return existsSync(AXE)
    ? undefined
    : `${path.relative(ROOT, AXE)} is absent: the accessibility checks need the npm package axe-core (a dev dependency), or XSR_AXE=/path/to/axe.min.js`;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core (WCAG 2 A/AA and best practices) on the page; returns the serious and critical violations, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim() ?? ''}`).join(' | ')}`,
    );
}

/** The variables and body class VS Code gives a webview in one of the default themes. */
function themeOf(name: ThemeName): { bodyClass: string; vars: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(ROOT, 'test', 'webview', 'themes', `${name}.json`), 'utf8')) as {
    bodyClass: string;
    vars: Record<string, string>;
  };
}

/** Opens a page with the panel's HTML; `initialState` is what getState() returns (a restored panel). */
export async function openReplay(
  browser: Browser,
  initialState?: unknown,
  opts: { theme?: ThemeName; width?: number; height?: number } = {},
): Promise<Loaded> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 800 } });
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
  const theme = opts.theme ? themeOf(opts.theme) : undefined;
  await page.addInitScript(
    ({ state, theme }: { state: unknown; theme?: { bodyClass: string; vars: Record<string, string> } }) => {
      const w = window as unknown as Record<string, unknown>;
      // As VS Code does: the theme's variables on <html> and its class on <body>, set through the CSSOM (the CSP allows it).
      if (theme) {
        document.addEventListener('DOMContentLoaded', () => {
          for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(k, v);
          document.body.classList.add(theme.bodyClass);
        });
      }
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
    },
    { state: initialState ?? null, ...(theme ? { theme } : {}) },
  );
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
