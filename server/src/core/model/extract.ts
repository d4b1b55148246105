// Model extraction: from the functions a user selects, each thread's migration
// actions along its paths (lock/unlock helpers, flag writes, re-check branches,
// sleep, migrate, start, finish), laid out as a sim/ thread program, plus the
// scheduler's context_saved variant read from the file. Calls the model does
// not know are skipped and listed in the notes.
import type { InstrAt, Model, SchedulerSources, ThreadProgram } from '../../../../sim/src/program';
import type { FileAnalysis } from '../analysis';
import { reversePostorder } from '../cfg/dataflow';
import type { Cfg, CfgEdge, CfgNode } from '../cfg/types';
import { atomsOf, atomsTestedTwice, conditionOf, evaluate, implied } from '../locks/condition';
import type { CallSite, ExprFacts } from '../syntax/expr';
import { HelperTable, vcpuLockOp } from '../xen/lockHelpers';
import {
  clearsRunning,
  flagAssignments,
  isContextSaved,
  isMigratingAtom,
  isRunningAtom,
  migrationCall,
  type MigrationOpKind,
  opsOfKind,
} from '../xen/migration';

export interface ExtractOptions {
  /** Initiator threads (default: one per selected function, at least two). */
  initiators?: number;
  /** Number of pCPUs (default 3). */
  pcpus?: number;
  /** Scheduler rounds per pCPU (default 1). */
  rounds?: number;
}

export interface Extraction {
  model: Model;
  notes: string[];
}

const THREAD_NAMES = ['X', 'Y', 'Z', 'W', 'U', 'T'];
/** How each migration operation of the vocabulary (xen/migration.ts) acts in the model. */
const OP_INSTR: Readonly<Record<MigrationOpKind, InstrAt['op']>> = {
  setMigrating: 'setMigrating',
  migrateStart: 'migrateStart',
  migrateFinish: 'migrateFinish',
  oldMigrate: 'migrate',
  sleep: 'sleepNosync',
  sleepLocked: 'sleepNosyncLocked',
  wake: 'wake',
};

const BUILTIN_TABLE = new HelperTable();

/** Calls that never touch the migration state (no note for them). */
const IGNORED = new Set([
  'ASSERT',
  'BUG_ON',
  'likely',
  'unlikely',
  'printk',
  'dprintk',
  'gdprintk',
  'unlikely',
  'cpumask_copy',
  'cpumask_and',
  'cpumask_test_cpu',
  'cpumask_empty',
  'test_bit',
  'clear_bit',
]);

export function extractModel(file: FileAnalysis, functions: readonly string[], opts: ExtractOptions = {}): Extraction {
  const notes: string[] = [];
  const byName = new Map(file.functions.map((f) => [f.syntax.name, f]));
  const missing = functions.filter((f) => !byName.has(f));
  if (missing.length) throw new ExtractError(`no function named ${missing.join(', ')} in ${file.path}`);
  const initiators = functions.filter((f) => !isContextSaved(f));
  if (initiators.length === 0) throw new ExtractError('select at least one initiator (a function other than context_saved)');
  const contextSaved = contextSavedVariant(file, notes);
  const programs = initiators.map((name) => threadProgram(file, name, notes));
  const count = Math.max(1, Math.min(THREAD_NAMES.length, opts.initiators ?? Math.max(2, programs.length)));
  const threads: ThreadProgram[] = [];
  for (let i = 0; i < count; i++) {
    const p = programs[i % programs.length]!;
    threads.push({ name: `${THREAD_NAMES[i]}:${p.name}`, instrs: p.instrs.map((x) => ({ ...x })) });
  }
  const pcpus = Array.from({ length: Math.max(2, Math.min(8, opts.pcpus ?? 3)) }, (_, i) => String.fromCharCode(65 + i));
  return {
    model: {
      pcpus,
      vcpus: [{ name: 'v', processor: 'A', running: true }],
      threads,
      schedulers: { contextSaved, rounds: opts.rounds ?? 1, ...schedulerSources(file, contextSaved) },
    },
    notes,
  };
}

export class ExtractError extends Error {}

