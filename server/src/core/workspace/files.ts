// Finding and reading the C sources of a folder, the same way for `xsr check`
// and the language server's workspace index: `*.c` and `*.h`, in name order,
// never into .git or node_modules, never through a symlinked directory (no
// loops), and a symlinked file only when it stays inside the folder. Reading
// never throws: binary, oversized, non-UTF-8 and unreadable files come back
// as the reason they were skipped or the warning to give.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { decodeSource } from '../syntax/decode';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
const SOURCE = /\.[ch]$/;

export interface SourceListing {
  files: string[];
  /** Files not to analyse (a symlink out of the folder). */
  skipped: { path: string; reason: string }[];
  /** Folders that could not be read. */
  errors: string[];
}

/** The C sources under `dir` (the folder a symlink may not lead out of is `dir` itself). */
export function listSourceFiles(dir: string): SourceListing {
  const out: SourceListing = { files: [], skipped: [], errors: [] };
  const root = realpathOrUndefined(dir) ?? path.resolve(dir);
  // Symlinked files, listed after every regular file: a link to one of them names a file already listed.
  const links: string[] = [];
  const visit = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      out.errors.push(`${d}: cannot read directory (${errCode(e)})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const ent of entries) {
      const full = path.join(d, ent.name);
      if (ent.isDirectory()) {
        if (!SKIP_DIRS.has(ent.name)) visit(full);
      } else if (ent.isFile() && SOURCE.test(ent.name)) out.files.push(full);
      else if (ent.isSymbolicLink() && SOURCE.test(ent.name)) links.push(full);
    }
  };
  visit(dir);
  for (const full of links) {
    const target = realpathOrUndefined(full);
    if (target && (target === root || target.startsWith(root + path.sep))) out.files.push(full);
    else out.skipped.push({ path: full, reason: `a symbolic link out of ${root}` });
  }
  return out;
}

export interface ReadResult {
  text?: string;
  warning?: string;
  /** Why the file was not read (binary, too large). */
  skipped?: string;
  error?: string;
}

/** Reads one source file with the size, binary and encoding checks. */
export function readSource(file: string, maxBytes: number): ReadResult {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return { error: `${file}: cannot read (${errCode(e)})` };
  }
  if (!st.isFile()) return { error: `${file}: not a regular file` };
  if (st.size > maxBytes)
    return { skipped: `${(st.size / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit` };
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    return { error: `${file}: cannot read (${errCode(e)})` };
  }
  const decoded = decodeSource(buf);
  if (decoded.binary) return { skipped: 'binary content (NUL bytes)' };
  const r: ReadResult = { text: decoded.text };
  if (decoded.latin1) r.warning = `${file}: not valid UTF-8; read as Latin-1`;
  else if (buf.length === 0) r.warning = `${file}: empty file, nothing to analyse`;
  return r;
}

export function realpathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

function errCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'no such file or directory';
  if (err.code === 'EACCES') return 'permission denied';
  return err.code ?? err.message;
}
