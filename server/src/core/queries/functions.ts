// Per-function facts an editor or a test asks for: the functions a
// "Simulate interleavings" code lens goes on, and the migration operations a
// function performs as the checker sees them (the model extraction must see
// the same ones: test/core/vocabulary.test.ts holds them to it).
import type { FileAnalysis } from '../analysis';
import type { FunctionLocks } from '../locks/analyze';
import { type MigrationOpKind, migrationOps } from '../xen/migration';

export interface FunctionTarget {
  name: string;
  /** Offset of the definition. */
  start: number;
}

/** Every migration operation of a function, in source order, with its 0-based line. */
export function migrationOpsOf(file: FileAnalysis, fn: FunctionLocks): { line: number; kind: MigrationOpKind }[] {
  const out: { line: number; kind: MigrationOpKind; start: number }[] = [];
  for (const n of fn.cfg.nodes)
    for (const op of migrationOps(n.facts)) out.push({ line: file.lineIndex.lineOf(op.start), kind: op.kind, start: op.start });
  return out.sort((a, b) => a.start - b.start).map(({ line, kind }) => ({ line, kind }));
}

/**
 * The function starts or finishes a migration, calls the old vcpu_migrate(),
 * or writes the migrating flag and then sleeps or migrates (the old sequence).
 */
function isMigrationFunction(fn: FunctionLocks): boolean {
  const ops = fn.cfg.nodes.flatMap((n) => migrationOps(n.facts)).sort((a, b) => a.start - b.start);
  if (ops.some((o) => o.kind === 'migrateStart' || o.kind === 'migrateFinish' || o.kind === 'oldMigrate')) return true;
  const flag = ops.find((o) => o.kind === 'setMigrating');
  return !!flag && ops.some((o) => o.start > flag.start && o.kind === 'sleep');
}

/** The functions a "Simulate interleavings" lens goes on. */
export function simulationTargets(file: FileAnalysis): FunctionTarget[] {
  return file.functions.filter(isMigrationFunction).map((fn) => ({ name: fn.syntax.name, start: fn.syntax.start }));
}