/** `old` when the file's context_saved calls vcpu_migrate behind a flag test, `new` when it calls the finish. */
function contextSavedVariant(file: FileAnalysis, notes: string[]): 'old' | 'new' {
  const cs = file.functions.find((f) => isContextSaved(f.syntax.name));
  const has = (kind: MigrationOpKind): boolean => !!cs && cs.cfg.nodes.some((n) => opsOfKind(n.facts, kind).length > 0);
  if (has('migrateFinish')) return 'new';
  if (has('oldMigrate')) return 'old';
  const defines = (n: string): boolean => file.functions.some((f) => f.syntax.name === n);
  const variant = defines('vcpu_migrate_finish') || defines('sched_unit_migrate_finish') ? 'new' : 'old';
  notes.push(
    `context_saved: ${cs ? 'calls neither vcpu_migrate nor a finish' : 'not in this file'}; the scheduler threads use the ${variant} protocol`,
  );
  return variant;
}

/** A CFG node's source text on one line, as trace steps quote it. */
const nodeText = (file: FileAnalysis, n: CfgNode): string => file.text.slice(n.start, n.end).replace(/\s+/g, ' ').trim();

/**
 * Where the file's context_saved does what the model's scheduler threads do
 * (clear is_running, test the flag, call the migrate or the finish), so the
 * replay links those steps to the lines a reviewer reads. Nothing when the
 * file has no context_saved or it does not match the variant.
 */
function schedulerSources(file: FileAnalysis, variant: 'old' | 'new'): { sources?: SchedulerSources } {
  const cs = file.functions.find((f) => isContextSaved(f.syntax.name));
  if (!cs) return {};
  const nodes = cs.cfg.nodes.filter((n) => n.end > n.start).sort((a, b) => a.start - b.start);
  const at = (n: CfgNode | undefined) =>
    n && { file: file.path, line: file.lineIndex.lineOf(n.start) + 1, text: nodeText(file, n).replace(/;$/, '') };
  const migrate: MigrationOpKind = variant === 'old' ? 'oldMigrate' : 'migrateFinish';
  const call = nodes.find((n) => opsOfKind(n.facts, migrate).length > 0);
  const sources: SchedulerSources = {};
  const clear = at(nodes.find((n) => clearsRunning(file.text.slice(n.start, n.end))));
  if (clear) sources.clearRunning = clear;
  // The flag test guarding the old call (the if's condition, before the call).
  const test =
    variant === 'old' && call
      ? at(
          nodes.find(
            (n) =>
              n.start < call.start &&
              n.kind === 'cond' &&
              isMigratingAtom(file.text.slice(n.start, n.end)) &&
              opsOfKind(n.facts, 'setMigrating').length === 0,
          ),
        )
      : undefined;
  if (test) sources.testMigrating = test;
  if (call) sources.migrate = at(call)!;
  return Object.keys(sources).length ? { sources } : {};
}

/**
 * One initiator function as a thread program over the model's vCPU `v`.
 *
 * The CFG (loops cut) is walked as a product with the truth values of
 * conditions tested more than once, so `if ( migrate ) start; … if ( migrate )
 * finish;` becomes two paths, not four: a thread never starts without
 * finishing because two tests of one boolean were taken as independent.
 */
