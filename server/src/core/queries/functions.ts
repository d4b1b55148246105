// Per-function facts an editor or a test asks for: the functions a
// "Simulate interleavings" code lens goes on, and the migration operations a
// function performs as the checker sees them (the model extraction must see
// the same ones: test/core/vocabulary.test.ts holds them to it).
import type { FileAnalysis } from '../analysis';
import type { FunctionLocks } from '../locks/analyze';
import { functionFootprints } from '../model/footprints';
import { memoryOpsOfCalls } from '../xen/memoryOps';
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

/** Every atomic, bit and list operation of a function (the vocabulary's memoryOps), with its 0-based line. */
export function memoryOpsOf(file: FileAnalysis, fn: FunctionLocks): { line: number; name: string; kind: 'atomic' | 'list' | 'once' }[] {
  const out: { line: number; name: string; kind: 'atomic' | 'list' | 'once'; start: number }[] = [];
  for (const n of fn.cfg.nodes)
    for (const { op, call } of memoryOpsOfCalls(n.facts.calls))
      out.push({ line: file.lineIndex.lineOf(call.start), name: call.name, kind: op.kind, start: call.start });
  return out.sort((a, b) => a.start - b.start).map(({ line, name, kind }) => ({ line, name, kind }));
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

/**
 * The functions a "Simulate interleavings" lens goes on: the migration
 * functions, and every function that takes a lock and touches shared state
 * (a field, a global, per-CPU data or a list reached from it).
 */
export function simulationTargets(file: FileAnalysis): FunctionTarget[] {
  // An analysis never changes once made: the editor asks again on every scroll.
  const known = targetsOf.get(file);
  if (known) return known;
  const targets = computeTargets(file);
  targetsOf.set(file, targets);
  return targets;
}

const targetsOf = new WeakMap<FileAnalysis, FunctionTarget[]>();

function computeTargets(file: FileAnalysis): FunctionTarget[] {
  const locking = new Set(file.functions.filter((f) => f.touchesLocks).map((f) => f.syntax.name));
  const touching = new Set(
    functionFootprints(file, locking)
      .filter((f) => f.locations.size > 0 && f.locks.size > 0)
      .map((f) => f.name),
  );
  return file.functions
    .filter((fn) => isMigrationFunction(fn) || touching.has(fn.syntax.name))
    .map((fn) => ({ name: fn.syntax.name, start: fn.syntax.start }));
}
