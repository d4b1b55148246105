// Model extraction: from the functions a user selects, each thread's migration
// actions along its paths (lock/unlock helpers, flag writes, re-check branches,
// sleep, migrate, start, finish), laid out as a sim/ thread program, plus the
// scheduler's context_saved variant read from the file. Calls the model does
// not know are skipped and listed in the notes.
import type { InstrAt, Model, ThreadProgram } from '../../../../sim/src/program';
import type { FileAnalysis } from '../analyzer';
import type { Cfg, CfgEdge, CfgNode } from '../cfg/types';
import type { CallSite } from '../syntax/expr';
import { atomsOf, parseCondition } from '../locks/condition';
import { reversePostorder } from '../cfg/dataflow';

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
const CONTEXT_SAVED = /^(unit_)?context_saved$/;

type CallMap = Record<string, InstrAt['op']>;

/** The calls the model knows, both API eras. */
const KNOWN: CallMap = {
  vcpu_schedule_lock: 'lockVcpu', vcpu_schedule_lock_irq: 'lockVcpu', vcpu_schedule_lock_irqsave: 'lockVcpu',
  unit_schedule_lock: 'lockVcpu', unit_schedule_lock_irq: 'lockVcpu', unit_schedule_lock_irqsave: 'lockVcpu',
  vcpu_schedule_unlock: 'unlockVcpu', vcpu_schedule_unlock_irq: 'unlockVcpu', vcpu_schedule_unlock_irqrestore: 'unlockVcpu',
  unit_schedule_unlock: 'unlockVcpu', unit_schedule_unlock_irq: 'unlockVcpu', unit_schedule_unlock_irqrestore: 'unlockVcpu',
  vcpu_sleep_nosync: 'sleepNosync', vcpu_sleep_nosync_locked: 'sleepNosyncLocked', sched_unit_sleep_nosync: 'sleepNosync',
  vcpu_migrate: 'migrate', vcpu_migrate_start: 'migrateStart', sched_unit_migrate_start: 'migrateStart',
  vcpu_migrate_finish: 'migrateFinish', sched_unit_migrate_finish: 'migrateFinish', vcpu_wake: 'wake', sched_unit_wake: 'wake',
};

/** Calls that never touch the migration state (no note for them). */
const IGNORED = new Set(['ASSERT', 'BUG_ON', 'likely', 'unlikely', 'printk', 'dprintk', 'gdprintk', 'unlikely', 'cpumask_copy', 'cpumask_and', 'cpumask_test_cpu', 'cpumask_empty', 'test_bit', 'clear_bit']);

export function extractModel(file: FileAnalysis, functions: readonly string[], opts: ExtractOptions = {}): Extraction {
  const notes: string[] = [];
  const byName = new Map(file.functions.map((f) => [f.syntax.name, f]));
  const missing = functions.filter((f) => !byName.has(f));
  if (missing.length) throw new ExtractError(`no function named ${missing.join(', ')} in ${file.path}`);
  const initiators = functions.filter((f) => !CONTEXT_SAVED.test(f));
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
    model: { pcpus, vcpus: [{ name: 'v', processor: 'A', running: true }], threads, schedulers: { contextSaved, rounds: opts.rounds ?? 1 } },
    notes,
  };
}

export class ExtractError extends Error {}

/** `old` when the file's context_saved calls vcpu_migrate behind a flag test, `new` when it calls the finish. */
function contextSavedVariant(file: FileAnalysis, notes: string[]): 'old' | 'new' {
  const cs = file.functions.find((f) => CONTEXT_SAVED.test(f.syntax.name));
  const calls = (cs ? cs.cfg.nodes : []).flatMap((n) => n.facts.calls.map((c) => c.name));
  if (calls.some((c) => /migrate_finish$/.test(c))) return 'new';
  if (calls.includes('vcpu_migrate')) return 'old';
  const defines = (n: string): boolean => file.functions.some((f) => f.syntax.name === n);
  const variant = defines('vcpu_migrate_finish') || defines('sched_unit_migrate_finish') ? 'new' : 'old';
  notes.push(`context_saved: ${cs ? 'calls neither vcpu_migrate nor a finish' : 'not in this file'}; the scheduler threads use the ${variant} protocol`);
  return variant;
}