function threadProgram(file: FileAnalysis, name: string, notes: string[]): { name: string; instrs: InstrAt[] } {
  const fn = file.functions.find((f) => f.syntax.name === name)!;
  const cfg = fn.cfg;
  const succ = forwardEdges(cfg);
  const rank = new Map(reversePostorder(cfg).map((id, i) => [id, i]));
  const tracked = atomsTestedTwice(cfg, file.text);
  const instrs: InstrAt[] = [];
  const startOf = new Map<string, number>();
  const fixups: { at: number; to: string; field: 'else' | 'target' | 'targets'; index?: number }[] = [];
  const unknown = new Set<string>();
  const src = (offset: number) => ({ file: file.path, line: file.lineIndex.lineOf(offset) + 1 });
  const text = (n: CfgNode): string => nodeText(file, n);
  type Facts = ReadonlyMap<string, boolean>;
  const keyOf = (id: number, facts: Facts): string =>
    id === cfg.exit
      ? 'exit'
      : `${id}|${[...facts]
          .sort()
          .map(([a, v]) => `${a}=${v ? 1 : 0}`)
          .join(';')}`;
  const queue: { id: number; facts: Facts; key: string }[] = [];
  const queued = new Set<string>();
  const enqueue = (id: number, facts: Facts): string => {
    const key = keyOf(id, facts);
    if (id !== cfg.exit && !queued.has(key)) {
      queued.add(key);
      queue.push({ id, facts, key });
    }
    return key;
  };
  const jumpTo = (key: string): void => {
    fixups.push({ at: instrs.length, to: key, field: 'target' });
    instrs.push({ op: 'jump', target: -1 });
  };
  enqueue(cfg.entry, new Map());
  while (queue.length) {
    // Program order: the lowest reverse-postorder rank first (all edges go forward).
    queue.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
    const { id, facts: inFacts, key } = queue.shift()!;
    const node = cfg.nodes[id]!;
    startOf.set(key, instrs.length);
    emitOps(node.facts, instrs, unknown, src, file);
    const facts = forgetAssigned(node, inFacts);
    const edges = succ.get(id) ?? [];
    if (node.kind === 'cond' && edges.length === 2 && !node.loopMacro) {
      const t = edges.find((e) => e.branch)!;
      const f = edges.find((e) => e.branch === false)!;
      const cond = conditionOf(node, file.text);
      const test = classify(cond);
      if (test) {
        const [whenSet, whenClear] = test.negated ? [f.to, t.to] : [t.to, f.to];
        fixups.push({ at: instrs.length, to: enqueue(whenClear, facts), field: 'else' });
        instrs.push({ op: test.op, else: -1, src: src(node.start), text: text(node) });
        jumpTo(enqueue(whenSet, facts));
        continue;
      }
      const known = evaluate(cond, (atom) => facts.get(atom));
      if (known !== undefined) {
        jumpTo(enqueue(known ? t.to : f.to, facts));
        continue;
      }
      const learn = (value: boolean): Facts => {
        const m = new Map(facts);
        for (const x of implied(cond, value)) if (tracked.has(x.atom)) m.set(x.atom, x.value);
        return m;
      };
      const at = instrs.length;
      instrs.push({ op: 'choice', targets: [-1, -1], src: src(node.start), text: text(node) });
      fixups.push(
        { at, to: enqueue(t.to, learn(true)), field: 'targets', index: 0 },
        { at, to: enqueue(f.to, learn(false)), field: 'targets', index: 1 },
      );
      continue;
    }
    if (edges.length > 1) {
      const at = instrs.length;
      instrs.push({ op: 'choice', targets: edges.map(() => -1), src: src(node.start), text: text(node) });
      edges.forEach((e, index) => fixups.push({ at, to: enqueue(e.to, facts), field: 'targets', index }));
      continue;
    }
    jumpTo(enqueue(edges[0]?.to ?? cfg.exit, facts));
  }
  const end = instrs.length;
  const at = (key: string): number => (key === 'exit' ? end : (startOf.get(key) ?? end));
  for (const f of fixups) {
    const ins = instrs[f.at]! as InstrAt & { else?: number; target?: number; targets?: number[] };
    if (f.field === 'targets') ins.targets![f.index!] = at(f.to);
    else ins[f.field] = at(f.to);
  }
  if (unknown.size) notes.push(`${name}: skipped calls the model does not know: ${[...unknown].sort().join(', ')}`);
  return { name, instrs: simplify(instrs) };
}

/** Facts about a variable are void once the node assigns it. */
function forgetAssigned(node: CfgNode, facts: ReadonlyMap<string, boolean>): ReadonlyMap<string, boolean> {
  if (facts.size === 0 || node.facts.assignments.length === 0) return facts;
  const roots = node.facts.assignments.map((a) => /^[A-Za-z_]\w*/.exec(a.lhs)?.[0]).filter((r): r is string => !!r);
  const out = new Map(facts);
  for (const atom of facts.keys()) if (roots.some((r) => new RegExp(`(^|[^\\w])${r}([^\\w]|$)`).test(atom))) out.delete(atom);
  return out;
}

/**
 * The model instructions of a statement, in evaluation order: each call the
 * vocabulary knows (a migration operation, or a vCPU/unit scheduler-lock
 * helper), then the `|=` flag writes; other calls are noted as skipped.
 */
function emitOps(
  facts: ExprFacts,
  out: InstrAt[],
  unknown: Set<string>,
  src: (o: number) => { file: string; line: number },
  file: FileAnalysis,
): void {
  const text = (start: number, end: number): string => file.text.slice(start, end).replace(/\s+/g, ' ');
  for (const c of facts.calls) {
    const op = migrationCall(c);
    if (op) {
      out.push({ op: OP_INSTR[op.kind], src: src(c.start), text: text(c.start, c.end) } as InstrAt);
      continue;
    }
    const lock = vcpuLockOp(BUILTIN_TABLE.get(c.name));
    if (lock) {
      out.push({ op: lock === 'acquire' ? 'lockVcpu' : 'unlockVcpu', src: src(c.start), text: text(c.start, c.end) });
      continue;
    }
    if (c.depth === 0 && !IGNORED.has(c.name) && !isBitSetter(c)) unknown.add(c.name);
  }
  for (const w of flagAssignments(facts)) out.push({ op: 'setMigrating', src: src(w.start), text: text(w.start, w.end) });
}

