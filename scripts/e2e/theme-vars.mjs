// Captures the theme variables VS Code gives a webview (the `--vscode-*`
// custom properties on its <html> element and the theme class on <body>) in
// the default dark, light and high-contrast themes, from the race replay
// running in code-server. The webview tests load them (test/webview/themes/)
// to check contrast and highlights in each theme without an editor.
//
// Usage: npm run build && node scripts/e2e/theme-vars.mjs   (needs scripts/e2e/setup.sh, Chromium)
/* global document -- page functions run in the browser */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(ROOT, 'test', 'webview', 'themes');
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern', 'high-contrast': 'Default High Contrast' };

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const entry = spawnSync('bash', [path.join(ROOT, 'scripts/e2e/setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  .stdout.trim()
  .split('\n')
  .pop();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'xsr-theme-'));
const vsix = path.join(tmp, 'x.vsix');
spawnSync(
  path.join(ROOT, 'node_modules/.bin/vsce'),
  ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', vsix],
  { cwd: ROOT },
);
const extensions = path.join(tmp, 'ext');
const config = path.join(tmp, 'config.yaml');
writeFileSync(config, 'auth: none\ncert: false\n');
spawnSync(process.execPath, [entry, '--config', config, '--extensions-dir', extensions, '--install-extension', vsix]);
// Chromium as the webview tests start it (the compiled harness: run `npm run build` first).
const { launch } = await import('../../out/test/webview/harness.js');
const browser = await launch();
mkdirSync(OUT, { recursive: true });
try {
  for (const [name, theme] of Object.entries(THEMES)) {
    const userData = path.join(tmp, `user-${name}`);
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    writeFileSync(
      path.join(userData, 'User', 'settings.json'),
      JSON.stringify({ 'workbench.colorTheme': theme, 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false }),
    );
    const workspace = path.join(tmp, `ws-${name}`);
    cpSync(path.join(ROOT, 'test/e2e/workspace'), workspace, { recursive: true });
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        entry,
        '--config',
        config,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extensions,
        '--bind-addr',
        `127.0.0.1:${port}`,
        workspace,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise((resolve) => child.stdout.on('data', (d) => /HTTP server listening/.test(String(d)) && resolve()));
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('saved.xsrtrace.json');
    await page.waitForSelector('.quick-input-list .monaco-list-row.focused[aria-label*="saved.xsrtrace.json"]');
    await page.keyboard.press('Enter');
    let vars;
    for (let i = 0; i < 120 && !vars; i++) {
      for (const f of page.frames()) {
        vars = await f
          .evaluate(() =>
            document.querySelector('.app .summary')
              ? { style: document.documentElement.getAttribute('style') ?? '', bodyClass: document.body.className }
              : undefined,
          )
          .catch(() => undefined);
        if (vars) break;
      }
      if (!vars) await page.waitForTimeout(500);
    }
    if (!vars) throw new Error(`no replay webview in ${theme}`);
    const props = Object.fromEntries(
      vars.style
        .split(';')
        .map((d) => d.trim())
        .filter((d) => d.startsWith('--'))
        .map((d) => [d.slice(0, d.indexOf(':')).trim(), d.slice(d.indexOf(':') + 1).trim()]),
    );
    writeFileSync(path.join(OUT, `${name}.json`), `${JSON.stringify({ theme, bodyClass: vars.bodyClass, vars: props }, null, 1)}\n`);
    console.log(`${name}: ${Object.keys(props).length} variables, body class "${vars.bodyClass}"`);
    await page.close();
    child.kill('SIGTERM');
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
