// Model extraction: the selected functions of a file as threads over the
// shared state they touch, for sim/. Two passes over the same translation
// (walk.ts, translate.ts): the first records which locations each thread
// instance reads and writes; the locations two instances touch, one of them
// writing, are the model's (unless every location is asked for); the second
// pass emits the steps on them. When a selected function (or a function it
// calls) starts, finishes or performs a migration, the Xen scheduler model is
// in play too: its vCPU, pCPUs and scheduler threads, with context_saved's
// variant read from the file. Everything left out is said in `skipped`.
import type { Model, SchedulerSources, ThreadProgram } from '../../../../sim/src/program';
import type { LocationSpec, LockSpec } from '../../../../sim/src/shared';
import type { FileAnalysis } from '../analysis';
import { calleesOf } from '../cfg/callees';
import type { CfgNode } from '../cfg/types';
import type { FunctionLocks } from '../locks/analyze';
import { clearsRunning, isContextSaved, isMigratingAtom, type MigrationOpKind, migrationOps, opsOfKind } from '../xen/migration';
import { nodeText, parseText } from './cexpr';
import { fileConstants, ModelContext } from './context';
import { domainOf, keepValuesThatMatter, simplify } from './finish';
import { Locations, Scope } from './locations';
import { collectListHeads, declsOf, ThreadBuilder } from './walk';

export interface ExtractOptions {
  /** Threads in all, the selected functions taking turns (default: one per function, two when there is one). */
  initiators?: number;
  /** Copies of a function's thread (`--copies F=N`); overrides `initiators` for the functions named. */
  copies?: Readonly<Record<string, number>>;
  /** Number of pCPUs (Xen model default 3; the per-pCPU lock families of general models default 2). */
  pcpus?: number;
  /** Scheduler rounds per pCPU (default 1). */
  rounds?: number;
  /** Initial values of locations (`--init 'prv->credit=2'`), by name as the model names them or as the code spells them. */
  init?: Readonly<Record<string, number | string>>;
  /** Pointer parameters of the same struct type are different objects (default: the same). */
  distinct?: boolean;
  /** Calls into the file's functions are inlined this deep (default 2). */
  maxInline?: number;
  /** Model every location the threads touch, shared or not (the vocabulary test's view). */
  allLocations?: boolean;
}

export interface Extraction {
  model: Model;
  notes: string[];
}

export class ExtractError extends Error {}

const LETTERS = ['X', 'Y', 'Z', 'W', 'U', 'T', 'S', 'R'];
/** Footprint objects the simulator has (sim/src/footprint.ts), and what the Xen model uses of them (1 vCPU, 3 pCPUs by default). */
const MAX_OBJECTS = 64;
const INT_MAX = 3;
const MAX_INITIAL_STATES = 4096;

