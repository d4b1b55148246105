// XSR007 lock-imbalance: the lock analysis (locks/analyze.ts) finds the
// imbalances as data while it solves a function; this rule words them.
import type { FileAnalysis } from '../analysis';
import type { CoreDiagnostic } from '../diagnostics';
import type { FunctionLocks, LockImbalance } from '../locks/analyze';
import { finding, lineNo } from './report';
import type { Rule, RuleMeta } from './types';

const meta: RuleMeta = {
  code: 'XSR007',
  slug: 'lock-imbalance',
  severity: 'error',
  summary: 'A lock held at return, released when not held, or retaken while held.',
};

function word(file: FileAnalysis, fn: FunctionLocks, x: LockImbalance): CoreDiagnostic {
  switch (x.kind) {
    case 'retake':
      return finding(meta, fn, {
        start: x.start,
        end: x.end,
        message: `retakes ${x.lock}, which is already held here (taken at line ${lineNo(file, x.takenAt)})`,
        related: [{ start: x.takenAt, end: x.takenAt, message: `${x.lock} taken here` }],
      });
    case 'mayRelease':
      return finding(meta, fn, {
        start: x.start,
        end: x.end,
        message: `releases ${x.lock}, which is held here on some paths only: it was taken at line ${lineNo(file, x.takenAt)} on one path, and another path reaches this release without it`,
        related: [{ start: x.takenAt, end: x.takenAt, message: `${x.lock} taken here, on some paths` }],
      });
    case 'doubleRelease':
      return finding(meta, fn, {
        start: x.start,
        end: x.end,
        message: `releases ${x.lock}, which is not held here: it was already released on this path`,
      });
    case 'heldAtExit': {
      const related = [
        { start: x.takenAt, end: x.takenAt, message: `${x.lock} taken here` },
        { start: x.freeExit.start, end: x.freeExit.end, message: 'a path that returns without it' },
      ];
      if (x.releaseOnly !== undefined) {
        related.push({ start: x.releaseOnly, end: x.releaseOnly, message: 'does nothing in release builds' });
        return finding(meta, fn, {
          start: x.start,
          end: x.end,
          message: `in release builds ${fn.syntax.name}() returns holding ${x.lock} (taken at line ${lineNo(file, x.takenAt)}) on this path: the ASSERT_UNREACHABLE() at line ${lineNo(file, x.releaseOnly)} stops only debug builds, and the path through line ${lineNo(file, x.freeExit.start)} returns without it`,
          related,
        });
      }
      return finding(meta, fn, {
        start: x.start,
        end: x.end,
        message: `${fn.syntax.name}() returns holding ${x.lock} (taken at line ${lineNo(file, x.takenAt)}) on this path, while the path through line ${lineNo(file, x.freeExit.start)} returns without it`,
        related,
      });
    }
  }
}

export const xsr007: Rule = {
  meta,
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    return fn.imbalances.map((x) => word(file, fn, x));
  },
};
