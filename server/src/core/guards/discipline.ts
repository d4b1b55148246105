// The lock discipline of a set of analysed files, learned from the code:
// which lock guards each field, list head and global (the lock must-held at
// a clear majority of its accesses), what each function requires its callers
// to hold (its `_locked` name, an ASSERT, the consensus of its callers, or a
// callee's requirement it passes on), what each entry point is entered
// holding, and the order in which locks nest. Computed from a list of
// analysed files (a `check DIR` run, the editor's workspace), so any caller
// that has analyses can ask for it; the rules XSR009/010/015/016 and
// `xsr guards` read it.
import type { FileAnalysis } from '../analysis';
import type { FunctionLocks } from '../locks/analyze';
import { assertedOnEntry, originOf } from '../locks/origin';
import { staticNamesIn } from '../syntax/staticLocks';
import type { AccessKind } from '../types/expressions';
import { TypeTable } from '../types/typeTable';
import { dyingAssertion } from '../xen/accessOps';
import {
  type EntryFact,
  entryFacts,
  hypercallFacts,
  isLifecycleHook,
  isSetupHook,
  type LearnedEntry,
  type Registration,
  registrationsIn,
  schedulerHookOf,
} from '../xen/entryPoints';
import type { HelperTable } from '../xen/lockHelpers';
import { addressTaken as namesTaken } from './addressTaken';
import { type CallFact, collectedFacts, collectFunctionRemembered, type FunctionFacts } from './collect';
import { FunctionsByKey, FunctionsByName, type FunctionTable, functionTable } from './functionTable';
import { type Ordering, orderingOf } from './handshake';
import { lockClosure } from './lockClosure';
import { lockLabel, REPLACED_SCHED_LOCK, SCHED_LOCK } from './lockIds';
import { calleeFlags, linkedParams, lookupInto, type ObjectLifetimes, objectLifetimes, privateAt, readOnlyMacro } from './objects';
import { type Cycle, findCycles, FoundEdge, type OrderEdge } from './order';

export interface GuardSettings {
  /** Share of a location's accesses that must hold a lock for it to be the guard (0.75). */
  ratio: number;
  /** Accesses holding it, at least (3). */
  minSites: number;
}

export const DEFAULT_GUARD_SETTINGS: GuardSettings = { ratio: 0.75, minSites: 3 };

export interface Site {
  fn: FunctionFacts;
  start: number;
  end: number;
  /** 0-based line. */
  line: number;
  kind: AccessKind;
  node: number;
  /** Type-level locks held (must-held here, or by every caller). */
  held: ReadonlySet<string>;
  /** A list iteration macro. */
  iterate?: string;
  /**
   * An unguarded read the function repeats under the guard further on (the
   * double-checked idiom: a cheap early test, the decision taken again under
   * the lock). Not reported.
   */
  rechecked?: boolean;
  /** The running CPU's own instance of a per-CPU variable (`this_cpu(x)`). */
  ownCpu?: boolean;
}

export interface Guard {
  location: string;
  lock: string;
  /** Sites holding the lock / all voting sites. */
  held: number;
  total: number;
  guarded: Site[];
  unguarded: Site[];
}

type RequirementWhy = 'assert' | 'name' | 'callers' | 'callee';

export interface Requirement {
  fn: FunctionFacts;
  /** A type-level lock; `*` for a `_locked` name that says no more than "some lock". */
  lock: string;
  why: RequirementWhy;
  /** One sentence of evidence (the ASSERT's line, the name, "5 of its 6 callers hold it", the callee and line). */
  evidence: string;
  /** For `assert`: the 0-based line. */
  line?: number;
  /** Any of these locks meets it (a protected list walk: `rcu(domlist_read_lock)` or `domlist_update_lock`). */
  alternatives?: readonly string[];
  /** For `callee`: the original reason, down the chain (`inc_nr_runnable(): it ASSERTs it held at line 34`). */
  root?: string;
  /**
   * For `callee`: the chain starts at what the code states (an ASSERT, a
   * `_locked` name, a protected list walk), not at what was learned (callers'
   * habits, a guarded access). Only such chains are reported at entry points.
   */
  stated?: boolean;
  /** The list walk that needs it (XSR015 reports these, XSR010 the others). */
  iteration?: { fn: FunctionFacts; macro: string; start: number; end: number; list: string };
}

interface UnmetRequirement {
  caller: FunctionFacts;
  call: CallFact;
  callee: FunctionFacts;
  requirement: Requirement;
  /** Why the caller cannot pass it on: an entry point (with what it is entered holding). */
  entry: EntryFact;
  /** Sites of the other callers that hold the lock (for `callers` requirements). */
  holders: { fn: FunctionFacts; start: number; end: number }[];
}

interface IterationFinding {
  fn: FunctionFacts;
  start: number;
  end: number;
  line: number;
  /** `for_each_domain`, or the list iteration macro of a guarded list. */
  macro: string;
  kind: 'protected' | 'guarded' | 'raw-sched-lock';
  /** The locks any of which would do (type level). */
  locks: readonly string[];
  what: string;
  guard?: Guard;
}

interface LockIrq {
  lock: string;
  disabled: number;
  enabled: number;
  unknown: number;
  /** The first site (in file and text order) that takes it with interrupts disabled, and with them enabled. */
  firstDisabled?: { fn: FunctionFacts; start: number };
  firstEnabled?: { fn: FunctionFacts; start: number };
}

export interface LockDiscipline {
  settings: GuardSettings;
  functions: ReadonlyMap<string, FunctionFacts>;
  /** The functions by name (most names have one). */
  functionsNamed: ReadonlyMap<string, readonly FunctionFacts[]>;
  guards: Guard[];
  guardOf: ReadonlyMap<string, Guard>;
  requires: Requirement[];
  unmet: UnmetRequirement[];
  order: OrderEdge[];
  cycles: Cycle[];
  iterations: IterationFinding[];
  /**
   * Per lock, how many sites take it with interrupts off, on or unknown (what
   * `xsr guards` and the hover report), worked out when first asked: no rule
   * reads it, and the editor's keystrokes never did.
   */
  irqLocks(): readonly LockIrq[];
  entries: ReadonlyMap<string, EntryFact[]>;
  /** Lock → the name it is known by (a scheduler's runqueue lock installed as the pCPU lock is `sched(cpu)`). */
  aliases: ReadonlyMap<string, string>;
  /** The facts of a function of an analysed file. */
  factsOf(file: FileAnalysis, fn: FunctionLocks): FunctionFacts | undefined;
  /** The sites (voting or not) of a location, with the location's guard. */
  sitesOf(location: string): Site[];
  /** Type-level locks held before a node of a function: must-held there, or held by every caller (aliased). */
  heldAt(fn: FunctionFacts, node: number): ReadonlySet<string>;
  /** The lock helpers the run was analysed with. */
  helpers: HelperTable;
  /**
   * Accesses ordered without a lock: set-up before a publication flag or a
   * rendezvous mask is released, uses after. Worked out when first asked
   * (XSR009 asks only about an unguarded access it would report).
   */
  ordering(): Ordering;
  /**
   * What the function is entered holding can be said: it is an entry point,
   * or its callers are among the analysed files. False for a global function
   * nobody here calls (its callers are elsewhere) or one stored as a callback
   * nobody here calls.
   */
  contextKnown(f: FunctionFacts): boolean;
  /**
   * A run over one file (the editor's document, analysed again on every
   * edit): answers derived from a function's facts alone are remembered for
   * its next run. A folder's run asks once and remembers nothing.
   */
  sole: boolean;
}

/**
 * The discipline each analysed file was analysed with (every file of one run
 * shares it): the folder rules, `xsr guards` and hovers read it.
 */
const attached = new WeakMap<FileAnalysis, LockDiscipline>();

export function attachDiscipline(file: FileAnalysis, d: LockDiscipline): void {
  attached.set(file, d);
}

export function disciplineOf(file: FileAnalysis): LockDiscipline | undefined {
  return attached.get(file);
}

type Ctx = ReadonlySet<string> | 'top';
const NO_LOCKS: readonly string[] = [];
/** Nothing in a list (what a function with no entry, caller or callee reads: one array for all, not one per question). */
const NONE: readonly never[] = [];
const EMPTY: ReadonlySet<string> = new Set();

/**
 * The set of a must-held list, one per list for as long as the list lives:
 * collect.ts's lists are shared by a function's nodes and, from edit to edit,
 * by the moved copies of its facts, so an edit makes sets only for the edited
 * function's lists (not one per list of the file on every keystroke). A list
 * of nothing (half of them) is the one empty set. Nobody changes a set once made.
 */
const listSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function setOfList(list: readonly string[]): ReadonlySet<string> {
  if (list.length === 0) return EMPTY;
  let out = listSets.get(list);
  if (!out) listSets.set(list, (out = new Set(list)));
  return out;
}
const MAX_CTX_PASSES = 12;