/** One initiator function as a thread program over the model's vCPU `v`. */
function threadProgram(file: FileAnalysis, name: string, notes: string[]): { name: string; instrs: InstrAt[] } {
  const fn = file.functions.find((f) => f.syntax.name === name)!;
  const cfg = fn.cfg;
  const succ = forwardEdges(cfg);
  const order = reversePostorder(cfg).filter((id) => id !== cfg.exit);
  const startOf = new Map<number, number>();
  const instrs: InstrAt[] = [];
  const fixups: { at: number; to: number; field: 'else' | 'target' | 'targets'; index?: number }[] = [];
  const unknown = new Set<string>();
  const src = (offset: number) => ({ file: file.path, line: file.lines.lineOf(offset) + 1 });
  const text = (n: CfgNode): string => file.text.slice(n.start, n.end).replace(/\s+/g, ' ').trim();
  order.forEach((id, k) => {
    const node = cfg.nodes[id]!;
    startOf.set(id, instrs.length);
    for (const c of node.kind === 'cond' && !node.loopMacro ? [] : node.facts.calls) emitCall(c, instrs, unknown, src, file);
    const edges = succ.get(id) ?? [];
    const nextId = order[k + 1];
    if (node.kind === 'cond' && edges.length === 2 && !node.loopMacro) {
      for (const c of node.facts.calls) emitCall(c, instrs, unknown, src, file);
      const t = edges.find((e) => e.branch)!;
      const f = edges.find((e) => e.branch === false)!;
      const test = classify(file.text.slice(node.start, node.end));
      if (test) {
        const [whenSet, whenClear] = test.negated ? [f.to, t.to] : [t.to, f.to];
        fixups.push({ at: instrs.length, to: whenClear, field: 'else' });
        instrs.push({ op: test.op, else: -1, src: src(node.start), text: text(node) });
        if (whenSet !== nextId) {
          fixups.push({ at: instrs.length, to: whenSet, field: 'target' });
          instrs.push({ op: 'jump', target: -1 });
        }
        return;
      }
      fixups.push({ at: instrs.length, to: t.to, field: 'targets', index: 0 }, { at: instrs.length, to: f.to, field: 'targets', index: 1 });
      instrs.push({ op: 'choice', targets: [-1, -1], src: src(node.start), text: text(node) });
      return;
    }
    if (edges.length > 1) {
      fixups.push(...edges.map((e, index) => ({ at: instrs.length, to: e.to, field: 'targets' as const, index })));
      instrs.push({ op: 'choice', targets: edges.map(() => -1), src: src(node.start), text: text(node) });
      return;
    }
    const only = edges[0]?.to ?? cfg.exit;
    if (only !== nextId) {
      fixups.push({ at: instrs.length, to: only, field: 'target' });
      instrs.push({ op: 'jump', target: -1 });
    }
  });
  const end = instrs.length;
  const at = (id: number): number => (id === cfg.exit ? end : startOf.get(id) ?? end);
  for (const f of fixups) {
    const ins = instrs[f.at]! as InstrAt & { else?: number; target?: number; targets?: number[] };
    if (f.field === 'targets') ins.targets![f.index!] = at(f.to);
    else ins[f.field] = at(f.to);
  }
  if (unknown.size) notes.push(`${name}: skipped calls the model does not know: ${[...unknown].sort().join(', ')}`);
  return { name, instrs: simplify(instrs) };
}

function emitCall(c: CallSite, out: InstrAt[], unknown: Set<string>, src: (o: number) => { file: string; line: number }, file: FileAnalysis): void {
  const t = file.text.slice(c.start, c.end).replace(/\s+/g, ' ');
  if (c.name === 'set_bit' || c.name === '__set_bit' || c.name === 'sched_set_pause_flags' || c.name === 'sched_set_pause_flags_atomic') {
    if (c.args.some((a) => /_VPF_migrating/.test(a.text))) out.push({ op: 'setMigrating', src: src(c.start), text: t });
    return;
  }
  const op = KNOWN[c.name];
  if (op) {
    out.push({ op, src: src(c.start), text: t } as InstrAt);
    return;
  }
  if (c.depth === 0 && !IGNORED.has(c.name)) unknown.add(c.name);
}

/** A migrating-flag test or an is_running test, and whether the condition negates it. */
function classify(condText: string): { op: 'ifMigrating' | 'ifRunning'; negated: boolean } | undefined {
  const cond = parseCondition(condText.trim().replace(/^\(/, '').replace(/\)$/, ''));
  const atoms = atomsOf(cond);
  if (atoms.length !== 1) return undefined;
  const atom = atoms[0]!;
  const negated = cond.k === 'not' || (cond.k === 'null' && !cond.negated);
  if (/VPF_migrating/.test(atom)) return { op: 'ifMigrating', negated };
  if (/->is_running$/.test(atom)) return { op: 'ifRunning', negated };
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
    out.set(id, edges.filter((e, i) => edges.findIndex((x) => x.to === e.to) === i).map((e) => (edges.filter((x) => x.to === e.to).length > 1 ? { to: e.to } : e)));
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