export function extractModel(file: FileAnalysis, functions: readonly string[], opts: ExtractOptions = {}): Extraction {
  const byName = new Map(file.functions.map((f) => [f.syntax.name, f]));
  const missing = functions.filter((f) => !byName.has(f));
  if (missing.length) throw new ExtractError(`no function named ${missing.join(', ')} in ${file.path}`);
  const maxInline = opts.maxInline ?? 2;
  const xen = functions.some((f) => reachesMigration(file, byName.get(f)!, maxInline));
  const selected = xen ? functions.filter((f) => !isContextSaved(f)) : [...functions];
  if (selected.length === 0) throw new ExtractError('select at least one initiator (a function other than context_saved)');
  for (const name of Object.keys(opts.copies ?? {}))
    if (!selected.includes(name)) throw new ExtractError(`--copies names ${name}, which is not one of the selected functions`);
  const instances = threadInstances(selected, opts);
  const notes: string[] = [];
  const xenPcpus = Array.from({ length: Math.max(2, Math.min(8, opts.pcpus ?? 3)) }, (_, i) => String.fromCharCode(65 + i));
  const familyPcpus = Array.from({ length: Math.max(2, Math.min(8, opts.pcpus ?? 2)) }, (_, i) => String.fromCharCode(65 + i));
  const locs = new Locations({ distinct: opts.distinct ?? false });
  const constants = fileConstants(file.text);
  const base = { xen, constants, maxInline, pcpus: familyPcpus };
  const requiredOf = (fn: FunctionLocks) => requiredLocks(fn, xen);

  // Pass 1: who touches what.
  const scan = new ModelContext(file, locs, { ...base, written: new Set() });
  collectListHeads(scan);
  instances.forEach((inst, t) => new ThreadBuilder(scan, t).build(byName.get(inst.fn)!, requiredOf(byName.get(inst.fn)!)));
  const written = new Set([...scan.accesses].filter(([, a]) => a.written).map(([k]) => k));
  let modelled = new Set([...scan.accesses].filter(([, a]) => opts.allLocations || (a.written && a.threads.size >= 2)).map(([k]) => k));
  modelled = withinBudget(modelled, scan, instances.length, xen, notes);

  // Pass 2: the steps.
  const ctx = new ModelContext(file, locs, { ...base, written, modelled });
  collectListHeads(ctx);
  const threads: ThreadProgram[] = [];
  instances.forEach((inst, t) => {
    const fn = byName.get(inst.fn)!;
    const built = new ThreadBuilder(ctx, t).build(fn, requiredOf(fn));
    for (const n of built.notes) if (!notes.includes(n)) notes.push(n);
    threads.push({ name: inst.name, function: inst.fn, instrs: simplify(built.instrs) });
  });
  for (const r of new Set(instances.map((i) => i.fn)))
    for (const l of requiredOf(byName.get(r)!)) notes.push(`${r} runs holding ${l.lock}${l.mode ? `:${l.mode}` : ''}, as its callers must`);

  const valued = keepValuesThatMatter(threads);
  const shared = sharedSpec(ctx, threads, valued, familyPcpus, notes);
  applyInit(shared.locations, opts.init ?? {}, locs, file, selected, byName, notes);
  boundInitialStates(shared.locations, notes);
  if (!xen && shared.locations.length === 0 && shared.locks.length === 0) notes.push(...touches(scan, instances, locs));

  const model: Model = { pcpus: xen ? xenPcpus : [], vcpus: xen ? [{ name: 'v', processor: 'A', running: true }] : [], threads };
  if (xen) {
    const contextSaved = contextSavedVariant(file, notes);
    model.schedulers = { contextSaved, rounds: opts.rounds ?? 1, ...schedulerSources(file, contextSaved) };
  }
  if (shared.locations.length || shared.locks.length) model.shared = shared;
  if (notes.length) model.skipped = notes.slice();
  return { model, notes };
}

interface Instance {
  name: string;
  fn: string;
}

/** The thread instances: copies per function, named X:f, Y:g, … */
function threadInstances(selected: string[], opts: ExtractOptions): Instance[] {
  const counts = new Map<string, number>();
  if (opts.initiators !== undefined) {
    const n = Math.max(1, opts.initiators);
    for (let i = 0; i < n; i++) counts.set(selected[i % selected.length]!, (counts.get(selected[i % selected.length]!) ?? 0) + 1);
  } else for (const f of selected) counts.set(f, selected.length === 1 ? 2 : 1);
  for (const [f, n] of Object.entries(opts.copies ?? {})) {
    if (!Number.isInteger(n) || n < 1) throw new ExtractError(`--copies ${f}=${n}: a count from 1 up`);
    counts.set(f, n);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total > LETTERS.length) throw new ExtractError(`${total} threads: at most ${LETTERS.length}`);
  const out: Instance[] = [];
  if (opts.initiators !== undefined && !opts.copies) {
    for (let i = 0; i < total; i++) {
      const fn = selected[i % selected.length]!;
      out.push({ name: `${LETTERS[i]}:${fn}`, fn });
    }
    return out;
  }
  for (const f of selected) for (let k = 0; k < (counts.get(f) ?? 0); k++) out.push({ name: `${LETTERS[out.length]}:${f}`, fn: f });
  return out;
}

/** A selected function (or one it calls, as deep as inlining goes) performs a migration operation. */
function reachesMigration(file: FileAnalysis, fn: FunctionLocks, depth: number, seen = new Set<string>()): boolean {
  if (seen.has(fn.syntax.name)) return false;
  seen.add(fn.syntax.name);
  if (fn.cfg.nodes.some((n) => migrationOps(n.facts).length > 0)) return true;
  if (depth <= 0) return false;
  for (const callee of calleesOf(fn.cfg)) {
    const f = file.functions.find((x) => x.syntax.name === callee);
    if (f && reachesMigration(file, f, depth - 1, seen)) return true;
  }
  return false;
}

