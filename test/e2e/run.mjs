// End-to-end tests in a real VS Code: code-server 4.100.3 (VS Code 1.100 with a
// Node extension host) driven by headless Debian Chromium through playwright-core.
// The extension is packaged as a VSIX and installed into a throw-away extensions
// folder; a Xen-style fixture workspace is opened; every check waits on a DOM
// condition (never on a sleep). See docs/testing.md for the set-up facts.
// File dialogs are VS Code's simple file dialog (a quick input holding a path);
// the Check Patch check reads workspace/add-patched.patch (a new patched.c with an
// XSR002). The last checks run in a second, short session with workspace trust
// on, answered "No" at the prompt: restricted mode. A failed check leaves, in
// screenshots/, a screenshot and the workbench log: the browser console (the
// extension host's lines included), code-server's output and the session's
// log folder (window, extension host, and the extension's output channel).
//
// Usage: node test/e2e/run.mjs [--keep] [--only NAME] [--timeout MS] [--docs-images]
//   --keep     leave the temp folders (user data, workspace copy) for inspection
//   --only     run only the checks whose name contains NAME (after the set-up checks)
//   --timeout  the wait per server-dependent check (default 20000 ms)
//   --docs-images  also write the screenshots the README shows (docs/images/replay-{dark,light,
//              high-contrast}.png, inlay-hints.png)
//   XSR_AXE=/path/to/axe.min.js  axe-core for the accessibility check when it is not in node_modules
//   --mock-server  replace the installed extension's dist/xsr.js with the canned
//              stand-in test/e2e/mock-server.cjs: checks the client side only
// Needs `npm run build` first (dist/client.js, dist/webview.js, dist/xsr.js, and
// out/test/shared/fixtureMarks.js for the lines the fixture marks).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { fixtureMarks } from '../../out/test/shared/fixtureMarks.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = path.join(ROOT, 'screenshots');
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
const args = process.argv.slice(2);
const KEEP = args.includes('--keep');
const ONLY = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '') : '';
const WAIT = Number(args.includes('--timeout') ? args[args.indexOf('--timeout') + 1] : 20000);
const MOCK = args.includes('--mock-server');
const FIXTURE = 'old_migrate.c';
/** The fixture's lines the checks go to, by its `/* @name *\/` markers (test/shared/fixtureMarks.ts). */
const MARKS = fixtureMarks(readFileSync(path.join(ROOT, 'test', 'e2e', 'workspace', FIXTURE), 'utf8'), FIXTURE);

const results = [];
const cleanups = [];
let serverFailure;
/** What a failed check's log is made of: the browser console, code-server's output, the session's log folder. */
const workbenchLog = { console: [], codeServer: [], userData: undefined };

function log(msg) {
  console.log(`# ${msg}`);
}

/** Runs one named check; a failure is recorded (with a screenshot) and the run goes on. */
async function check(name, page, fn, { setup = false } = {}) {
  if (!setup && ONLY && !name.includes(ONLY)) return;
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - t0 });
    console.log(`✔ ${name} (${Date.now() - t0}ms)`);
  } catch (e) {
    const reason = (e?.message ?? String(e)).split('\n')[0];
    results.push({ name, ok: false, ms: Date.now() - t0, reason });
    console.log(`✖ ${name} (${Date.now() - t0}ms)\n    ${reason}`);
    const slug = `e2e-failed-${name.replace(/\W+/g, '-')}`;
    if (page) await page.screenshot({ path: path.join(SHOTS, `${slug}.png`) }).catch(() => {});
    saveWorkbenchLog(slug, name, e);
    log(`failure saved: ${path.relative(ROOT, path.join(SHOTS, slug))}{.png,.log,-logs/}`);
    if (setup) throw new Error(`set-up check failed: ${name}`, { cause: e });
  }
}

/** A browser console message as text, kept for the workbench log too. */
function consoleText(m) {
  // The extension host's lines come styled: "%c[Extension Host] %c… color: blue color: ".
  const text = m
    .text()
    .replace(/%c/g, '')
    .replace(/(\s*color: [^;]*?)+\s*$/, '');
  workbenchLog.console.push(`[${m.type()}] ${text}`);
  return text;
}

/** Writes what the workbench logged up to a failure next to its screenshot. */
function saveWorkbenchLog(slug, name, error) {
  try {
    const text = [
      `check: ${name}`,
      `error: ${error?.stack ?? String(error)}`,
      '',
      '== browser console (the extension host included) ==',
      ...workbenchLog.console,
      '',
      '== code-server output ==',
      workbenchLog.codeServer.join(''),
    ].join('\n');
    writeFileSync(path.join(SHOTS, `${slug}.log`), text);
    const logs = workbenchLog.userData && path.join(workbenchLog.userData, 'logs');
    if (logs && existsSync(logs)) cpSync(logs, path.join(SHOTS, `${slug}-logs`), { recursive: true });
  } catch (e) {
    log(`could not save the workbench log: ${e?.message ?? e}`);
  }
}

/**
 * Waits until the active editor shows a finding of the language server (an
 * error squiggle): after a reload the server starts again, and until it has
 * published, the editor has no code actions of ours to offer.
 */
function waitForFindings(page) {
  return waitServer(page, () => document.querySelector('.monaco-editor .view-overlays .squiggly-error') !== null);
}

/**
 * After the cursor moved onto `line`, waits until an open race-replay panel
 * has followed it (the step on that line selected, and its marker drawn in the
 * editor, which the extension reveals first): on a loaded machine that round
 * trip can land after the next key press and scroll the editor under it.
 */
async function replayFollows(page, frame, line) {
  if (!frame) return;
  const traced = await frame
    .$$eval('.lanes .row .where', (cells, line) => cells.some((c) => c.textContent === `L${line}`), line)
    .catch(() => false);
  if (!traced) return;
  const row = await frame.waitForSelector(`.lanes .row.selected:has(.where:text-is("L${line}"))`, { timeout: WAIT });
  await stepMarker(page, await row.getAttribute('data-step'));
}

/** Waits for the quick-fix list after Ctrl+.; fails at once, saying so, when VS Code answers that there are none. */
async function quickFixList(page) {
  const shown = await page.waitForFunction(
    () => {
      if (document.querySelector('.action-widget .monaco-list-row.action')) return 'list';
      const message = document.querySelector('.monaco-editor-overlaymessage')?.textContent ?? '';
      return message.includes('No code actions available') ? message : false;
    },
    null,
    { timeout: WAIT },
  );
  const what = await shown.jsonValue();
  if (what !== 'list') throw new Error(`VS Code answered "${what.trim()}"`);
}

/**
 * Ctrl+. on the current line until the quick-fix list shows. Once, in a
 * loaded CI run just after a window reload, VS Code answered "No code actions
 * available" on the finding's line, although the server offers the fix for
 * any range on that line (test/lsp/features.test.ts) and the same run had
 * shown the finding; the cause was not found (the replay panel, which follows
 * the cursor, is the suspect). That answer is logged and the question asked
 * again, until the list shows or WAIT is spent.
 */
async function askQuickFix(page) {
  const deadline = Date.now() + WAIT;
  for (let asked = 1; ; asked++) {
    await page.keyboard.press('Control+.');
    try {
      await quickFixList(page);
      return;
    } catch (e) {
      if (Date.now() > deadline || !/No code actions available/.test(String(e))) throw e;
      log(`quick fix, ask ${asked}: ${String(e.message ?? e)}; asking again`);
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('.monaco-editor-overlaymessage'), null, { timeout: WAIT });
    }
  }
}

/** Fails at once when the language server is known not to have started. */
function needsServer() {
  if (serverFailure) throw new Error(`the language server did not start (${serverFailure})`);
}

