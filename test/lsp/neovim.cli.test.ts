// Any LSP client gets every feature: a headless Neovim (Debian's `neovim`,
// its built-in LSP client and no plugin) runs `xsr lsp --stdio` on a fixture,
// gets the diagnostics, applies the XSR001 quick fix and runs the "Simulate
// interleavings" code lens (workspace/executeCommand). The Neovim side is
// test/lsp/neovim/client.lua; it writes what happened as JSON. Skipped, with
// the reason, where `nvim` is not installed.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';

import { fixtureMarks } from '../shared/fixtureMarks';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'test', 'lsp', 'neovim', 'client.lua');
const SERVER = path.join(ROOT, 'out', 'server', 'src', 'cli', 'main.js');

function nvimVersion(): string | undefined {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

interface Report {
  errors: string[];
  messages: string[];
  executeCommands: string[] | null;
  diagnostics?: { code: string; lnum: number; col: number; source: string }[];
  fixed?: string;
  selected?: { prompt: string; count: number };
  lens?: { title: string; command: string; line: number };
  executed?: { error: string | null; result: { result: string; text: string; trace: unknown[] } };
}

/** Runs Neovim on `file` (in `root`) until the script quits; resolves with its report. */
function runNeovim(root: string, file: string): Promise<Report> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-nvim-home-'));
  const outFile = path.join(home, 'report.json');
  const child = spawn('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${SCRIPT}`], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_DATA_HOME: path.join(home, 'data'),
      XDG_STATE_HOME: path.join(home, 'state'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
      XSR_NODE: process.execPath,
      XSR_SERVER: SERVER,
      XSR_ROOT: root,
      XSR_FILE: file,
      XSR_OUT: outFile,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => {
      if (!fs.existsSync(outFile)) return reject(new Error(`Neovim wrote no report; its stderr:\n${stderr}`));
      resolve(JSON.parse(fs.readFileSync(outFile, 'utf8')) as Report);
    });
  });
}

const version = nvimVersion();

it(
  'headless Neovim: diagnostics, the XSR001 quick fix and the Simulate interleavings code lens',
  { skip: version ? false : 'nvim is not installed (Debian package neovim; .ci/run installs it)' },
  async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-nvim-'));
    const file = path.join(root, 'migrate.c');
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'lsp', 'migrate.c'), file);
    const text = fs.readFileSync(file, 'utf8');
    const at = fixtureMarks(text, 'migrate.c');
    const r = await runNeovim(root, file);
    assert.deepEqual(r.errors, [], `${version}: ${JSON.stringify(r, null, 1)}`);
    assert.deepEqual(r.executeCommands, ['xsr.simulate']);
    assert.deepEqual(
      r.diagnostics!.map((d) => [d.code, d.lnum, d.col, d.source]),
      [
        ['XSR001', at('force_flag').line0, 8, 'xsr'],
        ['XSR007', at('leak_return').line0, 8, 'xsr'],
      ],
    );
    // The quick fix was offered alone and applied: the old sequence is gone from the buffer.
    assert.deepEqual(r.selected, { prompt: 'Code actions:', count: 1 });
    assert.ok(r.fixed!.includes('vcpu_migrate_start(v);'), r.fixed);
    assert.ok(!r.fixed!.includes('set_bit(_VPF_migrating, &v->pause_flags);'), r.fixed);
    // The lens ran through workspace/executeCommand: the simulation's result, its text table, the verdict shown.
    assert.deepEqual(r.lens, { title: 'Simulate interleavings', command: 'xsr.simulate', line: at('force_reschedule').line0 });
    assert.equal(r.executed!.error, null);
    const result = r.executed!.result;
    assert.equal(result.text.split('\n')[0], 'migrate.c: demo_force_reschedule');
    assert.ok(['verified', 'violation'].includes(result.result), result.result);
    const shown = r.messages.find((m) => m.startsWith('xsr: demo_force_reschedule: '));
    assert.ok(shown?.startsWith(`xsr: demo_force_reschedule: ${result.result}`), JSON.stringify(r.messages));
  },
);
