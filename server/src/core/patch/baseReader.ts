// Reading a patch's base files from a folder (the CLI's --base, the editor's
// workspace folder). A patch names paths; it does not choose which files are
// read: paths leaving the folder read as missing.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { decodeSource } from '../syntax/decode';
import type { BaseReader } from './index';

/** Reads a base file under `base`; paths that leave the tree read as missing. */
export function baseReader(base: string): BaseReader {
  const root = path.resolve(base);
  return (p) => {
    const full = path.resolve(root, p);
    if (path.isAbsolute(p) || (full !== root && !full.startsWith(root + path.sep))) return undefined;
    try {
      const d = decodeSource(fs.readFileSync(full));
      return d.binary ? undefined : d.text;
    } catch {
      return undefined;
    }
  };
}