// Rejected as soon as the extension logs that its server failed, so that waits
// for server results end then instead of at their timeout.
let rejectServer;
const serverFailed = new Promise((_, reject) => {
  rejectServer = reject;
});
serverFailed.catch(() => {});

/** Waits for a DOM condition in the page unless the server fails first. */
function waitServer(page, fn, arg) {
  return Promise.race([page.waitForFunction(fn, arg, { timeout: WAIT }), serverFailed]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The user settings of a session; `trust: true` leaves workspace trust on (restricted-mode session). */
function writeUserSettings(userData, { trust = false } = {}) {
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'editor.inlayHints.enabled': 'on',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        ...(trust ? {} : { 'security.workspace.trust.enabled': false }),
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'editor.codeLens': true,
        'editor.hover.delay': 100,
      },
      null,
      2,
    ),
  );
}

function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (!KEEP) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function setUpCodeServer() {
  const res = spawnSync('bash', [path.join(ROOT, 'scripts/e2e/setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error('scripts/e2e/setup.sh failed');
  const entry = res.stdout.trim().split('\n').pop();
  if (!entry || !existsSync(entry)) throw new Error(`code-server entry point not found: ${entry}`);
  return entry;
}

function packageExtension(outDir) {
  for (const f of ['dist/client.js', 'dist/webview.js']) {
    if (!existsSync(path.join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
  if (!MOCK && !existsSync(path.join(ROOT, 'dist/xsr.js')))
    log('dist/xsr.js is missing: the language server cannot start, so server checks will fail');
  const vsix = path.join(outDir, 'xsr-e2e.vsix');
  const vsce = path.join(ROOT, 'node_modules/.bin/vsce');
  const res = spawnSync(vsce, ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', vsix], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (res.status !== 0 || !existsSync(vsix)) throw new Error(`vsce package failed: ${(res.stderr || res.stdout).trim().split('\n').pop()}`);
  return vsix;
}

/** Swaps the installed extension's server for the canned stand-in (--mock-server). */
async function installMockServer(extensionsDir) {
  const installed = readdirSync(extensionsDir).find((d) => d.startsWith('xen-scheduler-review.'));
  if (!installed) throw new Error(`the extension is not in ${extensionsDir}`);
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'test/e2e/mock-server.cjs')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: path.join(extensionsDir, installed, 'dist', 'xsr.js'),
    nodePaths: [path.join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  log('MOCK SERVER: the language server is the canned stand-in test/e2e/mock-server.cjs; server results are not verified');
}

/** `trust: true` leaves workspace trust on (the restricted-mode session); otherwise it is disabled. */
function codeServerArgs(dirs, port, { trust = false } = {}) {
  return [
    '--config',
    dirs.config,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(trust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir',
    dirs.userData,
    '--extensions-dir',
    dirs.extensions,
    ...(port ? ['--bind-addr', `127.0.0.1:${port}`] : []),
  ];
}

/** Starts code-server on a free port; returns the workbench URL and a function that stops it. */
async function startCodeServer(entry, dirs, workspace, options) {
  const port = await freePort();
  const child = spawn(process.execPath, [entry, ...codeServerArgs(dirs, port, options), workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 10000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  cleanups.unshift(stop);
  let out = '';
  workbenchLog.userData = dirs.userData;
  workbenchLog.codeServer.length = 0;
  const keep = (d) => workbenchLog.codeServer.push(String(d));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within 30 s:\n${out}`)), 30000);
    const onData = (d) => {
      out += d;
      if (/HTTP server listening/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${out}`));
    });
  });
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, stop };
}

/** The text of the editor's visible lines, one string per line (inlay hints included). */
function editorText(page) {
  return page.$$eval('.monaco-editor .view-lines .view-line', (lines) =>
    lines.map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n'),
  );
}

/** The webview frame of the race-replay panel (code-server nests the page in two iframes). */
async function replayFrame(page, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (await frame.$('.app .summary, .app .load-error, .app .busy').catch(() => null)) return frame;
    }
    if (Date.now() > deadline) throw new Error('no race-replay webview appeared');
    await page.waitForEvent('framenavigated', { timeout: Math.max(100, Math.min(1000, deadline - Date.now())) }).catch(() => {});
  }
}

/**
 * Waits for the editor line that carries the replay's "◀ step N · …" decoration
 * (CSS ::after content of a span in the view line) and returns its text.
 */
function stepMarker(page, n, { gone = false } = {}) {
  return page.waitForFunction(
    ({ n, gone }) => {
      const unescape = (c) =>
        c
          .replace(/^"|"$/g, '')
          .replace(/\\([0-9a-fA-F]{1,6})\s?/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
          .replace(/\\(.)/g, '$1');
      for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
        const after = [...line.querySelectorAll('span')]
          .map((s) => getComputedStyle(s, '::after').content)
          .filter((c) => c && c !== 'none' && c !== 'normal')
          .map(unescape)
          .join('');
        if (after.replace(/\u00a0/g, ' ').includes(`◀ step ${n} `))
          return gone ? false : `${(line.textContent ?? '').replace(/\u00a0/g, ' ')} ${after}`;
      }
      return gone;
    },
    { n, gone },
    { timeout: WAIT },
  );
}

async function closeAllEditors(page) {
  // With the tabs' close buttons: keyboard chords typed inside a webview are not
  // forwarded. A click that lands while an editor is still opening can be ignored,
  // so each close is retried a few times.
  const tabs = page.locator('.tabs-container .tab');
  for (let n = await tabs.count(), tries = 0; n > 0; n = await tabs.count()) {
    if (++tries > 3 * 10) throw new Error(`could not close the editors (${n} left)`);
    const tab = tabs.first();
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await page.waitForFunction((n) => document.querySelectorAll('.tabs-container .tab').length < n, n, { timeout: 3000 }).catch(() => {});
  }
}

/** Leaves only the fixture open, as the server checks expect. */
async function resetToFixture(page) {
  await closeAllEditors(page);
  await openQuick(page, FIXTURE);
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.monaco-editor .view-lines')].some((e) => e.textContent?.includes('vcpu_set_affinity')),
  );
}

/**
 * Types into the quick input that `key` opens (Ctrl+P, Ctrl+G, F1), once its box
 * has the focus: keys sent earlier land in the editor. `prefix` is what the box
 * starts with (the command palette's `>`); fill() sets the whole value at once.
 */
async function quickInput(page, key, text, prefix = '') {
  // On a loaded machine a click that activated an editor can land after the key
  // press and take the focus back, and a quick input closes when it loses focus:
  // open it again until it holds the focus (each attempt waits on the DOM).
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    const focused = await page
      .waitForFunction(
        () => {
          const w = document.activeElement?.closest('.quick-input-widget');
          return !!w && w.style.display !== 'none';
        },
        null,
        { timeout: attempt < 3 ? 10000 : WAIT },
      )
      .then(
        () => true,
        () => false,
      );
    if (focused) break;
    if (attempt >= 3) throw new Error(`the quick input opened by ${key} never held the focus`);
    await page.keyboard.press('Escape');
  }
  await page.locator('.quick-input-widget input:not([type="checkbox"])').first().fill(`${prefix}${text}`);
}

/** Activates the editor tab named `name` and waits until its editor has the keyboard focus. */
async function focusTab(page, name) {
  await page.locator('.tab', { hasText: name }).first().click();
  await page.waitForFunction(
    (name) => {
      const active = document.activeElement;
      const group = active?.closest('.editor-group-container');
      return !!active?.closest('.monaco-editor') && !!group?.querySelector('.tab.active')?.textContent?.includes(name);
    },
    name,
    { timeout: WAIT },
  );
}