/** Files analysed (reported on) and context files (headers: their definitions and call sites only). */
export function computeDiscipline(
  files: readonly FileAnalysis[],
  context: readonly FileAnalysis[],
  helpers: HelperTable,
  settings: GuardSettings = DEFAULT_GUARD_SETTINGS,
): LockDiscipline {
  // Types: headers (given as context, or among the inputs) are shared; each .c file has its own scope over them.
  const shared = new TypeTable();
  const all = [...files.map((f) => ({ f, reported: true })), ...context.map((f) => ({ f, reported: false }))];
  const isHeader = (f: FileAnalysis): boolean => isHeaderPath(f.path);
  for (const { f } of all) if (isHeader(f)) shared.addFile(f.text, bodiesOf(f));
  // Every function's facts, in file order (a hover asks factsOf, seldom: a scan of them; a map by function was one
  // more map of every function built on every edit).
  const everyFacts: FunctionFacts[] = [];
  const registrations: Registration[] = [];
  const sharedStatics = staticsInSeveralFiles(all.map((x) => x.f));
  for (const { f, reported } of all) {
    const table = isHeader(f) ? shared : all.length === 1 ? soleFileTable(f) : newFileTable(shared, f);
    registrations.push(...registrationsIn(f));
    // The file's static lock names (and those other files share) decide its lock names: part of what facts are remembered by.
    const statics = `${[...staticNamesIn(f, f.text).keys()].join(',')}|${[...sharedStatics].join(',')}`;
    for (const fn of f.functions) {
      const facts = collectFunctionRemembered(f, fn, table, helpers, reported, sharedStatics, statics, all.length === 1);
      everyFacts.push(facts);
    }
  }
  // By key (a definition seen twice, a header read twice or an #ifdef alternative: the first stays), through the
  // indexes kept while the functions are the same by path, name and static-ness.
  const table = functionTable(everyFacts, all.length === 1);
  const functions = new FunctionsByKey(table, table.functionsOf(everyFacts));
  const resolver = new CallResolver(functions, all.length === 1);
  const callers = new Map<string, { caller: FunctionFacts; call: CallFact }[]>();
  for (let k = 0; k < functions.list.length; k++) {
    const f = functions.list[k]!;
    const callees = resolver.calleesAt(k);
    for (let i = 0; i < f.calls.length; i++) {
      const c = f.calls[i]!;
      const callee = callees[i];
      if (!callee || callee === f) continue;
      const list = callers.get(callee.key);
      if (list) list.push({ caller: f, call: c });
      else callers.set(callee.key, [{ caller: f, call: c }]);
    }
  }
  const addressTaken = namesTaken(functions, all.length === 1);

  // Entry facts: learned from calls through function-pointer fields when the core's call sites are here.
  const defined = (name: string): boolean => resolver.byName(name).length > 0;
  let installing = new Set<string>();
  const { locked, hypercalls } = readNames(table);
  const bracketed = bracketedMembers(registrations, resolver);
  const entriesByName = (learned?: LearnedEntry): Map<string, EntryFact[]> => {
    const m = entryFacts(registrations, defined, learned);
    // Members of an ops table called between the member that takes a lock and the one that releases it hold it.
    for (const [name, list] of m)
      m.set(
        name,
        list.map((e) => {
          const extra = bracketed.get(`${e.path ?? ''}\u0000${e.offset ?? -1}`);
          if (!extra) return e;
          const held = [...new Set([...(e.source === 'unknown' ? [] : e.held), ...extra.locks])];
          return { ...e, held, source: e.source === 'unknown' ? ('learned' as const) : e.source, evidence: extra.why };
        }),
      );
    for (const h of hypercalls) m.set(h.function, [...(m.get(h.function) ?? []), h]);
    // A function that installs a pCPU's scheduler lock is entered holding the lock being replaced.
    for (const name of installing) {
      const list = m.get(name);
      if (list)
        m.set(
          name,
          list.map((e) =>
            e.held.includes(SCHED_LOCK) ? { ...e, held: e.held.map((l) => (l === SCHED_LOCK ? REPLACED_SCHED_LOCK : l)) } : e,
          ),
        );
    }
    return m;
  };
  let entries = entriesByName();
  installing = new Set(functions.list.filter((f) => f.schedAliases.length > 0 || isLockSwitch(f, entries)).map((f) => f.name));
  entries = entriesByName();
  const aliases = schedAliases(functions, entries);
  const alias = (l: string): string => aliases.get(l) ?? l;
  // A function's must-held lists are shared by its nodes (collect.ts remembers one per list of path states,
  // and consecutive statements share one): what is derived from a list alone is remembered per list, not per
  // node, and without aliases the list is the answer.
  const aliasedLists = new Map<readonly string[], readonly string[]>();
  const heldAt = (f: FunctionFacts, node: number): readonly string[] => {
    const h = f.heldAt(node);
    if (aliases.size === 0) return h;
    let out = aliasedLists.get(h);
    if (!out) aliasedLists.set(h, (out = h.map(alias)));
    return out;
  };
  /** The locks held before a node of the function (must-held there, aliased) as a set: one per list. */
  const localHeld = (f: FunctionFacts, node: number): ReadonlySet<string> => setOfList(heldAt(f, node));
  const exempt = setupFunctions(functions, entries, callers, (e) => e.every((x) => isSetupHook(schedulerHookOf(x.via) ?? '')));
  // Lifecycle hooks and their own callees: only their list links and unlinks are shared accesses. CPU
  // notifiers too: they prepare a CPU's data before it comes online and tear it down after it went away
  // (cpu.h:25-64), and what they do while it is online goes through functions other paths call as well.
  // A dying domain's teardown (the function states it unconditionally) is a lifecycle path too.
  const teardown = new Set(functions.list.filter(statesDying).map((f) => f.key));
  const lifecycle = setupFunctions(
    functions,
    entries,
    callers,
    (e) => e.every((x) => isLifecycleHook(schedulerHookOf(x.via) ?? '') || x.kind === 'cpu-notifier'),
    exempt,
  );
  for (const k of teardown) if (!exempt.has(k)) lifecycle.add(k);

  // Initialisation and teardown paths do not say what a function is entered holding (nothing else runs there).
  const quiet = new Set([...exempt, ...lifecycle]);
  const calleesOfCaller = calleesByPlace(functions, callers);
  let ctx = contexts(functions, entries, callers, addressTaken, heldAt, quiet, settings, calleesOfCaller);
  // Learn what each hook field is entered holding from its call sites, then recompute the contexts once.
  const learned = learnedEntries(
    functions,
    ctx,
    heldAt,
    (f) => (entries.get(f.name)?.length ?? 0) > 0 || (callers.get(f.key)?.length ?? 0) > 0,
  );
  if (learned.size) {
    entries = entriesByName((via) => learned.get(via));
    ctx = contexts(functions, entries, callers, addressTaken, heldAt, quiet, settings, calleesOfCaller);
  }
  const ctxOf = (f: FunctionFacts): ReadonlySet<string> => {
    const k = functions.table.indexOf.get(f.key);
    const c = k === undefined ? undefined : ctx[k];
    return c && c !== 'top' ? c : EMPTY;
  };
  // For what a lock guards, the lock being replaced is the pCPU's scheduler lock (it is, until the switch).
  // (A function entered holding nothing holds what its own code takes: the set of its list.)
  const setCache = new Map<FunctionFacts, Map<number, Set<string>>>();
  const heldSet = (f: FunctionFacts, node: number): ReadonlySet<string> => {
    const c = ctxOf(f);
    if (c.size === 0) return localHeld(f, node);
    let m = setCache.get(f);
    if (!m) setCache.set(f, (m = new Map()));
    let out = m.get(node);
    if (!out) {
      out = new Set(heldAt(f, node));
      for (const l of c) out.add(l === REPLACED_SCHED_LOCK ? SCHED_LOCK : l);
      m.set(node, out);
    }
    return out;
  };
  const entryOf = (f: FunctionFacts): readonly EntryFact[] => entries.get(f.name) ?? NONE;

  const lifetimes = lifetimesOf(functions, callers, resolver, (f) => entryOf(f).length > 0 || addressTaken.has(f.name));
  // A call handing the callee only objects private to the caller (initialising a fresh one) says nothing about what
  // the callee needs held for the shared ones its other callers hand it: such sites do not vote (argo_soft_reset
  // re-initialises a published object under the lock, argo_init a fresh one).
  const privateCall = (s: { caller: FunctionFacts; call: CallFact }): boolean => {
    const lt = lifetimes.get(s.caller.key);
    // Most callers have no private object: no call of theirs hands one (asked of every call site on every edit,
    // so their arguments are not read).
    if (lt === undefined || lt.fresh.size === 0) return false;
    const args = s.call.args.map((a) => a.replace(/^\([^()]*\)\s*/, '')).filter((a) => /^[A-Za-z_]\w*$/.test(a));
    return (
      args.length > 0 &&
      args.every((a) => {
        const r = lt.fresh.get(a);
        return r !== undefined && r.from <= s.call.start && s.call.start < r.until;
      })
    );
  };
  if ([...callers.values()].some((list) => list.some(privateCall))) {
    ctx = contexts(functions, entries, callers, addressTaken, heldAt, quiet, settings, calleesOfCaller, privateCall);
    setCache.clear();
  }
  // `lookup(d, …)->field` where lookup returns a part of d: d's own field (private while d is).
  const lookups = new Map<string, boolean>();
  const asLookup = (f: FunctionFacts | undefined): { params: readonly string[]; returns: string[] } | undefined =>
    f && {
      params: f.fn.syntax.params,
      returns: originOf(f.fn)
        .base.cfg.nodes.filter((n) => n.kind === 'return' && n.returnText)
        .map((n) => n.returnText!),
    };
  const isLookup = (f: FunctionFacts, name: string): boolean => {
    const callee = resolver.resolve(name, f.path);
    if (!callee) return false;
    let r = lookups.get(callee.key);
    if (r === undefined)
      lookups.set(callee.key, (r = lookupInto(asLookup(callee)!, callee.file.text, (n) => asLookup(resolver.resolve(n, callee.path)))));
    return r;
  };
  const { guards, sites } = inferGuards(functions, heldSet, exempt, settings, lifetimes, lifecycle, (f) => ctxOf(f).size === 0, isLookup);
  const guardOf = new Map(guards.map((g) => [g.location, g]));
  const needs = needsOf(functions, resolver, guardOf, sites, localHeld, alias);
  const { requires, unmet, walks } = requirements(
    functions,
    callers,
    resolver,
    heldSet,
    entryOf,
    exempt,
    addressTaken,
    settings,
    needs,
    alias,
    locked,
  );
  // The lock being replaced (another scheduler's, or the free CPUs') orders nothing of this scheduler's locks:
  // nesting under it is no edge (credit.c:650-658, credit2.c:4031-4052).
  // What callers hold reaches the order through the callers' own edges (what the callee takes, taken while they
  // hold it); only an entry point's context (its callers are not ours) adds edges here.
  const orderContext = (f: FunctionFacts): readonly string[] =>
    entryOf(f).some((e) => e.source !== 'unknown') ? [...ctxOf(f)].filter((l) => l !== REPLACED_SCHED_LOCK) : NO_LOCKS;
  const order = orderEdges(functions, resolver, localHeld, orderContext, aliases, all.length === 1);
  const iterations = [...walks, ...iterationFindings(functions, guardOf, sites, exempt)];
  let irqLocks: readonly LockIrq[] | undefined;
  let ordering: Ordering | undefined;
  // The discipline lives as long as its files' analysis (in the editor, until the next keystroke's), and what it
  // answers later reads only the held lists and sets: the other passes' memos are not kept with it.
  lookups.clear();
  return {
    settings,
    functions,
    functionsNamed: resolver.byNames,
    guards,
    guardOf,
    requires,
    unmet,
    order,
    cycles: findCycles(order),
    iterations,
    irqLocks: () => (irqLocks ??= irqDiscipline(functions, alias, all.length === 1)),
    entries,
    aliases,
    factsOf: (_file, fn) => lastFactsOf(everyFacts, fn),
    sitesOf: (location) => sites.get(location) ?? [],
    heldAt: heldSet,
    helpers,
    ordering: () =>
      (ordering ??= orderingOf(functions, callers, (f) => entryOf(f).length > 0 || addressTaken.has(f.name), all.length === 1)),
    contextKnown: (f) =>
      entryOf(f).some((e) => e.source !== 'unknown') || (!addressTaken.has(f.name) && (callers.get(f.key)?.length ?? 0) > 0),
    sole: all.length === 1,
  };
}