/** A bit set on some other flag (`set_bit(_VPF_blocked, …)`): nothing the model tracks, and nothing worth a note. */
function isBitSetter(c: CallSite): boolean {
  return /^(__)?set_bit$|^sched_set_pause_flags(_atomic)?$/.test(c.name);
}

/** A migrating-flag test or an is_running test, and whether the condition negates it. */
function classify(cond: ReturnType<typeof conditionOf>): { op: 'ifMigrating' | 'ifRunning'; negated: boolean } | undefined {
  const atoms = atomsOf(cond);
  if (atoms.length !== 1) return undefined;
  const atom = atoms[0]!;
  const negated = cond.k === 'not' || (cond.k === 'null' && !cond.negated);
  if (isMigratingAtom(atom)) return { op: 'ifMigrating', negated };
  if (isRunningAtom(atom)) return { op: 'ifRunning', negated };
  return undefined;
}

/**
 * CFG edges with loops cut: a back edge goes to the loop's exit instead (each
 * loop body runs at most once in the model), so every thread is finite.
 */
function forwardEdges(cfg: Cfg): Map<number, CfgEdge[]> {
  const order = reversePostorder(cfg);
  const rank = new Map(order.map((id, i) => [id, i]));
  const out = new Map<number, CfgEdge[]>();
  for (const id of order) {
    const node = cfg.nodes[id]!;
    const edges: CfgEdge[] = [];
    for (const e of node.succ) {
      if ((rank.get(e.to) ?? 0) > rank.get(id)!) {
        edges.push(e);
        continue;
      }
      const head = cfg.nodes[e.to]!;
      const exit = head.succ.find((x) => x.branch === false);
      const to = exit && (rank.get(exit.to) ?? 0) > rank.get(id)! ? exit.to : cfg.exit;
      edges.push({ to, ...(e.branch !== undefined ? { branch: e.branch } : {}) });
    }
    // Two edges to one place are one edge.
    out.set(
      id,
      edges
        .filter((e, i) => edges.findIndex((x) => x.to === e.to) === i)
        .map((e) => (edges.filter((x) => x.to === e.to).length > 1 ? { to: e.to } : e)),
    );
  }
  return out;
}

/**
 * Collapses branches that make no difference to the model: a choice (an
 * unknown condition) whose targets lead to the same remaining sequence of
 * migration actions becomes a jump. Programs are acyclic here (back edges were
 * cut), so one backward pass with hash-consed signatures decides it.
 */
function simplify(instrs: InstrAt[]): InstrAt[] {
  const out = instrs.map((i) => ({ ...i })) as InstrAt[];
  const ids = new Map<string, number>();
  const intern = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) ids.set(s, (id = ids.size));
    return id;
  };
  const sig: number[] = new Array(out.length + 1);
  sig[out.length] = intern('end');
  const at = (t: number): number => sig[Math.min(Math.max(t, 0), out.length)]!;
  for (let i = out.length - 1; i >= 0; i--) {
    const ins = out[i]!;
    switch (ins.op) {
      case 'jump':
        sig[i] = ins.target > i ? at(ins.target) : intern(`loop${i}`);
        break;
      case 'choice': {
        const sigs = ins.targets.map((t) => (t > i ? at(t) : intern(`loop${i}`)));
        if (sigs.every((x) => x === sigs[0])) {
          out[i] = { op: 'jump', target: ins.targets[0]!, ...(ins.src ? { src: ins.src } : {}) };
          sig[i] = sigs[0]!;
        } else sig[i] = intern(`choice(${sigs.join(',')})`);
        break;
      }
      case 'ifMigrating':
      case 'ifRunning':
        sig[i] = intern(`${ins.op}(${at(i + 1)},${at(ins.else)})`);
        break;
      case 'nop':
        sig[i] = at(i + 1);
        break;
      default:
        sig[i] = intern(`${ins.op};${at(i + 1)}`);
    }
  }
  return out;
}
