// Collects and reads the C files a command was given. Bad input never throws:
// binary, oversized, non-UTF-8 and unreadable files become warnings or errors
// naming the file, and the other files are still analysed.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { listSourceFiles, type ReadResult, readSource as readWithLimit, realpathOrUndefined } from '../core/index';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

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
      const code = (e as NodeJS.ErrnoException).code;
      out.errors.push(
        `${p}: cannot read (${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message)})`,
      );
      continue;
    }
    if (st.isDirectory()) {
      // The same walk as the language server's workspace index (core/workspace/files.ts).
      const listing = listSourceFiles(p);
      out.errors.push(...listing.errors);
      out.skipped.push(...listing.skipped);
      for (const f of listing.files) readOne(f, realpathOrUndefined(f));
    } else readOne(p);
  }
  return out;
}

/** Reads one source file with the size, binary and encoding checks. */
export function readSource(file: string, maxBytes = MAX_FILE_BYTES): ReadResult {
  return readWithLimit(file, maxBytes);
}
