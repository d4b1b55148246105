// `xsr fix` never widens what a user can change (issue 17): run as an
// unprivileged user on files it does not own, cannot write, or shares through
// a hard link, it refuses and leaves content, owner and mode alone; on its own
// files it keeps owner, group and mode. As root, a fix keeps another user's
// ownership. The tests need root (to create a throwaway user with useradd and
// drop to it with setpriv, or runuser): elsewhere they are skipped with the
// reason, and `.ci/run` runs them as root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT } from './cliHarness';
import { readFixture } from './fixtures';

/**
 * The bundled CLI (dist/xsr.js with its WASM and workers), copied to a folder
 * anyone may read: the checkout itself may sit in one the throwaway user
 * cannot enter (`mktemp -d` makes them 0700).
 */
function readableCli(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-cli-'));
  fs.chmodSync(dir, 0o755);
  for (const name of fs.readdirSync(path.join(ROOT, 'dist')))
    if (/\.(js|wasm|cache)$/.test(name)) fs.copyFileSync(path.join(ROOT, 'dist', name), path.join(dir, name));
  return path.join(dir, 'xsr.js');
}
let CLI = '';
const FIXABLE = readFixture('protocol', 'xsr001_pin_override.c');
const FIXED = readFixture('protocol', 'xsr001_pin_override.fixed.c');

