// The installed `xsr` (dist/xsr.js) runs the CLI bundle with the V8 code
// cache the build made (server/src/cli/launcher.ts). The cache is used only
// when it belongs to this bundle and this V8; a stale, damaged, foreign or
// missing one is passed over, and the command's output is the same in every
// case. XSR_DEBUG_CODE_CACHE makes the launcher say on stderr what it did.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

import { ROOT } from './cliHarness';

const DIST = path.join(ROOT, 'dist');
const EXAMPLE = path.join(ROOT, 'examples', 'sched_example.c');

/** A copy of the shipped files (bundles, WASM, cache) in a folder of its own, to damage freely. */
function copyOfDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-cache-'));
  for (const name of fs.readdirSync(DIST))
    if (/\.(js|wasm|cache)$/.test(name)) fs.copyFileSync(path.join(DIST, name), path.join(dir, name));
  return dir;
}

/** The report without the time it took (the one field that differs from run to run). */
const withoutTimes = (json: string): string => json.replace(/"ms": \d+/g, '"ms": 0');

function check(
  dir: string,
  opts: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): { code: number | null; out: string; cache: string } {
  const r = spawnSync(
    process.execPath,
    [...(opts.nodeArgs ?? []), path.join(dir, 'xsr.js'), 'check', EXAMPLE, '--format', 'json', '--fail-on', 'none'],
    {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', XSR_DEBUG_CODE_CACHE: '1', ...opts.env },
      timeout: 120_000,
    },
  );
  const said = /^xsr: code cache (\w+)$/m.exec(r.stderr);
  return { code: r.status, out: withoutTimes(r.stdout), cache: said?.[1] ?? `(nothing said; stderr: ${r.stderr.trim()})` };
}

describe('the code cache of the installed xsr', () => {
  let expected = '';
  /** A check in `dir` that says it found the cache `state`, and reports what the compiled CLI reports. */
  const checkSays = (dir: string, state: string, opts?: Parameters<typeof check>[1]): ReturnType<typeof check> => {
    const r = check(dir, opts);
    assert.equal(r.cache, state);
    assert.equal(r.out, expected);
    return r;
  };
  before(() => {
    // What the compiled CLI (no bundle, no cache) reports: every variant below must say the same.
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'out/server/src/cli/main.js'), 'check', EXAMPLE, '--format', 'json', '--fail-on', 'none'],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    expected = withoutTimes(r.stdout);
    assert.match(expected, /"code": ?"XSR001"/);
  });

  it('the build made a cache for the bundle, and xsr uses it', () => {
    assert.ok(fs.existsSync(path.join(DIST, 'xsr-main.js.cache')), 'npm run build makes dist/xsr-main.js.cache');
    assert.equal(checkSays(DIST, 'accepted').code, 0);
  });

  it('a cache made from another bundle is not used', () => {
    const dir = copyOfDist();
    // Same length, other content: V8's own check (the source's length) would let it through.
    const bundle = path.join(dir, 'xsr-main.js');
    const text = fs.readFileSync(bundle, 'utf8');
    const at = text.lastIndexOf('"use strict"');
    assert.ok(at > 0);
    fs.writeFileSync(bundle, `${text.slice(0, at)}'use strict'${text.slice(at + 12)}`);
    assert.equal(fs.statSync(bundle).size, Buffer.byteLength(text));
    checkSays(dir, 'stale');
  });

  it('a damaged or truncated cache is not used', () => {
    const dir = copyOfDist();
    const cache = path.join(dir, 'xsr-main.js.cache');
    const bytes = fs.readFileSync(cache);
    const mid = bytes.length >> 1;
    bytes[mid] = bytes[mid]! ^ 0xff;
    fs.writeFileSync(cache, bytes);
    checkSays(dir, 'stale');
    fs.writeFileSync(cache, bytes.subarray(0, 20));
    checkSays(dir, 'stale');
  });

  it('a cache made by V8 with other flags is rejected by V8, and xsr compiles the bundle itself', () => {
    const dir = copyOfDist();
    const cache = path.join(dir, 'xsr-main.js.cache');
    const made = check(dir, { nodeArgs: ['--no-opt'], env: { XSR_WRITE_CODE_CACHE: cache } });
    assert.equal(made.code, 0);
    assert.equal(made.out, expected);
    checkSays(dir, 'rejected');
  });

  it('without a cache xsr runs as before, and XSR_WRITE_CODE_CACHE makes one that the next run uses', () => {
    const dir = copyOfDist();
    const cache = path.join(dir, 'xsr-main.js.cache');
    fs.rmSync(cache);
    checkSays(dir, 'absent');
    assert.equal(fs.existsSync(cache), false, 'a plain run writes nothing');
    assert.equal(check(dir, { env: { XSR_WRITE_CODE_CACHE: cache } }).out, expected);
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.includes('.cache')),
      ['xsr-main.js.cache'],
      'written by a rename: no temporary file is left',
    );
    checkSays(dir, 'accepted');
  });
});