/** The facts of a function: the last made for it (a file given twice, as a file and as context, is read twice). */
function lastFactsOf(everyFacts: readonly FunctionFacts[], fn: FunctionLocks): FunctionFacts | undefined {
  for (let i = everyFacts.length - 1; i >= 0; i--) if (everyFacts[i]!.fn === fn) return everyFacts[i];
  return undefined;
}

/** Whether the function's body asserts its domain is dying, read once per lock result as computed (its body's text). */
const dyingOf = new WeakMap<FunctionLocks, boolean>();
function statesDying(f: FunctionFacts): boolean {
  const { base } = originOf(f.fn);
  let r = dyingOf.get(base);
  if (r === undefined) {
    // The assertion names `is_dying`: a body that does not (most) is not scanned. Searched in the body alone (a
    // slice shares the file's characters): on an edit only the edited function asks, and reads only its body.
    const body = f.file.text.slice(f.fn.syntax.bodyStart, f.fn.syntax.bodyEnd);
    dyingOf.set(base, (r = body.includes('is_dying') && dyingAssertion(body) >= 0));
  }
  return r;
}

/**
 * What the discipline reads of the functions' names alone, per function
 * table (one list of names, kept while the names are the same): whether
 * each name ends in `_locked`, by place, and the hypercall entry facts of
 * the names (shared by the runs of the table: nobody changes them). Read
 * from every name on every edit, they were 3% of computeDiscipline's
 * profile on the bench's edit loop.
 */
const namesRead = new WeakMap<FunctionTable, { locked: readonly boolean[]; hypercalls: readonly EntryFact[] }>();
function readNames(table: FunctionTable): { locked: readonly boolean[]; hypercalls: readonly EntryFact[] } {
  let out = namesRead.get(table);
  if (!out) {
    // (A key ends in its function's name.)
    const locked = table.keys.map((key) => key.endsWith('_locked'));
    namesRead.set(table, (out = { locked, hypercalls: hypercallFacts(table.nameList) }));
  }
  return out;
}

function newFileTable(shared: TypeTable, f: FileAnalysis): TypeTable {
  const table = new TypeTable(shared);
  table.addFile(f.text, bodiesOf(f));
  return table;
}

/** Tables of a file analysed alone (an editor's document), for the last few inputs. */
const soleTables = new Map<string, TypeTable>();
const MAX_SOLE_TABLES = 8;

/**
 * The table of a .c file analysed alone (no headers): a remembered one when
 * what the file declares at file scope is the same (TypeTable.fileKey: an
 * edit inside a body that adds no `#define`), so the facts remembered with
 * it are reused without comparing signatures.
 */
function soleFileTable(f: FileAnalysis): TypeTable {
  const key = TypeTable.fileKey(f.text, bodiesOf(f));
  let table = soleTables.get(key);
  if (table) soleTables.delete(key);
  else {
    table = newFileTable(new TypeTable(), f);
    if (soleTables.size >= MAX_SOLE_TABLES) soleTables.delete(soleTables.keys().next().value!);
  }
  soleTables.set(key, table);
  return table;
}

function bodiesOf(f: FileAnalysis): { start: number; end: number }[] {
  return f.functions.map((fn) => ({ start: fn.syntax.bodyStart, end: fn.syntax.bodyEnd }));
}

/** Per facts as collected: the places (in the table's order; -1, none) its calls resolved to, and the table (CallResolver's signature) they resolved among. */
const calleePlaces = new WeakMap<FunctionFacts, { signature: object | undefined; path: string; places: readonly number[] }>();

/** How a call names its callee: a static function of the same file first, then a global one, then a header's static inline. */
class CallResolver {
  private readonly names: FunctionsByName;

  /**
   * What decides every resolution (each function's path, name and
   * static-ness, in order), for a run that remembers: the function table,
   * one object per distinct list of functions in a row, so the memo compares
   * it by identity.
   */
  readonly signature: FunctionTable | undefined;

  constructor(
    private readonly functions: FunctionsByKey,
    /** Remember each function's callees for the next run (a lone file, analysed again on every edit). */
    remember = false,
  ) {
    this.names = new FunctionsByName(functions);
    this.signature = remember ? functions.table : undefined;
    this.callees = new Array<readonly (FunctionFacts | undefined)[] | undefined>(functions.size);
  }

  byName(name: string): readonly FunctionFacts[] {
    return this.names.get(name) ?? [];
  }

  /** The analysed functions by name (XSR014's callees read the same index). */
  get byNames(): ReadonlyMap<string, readonly FunctionFacts[]> {
    return this.names;
  }

  /** By file, then name: no key string is built per call (this is asked for every call of every function, often). */
  private readonly cache = new Map<string, Map<string, FunctionFacts | null>>();

  resolve(name: string, fromPath: string): FunctionFacts | undefined {
    // Most calls name no analysed function (a helper, a macro) and most names are defined once: those are
    // answered from the names alone, one lookup, with what lookup() says of a list of one.
    const list = this.names.get(name);
    if (list === undefined) return undefined;
    if (list.length === 1) return soleDefinitionSeen(list[0]!, fromPath);
    let byName = this.cache.get(fromPath);
    if (!byName) this.cache.set(fromPath, (byName = new Map()));
    let r = byName.get(name);
    if (r === undefined) byName.set(name, (r = this.lookup(name, fromPath) ?? null));
    return r ?? undefined;
  }

  /** Per function by its place in the run's functions (the fixpoints ask of each function, many times: no map of them). */
  private readonly callees: (readonly (FunctionFacts | undefined)[] | undefined)[];

  /**
   * What each call of the function at place `k` of the run's functions
   * resolves to, in the order of its calls (the fixpoints walk them many
   * times). Asked by place: the passes that walk every function know it,
   * and finding it from the function is a lookup by its key string (asked
   * for every function by every pass, 6% of computeDiscipline's profile).
   */
  calleesAt(k: number): readonly (FunctionFacts | undefined)[] {
    let out = this.callees[k];
    if (!out) {
      const f = this.functions.list[k]!;
      this.callees[k] = out = this.signature === undefined ? this.resolveCalls(f) : this.rememberedCallees(f);
    }
    return out;
  }

  private resolveCalls(f: FunctionFacts): (FunctionFacts | undefined)[] {
    return f.calls.map((c) => this.resolve(c.callee, f.path));
  }

  /**
   * A function's callees by place, remembered per facts as collected while
   * the functions are the same by path, name and static-ness (then every name
   * resolves to the function at the same place): on an edit, only the edited
   * function's calls are resolved again, the others' are read by place.
   */
  private rememberedCallees(f: FunctionFacts): (FunctionFacts | undefined)[] {
    const origin = collectedFacts(f);
    const known = calleePlaces.get(origin);
    const list = this.functions.list;
    if (known && known.signature === this.signature && known.path === f.path) {
      const places = known.places;
      const out = new Array<FunctionFacts | undefined>(places.length);
      for (let i = 0; i < places.length; i++) out[i] = places[i]! < 0 ? undefined : list[places[i]!];
      return out;
    }
    const out = this.resolveCalls(f);
    const index = this.functions.table.indexOf;
    calleePlaces.set(origin, {
      signature: this.signature,
      path: f.path,
      places: out.map((c) => (c === undefined ? -1 : index.get(c.key)!)),
    });
    return out;
  }

  private lookup(name: string, fromPath: string): FunctionFacts | undefined {
    const list = this.names.get(name);
    if (!list) return undefined;
    const own = list.find((f) => f.path === fromPath);
    if (own) return own;
    const global = list.filter((f) => !f.isStatic);
    if (global.length === 1) return global[0];
    const inHeaders = list.filter((f) => isHeaderPath(f.path));
    return inHeaders.length === 1 ? inHeaders[0] : undefined;
  }
}

/**
 * The only analysed function of its name, when a call from `fromPath` sees
 * it: its own file's, a global one, or a header's static inline.
 */
export function soleDefinitionSeen(only: FunctionFacts, fromPath: string): FunctionFacts | undefined {
  return only.path === fromPath || !only.isStatic || isHeaderPath(only.path) ? only : undefined;
}

