// Reading a patch's base files from a folder (the CLI's --base, the editor's
// workspace folder). A patch names paths; it does not choose which files are
// read: paths leaving the folder read as missing.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { decodeSource } from '../syntax/decode';
import type { BaseReader } from './index';

/** Base files past this size are not read (the CLI's limit for any input). */
const MAX_BASE_BYTES = 5 * 1024 * 1024;

/**
 * Reads a base file under `base`; paths that leave the tree, symbolic links
 * that lead out of it, and files too large to analyse read as missing.
 */
export function baseReader(base: string): BaseReader {
  let root: string;
  try {
    root = fs.realpathSync(base);
  } catch {
    root = path.resolve(base);
  }
  const inside = (p: string): boolean => p === root || p.startsWith(root + path.sep);
  return (p) => {
    if (path.isAbsolute(p) || !inside(path.resolve(root, p))) return undefined;
    try {
      const full = fs.realpathSync(path.resolve(root, p));
      if (!inside(full) || fs.statSync(full).size > MAX_BASE_BYTES) return undefined;
      const d = decodeSource(fs.readFileSync(full));
      return d.binary ? undefined : d.text;
    } catch {
      return undefined;
    }
  };
}