/** The locks a function's callers must hold (spin, rw and scheduler locks; with the Xen model, its own lock steps say it). */
function requiredLocks(fn: FunctionLocks, xen: boolean): { lock: string; mode?: 'r' | 'w' }[] {
  const out: { lock: string; mode?: 'r' | 'w' }[] = [];
  for (const r of fn.summary.requires) {
    if (r.conventional) continue;
    if (r.kind === 'spin' || r.kind === 'sched') out.push({ lock: r.lock });
    else if (r.kind === 'rwlock') {
      const m = /^(.*):([rw])$/.exec(r.lock);
      out.push(m ? { lock: m[1]!, mode: m[2] as 'r' | 'w' } : { lock: r.lock, mode: 'w' });
    }
  }
  return xen ? [] : out;
}

/** Keeps the locations that fit the simulator's footprint budget, most shared first; says which were left out. */
function withinBudget(modelled: Set<string>, scan: ModelContext, threads: number, xen: boolean, notes: string[]): Set<string> {
  const xenObjects = xen ? 5 + 3 * 3 : 0;
  const rw = [...scan.locks.values()].filter((k) => k === 'rw').length;
  const room = MAX_OBJECTS - xenObjects - scan.locks.size - 2 * threads - rw * threads;
  if (modelled.size <= room) return modelled;
  const ranked = [...modelled].sort(
    (a, b) => scan.accesses.get(b)!.threads.size - scan.accesses.get(a)!.threads.size || a.localeCompare(b),
  );
  const kept = new Set(ranked.slice(0, Math.max(0, room)));
  const dropped = ranked.slice(Math.max(0, room)).map((k) => displayOf(scan, k));
  notes.push(`not modelled (more shared locations than the simulator tracks): ${dropped.join(', ')}`);
  return kept;
}

function displayOf(ctx: ModelContext, key: string): string {
  for (const [display, info] of ctx.locations) if (info.key === key) return display;
  return key;
}

/** The shared spec: every location and lock the programs use, with the domains of those whose values matter. */
function sharedSpec(
  ctx: ModelContext,
  threads: ThreadProgram[],
  valued: Set<string>,
  pcpus: string[],
  notes: string[],
): { locations: LocationSpec[]; locks: LockSpec[] } {
  const usedLocs = new Set<string>();
  const usedLocks = new Set<string>();
  const addLock = (l: unknown): void => {
    const ref = l as { lock?: string; family?: string[] };
    if (ref.lock) usedLocks.add(ref.lock);
    for (const m of ref.family ?? []) usedLocks.add(m);
  };
  const visitExpr = (e: unknown): void => {
    if (!e || typeof e !== 'object') return;
    const x = e as Record<string, unknown>;
    if ((x.k === 'held' || x.k === 'lockId') && x.lock) addLock(x.lock);
    for (const v of Object.values(x)) if (v && typeof v === 'object') visitExpr(v);
  };
  for (const th of threads)
    for (const ins of th.instrs) {
      if ('loc' in ins) usedLocs.add(ins.loc);
      if ('lock' in ins) addLock(ins.lock);
      visitExpr(ins);
    }
  // The per-pCPU families come whole (an index may pick any member).
  for (const name of [...usedLocks]) if (ctx.families.has(name)) for (const f of ctx.families) usedLocks.add(f);
  const locations: LocationSpec[] = [...usedLocs].sort().map((name) => ({
    name,
    domain: valued.has(name) ? domainOf(name, ctx.locations.get(name), threads, pcpus, INT_MAX) : { kind: 'none' },
  }));
  if (locations.some((l) => l.domain.kind === 'int'))
    notes.push(
      `integer locations take values 0..${Math.max(...locations.map((l) => (l.domain.kind === 'int' ? l.domain.max : 0)))} and wrap around (${locations
        .filter((l) => l.domain.kind === 'int')
        .map((l) => l.name)
        .join(', ')})`,
    );
  const locks: LockSpec[] = [...usedLocks]
    .sort()
    .map((name) => ({ name, ...(ctx.locks.get(name) === 'rw' ? { kind: 'rw' as const } : {}) }));
  return { locations, locks };
}