/** A header's path (its static inline functions are seen by every file that includes it). */
export function isHeaderPath(path: string): boolean {
  return /\.h$/i.test(path);
}

/**
 * Paired callbacks: in one ops-table initialiser, a member that returns
 * holding a lock it took (`.enter`, on its success paths) and another that
 * releases it without taking it (`.exit`) bracket the table's other
 * members: the framework calls them in between, so they are entered
 * holding it (hypfs: cpupool_dir_enter takes cpupool_lock, cpupool_dir_exit
 * drops it, cpupool_dir_findentry runs in between). Keyed by the
 * registration's path and offset.
 */
function bracketedMembers(registrations: readonly Registration[], resolver: CallResolver): Map<string, { locks: string[]; why: string }> {
  const tables = new Map<string, Registration[]>();
  for (const r of registrations) {
    if (r.table === undefined) continue;
    const k = `${r.path}\u0000${r.table}`;
    tables.set(k, [...(tables.get(k) ?? []), r]);
  }
  const out = new Map<string, { locks: string[]; why: string }>();
  for (const members of tables.values()) {
    const fns = members.map((r) => ({ r, f: resolver.resolve(r.function, r.path) }));
    const taken = new Map<string, string>();
    const dropped = new Map<string, string>();
    for (const { r, f } of fns) {
      if (!f) continue;
      const s = f.fn.summary;
      for (const e of [...s.acquires, ...s.condAcquires, ...(s.mayAcquires ?? [])]) taken.set(f.lockId(e.lock), r.function);
      for (const e of s.releases) if (!e.conventional) dropped.set(f.lockId(e.lock), r.function);
    }
    const locks = [...taken.keys()].filter((l) => dropped.has(l) && dropped.get(l) !== taken.get(l));
    if (!locks.length) continue;
    for (const { r } of fns) {
      const own = locks.filter((l) => taken.get(l) !== r.function && dropped.get(l) !== r.function);
      if (own.length)
        out.set(`${r.path}\u0000${r.offset}`, {
          locks: own,
          why: `called between ${taken.get(own[0]!)}() (which returns holding ${own[0]}) and ${dropped.get(own[0]!)}() (which releases it) of the same ops table`,
        });
    }
  }
  return out;
}

/**
 * Locks installed as a pCPU's scheduler lock (`sr->schedule_lock = &rqd->lock`,
 * or returned by a switch_sched hook): they are that lock, `sched(cpu)`.
 */
function isLockSwitch(f: FunctionFacts, entries: ReadonlyMap<string, EntryFact[]>): boolean {
  // (A loop, not `some`: asked of every function twice per run, the callback was a closure each time, 2.6 MB of the
  // bench's 200 edits.)
  const list = entries.get(f.name);
  if (list !== undefined) for (const e of list) if (schedulerHookOf(e.via) === 'switch_sched') return true;
  return false;
}

function schedAliases(functions: FunctionsByKey, entries: ReadonlyMap<string, EntryFact[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of functions.list) {
    for (const loc of f.schedAliases) out.set(lockLabel(loc), SCHED_LOCK);
    if (!isLockSwitch(f, entries)) continue;
    for (const r of f.returnedAddresses) {
      const id = f.lockId(r.replace(/^&/, ''));
      if (!id.includes(' (in ')) out.set(id, SCHED_LOCK);
    }
  }
  out.delete(SCHED_LOCK);
  return out;
}

/**
 * Functions whose accesses are initialisation or teardown: boot code
 * (`__init`), the hooks that create or destroy a scheduler instance, and
 * functions called only from those.
 */
