// Writing a fixed file without ever widening what the user can change: the
// new text goes to a temp file beside the original, gets the original's mode,
// owner and group, and replaces it by a rename (atomic). Files the user could
// not write, read-only files, files with other hard links (a rename would
// leave the other names on the old text) and files another writer changed
// since they were read are refused with a sentence saying why.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `text` over `given` if its content is still `original`; returns an error sentence, or undefined when written. */
export function writeAtomically(given: string, original: string, text: string): string | undefined {
  let buf: Buffer;
  let st: fs.Stats;
  let file: string;
  try {
    // Through a symlink, the file it points at is rewritten (the link stays a link).
    file = fs.realpathSync(given);
    st = fs.statSync(file);
    buf = fs.readFileSync(file);
  } catch (e) {
    return `cannot re-read before writing (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); not written`;
  }
  const refused = refusal(file, st);
  if (refused) return refused;
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  let current: string;
  try {
    current = new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
  } catch {
    return 'not valid UTF-8; not rewritten';
  }
  if (current !== original) return 'changed since it was read; not written (run the fix again)';
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.xsr-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, (bom ? '\uFEFF' : '') + text, { mode: 0o600, flag: 'wx' });
    // Owner and group first (chown may clear set-id bits), then the mode.
    if (!sameOwner(st)) fs.chownSync(tmp, st.uid, st.gid);
    else if (fs.statSync(tmp).gid !== st.gid) fs.chownSync(tmp, st.uid, st.gid);
    fs.chmodSync(tmp, st.mode & 0o7777);
    // Last check right before the rename: another writer may have been quicker.
    if (!fs.readFileSync(file).equals(buf)) {
      fs.rmSync(tmp, { force: true });
      return 'changed since it was read; not written (run the fix again)';
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPERM') return "cannot keep the file's owner and group; left unchanged";
    return `cannot write (${code ?? (e as Error).message}); left unchanged`;
  }
  return undefined;
}

const isRoot = (): boolean => process.getuid?.() === 0;
const sameOwner = (st: fs.Stats): boolean => process.getuid?.() === st.uid;

/** Why this file must not be replaced, if it must not. */
function refusal(file: string, st: fs.Stats): string | undefined {
  if (!st.isFile()) return 'not a regular file; not written';
  try {
    fs.accessSync(file, fs.constants.W_OK);
  } catch {
    return 'no permission to write it; left unchanged';
  }
  if ((st.mode & 0o222) === 0) return 'the file is read-only; left unchanged';
  if (!isRoot() && !sameOwner(st)) return 'owned by another user (a rewrite would make it yours); left unchanged';
  if (st.nlink > 1) return `the file has ${st.nlink} hard links (a rewrite would leave the others on the old text); left unchanged`;
  return undefined;
}