/** `--init`: a value per location, by the model's name or by a spelling in one of the selected functions. */
function applyInit(
  locations: LocationSpec[],
  init: Readonly<Record<string, number | string>>,
  locs: Locations,
  file: FileAnalysis,
  selected: string[],
  byName: Map<string, FunctionLocks>,
  notes: string[],
): void {
  for (const [name, raw] of Object.entries(init)) {
    let loc = locations.find((l) => l.name === name);
    if (!loc) {
      // Another spelling of a modelled location (`p->credit` for `prv->credit`).
      for (const f of selected) {
        const fn = byName.get(f)!;
        const ctx = new ModelContext(file, locs, { xen: false, written: new Set(), constants: new Map(), maxInline: 0, pcpus: [] });
        const scope = new Scope(locs, { fn: f, decls: declsOf(ctx, fn), isConstant: () => false }, (n) => nodeText(name, n));
        const p = scope.place(parseText(name));
        const display = p?.kind === 'loc' ? p.display : undefined;
        loc = display ? locations.find((l) => l.name === display) : undefined;
        if (loc) break;
      }
    }
    if (!loc)
      throw new ExtractError(`--init ${name}: not a location of the model (it has ${locations.map((l) => l.name).join(', ') || 'none'})`);
    const d = loc.domain;
    let v: number;
    if (typeof raw === 'string' && !/^-?\d+$/.test(raw)) {
      const i = d.kind === 'enum' ? d.values.indexOf(raw) : -1;
      if (i < 0) throw new ExtractError(`--init ${name}=${raw}: not a value of ${name}`);
      v = i;
    } else v = Number(raw);
    if (d.kind === 'none') {
      notes.push(`--init ${name}: its value does not matter to any branch or assertion (tracked for races only)`);
      continue;
    }
    if (d.kind === 'int' && v > d.max) d.max = Math.min(15, v);
    if (d.kind === 'bool') v = v ? 1 : 0;
    if (v < 0 || (d.kind === 'int' && v > d.max) || (d.kind === 'enum' && v >= d.values.length))
      throw new ExtractError(`--init ${name}=${raw}: outside the values the model gives ${name}`);
    loc.init = v;
  }
}

/** Too many combinations of open initial values: the largest domains start at 0 (said in the notes). */
function boundInitialStates(locations: LocationSpec[], notes: string[]): void {
  const size = (l: LocationSpec): number =>
    l.domain.kind === 'bool'
      ? 2
      : l.domain.kind === 'int'
        ? l.domain.max + 1
        : l.domain.kind === 'enum'
          ? l.domain.values.length
          : l.domain.kind === 'bits'
            ? 2 ** bitCount(l.domain.mask)
            : l.domain.kind === 'set'
              ? 2 ** l.domain.elements.length
              : 1;
  const open = () => locations.filter((l) => l.init === undefined);
  let product = open().reduce((n, l) => n * size(l), 1);
  while (product > MAX_INITIAL_STATES) {
    const big = open().sort((a, b) => size(b) - size(a))[0]!;
    product /= size(big);
    big.init = 0;
    notes.push(`${big.name} starts at 0 (too many combinations of initial values; give it one with --init)`);
  }
}

function bitCount(m: number): number {
  let n = 0;
  for (; m; m &= m - 1) n++;
  return n;
}

/** Why nothing is shared: what each thread touches. */
function touches(scan: ModelContext, instances: Instance[], _locs: Locations): string[] {
  return instances.map((inst, t) => {
    const mine = [...scan.accesses].filter(([, a]) => a.threads.has(t)).map(([k]) => displayOf(scan, k));
    return `${inst.name} touches ${mine.length ? mine.join(', ') : 'no shared location'}`;
  });
}

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
const nodeSource = (file: FileAnalysis, n: CfgNode): string => file.text.slice(n.start, n.end).replace(/\s+/g, ' ').trim();

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
    n && { file: file.path, line: file.lineIndex.lineOf(n.start) + 1, text: nodeSource(file, n).replace(/;$/, '') };
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