function setupFunctions(
  functions: FunctionsByKey,
  entries: ReadonlyMap<string, EntryFact[]>,
  callers: ReadonlyMap<string, { caller: FunctionFacts }[]>,
  isSetup: (e: readonly EntryFact[]) => boolean,
  also: ReadonlySet<string> = new Set(),
): Set<string> {
  const out = new Set<string>();
  for (const f of functions.list) {
    const e = entries.get(f.name) ?? NONE;
    if ((f.boot && also.size === 0) || (e.length > 0 && isSetup(e))) out.add(f.key);
  }
  // Callees reached only from those (or from `also`), not entry points of their own.
  for (let changed = true; changed;) {
    changed = false;
    for (const f of functions.list) {
      if (out.has(f.key) || also.has(f.key) || (entries.get(f.name)?.length ?? 0) > 0) continue;
      const cs = callers.get(f.key);
      if (cs?.length && cs.every((c) => out.has(c.caller.key) || also.has(c.caller.key))) {
        out.add(f.key);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * What each function is entered holding (type level), by its place among
 * the functions: an entry point what its context gives (and every internal
 * caller too), a function whose address escapes nothing, any other the
 * consensus of its call sites (held at every site, or at a clear majority
 * of at least two with at most one dissenter); a greatest fixpoint over the
 * call graph. Made two or three times per run: a context is a new set only
 * when it changes, and what the rounds count and visit lives in arrays by
 * place and one scratch map (a map by key, a set of the next round's
 * functions, a map of counts and a list of voting sites per function made
 * 12 MB of the bench's 200 edits).
 */
function contexts(
  functions: FunctionsByKey,
  entries: ReadonlyMap<string, EntryFact[]>,
  callers: ReadonlyMap<string, { caller: FunctionFacts; call: CallFact }[]>,
  addressTaken: ReadonlySet<string>,
  heldAt: (f: FunctionFacts, node: number) => readonly string[],
  exempt: ReadonlySet<string>,
  settings: GuardSettings,
  /** Each caller's callees by place (calleesByPlace). */
  callees: readonly (readonly number[] | undefined)[],
  quietSite: (s: { caller: FunctionFacts; call: CallFact }) => boolean = () => false,
): Ctx[] {
  const list = functions.list;
  const ctx = new Array<Ctx>(list.length);
  const entryBase = new Array<ReadonlySet<string> | undefined>(list.length);
  for (let k = 0; k < list.length; k++) {
    const f = list[k]!;
    const e = entries.get(f.name) ?? NONE;
    if (e.length) {
      let base: Set<string> | undefined;
      for (const x of e) {
        const held = x.source === 'unknown' ? [] : x.held;
        base = base ? new Set([...base].filter((l) => held.includes(l))) : new Set(held);
      }
      entryBase[k] = base ?? EMPTY;
      ctx[k] = base ?? EMPTY;
    } else if (addressTaken.has(f.name) || !callers.get(f.key)?.length) ctx[k] = EMPTY;
    else ctx[k] = 'top';
  }
  const index = functions.table.indexOf;
  const counts = new Map<string, number>();
  const computed: string[] = [];
  // Worklist: a function is looked at again when one of its callers' contexts changed (in the order first marked).
  // (The first pass looks at every function, in order.)
  let work: number[] | undefined;
  const marked = new Uint8Array(list.length);
  for (let pass = 0, more = list.length > 0; pass < MAX_CTX_PASSES * 4 && more; pass++) {
    const next: number[] = [];
    const n = work === undefined ? list.length : work.length;
    for (let w = 0; w < n; w++) {
      const k = work === undefined ? w : work[w]!;
      const f = list[k]!;
      const sites = callers.get(f.key) ?? NONE;
      const base = entryBase[k];
      if (!sites.length || (!base && addressTaken.has(f.name))) continue;
      // The voting sites (not in a quiet function, not a private call), or all of them when none votes.
      let voting = 0;
      for (const s of sites) if (!exempt.has(s.caller.key) && !quietSite(s)) voting++;
      const all = voting === 0;
      const total = all ? sites.length : voting;
      let top = 0;
      counts.clear();
      for (const s of sites) {
        if (!all && (exempt.has(s.caller.key) || quietSite(s))) continue;
        const c = ctx[index.get(s.caller.key)!]!;
        if (c === 'top') {
          top++;
          continue;
        }
        const local = heldAt(s.caller, s.call.node);
        for (const l of local) counts.set(l, (counts.get(l) ?? 0) + 1);
        for (const l of c) if (!local.includes(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
      }
      const was = ctx[k]!;
      let now: Ctx;
      if (top === total) {
        if (was === 'top') continue;
        now = 'top';
      } else {
        // The locks agreed on, in the order first counted (or the entry's base order): a new set only when they changed.
        computed.length = 0;
        if (base)
          for (const l of base) {
            const held = counts.get(l);
            if (held !== undefined && (held + top === total || consensus(held + top, total, settings))) computed.push(l);
          }
        else for (const [l, held] of counts) if (held + top === total || consensus(held + top, total, settings)) computed.push(l);
        if (was !== 'top' && sameSet(was, computed)) continue;
        now = new Set(computed);
      }
      ctx[k] = now;
      for (const g of callees[k] ?? NONE)
        if (marked[g] === 0) {
          marked[g] = 1;
          next.push(g);
        }
    }
    for (const g of next) marked[g] = 0;
    work = next;
    more = next.length > 0;
  }
  return ctx;
}

/**
 * Each caller's analysed callees by place, each once in the order first met
 * (the callers' map's order): contexts' worklist, made once per run for its
 * two or three rounds.
 */
function calleesByPlace(functions: FunctionsByKey, callers: ReadonlyMap<string, { caller: FunctionFacts }[]>): (number[] | undefined)[] {
  const index = functions.table.indexOf;
  const out = new Array<number[] | undefined>(functions.size);
  for (const [key, sites] of callers) {
    const callee = index.get(key)!;
    for (const s of sites) {
      const k = index.get(s.caller.key)!;
      const list = out[k];
      if (!list) out[k] = [callee];
      else if (!list.includes(callee)) list.push(callee);
    }
  }
  return out;
}

/**
 * The locks each function needs from its callers: a lock guarding a location
 * it accesses without taking the lock itself, or one a callee it calls
 * without holding it needs or ASSERTs (with a sentence of evidence each).
 */
function needsOf(
  functions: FunctionsByKey,
  resolver: CallResolver,
  guardOf: ReadonlyMap<string, Guard>,
  sites: ReadonlyMap<string, Site[]>,
  localHeld: (f: FunctionFacts, node: number) => ReadonlySet<string>,
  alias: (l: string) => string,
): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const of = (f: FunctionFacts): Map<string, string> => {
    let m = out.get(f.key);
    if (!m) out.set(f.key, (m = new Map()));
    return m;
  };
  for (const [location, list] of sites) {
    const g = guardOf.get(location);
    if (!g) continue;
    for (const s of list) {
      // A lone read needs no caller's lock (a stale value is the read's own business); changing the
      // location, handing its address on or walking the list does.
      if (s.kind === 'read' && !s.iterate) continue;
      if (localHeld(s.fn, s.node).has(g.lock)) continue;
      const m = of(s.fn);
      const verb = s.kind === 'write' ? 'writes' : s.kind === 'ref' ? 'hands on the address of' : 'walks';
      if (!m.has(g.lock)) m.set(g.lock, `it ${verb} ${lockLabel(location)} (guarded by it) at line ${s.line + 1}`);
    }
  }
  for (const f of functions.list) {
    for (const r of assertedOnEntry(f.fn, false)) {
      const m = of(f);
      const lock = alias(f.lockId(r.name));
      if (!m.has(lock)) m.set(lock, `it ASSERTs it held at line ${(r.because!.line ?? r.line) + 1}`);
    }
  }
  for (let changed = true, pass = 0; changed && pass < MAX_CTX_PASSES; pass++) {
    changed = false;
    for (let k = 0; k < functions.list.length; k++) {
      const f = functions.list[k]!;
      const callees = resolver.calleesAt(k);
      for (let i = 0; i < f.calls.length; i++) {
        const c = f.calls[i]!;
        const callee = callees[i];
        const cm = callee && callee !== f ? out.get(callee.key) : undefined;
        if (!cm) continue;
        for (const lock of cm.keys()) {
          if (out.get(f.key)?.has(lock) || localHeld(f, c.node).has(lock)) continue;
          of(f).set(lock, `it calls ${callee!.name}() at line ${c.line + 1}, which needs it`);
          changed = true;
        }
      }
    }
  }
  return out;
}

/** A clear majority of call sites: at least two hold it and at most one does not, or the ratio is met. */
function consensus(holders: number, total: number, settings: GuardSettings): boolean {
  return holders >= 2 && (total - holders <= 1 || holders / total >= settings.ratio);
}

/** The same locks (a list without repeats). */
function sameSet(a: ReadonlySet<string>, b: readonly string[]): boolean {
  if (a.size !== b.length) return false;
  for (const l of b) if (!a.has(l)) return false;
  return true;
}

/** `sched_ops.sleep` → what every `->sleep(…)` call site holds (its function's must-held locks and context). */
function learnedEntries(
  functions: FunctionsByKey,
  /** By place (contexts). */
  ctx: readonly Ctx[],
  heldAt: (f: FunctionFacts, node: number) => readonly string[],
  contextKnown: (f: FunctionFacts) => boolean,
): Map<string, { held: string[]; sites: number }> {
  const by = new Map<string, Set<string>[]>();
  for (let k = 0; k < functions.list.length; k++) {
    const f = functions.list[k]!;
    // (Most functions call through no function-pointer field.)
    if (f.memberCalls.length === 0) continue;
    const c = ctx[k];
    const extra = c && c !== 'top' ? [...c] : [];
    for (const m of f.memberCalls) {
      const held = heldAt(f, m.node);
      // A call site in a header's wrapper whose callers we do not see (a header without the core) says nothing; one
      // in a source file whose callers are elsewhere (sched_init_vcpu, called from vcpu_create) says what it holds.
      if (!contextKnown(f) && held.length === 0 && isHeaderPath(f.path)) continue;
      const list = by.get(m.field) ?? [];
      list.push(new Set([...held, ...extra]));
      by.set(m.field, list);
    }
  }
  const out = new Map<string, { held: string[]; sites: number }>();
  for (const [field, sets] of by) {
    const held = [...sets[0]!].filter((l) => sets.every((s) => s.has(l)));
    out.set(field, { held, sites: sets.length });
  }
  return out;
}

/**
 * Private objects of every function, with allocators and private parameters
 * found across calls: a function returning an object it allocated is an
 * allocator for its callers, and a parameter every caller passes a private
 * object in is private on entry (a few rounds to a fixpoint).
 */
function lifetimesOf(
  functions: FunctionsByKey,
  callers: ReadonlyMap<string, { caller: FunctionFacts; call: CallFact }[]>,
  resolver: CallResolver,
  external: (f: FunctionFacts) => boolean,
): Map<string, ObjectLifetimes> {
  const out = new Map<string, ObjectLifetimes>();
  const allocating = new Set<string>();
  const freshParams = new Map<string, ReadonlySet<string>>();
  // Per file, then name (asked for every callee of every function: no key string built per question).
  const macros = new Map<string, Map<string, boolean>>();
  const macroReads = (f: FunctionFacts, name: string): boolean => {
    let byName = macros.get(f.path);
    if (!byName) macros.set(f.path, (byName = new Map()));
    let r = byName.get(name);
    if (r === undefined) byName.set(name, (r = readOnlyMacro(f.file.text, name)));
    return r;
  };
  let dirty: Iterable<FunctionFacts> = functions.list;
  for (let round = 0; round < 4; round++) {
    // What objectLifetimes asks about callees, per file (the answers are the same for every caller in the file this
    // round): a callee's flags are remembered per name and argument count.
    const perFile = new Map<string, CalleeQuestions>();
    for (const f of dirty) {
      // Before an analysed function is known to allocate (the first round: every function), one with no private
      // parameter whose own code makes nothing private has nothing private: what objectLifetimes answers first,
      // without asking of each call whose result it assigns whether the callee allocates (none does yet).
      if (allocating.size === 0 && (freshParams.get(f.key)?.size ?? 0) === 0 && f.privateSources.noneByItself()) {
        out.delete(f.key);
        continue;
      }
      let q = perFile.get(f.path);
      if (!q) perFile.set(f.path, (q = calleeQuestions(f, resolver, allocating, macroReads)));
      const lt = objectLifetimes(
        f.fn,
        q.allocates,
        q.analysed,
        freshParams.get(f.key) ?? NO_FRESH_PARAMS,
        q.linksArg,
        f.file.text,
        q.flagsOf,
        f.privateSources,
      );
      // Only functions with something private are kept: most have nothing (an entry per function per edit was
      // 5.5 MB of the editor's edit loop's 200 edits), and every reader takes no entry for nothing private.
      if (nothingPrivate(lt)) out.delete(f.key);
      else out.set(f.key, lt);
    }
    // Only what changed is looked at again: callers of new allocators, functions with new private parameters.
    const next = new Set<FunctionFacts>();
    for (const f of functions.list) {
      if (out.get(f.key)?.returnsFresh === true && !allocating.has(f.key)) {
        allocating.add(f.key);
        for (const s of callers.get(f.key) ?? NONE) next.add(s.caller);
      }
      const sites = callers.get(f.key) ?? NONE;
      if (!sites.length || external(f)) continue;
      // (A set is made only for a function some parameter of which is private on entry: few are.)
      let fresh: Set<string> | undefined;
      const params = f.fn.syntax.params;
      for (let i = 0; i < params.length; i++) {
        const p = params[i];
        if (!p) continue;
        const all = sites.every((s) => {
          const raw = s.call.args[i] ?? '';
          // Neither a fresh object of the caller's nor `&own`: the common answer, without the cast stripped.
          const callerFresh = out.get(s.caller.key)?.fresh;
          if ((callerFresh === undefined || callerFresh.size === 0) && !raw.includes('&')) return false;
          const v = raw.replace(/^\([^()]*\)\s*/, '');
          // `&state` of a struct the caller holds by value: the caller's own copy.
          if (ownObject(s.caller, v)) return true;
          const r = callerFresh?.get(v);
          return r !== undefined && r.from <= s.call.start && s.call.start < r.until;
        });
        if (all) (fresh ??= new Set()).add(p);
      }
      if ((fresh?.size ?? 0) !== (freshParams.get(f.key)?.size ?? 0)) {
        freshParams.set(f.key, fresh ?? NO_FRESH_PARAMS);
        next.add(f);
      }
    }
    if (next.size === 0) break;
    dirty = next;
  }
  return out;
}

/** Nothing is private to the function (lifetimesOf keeps no entry for it: its readers read none as this). */
function nothingPrivate(lt: ObjectLifetimes): boolean {
  return lt.fresh.size === 0 && lt.dying.size === 0 && !lt.returnsFresh && lt.walks.length === 0;
}

/** No parameter private on entry (most functions: one set for all, not one per function and round). */
const NO_FRESH_PARAMS: ReadonlySet<string> = new Set();

interface CalleeQuestions {
  allocates: (name: string) => boolean;
  analysed: (name: string) => boolean;
  linksArg: (name: string, i: number) => boolean;
  flagsOf: (name: string, args: number) => string;
}

/** What objectLifetimes asks about the callees of the functions of `f`'s file (one set of closures per file and round). */
function calleeQuestions(
  f: FunctionFacts,
  resolver: CallResolver,
  allocating: ReadonlySet<string>,
  macroReads: (f: FunctionFacts, name: string) => boolean,
): CalleeQuestions {
  const resolve = (name: string): FunctionFacts | undefined => resolver.resolve(name, f.path);
  // (No analysed function is an allocator before lifetimesOf's first round ends: the name is not resolved then.)
  const allocates = (name: string): boolean => allocating.size > 0 && allocating.has(resolve(name)?.key ?? '');
  const analysed = (name: string): boolean => resolve(name) !== undefined || macroReads(f, name);
  const linksArg = (name: string, i: number): boolean => {
    const callee = resolve(name);
    const p = callee?.fn.syntax.params[i];
    return p !== undefined && linkedParams(callee!.fn).has(p);
  };
  const memo = new Map<string, string[]>();
  const flagsOf = (name: string, args: number): string => {
    let byArgs = memo.get(name);
    if (!byArgs) memo.set(name, (byArgs = []));
    return (byArgs[args] ??= calleeFlags(name, args, allocates, analysed, linksArg));
  };
  return { allocates, analysed, linksArg, flagsOf };
}

/** `&x` where x is a struct the function holds by value (a non-static local or parameter). */
function ownObject(f: FunctionFacts, arg: string): boolean {
  const m = /^&\s*([A-Za-z_]\w*)$/.exec(arg);
  const v = m ? f.env.get(m[1]!) : undefined;
  return v !== undefined && v.loc === undefined && v.type !== undefined && v.type.ptr === 0 && /^(struct|union) /.test(v.type.base);
}

/**
 * Guards: for each location with a write (or a reference) outside
 * initialisation and teardown, the lock held at a clear majority of its
 * accesses. Accesses of a freshly allocated object's own fields before it is
 * published, of an object being freed, and in setup functions do not vote.
 */
function inferGuards(
  functions: FunctionsByKey,
  heldSet: (f: FunctionFacts, node: number) => ReadonlySet<string>,
  exempt: ReadonlySet<string>,
  settings: GuardSettings,
  lifetimes: ReadonlyMap<string, ObjectLifetimes>,
  lifecycle: ReadonlySet<string>,
  unknownContext: (f: FunctionFacts) => boolean,
  isLookup: (f: FunctionFacts, name: string) => boolean,
): { guards: Guard[]; sites: Map<string, Site[]> } {
  // List elements → the list they are on, when only one list takes them.
  const heads = new Map<string, Set<string>>();
  for (const f of functions.list)
    for (const [elem, head] of f.elemOf) {
      const s = heads.get(elem) ?? new Set<string>();
      heads.set(elem, s.add(head));
    }
  const sites = new Map<string, Site[]>();
  for (const f of functions.list) {
    // (A function that accesses nothing adds no site.)
    if (f.accesses.length === 0 || exempt.has(f.key)) continue;
    const seen = new Set<string>();
    const lt = lifetimes.get(f.key);
    const creating = lifecycle.has(f.key);
    // A `_locked` function nobody here calls holds the lock its name promises, we cannot say which: its sites say nothing.
    if (f.name.endsWith('_locked') && unknownContext(f)) continue;
    for (const a of f.accesses) {
      if (creating && !(a.list && a.kind === 'write')) continue;
      const base = a.base ?? (a.via && isLookup(f, a.via.fn) ? a.via.base : undefined);
      if (base !== undefined && lt) {
        if (privateAt(lt, base, a.start)) continue;
        // An object being freed: its own fields are the function's, but unlinking it from a list is not.
        if (lt.dying.has(base) && !(a.elem && a.kind === 'write')) continue;
      }
      const h = a.elem ? heads.get(a.loc) : undefined;
      const loc = h && h.size === 1 ? [...h][0]! : a.loc;
      const key = `${loc}|${a.line}|${a.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list = sites.get(loc) ?? [];
      list.push({
        fn: f,
        start: a.start,
        end: a.end,
        line: a.line,
        kind: a.kind,
        node: a.node,
        held: heldSet(f, a.node),
        ...(a.iterate ? { iterate: a.iterate } : {}),
        ...(a.ownCpu ? { ownCpu: true } : {}),
      });
      sites.set(loc, list);
    }
  }
  const guards: Guard[] = [];
  for (const [location, list] of sites) {
    if (!list.some((s) => s.kind !== 'read')) continue;
    // A per-CPU variable only ever touched as the running CPU's own (`this_cpu(x)`) is shared with no other CPU.
    if (list.every((s) => s.ownCpu)) continue;
    const counts = new Map<string, number>();
    for (const s of list) for (const l of s.held) counts.set(l, (counts.get(l) ?? 0) + 1);
    // Reads a function repeats under the lock further on (the double-checked idiom) are part of the idiom: no vote against.
    const rechecked = (lock: string): Site[] =>
      list.filter(
        (s) => s.kind === 'read' && !s.held.has(lock) && list.some((g) => g.fn === s.fn && g.start > s.start && g.held.has(lock)),
      );
    let best: { lock: string; n: number; total: number } | undefined;
    for (const [lock, n] of counts) {
      // An RCU read section keeps objects alive; it excludes no writer, so it guards no field.
      if (lock.startsWith('rcu(') || n < settings.minSites) continue;
      const total = list.length - rechecked(lock).length;
      if (n / total < settings.ratio) continue;
      if (!best || better(lock, n, best.lock, best.n)) best = { lock, n, total };
    }
    if (!best) continue;
    const guarded = list.filter((s) => s.held.has(best.lock));
    // A lock that is never held where the location changes does not guard it (reads that happen to sit under it do not make it).
    if (!guarded.some((s) => s.kind !== 'read')) continue;
    const unguarded = list.filter((s) => !s.held.has(best.lock));
    for (const s of rechecked(best.lock)) s.rechecked = true;
    guards.push({ location, lock: best.lock, held: best.n, total: best.total, guarded, unguarded });
  }
  guards.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  return { guards, sites };
}

/** More sites first; then a lock over an RCU read section (which excludes no writer); then by name. */
function better(lock: string, n: number, other: string, m: number): boolean {
  if (n !== m) return n > m;
  const rcu = (l: string): number => (l.startsWith('rcu(') ? 1 : 0);
  if (rcu(lock) !== rcu(other)) return rcu(lock) < rcu(other);
  return lock < other;
}

/**
 * Requirements (named, asserted, by the callers' consensus, passed on from a
 * callee) and the call sites that do not meet them in a function that cannot
 * pass them on (an entry point: its callers are not ours).
 */
function requirements(
  functions: FunctionsByKey,
  callers: ReadonlyMap<string, { caller: FunctionFacts; call: CallFact }[]>,
  resolver: CallResolver,
  heldSet: (f: FunctionFacts, node: number) => ReadonlySet<string>,
  entryOf: (f: FunctionFacts) => readonly EntryFact[],
  exempt: ReadonlySet<string>,
  addressTaken: ReadonlySet<string>,
  settings: GuardSettings,
  needs: ReadonlyMap<string, ReadonlyMap<string, string>>,
  alias: (l: string) => string,
  /** By place: the name ends in `_locked` (readNames). */
  locked: readonly boolean[],
): { requires: Requirement[]; unmet: UnmetRequirement[]; walks: IterationFinding[] } {
  const reqs = new Map<string, Requirement[]>();
  const add = (r: Requirement): boolean => {
    const list = reqs.get(r.fn.key) ?? [];
    if (list.some((x) => x.lock === r.lock)) return false;
    list.push(r);
    reqs.set(r.fn.key, list);
    return true;
  };
  for (let k = 0; k < functions.list.length; k++) {
    const f = functions.list[k]!;
    // Xen's convention: a `_locked` function's caller holds the lock it needs.
    const named = locked[k]!;
    for (const r of assertedOnEntry(f.fn, true)) {
      const lock = alias(f.lockId(r.name));
      add({
        fn: f,
        lock,
        why: 'assert',
        evidence: `it ASSERTs ${lock} held at line ${(r.because!.line ?? r.line) + 1}`,
        ...(r.because!.line !== undefined ? { line: r.because!.line } : {}),
      });
    }
    // The callers' consensus (at least two callers), for a lock the function needs (it touches what the lock guards).
    // (Fewer than two callers in all: no consensus, and no list of the voting ones is made.)
    const all = callers.get(f.key) ?? NONE;
    const sites = all.length >= 2 ? all.filter((s) => !exempt.has(s.caller.key)) : NONE;
    const need = needs.get(f.key);
    if (sites.length >= 2 && !addressTaken.has(f.name) && entryOf(f).length === 0) {
      const helds = sites.map((s) => heldSet(s.caller, s.call.node));
      const counts = new Map<string, number>();
      for (const h of helds) for (const l of h) counts.set(l, (counts.get(l) ?? 0) + 1);
      const agreed = [...counts].filter(([, n]) => consensus(n, sites.length, settings));
      const needed = agreed.filter(([l]) => need?.has(l));
      // A `_locked` name says some lock is needed: the one the callers agree on (not an RCU section) when nothing else tells.
      const chosen = needed.length || !named ? needed : agreed.filter(([l]) => !l.startsWith('rcu('));
      for (const [lock, n] of chosen) {
        const held = n === sites.length ? `all ${n} of its callers hold it` : `${n} of its ${sites.length} callers hold it`;
        const why = need?.get(lock);
        const evidence = named ? `its name ends in _locked and ${held}` : `${held} and ${why ?? 'it needs it'}`;
        add({ fn: f, lock, why: named ? 'name' : 'callers', evidence });
      }
    }
    if (named && !reqs.get(f.key)?.length) add({ fn: f, lock: '*', why: 'name', evidence: 'its name ends in _locked' });
  }
  // A protected list walked without its lock: the function's own finding in an entry point, else its callers' requirement.
  const walks: IterationFinding[] = [];
  for (const f of functions.list) {
    if (exempt.has(f.key)) continue;
    for (const w of f.iterations) {
      if (meets(heldSet(f, w.node), w.locks)) continue;
      const { macro } = w;
      const p = { locks: w.locks, list: w.list };
      const walk = {
        fn: f,
        start: w.start,
        end: w.end,
        line: w.line,
        macro,
        kind: 'protected' as const,
        locks: p.locks,
        what: p.list,
      };
      if (entryOf(f).some((e) => e.source !== 'unknown')) walks.push(walk);
      else if ((callers.get(f.key)?.length ?? 0) > 0)
        add({
          fn: f,
          lock: p.locks[0]!,
          alternatives: p.locks,
          why: 'callee',
          evidence: `it walks ${p.list} with ${macro}() at line ${w.line + 1}`,
          iteration: { fn: f, macro, start: walk.start, end: walk.end, list: p.list },
        });
    }
  }
  // Unmet requirements: reported in entry points, passed on by functions with callers of their own.
  const unmet: UnmetRequirement[] = [];
  const reported = new Set<string>();
  // Every function, then the callers of those that pass a requirement on; by place, with a flag per place while it
  // is queued (a set of every function's key was made and emptied on every edit: 6 MB of the bench's 200 edits).
  const index = functions.table.indexOf;
  const queue: number[] = [];
  for (let k = 0; k < functions.list.length; k++) queue.push(k);
  const queued = new Uint8Array(functions.list.length).fill(1);
  // A read index rather than shift(): the queue is every function, and shift() moves them all.
  for (let head = 0; head < queue.length; head++) {
    const gk = queue[head]!;
    const g = functions.list[gk]!;
    queued[gk] = 0;
    if (exempt.has(g.key)) continue;
    // What g is entered as, read at its first unmet requirement (most functions meet all of their callees').
    let gEntries: readonly EntryFact[] | undefined;
    let known: readonly EntryFact[] = NONE;
    const gCallees = resolver.calleesAt(gk);
    for (let i = 0; i < g.calls.length; i++) {
      const c = g.calls[i]!;
      const callee = gCallees[i];
      const rs = callee ? reqs.get(callee.key) : undefined;
      if (!callee || !rs) continue;
      const held = heldSet(g, c.node);
      for (const r of rs) {
        const met = r.lock === '*' ? held.size > 0 : meets(held, r.alternatives ?? [r.lock]);
        if (met) continue;
        if (!gEntries) known = (gEntries = entryOf(g)).filter((e) => e.source !== 'unknown');
        if (known.length) {
          const k = `${g.key}@${c.start}|${r.lock}`;
          if (reported.has(k)) continue;
          reported.add(k);
          const holders = r.why === 'callers' || r.why === 'name' ? holdersOf(callers.get(callee.key) ?? [], r.lock, heldSet, g) : [];
          unmet.push({ caller: g, call: c, callee, requirement: r, entry: known[0]!, holders });
          continue;
        }
        // Not an entry point: its callers must hold it (if it has any we can see).
        if (gEntries.length === 0 && (callers.get(g.key)?.length ?? 0) > 0 && r.lock !== '*') {
          const lineNo = c.line + 1;
          const lifted = add({
            fn: g,
            lock: r.lock,
            why: 'callee',
            evidence: `it calls ${callee.name}() at line ${lineNo}${r.why === 'callee' ? `, which needs it too (${r.root ?? r.evidence})` : ` (${callee.name}(): ${r.evidence})`}`,
            root: r.why === 'callee' ? (r.root ?? r.evidence) : `${callee.name}(): ${r.evidence}`,
            stated: r.why === 'assert' || r.why === 'name' || r.iteration !== undefined || (r.why === 'callee' && r.stated === true),
          });
          if (lifted)
            for (const s of callers.get(g.key) ?? NONE) {
              const k = index.get(s.caller.key)!;
              if (queued[k] === 0) {
                queue.push(k);
                queued[k] = 1;
              }
            }
        }
      }
    }
  }
  const requires = [...reqs.values()].flat();
  return { requires, unmet, walks };
}

/** Any of the locks held; for an RCU read lock any RCU read section (Xen's rcu_read_lock() ignores its argument). */
function meets(held: ReadonlySet<string>, locks: readonly string[]): boolean {
  return locks.some((l) => held.has(l) || (l.startsWith('rcu(') && [...held].some((h) => h.startsWith('rcu('))));
}

function holdersOf(
  sites: readonly { caller: FunctionFacts; call: CallFact }[],
  lock: string,
  heldSet: (f: FunctionFacts, node: number) => ReadonlySet<string>,
  except: FunctionFacts,
): { fn: FunctionFacts; start: number; end: number }[] {
  return sites
    .filter((s) => s.caller !== except && heldSet(s.caller, s.call.node).has(lock))
    .map((s) => ({ fn: s.caller, start: s.call.start, end: s.call.end }));
}

/**
 * Lock-order edges: lock B taken (not with a trylock) while A is held,
 * directly or inside a callee (anything the callee or its callees take).
 * RCU read sections order nothing; two locks of one type-level class (two
 * pCPUs' scheduler locks, taken address-ordered by sched_spin_lock_double)
 * make no edge.
 */
function orderEdges(
  functions: FunctionsByKey,
  resolver: CallResolver,
  localHeld: (f: FunctionFacts, node: number) => ReadonlySet<string>,
  /** Locks an entry point is entered holding that order its own (none for most functions). */
  orderContext: (f: FunctionFacts) => readonly string[],
  aliases: ReadonlyMap<string, string>,
  /** A run over one file: each function's nestings are remembered for its next run (see FunctionNestings). */
  remember: boolean,
): OrderEdge[] {
  const alias = (l: string): string => aliases.get(l) ?? l;
  const takes = lockClosure(functions.list, resolver, aliases);
  const aliasesKey = remember ? sameAliasesAsLast(aliases) : aliases;
  // The edges in the order first found, by outer then inner lock (no key string is made per nesting seen); a
  // site is made when it is new.
  const edges: FoundEdge[] = [];
  const byOuter = new Map<string, Map<string, FoundEdge>>();
  const releasedBy = new Map<FunctionFacts, ReadonlySet<string>>();
  const releasedOf = (callee: FunctionFacts): ReadonlySet<string> => {
    if (remember) return rememberedRelease(callee, alias, aliasesKey);
    let released = releasedBy.get(callee);
    if (!released) releasedBy.set(callee, (released = releasedIn(callee, alias)));
    return released;
  };
  // (Where each nesting was seen: its sites are made when read, FoundEdge.)
  const edge = (outer: string, inner: string, fn: FunctionFacts, at: number, via: string | undefined): void => {
    let inners = byOuter.get(outer);
    if (!inners) byOuter.set(outer, (inners = new Map()));
    let e = inners.get(inner);
    if (!e) {
      inners.set(inner, (e = new FoundEdge(outer, inner)));
      edges.push(e);
    }
    e.seen(fn, at, via);
  };
  for (let k = 0; k < functions.list.length; k++) {
    const f = functions.list[k]!;
    const context = orderContext(f);
    const callees = resolver.calleesAt(k);
    const origin = remember ? collectedFacts(f) : undefined;
    let n = origin && nestingsMemo.get(origin);
    if (!n || n.takes !== takes || !sameList(n.context, context) || !sameReleases(n, callees, releasedOf))
      n = nestingsOf(f, callees, localHeld, context, alias, takes, releasedOf);
    if (origin) nestingsMemo.set(origin, n);
    // The nestings at this placement (their positions are read from the function's facts when a site is made).
    for (const x of n.nestings) edge(x.outer, x.inner, f, x.at, x.at < 0 ? undefined : callees[x.at]!.name);
  }
  return edges;
}

/**
 * One function's nestings (the lock held, the lock taken, at which of its
 * acquisitions or calls), in the order orderEdges meets them, with what they
 * were derived from besides the function's facts as collected: the closure
 * of what each function takes (the same object while it is the same, and
 * lockClosure keeps it only for the same aliases and callees: it stands for
 * those too), the entry's context, and what each callee released that was
 * asked (its set, one per callee's facts as collected and aliases). No
 * position and no facts object: nothing of a document is kept.
 */
interface FunctionNestings {
  takes: ReadonlyMap<string, ReadonlySet<string>>;
  context: readonly string[];
  /** The calls whose callee's releases were asked, and the answers. */
  releasedAt: readonly number[];
  released: readonly ReadonlySet<string>[];
  /** `at`: a call's index in `calls`, or -1 - an acquisition's index in `acquisitions`. */
  nestings: readonly { outer: string; inner: string; at: number }[];
}

/**
 * Nestings per facts as collected, for a run over one file: an edit collects
 * the edited function again, and the others (the same facts, moved) give the
 * same nestings while the closure, their context and their callees' releases
 * are the same. orderEdges asked what was held at every acquisition and call
 * of every function on every edit: on the bench's edit loop it was 14.7% of
 * computeDiscipline's profile and allocated 9.9 MB over 200 edits; with this,
 * 7.0% (most of it lockClosure's check) and 2.8 MB. (Most misses are the runs
 * whose closure changed: an edit that changes what a function takes.)
 */
const nestingsMemo = new WeakMap<FunctionFacts, FunctionNestings>();

function sameReleases(
  n: FunctionNestings,
  callees: readonly (FunctionFacts | undefined)[],
  releasedOf: (callee: FunctionFacts) => ReadonlySet<string>,
): boolean {
  for (let i = 0; i < n.releasedAt.length; i++) if (releasedOf(callees[n.releasedAt[i]!]!) !== n.released[i]) return false;
  return true;
}

function nestingsOf(
  f: FunctionFacts,
  callees: readonly (FunctionFacts | undefined)[],
  localHeld: (f: FunctionFacts, node: number) => ReadonlySet<string>,
  context: readonly string[],
  alias: (l: string) => string,
  takes: ReadonlyMap<string, ReadonlySet<string>>,
  releasedOf: (callee: FunctionFacts) => ReadonlySet<string>,
): FunctionNestings {
  const nestings: { outer: string; inner: string; at: number }[] = [];
  const releasedAt: number[] = [];
  const released: ReadonlySet<string>[] = [];
  const nest = (outer: string, inner: string, at: number): void => {
    // RCU read sections wait for nobody; a lock we could not name at type level compares with nothing.
    if (outer === inner || outer.startsWith('rcu(') || inner.startsWith('rcu(') || unresolved(outer) || unresolved(inner)) return;
    nestings.push({ outer, inner, at });
  };
  // What is held before a node, with the entry's context (per node: a function's acquisitions and calls often
  // share nodes); without one, the locks held there (one set per list, shared).
  const withContext = context.length ? new Map<number, ReadonlySet<string>>() : undefined;
  const heldSet = (node: number): ReadonlySet<string> =>
    withContext ? heldWithContext(localHeld(f, node), node, context, withContext) : localHeld(f, node);
  for (let i = 0; i < f.acquisitions.length; i++) {
    const a = f.acquisitions[i]!;
    if (a.noWait) continue;
    const inner = alias(a.lock);
    for (const h of heldSet(a.node)) nest(h, inner, -1 - i);
  }
  for (let i = 0; i < f.calls.length; i++) {
    const c = f.calls[i]!;
    const callee = callees[i];
    if (!callee || callee === f) continue;
    const inner = takes.get(callee.key)!;
    if (inner.size === 0) continue;
    // (Most calls are made holding nothing: no edge, and what the callee releases is not asked.)
    const held = heldSet(c.node);
    if (held.size === 0) continue;
    // A lock the callee lets go of first is not nested with what it takes (once per callee, not per call).
    const r = releasedOf(callee);
    releasedAt.push(i);
    released.push(r);
    for (const l of inner) for (const h of held) if (!r.has(h)) nest(h, l, i);
  }
  return { takes, context, releasedAt, released, nestings };
}

/**
 * What a callee releases, per facts as collected and aliases (the same
 * object while they are the same): the set orderEdges' remembered nestings
 * compare by identity.
 */
const releases = new WeakMap<FunctionFacts, { aliases: ReadonlyMap<string, string>; set: ReadonlySet<string> }>();
function rememberedRelease(f: FunctionFacts, alias: (l: string) => string, aliases: ReadonlyMap<string, string>): ReadonlySet<string> {
  const origin = collectedFacts(f);
  const known = releases.get(origin);
  if (known && known.aliases === aliases) return known.set;
  const set = releasedIn(f, alias);
  releases.set(origin, { aliases, set });
  return set;
}

/** The aliases of the last run over one file: that object while they are the same (compared in place), else these. */
let lastAliases: ReadonlyMap<string, string> | undefined;
function sameAliasesAsLast(aliases: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  const last = lastAliases;
  if (last && last.size === aliases.size) {
    let same = true;
    for (const [k, v] of aliases)
      if (last.get(k) !== v) {
        same = false;
        break;
      }
    if (same) return last;
  }
  return (lastAliases = aliases);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The locks (type level, aliased) a function's summary says it releases, surely, maybe or on some returns. */
function releasedIn(f: FunctionFacts, alias: (l: string) => string): ReadonlySet<string> {
  const s = f.fn.summary;
  const out = new Set<string>();
  for (const list of [s.releases, s.mayReleases, s.condReleases ?? []]) for (const e of list) out.add(alias(f.lockId(e.lock)));
  return out;
}

/** The locks held before a node and the entry's context, per node (a function's acquisitions and calls often share nodes). */
function heldWithContext(
  held: ReadonlySet<string>,
  node: number,
  context: readonly string[],
  memo: Map<number, ReadonlySet<string>>,
): ReadonlySet<string> {
  let out = memo.get(node);
  if (!out) memo.set(node, (out = new Set([...held, ...context])));
  return out;
}

/** A lock named only within its function (`lock1 (in sched_spin_lock_double)`). */
function unresolved(lock: string): boolean {
  return lock.includes(' (in ');
}

/**
 * XSR015's findings: `for_each_domain`/`for_each_cpupool` without the lock
 * that keeps their list stable, iteration of a guarded list without its
 * guard, and a raw lock of a per-CPU scheduler lock pointer in a function
 * that does not re-validate it.
 */
function iterationFindings(
  functions: FunctionsByKey,
  guardOf: ReadonlyMap<string, Guard>,
  sites: ReadonlyMap<string, Site[]>,
  exempt: ReadonlySet<string>,
): IterationFinding[] {
  const out: IterationFinding[] = [];
  for (const f of functions.list) {
    if (exempt.has(f.key)) continue;
    for (const r of f.rawSchedLocks) {
      if (f.revalidates) continue;
      out.push({
        fn: f,
        start: r.start,
        end: r.end,
        line: f.file.lineIndex.lineOf(r.start),
        macro: r.call,
        kind: 'raw-sched-lock',
        locks: [SCHED_LOCK],
        what: r.arg,
      });
    }
  }
  for (const [location, list] of sites) {
    const g = guardOf.get(location);
    if (!g) continue;
    // A walk under another lock every change of the list holds as well (Xen's pdev_list: writers hold
    // pcidevs_lock and d->pci_lock, readers either) is as stable as one under the guard (XSR009's rule for reads).
    const writes = list.filter((x) => x.kind !== 'read' && !x.iterate);
    const underWritersLock = (s: Site): boolean =>
      writes.length > 0 && [...s.held].some((l) => l !== g.lock && !l.startsWith('rcu(') && writes.every((w) => w.held.has(l)));
    for (const s of list) {
      if (!s.iterate || s.held.has(g.lock) || underWritersLock(s)) continue;
      // An RCU walk (`list_for_each_entry_rcu`) inside an RCU read section is the list's reader protocol:
      // writers unlink with list_del_rcu and free after a grace period.
      if (/_rcu$/.test(s.iterate) && [...s.held].some((l) => l.startsWith('rcu('))) continue;
      out.push({
        fn: s.fn,
        start: s.start,
        end: s.end,
        line: s.line,
        macro: s.iterate,
        kind: 'guarded',
        locks: [g.lock],
        what: location,
        guard: g,
      });
    }
  }
  return out;
}

/**
 * Each lock's interrupt discipline at its acquisitions: disabled or enabled
 * where the interrupt-state analysis knows (locks/irq.ts records each
 * acquisition it can decide), unknown elsewhere.
 */
/** Lock names declared `static` at file scope in more than one of the files. */
function staticsInSeveralFiles(files: readonly FileAnalysis[]): Set<string> {
  // One file (an editor's document): nothing is in several (and its statics are not scanned on every edit).
  if (files.length < 2) return new Set();
  const seen = new Map<string, number>();
  for (const f of files) {
    const bodies = new BodyRanges(f.functions.map((x) => x.syntax));
    for (const [name, at] of staticNamesIn(f, f.text)) if (at.some((x) => !bodies.contain(x))) seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  return new Set([...seen].filter(([, n]) => n > 1).map(([name]) => name));
}

/**
 * Whether an offset is inside one of a file's function bodies, by a binary
 * search (every static name of every file asks, and a file has hundreds of
 * bodies): the bodies sorted by start, each with the furthest end of the
 * bodies starting at or before it (so bodies that overlap answer as a scan
 * of them all would).
 */
class BodyRanges {
  private readonly starts: number[];
  private readonly ends: number[];

  constructor(bodies: readonly { bodyStart: number; bodyEnd: number }[]) {
    const sorted = [...bodies].sort((a, b) => a.bodyStart - b.bodyStart);
    this.starts = sorted.map((b) => b.bodyStart);
    let furthest = -Infinity;
    this.ends = sorted.map((b) => (furthest = Math.max(furthest, b.bodyEnd)));
  }

  contain(x: number): boolean {
    // The last body starting at or before x.
    let lo = 0;
    let hi = this.starts.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= x) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return last >= 0 && this.ends[last]! > x;
  }
}

/**
 * Whether interrupts are disabled at each of a function's acquisitions (in
 * `acquisitions` order; undefined where the interrupt-state analysis cannot
 * tell), per facts as collected: a moved copy's acquisitions and its lock
 * view's interrupt events moved together, so a function an edit only moved
 * is not matched against its events again.
 */
const irqSafety = new WeakMap<FunctionFacts, readonly (boolean | undefined)[]>();
const NO_ACQUISITIONS: readonly (boolean | undefined)[] = [];
function irqSafetyOf(f: FunctionFacts, remember: boolean): readonly (boolean | undefined)[] {
  const origin = collectedFacts(f);
  let out = remember ? irqSafety.get(origin) : undefined;
  // (A function that takes no lock has nothing to match.)
  if (!out && origin.acquisitions.length === 0) out = NO_ACQUISITIONS;
  if (!out) {
    const known = new Map<number, boolean>();
    for (const e of origin.fn.irqEvents) if (e.k === 'irqAcquire' && e.safe !== undefined) known.set(e.start, e.safe);
    out = origin.acquisitions.map((a) => known.get(a.start));
    if (remember) irqSafety.set(origin, out);
  }
  return out;
}

function irqDiscipline(functions: FunctionsByKey, alias: (l: string) => string, remember: boolean): LockIrq[] {
  const by = new Map<string, LockIrq>();
  for (const f of functions.list) {
    if (!f.reported) continue;
    const safety = irqSafetyOf(f, remember);
    for (let i = 0; i < f.acquisitions.length; i++) {
      const a = f.acquisitions[i]!;
      if (a.name.startsWith('rcu(') || unresolved(a.lock)) continue;
      const lock = alias(a.lock);
      const r = by.get(lock) ?? { lock, disabled: 0, enabled: 0, unknown: 0 };
      const safe = safety[i];
      if (safe === true) {
        r.disabled++;
        r.firstDisabled ??= { fn: f, start: a.start };
      } else if (safe === false) {
        r.enabled++;
        r.firstEnabled ??= { fn: f, start: a.start };
      } else r.unknown++;
      by.set(lock, r);
    }
  }
  return [...by.values()].sort((a, b) => (a.lock < b.lock ? -1 : 1));
}
