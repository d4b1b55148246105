// The headers a run analyses with its inputs (for their static inline lock
// wrappers): those the inputs `#include`, found beside each file and under the
// include directories: `--include DIR` (repeatable), else the nearest
// `xen/include` and `xen/common/sched/` of the tree the first input is in.
import * as fs from 'node:fs';

import { defaultIncludeDirs, includedHeaders, type SourceFile } from '../core/index';
import type { CommandContext } from './context';
import { readSource } from './inputs';

const isDir = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The include directories of this run. */
function includeDirs(ctx: CommandContext, firstInput: string | undefined): string[] {
  const given = ctx.values.include;
  const list = Array.isArray(given) ? given : typeof given === 'string' ? [given] : [];
  if (list.length) return list;
  return firstInput ? defaultIncludeDirs(firstInput, isDir) : [];
}

/** The headers the inputs include (read with the same size and binary checks as inputs; unreadable ones are skipped). */
export function contextHeaders(ctx: CommandContext, files: readonly SourceFile[]): SourceFile[] {
  if (ctx.values['no-includes']) return [];
  const dirs = includeDirs(ctx, files[0]?.path);
  return includedHeaders(files, (p) => readSource(p).text, { includeDirs: dirs });
}
