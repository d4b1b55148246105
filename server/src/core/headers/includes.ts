// The headers a C file includes, found the way the compiler would: `"x.h"`
// beside the including file first, then (and for `<x.h>`) under each include
// directory in order. Their `static inline` lock wrappers (`domain_lock`,
// `grant_read_lock`, `pcidevs_lock`, `rcu_unlock_domain`) are analysed with
// the file, so their summaries make them helpers. Pure: files are read through
// a callback (the CLI reads the disk).
import * as path from 'node:path';

import type { SourceFile } from '../analysis';

/** Reads a file; undefined when it does not exist or cannot be read. */
export type FileReader = (file: string) => string | undefined;

export interface IncludeOptions {
  /** Directories searched for `<x.h>` and, after the file's own folder, for `"x.h"`. */
  includeDirs: readonly string[];
  /** How many levels of nested includes to follow (default 3: a file's, its headers', theirs). */
  depth?: number;
  /** At most this many headers per run (default 400). */
  maxHeaders?: number;
}

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]/gm;

/** Every header the files include (transitively, within the bounds), read once; the inputs themselves are never repeated. */
export function includedHeaders(files: readonly SourceFile[], read: FileReader, opts: IncludeOptions): SourceFile[] {
  const depth = opts.depth ?? 3;
  const max = opts.maxHeaders ?? 400;
  const seen = new Set(files.map((f) => path.resolve(f.path)));
  const out: SourceFile[] = [];
  let frontier: SourceFile[] = files.slice();
  for (let level = 0; level < depth && frontier.length && out.length < max; level++) {
    const next: SourceFile[] = [];
    for (const f of frontier) {
      for (const m of f.text.matchAll(INCLUDE)) {
        const name = m[2]!.trim();
        // A `.c` included into another (`#include "compat.c"`) is code of that file, not a header of helpers.
        if (!name.endsWith('.h')) continue;
        const dirs = m[1] === '"' ? [path.dirname(f.path), ...opts.includeDirs] : opts.includeDirs;
        for (const dir of dirs) {
          const full = path.resolve(dir, name);
          if (seen.has(full)) break;
          const text = read(full);
          if (text === undefined) continue;
          seen.add(full);
          const header = { path: full, text };
          out.push(header);
          next.push(header);
          break;
        }
        if (out.length >= max) break;
      }
    }
    frontier = next;
  }
  return out;
}

/**
 * The include directories of the Xen tree a file is in: the nearest ancestor
 * holding `xen/include` (or that is `xen/` with an `include/`) gives
 * `xen/include` and the scheduler's own folder.
 */
export function defaultIncludeDirs(file: string, isDir: (p: string) => boolean): string[] {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    for (const xen of [path.join(dir, 'xen'), dir]) {
      if (path.basename(xen) === 'xen' && isDir(path.join(xen, 'include'))) {
        return [path.join(xen, 'include'), path.join(xen, 'common', 'sched')].filter(isDir);
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return [];
    dir = up;
  }
}