/** Opens a workspace file through Quick Open (Ctrl+P). */
async function openQuick(page, name) {
  await quickInput(page, 'Control+P', name);
  // Enter opens the focused row: wait until the filter has put the file there
  // (before it applies, the focused row is the most recently opened file).
  await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label*="${name}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
}

async function gotoLine(page, line) {
  await quickInput(page, 'Control+G', String(line), ':');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
}

/** The race-replay webview whose header names `title` (a panel or a `.xsrtrace.json` custom editor). */
async function replayFrameTitled(page, title, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      const shown = await frame.$eval('.app .summary .title', (e) => e.textContent).catch(() => null);
      if (shown === title) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no race-replay webview titled ${title} appeared`);
    await page.waitForEvent('framenavigated', { timeout: Math.max(100, Math.min(1000, deadline - Date.now())) }).catch(() => {});
  }
}

/**
 * Answers VS Code's simple file dialog (in the browser: a quick input holding a
 * path, with the folder's entries listed below) with `name` in `folder`.
 */
async function answerFileDialog(page, folder, name) {
  // The dialog opens on some folder and then moves to its default one, rewriting
  // the box when that folder's entries arrive: wait for that, or the answer is
  // overwritten. The box then holds `folder/` (open) or `folder/<default name>` (save).
  await page.waitForFunction(
    (folder) => {
      const input = document.querySelector('.quick-input-widget input');
      if (
        !input ||
        input.offsetParent === null ||
        !input.value.startsWith(`${folder}/`) ||
        input.value.slice(folder.length + 1).includes('/')
      )
        return false;
      return [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some(
        (r) => r.getAttribute('aria-label') === 'saved.xsrtrace.json',
      );
    },
    folder,
    { timeout: WAIT },
  );
  const input = page.locator('.quick-input-widget input');
  // Only the name changes, so the dialog stays in the folder (a fill is one input event).
  const file = `${folder}/${name}`;
  await input.fill(file);
  await page.waitForFunction((f) => document.querySelector('.quick-input-widget input')?.value === f, file);
  await input.press('Enter');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden', timeout: WAIT });
}

/** Waits for a notification toast whose text matches `re`; returns its text. */
async function toast(page, re) {
  const handle = await page.waitForFunction(
    (source) => {
      const re = new RegExp(source);
      return [...document.querySelectorAll('.notifications-toasts .notification-list-item-message')]
        .map((e) => e.textContent ?? '')
        .find((t) => re.test(t));
    },
    re.source,
    { timeout: WAIT },
  );
  return handle.jsonValue();
}

/**
 * Opens the command palette (F1) on `query`, waits until every `expected` label
 * is listed, and returns the labels of all rows; the palette is closed again.
 */
async function paletteLabels(page, query, expected) {
  await quickInput(page, 'F1', query, '>');
  await page.waitForFunction(
    (expected) => {
      const shown = [...document.querySelectorAll('.quick-input-list .monaco-list-row')].map((r) => r.getAttribute('aria-label') ?? '');
      return expected.every((e) => shown.some((l) => l.includes(e)));
    },
    expected,
    { timeout: WAIT },
  );
  const shown = await page.$$eval('.quick-input-list .monaco-list-row', (rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  await page.keyboard.press('Escape');
  await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
  return shown;
}

/**
 * Problems-panel markers as [file, text] pairs. The panel is a tree: files at
 * aria-level 1, their markers at 2, a marker's related locations at 3.
 */
function problemRows(page) {
  return page.$$eval('.markers-panel .monaco-list-row', (rows) => {
    let file = '';
    const out = [];
    for (const r of rows) {
      const text = (r.textContent ?? '').replace(/\u00a0/g, ' ');
      const level = r.getAttribute('aria-level');
      if (level === '1') file = (r.querySelector('.label-name')?.textContent ?? text).replace(/\u00a0/g, ' ');
      else if (level === '2') out.push([file, text]);
    }
    return out;
  });
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  if (!existsSync(CHROMIUM)) {
    console.log(`✖ e2e: ${CHROMIUM} is absent (apt-get install chromium, or run scripts/e2e/setup.sh as root)`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const { chromium } = await import('playwright-core');

  let page;
  let entry;
  let url;
  const consoleLines = [];
  await check(
    'install code-server',
    undefined,
    async () => {
      entry = setUpCodeServer();
    },
    { setup: true },
  );

  const tmp = tempDir('xsr-e2e-');
  const dirs = { userData: path.join(tmp, 'user-data'), extensions: path.join(tmp, 'extensions'), config: path.join(tmp, 'config.yaml') };
  const workspace = path.join(tmp, 'workspace');
  await check(
    'package and install the extension',
    undefined,
    async () => {
      mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
      mkdirSync(dirs.extensions, { recursive: true });
      writeFileSync(dirs.config, 'auth: none\ncert: false\n');
      writeUserSettings(dirs.userData);
      cpSync(path.join(ROOT, 'test/e2e/workspace'), workspace, { recursive: true });
      const vsix = packageExtension(tmp);
      const res = spawnSync(process.execPath, [entry, ...codeServerArgs(dirs), '--install-extension', vsix], { encoding: 'utf8' });
      if (res.status !== 0) throw new Error(`--install-extension failed: ${(res.stderr || res.stdout).trim()}`);
      if (MOCK) await installMockServer(dirs.extensions);
    },
    { setup: true },
  );

  let stopCodeServer;
  await check(
    'start code-server',
    undefined,
    async () => {
      ({ url, stop: stopCodeServer } = await startCodeServer(entry, dirs, workspace));
    },
    { setup: true },
  );

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  cleanups.unshift(() => browser.close());
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.on('console', (m) => {
    const text = consoleText(m);
    consoleLines.push(text);
    const failed = /\[xsr\] language server failed to start: (.*)/.exec(text);
    if (failed) {
      serverFailure = failed[1];
      rejectServer(new Error(`the language server did not start (${serverFailure})`));
    }
  });

  await check(
    'workbench loads',
    page,
    async () => {
      await page.goto(url);
      await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    },
    { setup: true },
  );

  await check(
    `open ${FIXTURE}`,
    page,
    async () => {
      await page
        .locator('.monaco-workbench')
        .click({ position: { x: 700, y: 400 } })
        .catch(() => {});
      await openQuick(page, FIXTURE);
      await page.waitForFunction(
        () => [...document.querySelectorAll('.monaco-editor .view-lines')].some((e) => e.textContent?.includes('vcpu_set_affinity')),
        null,
        { timeout: 30000 },
      );
    },
    { setup: true },
  );

  await check(
    'extension activates',
    page,
    async () => {
      const activated = () => consoleLines.some((l) => l.includes('[Extension Host]') && l.includes('[xsr] Xen Scheduler Review'));
      const deadline = Date.now() + 30000;
      while (!activated()) {
        if (Date.now() > deadline) throw new Error('no "[Extension Host] [xsr] … activated" console line within 30 s');
        await page.waitForEvent('console', { timeout: deadline - Date.now() }).catch(() => {});
      }
      // The status bar item appears once a C editor is active.
      await page.waitForSelector(
        '.statusbar-item[id="xen-scheduler-review.xen-scheduler-review.xsr.status"], .statusbar-item:has-text("XSR")',
        { timeout: 10000 },
      );
    },
    { setup: true },
  );

  // The custom editor for saved traces needs no server: it runs before the server checks.
  await check('a saved .xsrtrace.json opens as a race replay', page, async () => {
    await openQuick(page, 'saved.xsrtrace.json');
    const f = await replayFrame(page, 20000);
    await f.waitForSelector('.verdict-violation');
    await f.waitForSelector('.lanes .row[data-step="4"]');
    const lanes = await f.$$eval('.lanes thead .lane-title', (els) => els.map((e) => e.textContent?.trim()));
    if (lanes.join(',') !== 'X,S') throw new Error(`lanes ${lanes.join(',')}`);
    await f.click('.lanes .row[data-step="2"]');
    await f.waitForSelector('.state-table tr.changed[data-group="flags"]');
    // The step's source line opens beside the trace, highlighted.
    const line = await (await stepMarker(page, 2)).jsonValue();
    if (!line.includes('set_bit(_VPF_migrating')) throw new Error(`step 2 highlights "${line}"`);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-saved-trace.png') });
    await resetToFixture(page);
  });

  await check('a malformed .xsrtrace.json shows a clear message', page, async () => {
    await openQuick(page, 'broken.xsrtrace.json');
    const f = await replayFrame(page, 20000);
    const text = await (await f.waitForSelector('.load-error[role="alert"]')).textContent();
    if (!/Cannot show broken\.xsrtrace\.json/.test(text) || !/Step 1 of "trace" has no "action" text/.test(text))
      throw new Error(`message: ${text}`);
    await resetToFixture(page);
  });

  await check('Problems panel lists XSR001', page, async () => {
    needsServer();
    await page.keyboard.press('Control+Shift+M');
    await waitServer(page, () =>
      [...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => r.textContent?.includes('XSR001')),
    );
    const rows = await page.$$eval('.markers-panel .monaco-list-row', (rs) => rs.map((r) => r.textContent));
    log(
      `Problems: ${rows
        .filter((r) => /XSR\d{3}/.test(r ?? ''))
        .map((r) => /XSR\d{3}/.exec(r)[0])
        .join(', ')}`,
    );
    await page.keyboard.press('Control+J'); // hide the panel again, for room
    await page.waitForSelector('.markers-panel', { state: 'hidden' });
  });

  await check('inlay hint names sched(v)', page, async () => {
    needsServer();
    await waitServer(page, () =>
      [...document.querySelectorAll('.monaco-editor .view-line span')].some(
        (s) => s.children.length === 0 && /sched\(v\)/.test(s.textContent ?? ''),
      ),
    );
    await page.screenshot({ path: path.join(SHOTS, 'e2e-inlay-hints.png') });
  });

  await check('hover shows the locks held', page, async () => {
    needsServer();
    await page.click('.monaco-editor .view-lines');
    await gotoLine(page, MARKS('affinity_copy').line);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await waitServer(page, () =>
      [...document.querySelectorAll('.monaco-hover .hover-contents')].some((h) => h.textContent?.includes('sched(v)')),
    );
    await page.keyboard.press('Escape');
  });

  let frame;
  await check('code lens opens the race replay with a violation', page, async () => {
    needsServer();
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Simulate interleavings' }).first();
    await lens.waitFor({ timeout: WAIT });
    await lens.click();
    frame = await replayFrame(page, WAIT);
    await frame.waitForSelector('.verdict-violation', { timeout: WAIT });
    await frame.waitForSelector('.lanes .row.selected');
    log(`replay: ${(await frame.textContent('.verdict'))?.trim()}`);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-replay-panel.png') });
  });

  await themeChecks(page, () => frame);

  await check('→ in the replay moves the highlighted editor line', page, async () => {
    needsServer();
    if (!frame) throw new Error('no replay panel');
    const marker = (n) => stepMarker(page, n);
    const selected = () => frame.getAttribute('.lanes .row.selected', 'data-step');
    const lineOf = (n) => frame.$(`.lanes .row[data-step="${n}"] .where`).then((e) => e?.textContent() ?? null);
    const hasLine = async (n) => (await lineOf(n)) !== null;
    /** Presses → once and waits for the next row to be selected; returns its step. */
    const next = async () => {
      const n = String(Number(await selected()) + 1);
      await frame.press('.lanes', 'ArrowRight');
      await frame.waitForSelector(`.lanes .row.selected[data-step="${n}"]`);
      return n;
    };
    await frame.focus('.lanes');
    // Steps of schedule() (a pCPU's own step, not in the file) have no source line: skip them.
    let first = await selected();
    const total = await frame.$$eval('.lanes .row', (rows) => rows.length);
    for (let i = 0; i < total && !(await hasLine(first)); i++) first = await next();
    const before = await (await marker(first)).jsonValue();
    // Press → until a step on another source line is selected.
    const firstLine = await lineOf(first);
    let second = await next();
    for (let i = 0; i < total && [null, firstLine].includes(await lineOf(second)); i++) second = await next();
    const after = await (await marker(second)).jsonValue();
    log(`highlight moved: step ${first} "${before.trim()}" → step ${second} "${after.trim()}"`);
    if (before.split('◀')[0] === after.split('◀')[0]) throw new Error('the highlighted line did not change');
    await stepMarker(page, first, { gone: true }); // and only one line is highlighted
    await page.screenshot({ path: path.join(SHOTS, 'e2e-replay-step.png') });
  });

  await check('moving the editor cursor onto a traced line selects its step', page, async () => {
    needsServer();
    if (!frame) throw new Error('no replay panel');
    await focusTab(page, FIXTURE);
    await page.click('.monaco-editor .view-lines');
    const line = MARKS('unlock').line; // vcpu_schedule_unlock_irq(lock, v): step 3 of the violation
    const expected = await frame.$$eval(
      '.lanes .row',
      (rows, line) => rows.find((r) => r.querySelector('.where')?.textContent === `L${line}`)?.getAttribute('data-step'),
      line,
    );
    if (!expected) throw new Error(`the trace has no step on line ${line}`);
    await gotoLine(page, line);
    await frame.waitForSelector(`.lanes .row.selected[data-step="${expected}"]`, { timeout: WAIT });
    await stepMarker(page, expected);
  });

  await check('the replay panel is restored after a reload, at the same step', page, async () => {
    needsServer();
    if (!frame) throw new Error('no replay panel');
    const step = await frame.getAttribute('.lanes .row.selected', 'data-step');
    // Reload through the command, so the workbench saves its layout first (a bare
    // page reload can lose it before the web storage is flushed).
    await focusTab(page, FIXTURE);
    await quickInput(page, 'F1', 'Developer: Reload Window', '>');
    // Pick the exact command (not "…With Extensions Disabled"), whether or not it is focused yet.
    const row = page
      .locator('.quick-input-list .monaco-list-row[aria-label^="Developer: Reload Window"]:not([aria-label*="Extensions"])')
      .first();
    await row.waitFor({ state: 'visible', timeout: 60000 });
    await Promise.all([page.waitForNavigation({ timeout: 60000 }), row.click()]);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    frame = await replayFrame(page, WAIT);
    await frame.waitForSelector(`.lanes .row.selected[data-step="${step}"]`, { timeout: WAIT });
    await frame.waitForSelector('.verdict-violation');
  });

  await check('XSR001 quick fix rewrites to vcpu_migrate_start', page, async () => {
    needsServer();
    // Back to the C editor, on the flag write the finding covers.
    await focusTab(page, FIXTURE);
    await page.click('.monaco-editor .view-lines');
    await gotoLine(page, MARKS('set_flag').line);
    await replayFollows(page, frame, MARKS('set_flag').line);
    await waitForFindings(page);
    await askQuickFix(page);
    const titles = await page.$$eval('.action-widget .monaco-list-row.action', (rows) => rows.map((r) => r.textContent ?? ''));
    const index = titles.findIndex((t) => /XSR001|migrate_start|start\/finish|migration/i.test(t));
    if (index < 0) throw new Error(`no XSR001 fix among the quick fixes: ${titles.join(' | ')}`);
    log(`quick fix: ${titles[index]}`);
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => [...document.querySelectorAll('.monaco-editor .view-lines')].some((e) => e.textContent?.includes('vcpu_migrate_start(v)')),
      null,
      { timeout: WAIT },
    );
    const text = await editorText(page);
    if (/set_bit\(_VPF_migrating, &v->pause_flags\)/.test(text)) throw new Error('the old flag write is still there');
  });

  await check('Fix All is in the command palette when the workspace is trusted', page, async () => {
    // The counterpart of the restricted-mode check: the same query does list it here.
    await focusTab(page, FIXTURE);
    const labels = await paletteLabels(page, 'Xen Scheduler Review: ', ['Simulate Interleavings', 'Fix All Migration Protocol Issues']);
    log(
      `palette (trusted): ${labels
        .filter((l) => l.includes('Xen Scheduler Review'))
        .map((l) => l.replace(/^Xen Scheduler Review: /, '').split(',')[0])
        .join(' | ')}`,
    );
  });

  const SAVED = 'saved-by-e2e.xsrtrace.json';
  let panelVerdict;
  await check('Save Trace… in the replay panel writes a .xsrtrace.json through the save dialog', page, async () => {
    needsServer();
    if (!frame) throw new Error('no replay panel');
    panelVerdict = (await frame.textContent('.verdict'))?.trim();
    await frame.click('button[data-action="save"]');
    const target = path.join(workspace, SAVED);
    await answerFileDialog(page, workspace, SAVED);
    const message = await toast(page, /^Trace saved to /);
    if (message !== `Trace saved to ${SAVED}.`) throw new Error(`message: ${message}`);
    if (!existsSync(target)) throw new Error(`${target} was not written`);
    const saved = JSON.parse(readFileSync(target, 'utf8'));
    if (saved.result !== 'violation') throw new Error(`result: ${saved.result}`);
    if (!Array.isArray(saved.trace) || saved.trace.length === 0) throw new Error('the saved trace has no steps');
    log(`saved ${SAVED}: ${saved.result}, ${saved.trace.length} steps`);
  });

  await check('the saved trace opens from the explorer as a race replay with the same verdict', page, async () => {
    needsServer();
    if (!panelVerdict) throw new Error('no trace was saved');
    await page.keyboard.press('Control+Shift+E');
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${SAVED}"]`);
    await row.waitFor({ timeout: WAIT });
    await row.click();
    await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${SAVED}"]`, { timeout: WAIT });
    const f = await replayFrameTitled(page, SAVED, WAIT);
    await f.waitForSelector('.verdict-violation', { timeout: WAIT });
    await f.waitForSelector('.lanes .row[data-step="1"]');
    const verdict = (await f.textContent('.verdict'))?.trim();
    if (verdict !== panelVerdict) throw new Error(`verdict "${verdict}" differs from the panel's "${panelVerdict}"`);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-saved-by-e2e.png') });
  });

  const PATCH = 'add-patched.patch';
  await check('Check Patch… on a patch file lists XSR002 for patched.c', page, async () => {
    needsServer();
    // Focus the workbench (keys typed in a webview are not forwarded), then F1.
    await focusTab(page, FIXTURE);
    await quickInput(page, 'F1', 'Xen Scheduler Review: Check Patch', '>');
    const command = page.locator('.quick-input-list .monaco-list-row[aria-label^="Xen Scheduler Review: Check Patch"]').first();
    await command.waitFor({ timeout: WAIT });
    await command.click();
    const fileChoice = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Patch File…' }).first();
    await fileChoice.waitFor({ timeout: WAIT });
    await fileChoice.click();
    await answerFileDialog(page, workspace, PATCH);
    const message = await toast(page, /^Check Patch: /);
    if (!message.startsWith('Check Patch: 1 finding in 1 changed file.')) throw new Error(`message: ${message}`);
    // The command shows the Problems panel itself.
    await page.waitForFunction(
      () => [...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => r.textContent?.includes('XSR002')),
      null,
      { timeout: WAIT },
    );
    const rows = await problemRows(page);
    const found = rows.filter(([, text]) => text.includes('XSR002'));
    log(`Problems after Check Patch: ${rows.map(([file, text]) => `${file}: ${/XSR\d{3}/.exec(text)?.[0] ?? '?'}`).join(', ')}`);
    if (!found.some(([file]) => file === 'patched.c')) throw new Error(`XSR002 is not under patched.c: ${JSON.stringify(found)}`);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-check-patch.png') });
  });

  await reviewChecks(page, { workspace });

  const ext = consoleLines.filter((l) => l.includes('[Extension Host]') && l.includes('[xsr]'));
  for (const l of ext) log(l);

  // A second, short session with workspace trust on, answered "No": restricted mode.
  const RESTRICTED = [
    'restricted mode: the trust prompt is answered No and the workbench shows Restricted Mode',
    'restricted mode: the extension activates and the Problems panel lists XSR001',
    'restricted mode: Fix All is not in the command palette',
  ];
  if (ONLY && !RESTRICTED.some((n) => n.includes(ONLY))) return;
  // One workbench at a time: the first session is done.
  await page.close();
  await stopCodeServer();
  const tmp2 = tempDir('xsr-e2e-restricted-');
  const dirs2 = { userData: path.join(tmp2, 'user-data'), extensions: dirs.extensions, config: dirs.config };
  const workspace2 = path.join(tmp2, 'workspace');
  writeUserSettings(dirs2.userData, { trust: true });
  cpSync(path.join(ROOT, 'test/e2e/workspace'), workspace2, { recursive: true });
  const { url: url2 } = await startCodeServer(entry, dirs2, workspace2, { trust: true });
  const page2 = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const lines2 = [];
  workbenchLog.console.length = 0;
  page2.on('console', (m) => lines2.push(consoleText(m)));
  /** Waits for an extension-host console line of the second session matching `re`. */
  const consoleLine = async (re, timeout) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      const line = lines2.find((l) => l.includes('[Extension Host]') && re.test(l));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no console line ${re} within ${timeout} ms`);
      await page2.waitForEvent('console', { timeout: deadline - Date.now() }).catch(() => {});
    }
  };
  let untrusted = false;
  await check(RESTRICTED[0], page2, async () => {
    await page2.goto(url2);
    await page2.waitForSelector('.monaco-workbench', { timeout: 60000 });
    // VS Code asks at start-up whether to trust the folder's authors (a modal dialog).
    const no = page2.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: "No, I don't trust the authors" });
    await no.waitFor({ timeout: 60000 });
    await no.click();
    await page2.waitForSelector('.monaco-dialog-box', { state: 'hidden' });
    await page2.waitForSelector('.statusbar-item:has-text("Restricted Mode")', { timeout: WAIT });
    untrusted = true;
  });
  await check(RESTRICTED[1], page2, async () => {
    if (!untrusted) throw new Error('the workspace was not put in restricted mode');
    await page2
      .locator('.monaco-workbench')
      .click({ position: { x: 700, y: 400 } })
      .catch(() => {});
    await openQuick(page2, FIXTURE);
    const activated = await consoleLine(/\[xsr\] Xen Scheduler Review .* activated/, 30000);
    if (!activated.includes('(restricted mode)')) throw new Error(`the extension reports: ${activated}`);
    const started = await consoleLine(/\[xsr\] language server (started|failed to start)/, 30000);
    if (started.includes('failed')) throw new Error(started);
    await page2.keyboard.press('Control+Shift+M');
    await page2.waitForFunction(
      () => [...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => r.textContent?.includes('XSR001')),
      null,
      { timeout: WAIT },
    );
    await page2.screenshot({ path: path.join(SHOTS, 'e2e-restricted-mode.png') });
  });
  await check(RESTRICTED[2], page2, async () => {
    if (!untrusted) throw new Error('the workspace was not put in restricted mode');
    await focusTab(page2, FIXTURE);
    // The C editor is active (Simulate and Show Lock State are listed), so only trust hides Fix All.
    const labels = await paletteLabels(page2, 'Xen Scheduler Review: ', ['Simulate Interleavings', 'Show Lock State', 'Check Patch']);
    log(
      `palette (restricted): ${labels
        .filter((l) => l.includes('Xen Scheduler Review'))
        .map((l) => l.replace(/^Xen Scheduler Review: /, '').split(',')[0])
        .join(' | ')}`,
    );
    if (labels.some((l) => l.includes('Fix All'))) throw new Error('Fix All Migration Protocol Issues is offered in restricted mode');
  });
}

// The reviewer's checks (issue 16): lean hints, before → after hovers, the Outline's lock
// summaries, XSR007 on a function an edit makes a lock helper, the status item and the
// output channel's figures, a simulation the model cannot run said in words, the replay's
// story, lanes, filters and stale source, Check Patch on the patched text, Fix All's
// preview, and the replay in the dark, light and high-contrast themes (screenshots, axe).
const TICK = 'credit_tick.c';
const TICK_MARKS = fixtureMarks(readFileSync(path.join(ROOT, 'test', 'e2e', 'workspace', TICK), 'utf8'), TICK);
const AXE = process.env.XSR_AXE ?? path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const DOCS_IMAGES = args.includes('--docs-images');

/** The inlay hints shown in the editor (spans whose text starts with a lock glyph). */
function shownHints(page) {
  return page.$$eval('.monaco-editor .view-line span', (spans) =>
    spans
      .filter((s) => s.children.length === 0 && /^[🔒🔓]/u.test((s.textContent ?? '').trim()))
      .map((s) => (s.textContent ?? '').replace(/\u00a0/g, ' ').trim()),
  );
}

/** The text of the status item of the extension (its codicon names as `$(name)`). */
function statusItem(page) {
  return page.$eval('.statusbar-item[id$="xsr.status"]', (item) => {
    const icon = [...(item.querySelector('.codicon')?.classList ?? [])].find(
      (c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin',
    );
    return `${icon ? `$(${icon.slice('codicon-'.length)}) ` : ''}${(item.textContent ?? '').replace(/\u00a0/g, ' ').trim()}`;
  });
}

/** Runs a command from the palette by its full label. */
async function runCommand(page, label) {
  await quickInput(page, 'F1', label, '>');
  const row = page.locator(`.quick-input-list .monaco-list-row[aria-label^="${label}"]`).first();
  await row.waitFor({ timeout: WAIT });
  await row.click();
}

/** The text of the Problems panel's markers, shown (Ctrl+Shift+M toggles it: pressed only when it is hidden). */
async function problems(page) {
  if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel', { state: 'visible' });
  return problemRows(page);
}

/** Check Patch… from the palette (with the fixture's editor focused) on a patch file of the workspace. */
async function checkPatchFile(page, workspace, name) {
  await openQuick(page, FIXTURE);
  await focusTab(page, FIXTURE);
  await runCommand(page, 'Xen Scheduler Review: Check Patch');
  const fileChoice = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Patch File…' }).first();
  await fileChoice.waitFor({ timeout: WAIT });
  await fileChoice.click();
  await answerFileDialog(page, workspace, name);
}

async function reviewChecks(page, { workspace }) {
  await check('Check Patch shows its findings on the patched text beside the base, with a summary', page, async () => {
    needsServer();
    await closeAllEditors(page);
    await checkPatchFile(page, workspace, 'add-patched.patch');
    const message = await toast(page, /^Check Patch: .*It introduces/);
    log(message);
    if (!message.includes('It introduces 1 (XSR002 in vcpu_move_now()), fixes 0; 0 stay.')) throw new Error(`message: ${message}`);
    // A diff editor of the (empty) base and the patched text, the finding on the patched text; nothing written to disk.
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="patched.c (base ↔ patched)"]', { timeout: WAIT });
    await page.waitForSelector('.monaco-diff-editor .editor.modified .squiggly-error', { timeout: WAIT });
    if (existsSync(path.join(workspace, 'patched.c'))) throw new Error('patched.c was written to disk');
    // A Problems row opens the patched text.
    await closeAllEditors(page);
    const rows = await problems(page);
    log(`Problems: ${rows.map(([f, t]) => `${f}: ${/XSR\d{3}/.exec(t)?.[0]}`).join(', ')}`);
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'XSR002' }).first().dblclick();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('.monaco-editor .view-lines')].some((e) => e.textContent?.includes('vcpu_move_now')),
    );
    await page.screenshot({ path: path.join(SHOTS, 'e2e-check-patch-diff.png') });
    await page.keyboard.press('Control+J');
  });

  await check('Check Patch says which hunk does not apply and how to check it', page, async () => {
    needsServer();
    await checkPatchFile(page, workspace, 'other-tree.patch');
    const message = await toast(page, /^Check Patch: .*does not apply/);
    log(`does not apply: ${message}`);
    if (!message.includes('hunk 1 of 1 (@@ -26,6 +26,7 @@)') || !message.includes('open the tree the patch was made against'))
      throw new Error(message);
  });

  await check('hints name the lock a line takes first, dim RCU and show the interrupt state where it changes', page, async () => {
    needsServer();
    await closeAllEditors(page);
    await openQuick(page, TICK);
    await waitServer(page, () =>
      [...document.querySelectorAll('.monaco-editor .view-line span')].some((s) =>
        (s.textContent ?? '').replace(/\u00a0/g, ' ').includes('🔒 prv->lock, sched(unit) (+rcu)'),
      ),
    );
    const hints = await shownHints(page);
    log(`hints in ${TICK}: ${hints.join(' | ')}`);
    const expected = [
      '🔒 rcu(sched_res_rculock)',
      '🔒 sched(unit) (+rcu) · irq off',
      '🔒 prv->lock, sched(unit) (+rcu)',
      '🔒 sched(unit) (+rcu)',
      '🔒 (rcu) · irq on',
      '🔓 no lock held',
    ];
    if (JSON.stringify(hints.slice(0, expected.length)) !== JSON.stringify(expected)) throw new Error(`hints: ${hints.join(' | ')}`);
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.screenshot({ path: path.join(SHOTS, 'e2e-hint-order.png') });
    if (DOCS_IMAGES) await page.locator('.part.editor').screenshot({ path: path.join(ROOT, 'docs', 'images', 'inlay-hints.png') });
  });

  await check('hover on a lock line says before → after', page, async () => {
    needsServer();
    await focusTab(page, TICK);
    await gotoLine(page, TICK_MARKS('unit_lock').line);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const text = await (
      await waitServer(page, () =>
        [...document.querySelectorAll('.monaco-hover .hover-contents')]
          .map((h) => h.textContent ?? '')
          .find((t) => t.includes('before → after')),
      )
    ).jsonValue();
    for (const want of ['before: 🔒 rcu(sched_res_rculock)', 'after: 🔒 sched(unit) (taken on this line)'])
      if (!text.includes(want)) throw new Error(`hover: ${text}`);
    await page.keyboard.press('Escape');
  });

  await check('the Outline shows each function with its lock summary', page, async () => {
    needsServer();
    await focusTab(page, TICK);
    await runCommand(page, 'Explorer: Focus on Outline View');
    const row = await (
      await waitServer(page, () =>
        [...document.querySelectorAll('.outline-pane .monaco-list-row, .outline-tree .monaco-list-row, [id="outline"] .monaco-list-row')]
          .map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' '))
          .find((t) => t.includes('demo_credit_lock') && t.includes('takes prv->lock')),
      )
    ).jsonValue();
    log(`Outline: ${row}`);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-outline.png') });
    await page.keyboard.press('Control+Shift+E');
  });

  await check('Simulate With Partners… offers the functions sharing its locks, runs the choice and remembers it', page, async () => {
    needsServer();
    await focusTab(page, TICK);
    await gotoLine(page, TICK_MARKS('burn').line0 + 3); // inside demo_burn
    const pickRows = () =>
      waitServer(page, () => {
        const rows = [...document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row')];
        if (rows.length < 3) return null;
        return rows.map((r) => [r.querySelector('.label-name')?.textContent ?? '', r.getAttribute('aria-checked')]);
      }).then((h) => h.jsonValue());
    await runCommand(page, 'Xen Scheduler Review: Simulate With Partners');
    const offered = await pickRows();
    log(`partners of demo_burn: ${offered.map(([n, c]) => `${n}${c === 'true' ? ' ✓' : ''}`).join(', ')}`);
    const expected = [
      ['demo_adjust', 'true'],
      ['demo_tick', 'true'],
      ['demo_credit_lock', 'true'],
    ];
    if (JSON.stringify(offered) !== JSON.stringify(expected)) throw new Error(`offered: ${JSON.stringify(offered)}`);
    for (const name of ['demo_adjust', 'demo_credit_lock']) {
      const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first();
      // In a multi-select pick a click on an item toggles its check box.
      await row.locator('.label-name').first().click();
      await page.waitForFunction(
        (name) =>
          [...document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row')].some(
            (r) => r.querySelector('.label-name')?.textContent === name && r.getAttribute('aria-checked') === 'false',
          ),
        name,
        { timeout: WAIT },
      );
    }
    await page.keyboard.press('Enter');
    const f = await replayFrameTitled(page, `demo_burn ∥ demo_tick in ${TICK}`, WAIT);
    await f.waitForSelector('.verdict', { timeout: WAIT });
    log(`demo_burn ∥ demo_tick: ${(await f.textContent('.verdict'))?.trim()}`);
    // Again: the last choice is ticked.
    await focusTab(page, TICK);
    await gotoLine(page, TICK_MARKS('burn').line0 + 3);
    await runCommand(page, 'Xen Scheduler Review: Simulate With Partners');
    const again = await pickRows();
    const ticked = again.filter(([, c]) => c === 'true').map(([n]) => n);
    if (ticked.join() !== 'demo_tick') throw new Error(`remembered: ${JSON.stringify(again)}`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
  });

  await check('XSR007 names the function an edit makes a lock helper; the status item shows the error', page, async () => {
    needsServer();
    await focusTab(page, TICK);
    await gotoLine(page, TICK_MARKS('burn_unlock').line);
    await page.keyboard.press('Control+Shift+K'); // delete the unlock line
    const finding = 'demo_burn() now returns holding prv->lock on every path: callers treat it as a lock helper';
    await problems(page);
    await waitServer(
      page,
      (f) => [...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => r.textContent?.includes(f)),
      finding,
    );
    await page.screenshot({ path: path.join(SHOTS, 'e2e-new-lock-helper.png') });
    await focusTab(page, TICK);
    await waitServer(page, () => !!document.querySelector('.statusbar-item[id$="xsr.status"] .codicon-error'));
    log(`status with the unlock deleted: ${await statusItem(page)}`);
    await page.keyboard.press('Control+Z');
    await waitServer(
      page,
      (f) => ![...document.querySelectorAll('.markers-panel .monaco-list-row')].some((r) => r.textContent?.includes(f)),
      finding,
    );
    await page.keyboard.press('Control+J');
  });

  await check('the status item says when a deleted brace hides a function', page, async () => {
    needsServer();
    await focusTab(page, TICK);
    await gotoLine(page, TICK_MARKS('burn').line + 1); // demo_burn's opening brace
    await page.keyboard.press('Control+Shift+K');
    await waitServer(page, () => (document.querySelector('.statusbar-item[id$="xsr.status"]')?.textContent ?? '').includes('not analysed'));
    const status = await statusItem(page);
    log(`status with a brace deleted: ${status}`);
    if (!/^\$\((warning|error)\) XSR \d+ · 1 function not analysed$/.test(status)) throw new Error(`status: ${status}`);
    await page.keyboard.press('Control+Z');
    await waitServer(
      page,
      () => !(document.querySelector('.statusbar-item[id$="xsr.status"]')?.textContent ?? '').includes('not analysed'),
    );
  });

  await check('the output channel logs each file’s figures', page, async () => {
    needsServer();
    await runCommand(page, 'Xen Scheduler Review: Show Output');
    const line = await (
      await waitServer(page, () =>
        [...document.querySelectorAll('.part.panel .view-line')]
          .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
          .find((t) => /credit_tick\.c: 4 functions, 0 syntax errors, 0 findings/.test(t)),
      )
    ).jsonValue();
    log(`output: ${line.trim()}`);
    await page.keyboard.press('Control+J');
  });

  await check('Simulate on a function the model cannot run says why in words', page, async () => {
    needsServer();
    await closeAllEditors(page);
    await openQuick(page, FIXTURE);
    await page.click('.monaco-editor .view-lines');
    const text = readFileSync(path.join(workspace, FIXTURE), 'utf8').split('\n');
    await gotoLine(page, text.findIndex((l) => l.includes('prev->is_running = 0;')) + 1); // inside context_saved
    await runCommand(page, 'Xen Scheduler Review: Simulate Interleavings');
    const message = await toast(page, /^Cannot simulate context_saved/);
    log(`palette in context_saved: ${message}`);
    if (/xsr\/simulate|-3260|Request|RPC/i.test(message)) throw new Error(`an internal error reached the user: ${message}`);
    const deadline = Date.now() + WAIT;
    for (let found = false; !found;) {
      for (const fr of page.frames()) {
        const shown = await fr.$eval('.load-error .error-message', (e) => e.textContent).catch(() => null);
        if (shown === message) found = true;
      }
      if (!found && Date.now() > deadline) throw new Error(`the panel does not say "${message}"`);
      if (!found) await page.waitForEvent('framenavigated', { timeout: 1000 }).catch(() => {});
    }
  });

  const SAVED = 'saved-by-e2e.xsrtrace.json';
  let savedFrame;
  await check('the replay tells the story, hides idle lanes and names the condition each step took', page, async () => {
    needsServer();
    const saved = JSON.parse(readFileSync(path.join(workspace, SAVED), 'utf8'));
    const files = [...new Set(saved.trace.map((s) => s.file).filter(Boolean))];
    if (files.join() !== FIXTURE || saved.provenance?.document !== FIXTURE)
      throw new Error(`saved paths: ${files.join()} / ${saved.provenance?.document}`);
    await closeAllEditors(page);
    await openQuick(page, SAVED);
    const f = (savedFrame = await replayFrameTitled(page, SAVED, WAIT));
    const story = await f.$$eval('.story p', (ps) => ps.map((p) => p.textContent));
    log(`story: ${story.join(' ')}`);
    if (
      !story.includes('X (vcpu_set_affinity) marks v for migration under sched(A).') ||
      !/^Step \d+ breaks INV1: /.test(story.at(-1) ?? '')
    )
      throw new Error(`story: ${story.join(' / ')}`);
    const lanes = await f.$$eval('.lanes thead .lane-title', (els) => els.map((e) => e.innerText.replace(/\s+/g, ' ')));
    if (lanes.join('|') !== 'X vcpu_set_affinity|pCPU A schedule') throw new Error(`lanes: ${lanes.join('|')}`);
    await f.check('#show-idle');
    await f.waitForFunction(() => document.querySelectorAll('.lanes thead .lane-title').length === 5);
    await f.uncheck('#show-idle');
    const conditions = await f.$$eval('td.active .action', (els) =>
      els.map((e) => e.textContent).filter((t) => / is (true|false)$/.test(t)),
    );
    if (!conditions.length || (await f.$$eval('td.active .action', (els) => els.some((e) => /branch \d+ of/.test(e.textContent)))))
      throw new Error('a step still says "branch k of n"');
    log(`conditions: ${conditions.join('; ')}`);
    const marked = await f.$eval('tr.marked .mark', (e) => e.textContent);
    if (marked !== '⚠ breaks INV1') throw new Error(`marked: ${marked}`);
  });

  await check('the replay filters its state by name and hides unchanged entries', page, async () => {
    if (!savedFrame) throw new Error('no replay');
    const f = savedFrame;
    await f.click('tr[data-step="2"]');
    await f.fill('.state-pane input[type="search"]', 'runq');
    await f.waitForFunction(() =>
      [...document.querySelectorAll('.state-table tbody tr')].every((r) => r.getAttribute('data-group') === 'runq'),
    );
    await f.fill('.state-pane input[type="search"]', '');
    await f.check('#changed-only');
    await f.waitForFunction(() => [...document.querySelectorAll('.state-table tbody tr')].every((r) => r.hasAttribute('data-changed')));
    await f.uncheck('#changed-only');
  });

  await check('a trace whose source changed says so, and Run Again simulates the current source', page, async () => {
    needsServer();
    if (!savedFrame) throw new Error('no replay');
    // The XSR001 quick fix changed old_migrate.c after the trace was made.
    const banner = await savedFrame.waitForSelector('.stale:not([hidden])', { timeout: WAIT });
    const text = await banner.textContent();
    if (!text.includes(`(${FIXTURE})`)) throw new Error(`banner: ${text}`);
    await savedFrame.click('.stale button[data-action="rerun"]');
    const deadline = Date.now() + WAIT;
    let fresh;
    while (!fresh) {
      for (const fr of page.frames()) {
        const ok = await fr
          .evaluate(
            (title) =>
              document.querySelector('.app .summary .title')?.textContent === title &&
              !!document.querySelector('.verdict') &&
              !!document.querySelector('.stale[hidden]'),
            `vcpu_set_affinity in ${FIXTURE}`,
          )
          .catch(() => false);
        if (ok) fresh = fr;
      }
      if (!fresh && Date.now() > deadline) throw new Error('no fresh replay after Run Again');
      if (!fresh) await page.waitForEvent('framenavigated', { timeout: 1000 }).catch(() => {});
    }
    log(`after Run Again: ${(await fresh.textContent('.verdict p'))?.trim()}`);
  });

  await check('Fix All previews its edits and says what it did', page, async () => {
    needsServer();
    await closeAllEditors(page);
    await openQuick(page, FIXTURE);
    await focusTab(page, FIXTURE);
    await runCommand(page, 'Xen Scheduler Review: Fix All Migration Protocol Issues');
    await page.waitForSelector('.bulk-edit-panel[data-state="data"]', { timeout: WAIT });
    const rows = await page.$$eval('.bulk-edit-panel .monaco-list-row', (els) => els.map((e) => (e.textContent ?? '').trim()));
    log(`Refactor Preview: ${rows.join(' | ')}`);
    if (!rows.some((r) => r.includes('vcpu_migrate_finish(prev)'))) throw new Error(`preview: ${rows.join(' | ')}`);
    await page.screenshot({ path: path.join(SHOTS, 'e2e-fix-all-preview.png') });
    // Edits that need confirmation start unticked: the reviewer ticks the file (all its edits), then applies.
    await page.locator('.bulk-edit-panel .monaco-list-row', { hasText: FIXTURE }).first().locator('.edit-checkbox').click();
    await page.waitForFunction(() => [...document.querySelectorAll('.bulk-edit-panel input.edit-checkbox')].every((c) => c.checked));
    await page.locator('.bulk-edit-panel .buttons .monaco-button', { hasText: 'Apply' }).first().click();
    const message = await toast(page, /^Fix All: applied /);
    log(message);
    if (message !== `Fix All: applied 1 edit to ${FIXTURE}: XSR008 in context_saved().`) throw new Error(message);
    // The finding it fixed is gone: the status item is clean.
    await waitServer(page, () => !!document.querySelector('.statusbar-item[id$="xsr.status"] .codicon-check'));
  });
}

/**
 * The replay panel the code lens opened, in the dark, light and high-contrast
 * themes: a screenshot of each (docs/images with --docs-images) and axe-core
 * in the real webview (skipped, with the reason, when axe-core is absent).
 * Runs while the trace is current (before the quick fix changes the fixture).
 */
async function themeChecks(page, getFrame) {
  await check('the replay in the dark, light and high-contrast themes: screenshots, axe-core', page, async () => {
    needsServer();
    const f = getFrame();
    if (!f) throw new Error('no replay panel');
    const last = await f.$$eval('.lanes tbody tr', (rows) => rows.at(-1)?.getAttribute('data-step'));
    await f.click(`tr[data-step="${last}"]`);
    await f.waitForSelector(`tr.selected[data-step="${last}"]`);
    await stepMarker(page, last);
    await focusTab(page, FIXTURE);
    await runCommand(page, 'Notifications: Clear All Notifications');
    const axe = existsSync(AXE) ? readFileSync(AXE, 'utf8') : undefined;
    if (!axe) log(`axe-core checks skipped: ${path.relative(ROOT, AXE)} is absent (npm axe-core, or XSR_AXE=/path/to/axe.min.js)`);
    for (const [name, theme, workbench, body] of [
      ['light', 'Light Modern', 'vs', 'vscode-light'],
      ['high-contrast', 'Dark High Contrast', 'hc-black', 'vscode-high-contrast'],
      ['dark', 'Dark Modern', 'vs-dark', 'vscode-dark'],
    ]) {
      // As a user does: Preferences: Color Theme, then the theme's name (from the editor: keys typed in a webview stay there).
      await focusTab(page, FIXTURE);
      await runCommand(page, 'Preferences: Color Theme');
      await page.locator('.quick-input-widget input:not([type="checkbox"])').first().fill(theme);
      await page.waitForSelector(`.quick-input-list .monaco-list-row.focused[aria-label^="${theme}"]`, { timeout: WAIT });
      await page.keyboard.press('Enter');
      await page.waitForSelector(`.monaco-workbench.${workbench}`, { timeout: WAIT });
      await f.waitForSelector(`body.${body}`, { timeout: WAIT });
      const shot = path.join(SHOTS, `replay-${name}.png`);
      await page.locator('.part.editor').screenshot({ path: shot });
      if (DOCS_IMAGES) cpSync(shot, path.join(ROOT, 'docs', 'images', `replay-${name}.png`));
      if (axe) {
        await f.evaluate(axe);
        const serious = await f.evaluate(async () => {
          const r = await window.axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] },
          });
          return r.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        if (serious.length) throw new Error(`${name}: ${serious.join('; ')}`);
      }
    }
    // Back to the first step, where the checks after this one start.
    await f.click('tr[data-step="1"]');
    await f.waitForSelector('tr.selected[data-step="1"]');
  });
}

let fatal;
try {
  await main();
} catch (e) {
  fatal = e;
}
for (const c of cleanups) {
  try {
    await c();
  } catch {
    /* already gone */
  }
}
if (fatal && !results.some((r) => !r.ok)) console.log(`✖ e2e run: ${fatal.message}`);
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed + (fatal && !results.some((r) => !r.ok) ? 1 : 0);
if (fatal) log(`stopped early: ${fatal.message}`);
log(`screenshots in ${path.relative(ROOT, SHOTS)}/`);
if (MOCK) log('run with --mock-server: the client was checked against canned server answers');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