/** A tool on PATH (or in the sbin folders, which a non-login PATH may lack). */
function tool(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'])
    if (dir && fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

/** Why these tests cannot run here, if they cannot. */
function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux (setpriv/runuser from util-linux)';
  if (process.getuid?.() !== 0) return 'needs root, to create a throwaway user and run xsr as it';
  if (!tool('useradd') || !tool('userdel')) return 'needs useradd and userdel (passwd package) to create a throwaway user';
  if (!tool('setpriv') && !tool('runuser')) return 'needs setpriv or runuser (util-linux) to run xsr as another user';
  return undefined;
}

const skip = unavailable();

interface User {
  name: string;
  uid: number;
  gid: number;
}

let user: User | undefined;

function run(cmd: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `xsr ARGS` as the throwaway user. */
function xsrAs(u: User, args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const setpriv = tool('setpriv');
  const argv = setpriv
    ? [setpriv, `--reuid=${u.uid}`, `--regid=${u.gid}`, '--init-groups', process.execPath, CLI, ...args]
    : [tool('runuser')!, '-u', u.name, '--', process.execPath, CLI, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    timeout: 180_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A folder the user owns (it may create and rename files in it: the rename that used to replace other users' files). */
function userFolder(u: User): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-user-'));
  fs.chownSync(dir, u.uid, u.gid);
  fs.chmodSync(dir, 0o755);
  return dir;
}

function file(dir: string, name: string, owner: { uid: number; gid: number }, mode: number, text = FIXABLE): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  fs.chownSync(p, owner.uid, owner.gid);
  fs.chmodSync(p, mode);
  return p;
}

const facts = (p: string): { text: string; uid: number; gid: number; mode: number } => {
  const st = fs.statSync(p);
  return { text: fs.readFileSync(p, 'utf8'), uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 };
};

describe('xsr fix as an unprivileged user', { skip }, () => {
  before(() => {
    CLI = readableCli();
    const name = `xsrt${process.pid % 100000}`;
    run(tool('userdel')!, [name]);
    const made = run(tool('useradd')!, ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', name]);
    assert.equal(made.code, 0, `useradd: ${made.err}`);
    const id = (flag: string): number => Number(run('id', [flag, name]).out.trim());
    user = { name, uid: id('-u'), gid: id('-g') };
    assert.ok(user.uid > 0 && user.gid > 0, JSON.stringify(user));
  });

  after(() => {
    if (user) run(tool('userdel')!, [user.name]);
  });

  it("a root-owned file in the user's own folder: refused (no permission), content, owner and mode unchanged", () => {
    const u = user!;
    const dir = userFolder(u);
    const p = file(dir, 'root.c', { uid: 0, gid: 0 }, 0o644);
    const r = xsrAs(u, ['fix', p], dir);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err, `error: ${p}: no permission to write it; left unchanged\nfixed 0 findings in 0 files; 1 remains\n`);
    assert.deepEqual(facts(p), { text: FIXABLE, uid: 0, gid: 0, mode: 0o644 });
    assert.deepEqual(fs.readdirSync(dir), ['root.c'], 'no temp file left behind');
  });

  it('a root-owned file anyone may write: refused (a rewrite would make it the user’s)', () => {
    const u = user!;
    const dir = userFolder(u);
    const p = file(dir, 'shared.c', { uid: 0, gid: 0 }, 0o666);
    const r = xsrAs(u, ['fix', p], dir);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`^error: ${p}: owned by another user \\(a rewrite would make it yours\\); left unchanged$`, 'm'));
    assert.deepEqual(facts(p), { text: FIXABLE, uid: 0, gid: 0, mode: 0o666 });
  });

  it('its own read-only file: refused (the user may not write it), unchanged', () => {
    const u = user!;
    const dir = userFolder(u);
    const p = file(dir, 'ro.c', u, 0o444);
    const r = xsrAs(u, ['fix', p], dir);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`^error: ${p}: no permission to write it; left unchanged$`, 'm'));
    assert.deepEqual(facts(p), { text: FIXABLE, uid: u.uid, gid: u.gid, mode: 0o444 });
  });

  it('its own file with a second hard link: refused, both names keep the old text', () => {
    const u = user!;
    const dir = userFolder(u);
    const p = file(dir, 'a.c', u, 0o644);
    fs.linkSync(p, path.join(dir, 'b.c'));
    const r = xsrAs(u, ['fix', p], dir);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /the file has 2 hard links \(a rewrite would leave the others on the old text\); left unchanged/);
    assert.equal(fs.readFileSync(path.join(dir, 'b.c'), 'utf8'), FIXABLE);
    assert.equal(fs.statSync(p).nlink, 2);
  });

  it('its own files, LF and CRLF: fixed, owner, group and mode kept', () => {
    const u = user!;
    const dir = userFolder(u);
    const lf = file(dir, 'lf.c', u, 0o640);
    const crlf = file(dir, 'crlf.c', u, 0o600, FIXABLE.replace(/\n/g, '\r\n'));
    const r = xsrAs(u, ['fix', lf, crlf], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^fixed 2 findings in 2 files; 0 remain$/m);
    assert.deepEqual(facts(lf), { text: FIXED, uid: u.uid, gid: u.gid, mode: 0o640 });
    assert.deepEqual(facts(crlf), { text: FIXED.replace(/\n/g, '\r\n'), uid: u.uid, gid: u.gid, mode: 0o600 });
  });

  it('a folder with a symlink to a root-owned file outside it: the link is skipped, the file untouched', () => {
    const u = user!;
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-outside-'));
    fs.chmodSync(outside, 0o755);
    const target = file(outside, 'target.c', { uid: 0, gid: 0 }, 0o666);
    const dir = userFolder(u);
    fs.symlinkSync(target, path.join(dir, 'link.c'));
    const r = xsrAs(u, ['fix', dir], dir);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /link\.c: skipped, a symbolic link out of /);
    assert.deepEqual(facts(target), { text: FIXABLE, uid: 0, gid: 0, mode: 0o666 });
  });
});

describe(
  'xsr fix as root on another user’s file',
  { skip: process.platform === 'linux' && process.getuid?.() === 0 ? false : 'needs root (chown)' },
  () => {
    it('keeps owner 1234, group 2345 and mode 0640', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xsr-owner-'));
      const p = file(dir, 'theirs.c', { uid: 1234, gid: 2345 }, 0o640);
      const r = spawnSync(process.execPath, [path.join(ROOT, 'out', 'server', 'src', 'cli', 'main.js'), 'fix', p], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 180_000,
      });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(facts(p), { text: FIXED, uid: 1234, gid: 2345, mode: 0o640 });
    });
  },
);
