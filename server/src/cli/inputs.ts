// Collects and reads the C files a command was given. Bad input never throws:
// binary, oversized, non-UTF-8 and unreadable files become warnings or errors
// naming the file, and the other files are still analysed.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { decodeSource } from '../core/index';

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

interface InputFile {
  path: string;
  text: string;
}

export interface Inputs {
  files: InputFile[];
  /** Skipped or degraded files (binary, too large, not UTF-8, empty). */
  warnings: string[];
  /** Files not analysed (binary, too large, a symlink out of the folder): reported, and the command exits 2. */
  skipped: { path: string; reason: string }[];
  /** Unreadable or missing paths: the command exits 2 after analysing the rest. */
  errors: string[];
}

export function collectInputs(paths: readonly string[], opts: { maxBytes?: number } = {}): Inputs {
  const out: Inputs = { files: [], warnings: [], errors: [], skipped: [] };
  const maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
  const seen = new Set<string>();
  // The folder a file was found under: a symlink inside it may not lead out of it.
  let root = '';
  // Symlinks met in the folder, read after its files: a link to one of them names a file already read.
  let links: string[] = [];
  const visitDir = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      out.errors.push(`${dir}: cannot read directory (${errCode(e)})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const ent of entries) {
      const full = path.join(dir, ent.name);
      // Symlinked directories are not followed: no loops, no escaping the tree.
      if (ent.isDirectory()) {
        if (!SKIP_DIRS.has(ent.name)) visitDir(full);
      } else if (ent.isFile() && /\.[ch]$/.test(ent.name)) readOne(full, realpathOrUndefined(full));
      else if (ent.isSymbolicLink() && /\.[ch]$/.test(ent.name)) links.push(full);
    }
  };
  const readLinks = (): void => {
    for (const link of links) {
      const target = realpathOrUndefined(link);
      if (target && (target === root || target.startsWith(root + path.sep))) readOne(link, target);
      else out.skipped.push({ path: link, reason: `a symbolic link out of ${root}` });
    }
    links = [];
  };
  /** In a folder, a file is known by its real path (read once however many links name it); a file given by name, by that name. */
  const readOne = (file: string, real?: string): void => {
    const key = real ?? path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    const r = readSource(file, maxBytes);
    if (r.skipped) out.skipped.push({ path: file, reason: r.skipped });
    if (r.warning) out.warnings.push(r.warning);
    if (r.error) out.errors.push(r.error);
    if (r.text !== undefined) out.files.push({ path: file, text: r.text });
  };
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (e) {
      out.errors.push(`${p}: cannot read (${errCode(e)})`);
      continue;
    }
    if (st.isDirectory()) {
      root = realpathOrUndefined(p) ?? path.resolve(p);
      visitDir(p);
      readLinks();
    } else readOne(p);
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
export function readSource(file: string, maxBytes = MAX_FILE_BYTES): ReadResult {
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

function realpathOrUndefined(p: string): string | undefined {
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
