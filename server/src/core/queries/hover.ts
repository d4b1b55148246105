// What a hover shows at an offset: the function, the locks held before the
// line and after it (the hints show the after side), and over a migration
// operation what the protocol requires there.
import type { FileAnalysis } from '../analysis';
import { migrationOps } from '../xen/migration';
import { protocolNote } from '../xen/notes';
import { functionAt, type HeldEntry, lineLockView } from './lockView';

export interface HoverInfo {
  function: string;
  /** 0-based line. */
  line: number;
  /** Before → after, in reading order (the line's own change first). */
  entriesBefore: HeldEntry[];
  entriesAfter: HeldEntry[];
  /** Held before the line and released by it. */
  released: HeldEntry[];
  /** The migration operation under the cursor and its protocol note. */
  operation?: { name: string; start: number; end: number; note: string };
  /** Why the function was not analysed, or only coarsely: the sets above then say less than they seem to. */
  degraded?: string;
}

export function hoverInfo(file: FileAnalysis, offset: number): HoverInfo | undefined {
  const fn = functionAt(file, offset);
  if (!fn || offset < fn.syntax.bodyStart || offset > fn.syntax.bodyEnd) return undefined;
  const line = file.lineIndex.lineOf(offset);
  const v = lineLockView(file, fn, line);
  const info: HoverInfo = {
    function: fn.syntax.name,
    line,
    entriesBefore: v.before,
    entriesAfter: v.after,
    released: v.released,
  };
  if (fn.degraded) info.degraded = fn.degraded;
  for (const n of fn.cfg.nodes) {
    if (n.line > line || n.end < offset) continue;
    for (const op of migrationOps(n.facts)) {
      const note = protocolNote(op.kind, op.era);
      // The innermost (latest-starting) operation around the cursor.
      if (!note || op.start > offset || offset > op.end) continue;
      if (info.operation && op.start < info.operation.start) continue;
      // A call's range is its name; the `|=` spelling's is the whole assignment.
      const end = op.name === '|=' ? op.end : op.start + op.name.length;
      info.operation = { name: op.name === '|=' ? 'pause_flags |= VPF_migrating' : `${op.name}()`, start: op.start, end, note };
    }
  }
  return info;
}
