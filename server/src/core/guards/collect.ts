// What one analysed function contributes to the folder's lock discipline:
// its accesses of fields, globals and per-CPU variables (with the locks
// must-held there, at type level), its calls, the locks it takes (with what
// it holds at that moment), calls through function-pointer fields, list
// element ↔ head pairs, and the objects it allocates or frees (their own
// fields are private to it until published, or after it is done with them).
import type { FileAnalysis } from '../analysis';
import type { CfgNode } from '../cfg/types';
import { type FunctionLocks, mustHeldNames } from '../locks/analyze';
import { LockNamer } from '../locks/names';
import { type Move, originOf } from '../locks/origin';
import type { HeldLock, PathState } from '../locks/state';
import type { Assignment, CallSite } from '../syntax/expr';
import type { LineIndex } from '../syntax/lineIndex';
import { owned } from '../syntax/ownedString';
import { scopeAt, staticNamesIn } from '../syntax/staticLocks';
import type { Token } from '../syntax/tokens';
import { isIdentPart, isIdentStart, tokenizeRange, TokenPool } from '../syntax/tokens';
import { type Declaration, parseDeclaration, skipGroup } from '../types/declarations';
import { type Access, type AccessSink, ExpressionScanner, type Variable } from '../types/expressions';
import { splitTopLevel, type TypeTable } from '../types/typeTable';
import { isDebugCheck, isSchedLockPointer, protectedIteration } from '../xen/accessOps';
import type { HelperTable } from '../xen/lockHelpers';
import { memoryOp } from '../xen/memoryOps';
import { atomicBitClear, isStoreRelease } from '../xen/ordering';
import { typeLevelLock } from './lockIds';
import { PrivateSources } from './objects';

interface SiteAccess extends Access {
  node: number;
  /** 0-based line. */
  line: number;
}

/**
 * A site access with every field, in one order (absent ones undefined): made
 * here only, collected or moved, so that all of them share one hidden class
 * (the discipline's rules read them in their hottest loops).
 */
function siteAccess(
  loc: string,
  kind: Access['kind'],
  start: number,
  end: number,
  elem: boolean | undefined,
  iterate: string | undefined,
  list: boolean | undefined,
  base: string | undefined,
  ownCpu: boolean | undefined,
  via: Access['via'],
  node: number,
  line: number,
): SiteAccess {
  return { loc, kind, start, end, elem, iterate, list, base, ownCpu, via, node, line };
}

export interface CallFact {
  callee: string;
  /** Argument texts (canonical). */
  args: string[];
  start: number;
  end: number;
  node: number;
  line: number;
}

interface Acquisition {
  /** Type-level name (before aliasing). */
  lock: string;
  /** The canonical name the lock analysis gave it. */
  name: string;
  start: number;
  node: number;
  line: number;
  /** A trylock or an RCU read lock: it never waits, so it makes no order edge. */
  noWait: boolean;
}

/**
 * A bit update of a word: an atomic bit operation (`set_bit(n, &v->pause_flags)`),
 * its non-atomic `__` twin, or a compound assignment (`v->flags |= m`), which
 * is a plain read and a plain write.
 */
export interface BitUpdate {
  /** The word's type-level location (`struct vcpu.pause_flags`). */
  loc: string;
  /** `set_bit`, `__clear_bit`, `|=`. */
  op: string;
  atomic: boolean;
  start: number;
  end: number;
  node: number;
  /** The file, when the word's struct is private to it (two .c files may each define a `struct csched_unit`). */
  scope?: string;
}

export interface FunctionFacts {
  /** `path#name` for a static function, else its name (how calls resolve). */
  key: string;
  name: string;
  path: string;
  file: FileAnalysis;
  fn: FunctionLocks;
  isStatic: boolean;
  /** Declared `__init`: runs at boot, on one CPU. */
  boot: boolean;
  /** Reported on (false for a header given as context). */
  reported: boolean;
  accesses: SiteAccess[];
  calls: CallFact[];
  memberCalls: { field: string; start: number; end: number; node: number }[];
  acquisitions: Acquisition[];
  elemOf: [string, string][];
  /** Identifiers used as values that may be functions (address taken). */
  valueRefs: Set<string>;
  /** Lock locations this function installs as a pCPU's scheduler lock (`sr->schedule_lock = &rqd->lock`). */
  schedAliases: string[];
  /** `return &x->lock;` texts: a switch_sched hook returns the lock it installs. */
  returnedAddresses: string[];
  /** Raw `spin_lock*` of a per-CPU scheduler lock pointer (`spin_lock_irq(sd->schedule_lock)`). */
  rawSchedLocks: { call: string; arg: string; start: number; end: number; node: number }[];
  /** Bit updates of words (atomic or not), for XSR014's mixed-atomicity check. */
  bitUpdates: BitUpdate[];
  /** The function compares a lock pointer with the scheduler lock pointer again (`lock == sr->schedule_lock`): it re-validates. */
  revalidates: boolean;
  /**
   * The nodes (reachable or not, in CFG order) that may release a
   * synchronisation object (guards/handshake.ts reads only these): a store of
   * a non-zero constant, a store-release, an atomic bit clear.
   */
  releaseSites: number[];
  /** What could make an object private to the function (guards/objects.ts), read on the same walk. */
  privateSources: PrivateSources;
  /** Walks of a protected list (`for_each_domain`, …: xen/accessOps.ts), with the locks any of which protects it. */
  iterations: { node: number; macro: string; start: number; end: number; line: number; locks: readonly string[]; list: string }[];
  /** Type-level must-held locks before each node (cached per path-state array). */
  heldAt(node: number): readonly string[];
  /** Type-level name of a canonical lock name of this function. */
  lockId(name: string): string;
  env: ReadonlyMap<string, Variable>;
  /** The facts this is a moved copy of (see collectedFacts); a field, not a WeakMap: every edit moves most functions. */
  collected?: FunctionFacts;
}

/** A file's static names (syntax/staticLocks.ts) and its path, for naming a static lock. */
interface StaticNames {
  names: ReadonlyMap<string, readonly number[]>;
  path: string;
}

/**
 * A function's lockId and heldAt, made apart from collectFunction: they live
 * as long as its facts, which are remembered across edits, and closures made
 * in collectFunction share one context with those reading the file there, so
 * they kept each collected version's file (its text and analysis) alive.
 */
function lockQueries(
  fn: FunctionLocks,
  table: TypeTable,
  env: ReadonlyMap<string, Variable>,
  statics: StaticNames,
  sharedStatics: ReadonlySet<string>,
): Pick<FunctionFacts, 'lockId' | 'heldAt'> {
  const lockIds = new Map<string, string>();
  const lockId = (name: string): string => {
    let id = lockIds.get(name);
    if (id === undefined)
      lockIds.set(name, (id = staticScoped(typeLevelLock(name, table, env, fn.syntax.name), statics, fn, sharedStatics)));
    return id;
  };
  // Must-held sets are asked for per access, call and acquisition (and by XSR014 per access again): remembered per
  // states array, and per held-lock list for a node with one path and no branch facts (what is held there is that
  // list as it is: consecutive statements share one list), so most nodes reuse a neighbour's answer.
  const heldCache = new Map<readonly PathState[], readonly string[]>();
  const byHeldList = new Map<readonly HeldLock[], readonly string[]>();
  const mustOf = (states: readonly PathState[]): readonly string[] => {
    // A path holding nothing: nothing is held on every path (mustHeldNames' answer too, without its map).
    if (states.length === 0 || states.some((s) => s.held.length === 0)) return [];
    // A lock assumed from a `_locked` name alone is a guess (which lock?): the requirements say what is known.
    const must = mustHeldNames(states, (h) => !!h.entry && h.because?.how === 'name');
    return [...new Set(must.map(lockId))];
  };
  const heldAt = (node: number): readonly string[] => {
    const states = fn.before[node] ?? NO_STATES;
    let held = heldCache.get(states);
    if (!held) {
      const one = states.length === 1 && states[0]!.facts.length === 0 ? states[0]!.held : undefined;
      held = one && byHeldList.get(one);
      if (!held) {
        held = mustOf(states);
        if (one) byHeldList.set(one, held);
      }
      heldCache.set(states, held);
    }
    return held;
  };
  return { lockId, heldAt };
}

/** Parameters of a function definition from its header text. */
function paramsOf(file: FileAnalysis, fn: FunctionLocks, table: TypeTable): Map<string, Variable> {
  const env = new Map<string, Variable>();
  const header = headerTokens.borrow(file.text, fn.syntax.start, fn.syntax.bodyStart);
  try {
    readParams(header, fn.syntax.name, table, env);
  } finally {
    headerTokens.giveBack();
  }
  return env;
}

/** paramsOf's tokens: the parameters keep their names and types, never a token. */
const headerTokens = new TokenPool();

function readParams(header: readonly Token[], name: string, table: TypeTable, env: Map<string, Variable>): void {
  // The parameter list: the first `(` after the function's name.
  let open = -1;
  for (let k = 0; k + 1 < header.length; k++) {
    if (header[k]!.text === name && header[k + 1]!.text === '(') {
      open = k + 1;
      break;
    }
  }
  if (open < 0) return;
  const close = skipGroup(header, open, header.length) - 1;
  const isTypeName = (n: string): boolean => table.isTypeName(n);
  for (const p of splitTopLevel(header, open + 1, close)) {
    const d = parseDeclaration(header, p.from, p.to, isTypeName);
    const x = d?.declarators[0];
    if (x) env.set(x.name, { type: x.type });
  }
}

function declare(env: Map<string, Variable>, name: string, v: Variable): void {
  const old = env.get(name);
  if (!old) {
    env.set(name, v);
    return;
  }
  // Two declarations of one name (inner blocks): keep the type only when they agree.
  if (old.type && v.type && old.type.base === v.type.base && old.type.ptr === v.type.ptr) return;
  env.set(name, old.loc || v.loc ? { loc: old.loc ?? v.loc } : {});
}

/** Where a definition's specifiers begin: tree-sitter may leave `void __init` out of the definition it finds. */
function declarationStart(text: string, start: number): number {
  return Math.max(text.lastIndexOf(';', start - 1), text.lastIndexOf('}', start - 1), text.lastIndexOf('*/', start - 1) + 1) + 1;
}

const NO_STATES: readonly PathState[] = [];

const SCANNED: ReadonlySet<CfgNode['kind']> = new Set(['stmt', 'cond', 'return', 'switch']);

function collectFunction(
  file: FileAnalysis,
  fn: FunctionLocks,
  table: TypeTable,
  helpers: HelperTable,
  reported: boolean,
  /** File-static lock names declared static in more than one analysed file: those are named with their file. */
  sharedStatics: ReadonlySet<string> = new Set(),
): FunctionFacts {
  const env = paramsOf(file, fn, table);
  const walked = walkNodes(file, fn, helpers);
  const nodes = byStart(walked.scanned);
  const text = file.text;
  const lent = declarationTokens.borrow(text, 0, 0);
  try {
    const declarations = readDeclarations(text, nodes, lent, table, env, fn.syntax.name);
    const facts: FunctionFacts = {
      key: fn.syntax.isStatic ? `${file.path}#${fn.syntax.name}` : fn.syntax.name,
      name: fn.syntax.name,
      path: file.path,
      file,
      fn,
      isStatic: fn.syntax.isStatic,
      boot: /\b__init\b/.test(text.slice(declarationStart(text, fn.syntax.start), fn.syntax.bodyStart)),
      reported,
      accesses: [],
      calls: [],
      memberCalls: [],
      acquisitions: [],
      elemOf: [],
      valueRefs: new Set(),
      schedAliases: [],
      returnedAddresses: [],
      rawSchedLocks: [],
      bitUpdates: [],
      revalidates: false,
      releaseSites: walked.releaseSites,
      privateSources: walked.privateSources,
      iterations: walked.iterations,
      env,
      heldAt: () => [],
      lockId: () => '',
      collected: undefined,
    };
    const statics: StaticNames = { names: staticNamesIn(file, text), path: file.path };
    const queries = lockQueries(fn, table, env, statics, sharedStatics);
    facts.lockId = queries.lockId;
    facts.heldAt = queries.heldAt;
    let current: CfgNode = nodes[0]!;
    // A function accesses a few locations many times: each one's static scope (a regex and a scan of the file's
    // static names) is worked out once per function.
    const scopedLocs = new Map<string, string>();
    const scoped = (loc: string): string => {
      let s = scopedLocs.get(loc);
      if (s === undefined) scopedLocs.set(loc, (s = staticScoped(loc, statics, fn, sharedStatics)));
      return s;
    };
    const sink: AccessSink = {
      // A static global of this file (or this function) is its own location: another file's static of the same name is another.
      access: (loc, kind, start, end, elem, iterate, list, base, ownCpu, via) =>
        facts.accesses.push(
          siteAccess(scoped(loc), kind, start, end, elem, iterate, list, base, ownCpu, via, current.id, file.lineIndex.lineOf(start)),
        ),
      elemOf: (elem, head) => facts.elemOf.push([elem, scoped(head)]),
      memberCall: (field, start, end) => facts.memberCalls.push({ field, start, end, node: current.id }),
      valueRef: (name) => facts.valueRefs.add(name),
    };
    const scanner = new ExpressionScanner(table, env, sink);
    const namer = LockNamer.of(fn.cfg);
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      current = n;
      const decl = declarations[i];
      if (decl) {
        // Only the initialisers of a declaration are evaluated.
        const { tokens, d } = decl;
        if (d) for (const x of d.declarators) if (x.init) scanner.scan(tokens, x.init.from, x.init.to);
      } else scanner.scanText(text, n.start, n.end);
      // (Most statements make no debug check: no list of them is built then.)
      const checks = n.facts.calls.some((c) => isDebugCheck(c.name)) ? n.facts.calls.filter((c) => isDebugCheck(c.name)) : undefined;
      for (const c of n.facts.calls) {
        if (checks?.some((x) => x !== c && x.start <= c.start && c.end <= x.end)) continue;
        facts.calls.push({
          callee: c.name,
          start: c.start,
          end: c.end,
          node: n.id,
          line: file.lineIndex.lineOf(c.start),
          args: argTexts(c),
        });
      }
      if (n.kind === 'return' && n.returnText?.startsWith('&')) facts.returnedAddresses.push(n.returnText);
      rawSchedLockCalls(facts, n, helpers, namer);
      bitUpdatesOf(facts, n, table);
      if (n.kind === 'cond' && mentions(text, n, 'schedule_lock') && /[=!]=/.test(text.slice(n.start, n.end))) facts.revalidates = true;
      for (const a of n.facts.assignments) {
        if (!a.lhs.includes('schedule_lock')) continue;
        const lhs = ExpressionScanner.locate(table, env, a.lhs);
        const rhs = ExpressionScanner.locate(table, env, a.rhs);
        if (lhs.loc && isSchedLockPointer(lhs.loc) && rhs.addr && rhs.loc) facts.schedAliases.push(rhs.loc);
      }
    }
    // (Named once the declarations are all read: the locks' type-level names depend on them.)
    for (const a of walked.taken)
      facts.acquisitions.push({
        lock: facts.lockId(a.name),
        name: a.name,
        start: a.start,
        node: a.node,
        line: file.lineIndex.lineOf(a.start),
        noWait: a.noWait,
      });
    return facts;
  } finally {
    declarationTokens.giveBack();
  }
}

/**
 * The scanned nodes in text order. Most functions have a few dozen at most:
 * those are sorted in place by insertion (Array.prototype.sort set up a
 * sort state and a copy of the list for every function); a longer list,
 * which the CFG may give in any order (a sequence's statements come out
 * last first), by sort. Both are stable.
 */
export function byStart<T extends { start: number }>(nodes: T[]): T[] {
  if (nodes.length > 32) return nodes.sort((a, b) => a.start - b.start);
  for (let i = 1; i < nodes.length; i++) {
    const n = nodes[i]!;
    let j = i - 1;
    while (j >= 0 && nodes[j]!.start > n.start) {
      nodes[j + 1] = nodes[j]!;
      j--;
    }
    nodes[j + 1] = n;
  }
  return nodes;
}

/** collectFunction's declaration tokens: the facts keep the declarations' names and types, never a token. */
const declarationTokens = new TokenPool();

/** A declaration's tokens (lent, or its own) and its parse. */
type DeclarationRead = { tokens: Token[]; d: Declaration | undefined } | undefined;

/**
 * The declarations among `nodes` (by index), declared in `env` first: a use
 * in a loop may precede its declaration in CFG order, never in the text.
 * Their tokens are kept to read their initialisers again. The tokens of
 * those ending in `;` are lent, one after another in `lent`: no read of them
 * looks past that `;` (the next declaration's tokens are never seen). One
 * without it (broken code) lexes its own.
 */
function readDeclarations(
  text: string,
  nodes: readonly CfgNode[],
  lent: Token[],
  table: TypeTable,
  env: Map<string, Variable>,
  fnName: string,
): DeclarationRead[] {
  const isTypeName = (x: string): boolean => table.isTypeName(x);
  const declarations: DeclarationRead[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (!n.declares) continue;
    const from = declarationTokens.append(lent, text, n.start, n.end);
    let tokens = lent;
    let end = lent.length - 1;
    if (end < from || lent[end]!.text !== ';') {
      lent.length = from;
      tokens = tokenizeRange(text, n.start, n.end);
      end = tokens.length;
    }
    const d = parseDeclaration(tokens, tokens === lent ? from : 0, end, isTypeName);
    declarations[i] = { tokens, d };
    if (!d) continue;
    for (const x of d.declarators)
      declare(env, x.name, d.isStatic ? { type: x.type, loc: `${x.name} (static in ${fnName})` } : { type: x.type });
  }
  return declarations;
}

/** A call's argument texts, in an array of their number (a loop, not `map`: made for every call of every function). */
function argTexts(c: CallSite): string[] {
  const out = new Array<string>(c.args.length);
  for (let i = 0; i < out.length; i++) out[i] = c.args[i]!.text;
  return out;
}

/** What a function's facts were derived from, besides its (unchanged) text and lock result. */
interface Remembered {
  facts: FunctionFacts;
  /** The move of the result they were collected on, from the result as computed. */
  at: Move;
  /** The type table they were resolved with (compared by signature, and only when one is reused). */
  table: TypeTable;
  statics: string;
  reported: boolean;
  path: string;
  helpers: HelperTable;
  /** The text its boot mark is read from, as last read (see bootOf). */
  declared: Declared;
  /**
   * The facts as last moved (see movedView), held weakly: a moved view holds
   * its run's file analysis, which a result kept for later (an edit undone)
   * would keep alive with it.
   */
  view: WeakRef<FunctionFacts> | undefined;
  /**
   * The sites as last moved, with the move from `facts`: a function an edit
   * above it moved stays at that move while the edits go on below it; when it
   * moves again, these copies are moved in place (moveInPlace).
   */
  last: { move: Move; sites: MovedSites } | undefined;
}

/** Facts per lock result as computed (a moved view of it reuses them, moved: guards/collect's costliest work on an edit). */
const remembered = new WeakMap<FunctionLocks, Remembered>();

/**
 * What remembered facts have for a file once collected. A run reads moved
 * views of them (movedView), whose file is the run's; the facts themselves
 * outlive their run (until their function is edited), and their version's
 * file kept that version's text alive: one 120 KB text per keystroke in the
 * bench's 5,000-line file (the heap after its 300 keystrokes: 62 MB, now 42).
 * This one keeps nothing, and says so if read.
 */
class RetiredFile implements FileAnalysis {
  readonly functions: FunctionLocks[] = [];
  readonly diagnostics: FileAnalysis['diagnostics'] = [];
  readonly parseErrors = 0;
  constructor(readonly path: string) {}
  get text(): string {
    return this.gone();
  }
  get lineIndex(): LineIndex {
    return this.gone();
  }
  private gone(): never {
    throw new Error(`xsr core: remembered facts of ${this.path} were read outside a moved view (their version's text is not kept)`);
  }
}

/**
 * collectFunction, remembered per lock result: an edit elsewhere in the file
 * moves this function without changing its text or its lock states (the
 * result is then a moved view of the same one), so its facts are the same,
 * moved. The file's type table and static locks must be unchanged too
 * (`statics`: the file's static lock names, and those several files share).
 */
export function collectFunctionRemembered(
  file: FileAnalysis,
  fn: FunctionLocks,
  table: TypeTable,
  helpers: HelperTable,
  reported: boolean,
  sharedStatics: ReadonlySet<string>,
  statics: string,
  /** Remember what is collected now (a lone file, which an editor analyses again after each edit; a folder's run never asks twice). */
  remember = true,
): FunctionFacts {
  const { base, delta } = originOf(fn);
  const r = remembered.get(base);
  if (
    r &&
    r.statics === statics &&
    r.reported === reported &&
    r.path === file.path &&
    r.helpers === helpers &&
    (r.table === table || r.table.signature() === table.signature())
  ) {
    const offset = delta.offset - r.at.offset;
    const line = delta.line - r.at.line;
    let sites: MovedSites;
    if (offset === 0 && line === 0) sites = r.facts;
    else if (!r.last) {
      sites = movedSites(r.facts, offset, line);
      r.last = { move: { offset, line }, sites };
    } else {
      sites = r.last.sites;
      if (r.last.move.offset !== offset || r.last.move.line !== line) {
        moveInPlace(r.facts, sites, offset, line);
        r.last.move = { offset, line };
      }
    }
    return movedView(r, sites, file, fn, bootOf(r, file.text, fn));
  }
  if (!remember) return collectFunction(file, fn, table, helpers, reported, sharedStatics);
  const facts = collectFunction(file, fn, table, helpers, reported, sharedStatics);
  facts.file = new RetiredFile(file.path);
  const declared = declaredAt(file.text, fn);
  // (A view, not the facts: their file is retired.)
  const view = moved(facts, facts, file, fn, declared.boot);
  remembered.set(base, {
    facts,
    at: delta,
    table,
    statics,
    reported,
    path: file.path,
    helpers,
    declared,
    view: new WeakRef(view),
    last: undefined,
  });
  return view;
}

/**
 * The remembered facts moved to where the function is now, in `file`: one
 * object per remembered result while an analysis holds it, its file, lock
 * result, boot mark and sites set in place. A new object per function per
 * keystroke was the largest part of what this module's edit path left to
 * survive a scavenge (it lives as long as the analysis holds it). Only the
 * current run reads moved facts (moveInPlace's reason); what is remembered
 * across runs is keyed by the facts as collected, or per run (timeStamps.ts,
 * atomicity.ts's writesOf).
 */
function movedView(r: Remembered, sites: MovedSites, file: FileAnalysis, fn: FunctionLocks, boot: boolean): FunctionFacts {
  const v = r.view?.deref();
  if (!v || v === r.facts) {
    const made = moved(r.facts, sites, file, fn, boot);
    r.view = new WeakRef(made);
    return made;
  }
  v.file = file;
  v.fn = fn;
  v.boot = boot;
  v.accesses = sites.accesses;
  v.calls = sites.calls;
  v.memberCalls = sites.memberCalls;
  v.acquisitions = sites.acquisitions;
  v.rawSchedLocks = sites.rawSchedLocks;
  v.bitUpdates = sites.bitUpdates;
  v.iterations = sites.iterations;
  return v;
}

/**
 * What a function's boot mark is read from besides the function's own text
 * (the same for every placement of one lock result: incremental/shift.ts
 * moves only functions whose text did not change): the text from just
 * before the delimiter declarationStart stops at (two characters: a comment
 * ends in two) to the function's start, and the mark. declarationStart's stop
 * and the mark are functions of that text and the function's alone (any
 * delimiter before it would stop declarationStart before it), except when no
 * delimiter precedes the function (`fromStart`: the text starts the file).
 */
interface Declared {
  lead: string;
  fromStart: boolean;
  boot: boolean;
}

function declaredAt(text: string, fn: FunctionLocks): Declared {
  const from = declarationStart(text, fn.syntax.start);
  return {
    // Kept with the remembered facts across versions: a copy, not a view of this version's text (ownedString.ts).
    lead: owned(text.slice(Math.max(0, from - 2), fn.syntax.start)),
    fromStart: from < 2,
    boot: /\b__init\b/.test(text.slice(from, fn.syntax.bodyStart)),
  };
}

/**
 * The function's boot mark in `text`: the remembered one when the text
 * before the function that decides it is the same, else read again. Read on
 * every function on every keystroke, the mark was a fifth of
 * collectFunctionRemembered's time (declarationStart's backward searches: a
 * file without comments was searched back to its start for one's end; a
 * slice and a regex). The lead is a few characters (`*\/` and a newline):
 * compared by code, in place (String.prototype.startsWith with a position
 * cost more than what it replaced).
 */
function bootOf(r: Remembered, text: string, fn: FunctionLocks): boolean {
  const d = r.declared;
  const lead = d.lead;
  const at = fn.syntax.start - lead.length;
  if (at >= 0 && (!d.fromStart || at === 0)) {
    let i = 0;
    while (i < lead.length && text.charCodeAt(at + i) === lead.charCodeAt(i)) i++;
    if (i === lead.length) return d.boot;
  }
  r.declared = declaredAt(text, fn);
  return r.declared.boot;
}

/**
 * The facts `f` is a moved copy of (itself when it was collected where it
 * is): the same object for every placement of one lock result collected with
 * one type table (what a cache of things derived from the facts keys on).
 */
export function collectedFacts(f: FunctionFacts): FunctionFacts {
  return f.collected ?? f;
}

/** The parts of facts that hold offsets and lines. */
type MovedSites = Pick<
  FunctionFacts,
  'accesses' | 'calls' | 'memberCalls' | 'acquisitions' | 'rawSchedLocks' | 'bitUpdates' | 'iterations'
>;

/** Copies of the sites of `facts` moved by `o` characters and `dl` lines. */
function movedSites(facts: FunctionFacts, o: number, dl: number): MovedSites {
  return {
    accesses: facts.accesses.map((a) =>
      siteAccess(a.loc, a.kind, a.start + o, a.end + o, a.elem, a.iterate, a.list, a.base, a.ownCpu, a.via, a.node, a.line + dl),
    ),
    // Each copy written out in the order collectFunction makes the site (not spread: a spread copy has another
    // hidden class, so every read of both kinds is polymorphic and can be deoptimized when it first meets one).
    calls: facts.calls.map((c) => ({
      callee: c.callee,
      start: c.start + o,
      end: c.end + o,
      node: c.node,
      line: c.line + dl,
      args: c.args,
    })),
    memberCalls: facts.memberCalls.map((m) => ({ field: m.field, start: m.start + o, end: m.end + o, node: m.node })),
    acquisitions: facts.acquisitions.map((a) => ({
      lock: a.lock,
      name: a.name,
      start: a.start + o,
      node: a.node,
      line: a.line + dl,
      noWait: a.noWait,
    })),
    rawSchedLocks: facts.rawSchedLocks.map((r) => ({ call: r.call, arg: r.arg, start: r.start + o, end: r.end + o, node: r.node })),
    bitUpdates: facts.bitUpdates.map((b) => ({
      loc: b.loc,
      op: b.op,
      atomic: b.atomic,
      start: b.start + o,
      end: b.end + o,
      node: b.node,
      scope: b.scope,
    })),
    iterations: facts.iterations.map((w) => ({
      node: w.node,
      macro: w.macro,
      start: w.start + o,
      end: w.end + o,
      line: w.line + dl,
      locks: w.locks,
      list: w.list,
    })),
  };
}

/**
 * Moves the copies `sites` (made by movedSites from `facts`) to `o`, `dl`
 * from `facts`, in place. An edit moves every function below it, on every
 * keystroke: new copies were an eighth of what the edit path allocated, and
 * a quarter of what survived to the next edit (what makes a young-generation
 * collection slow). The copies are this function's moved facts' alone, and
 * only the current run reads them: the previous run's analysis is not read
 * once a newer one exists, and what is remembered across runs copies
 * positions out (atomicity.ts's stale uses keep their own start).
 */
function moveInPlace(facts: FunctionFacts, sites: MovedSites, o: number, dl: number): void {
  moveRanges(facts.accesses, sites.accesses, o, dl);
  moveRanges(facts.calls, sites.calls, o, dl);
  moveRanges(facts.iterations, sites.iterations, o, dl);
  moveSpans(facts.memberCalls, sites.memberCalls, o);
  moveSpans(facts.rawSchedLocks, sites.rawSchedLocks, o);
  moveSpans(facts.bitUpdates, sites.bitUpdates, o);
  for (let i = 0; i < facts.acquisitions.length; i++) {
    const a = facts.acquisitions[i]!;
    const m = sites.acquisitions[i]!;
    m.start = a.start + o;
    m.line = a.line + dl;
  }
}

/** `to[i]` is `from[i]` moved by `o` characters and `dl` lines (sites with a range and a line; three shapes, one per list). */
function moveRanges(from: readonly Span[], to: Span[], o: number, dl: number): void {
  for (let i = 0; i < from.length; i++) {
    const a = from[i]!;
    const m = to[i]!;
    m.start = a.start + o;
    m.end = a.end + o;
    m.line = a.line! + dl;
  }
}

/** `to[i]` is `from[i]` moved by `o` characters (sites with a range and no line). */
function moveSpans(from: readonly Span[], to: Span[], o: number): void {
  for (let i = 0; i < from.length; i++) {
    const m = to[i]!;
    m.start = from[i]!.start + o;
    m.end = from[i]!.end + o;
  }
}

interface Span {
  start: number;
  end: number;
  line?: number;
}

/** Facts collected on one placement of a function, with `sites` moved to where it is now, in `file` (where it is `boot`). */
function moved(facts: FunctionFacts, sites: MovedSites, file: FileAnalysis, fn: FunctionLocks, boot: boolean): FunctionFacts {
  if (sites === facts && facts.file === file && facts.fn === fn && facts.boot === boot) return facts;
  // (Every field written out in collectFunction's order, not spread: moved facts keep the collected ones' hidden class.)
  return {
    key: facts.key,
    name: facts.name,
    path: facts.path,
    file,
    fn,
    isStatic: facts.isStatic,
    boot,
    reported: facts.reported,
    accesses: sites.accesses,
    calls: sites.calls,
    memberCalls: sites.memberCalls,
    acquisitions: sites.acquisitions,
    elemOf: facts.elemOf,
    valueRefs: facts.valueRefs,
    schedAliases: facts.schedAliases,
    returnedAddresses: facts.returnedAddresses,
    rawSchedLocks: sites.rawSchedLocks,
    bitUpdates: sites.bitUpdates,
    revalidates: facts.revalidates,
    releaseSites: facts.releaseSites,
    privateSources: facts.privateSources,
    iterations: sites.iterations,
    env: facts.env,
    heldAt: facts.heldAt,
    lockId: facts.lockId,
    collected: facts,
  };
}

/**
 * A lock declared `static` in a function body is that function's; one
 * declared `static` at file scope is that file's, named so when another
 * analysed file has a static lock of the same name (two files'
 * `static DEFINE_SPINLOCK(lock)` are two locks).
 */
function staticScoped(id: string, statics: StaticNames, fn: FunctionLocks, shared: ReadonlySet<string>): string {
  const m = /^(rcu\()?([A-Za-z_]\w*)(\))?$/.exec(id);
  if (!m) return id;
  const scope = scopeAt(statics.names.get(m[2]!), fn.syntax);
  if (!scope || (scope === 'file' && !shared.has(m[2]!))) return id;
  const where = scope === 'function' ? `static in ${fn.syntax.name}` : `static in ${statics.path.split(/[\\/]/).pop()!}`;
  return `${m[1] ?? ''}${m[2]!} (${where})${m[3] ?? ''}`;
}

/**
 * One walk over the function's nodes (each walk over every node of every
 * function costs, whatever it does there): the reachable statements to scan,
 * those that walk a protected list, the locks each node takes, the nodes that
 * may release a synchronisation object, and what could make an object private
 * to the function.
 */
function walkNodes(
  file: FileAnalysis,
  fn: FunctionLocks,
  helpers: HelperTable,
): {
  scanned: CfgNode[];
  iterations: FunctionFacts['iterations'];
  taken: Omit<Acquisition, 'lock' | 'line'>[];
  releaseSites: number[];
  privateSources: PrivateSources;
} {
  const privateSources = new PrivateSources(fn.syntax.name);
  const scanned: CfgNode[] = [];
  const iterations: FunctionFacts['iterations'] = [];
  const taken: Omit<Acquisition, 'lock' | 'line'>[] = [];
  const releaseSites: number[] = [];
  for (const n of fn.cfg.nodes) {
    privateSources.add(n);
    if (n.facts.assignments.some(storesConstant) || n.facts.calls.some(releasesSomething)) releaseSites.push(n.id);
    if ((fn.before[n.id]?.length ?? 0) === 0) continue;
    if (n.end > n.start) {
      if (SCANNED.has(n.kind)) scanned.push(n);
      const w = protectedWalk(file, n);
      if (w) iterations.push(w);
    }
    // Neither taking nor releasing a lock, the function holds only what it was entered holding.
    if (fn.touchesLocks && n.facts.calls.length > 0) takenIn(fn, n, helpers, taken);
  }
  return { scanned, iterations, taken, releaseSites, privateSources };
}

/** A store-release or an atomic bit clear (handshake.ts says which object it releases, if any). */
function releasesSomething(c: CallSite): boolean {
  return isStoreRelease(c.name) || atomicBitClear(c.name) !== undefined;
}

/** `x = 1;`, `ready = true;` and the like (what a publication flag's release stores; handshake.ts says exactly). */
export function storesConstant(a: Assignment): boolean {
  return a.op === '=' && mayStartConstant(a.rhs.charCodeAt(0)) && /^\s*(?:[1-9]|true\s*$)/.test(a.rhs);
}

/**
 * Whether a text starting with code `c` may match storesConstant's pattern: not
 * when it starts with an ASCII character that is neither a blank, `1`–`9` nor
 * `t` (most right-hand sides: asked of every assignment of every function).
 */
function mayStartConstant(c: number): boolean {
  return !(c < 128) || (c >= 49 && c <= 57) || c === 116 /* t */ || c === 32 || (c >= 9 && c <= 13);
}

/** A reachable statement that walks a protected list. */
function protectedWalk(file: FileAnalysis, n: CfgNode): FunctionFacts['iterations'][number] | undefined {
  // A loop macro's header; with a one-statement body tree-sitter may leave it inside a plain statement.
  const macro = n.loopMacro ?? leadingCall(file.text, n.start, Math.min(n.end, n.start + 80));
  const p = macro ? protectedIteration(macro) : undefined;
  if (!macro || !p) return undefined;
  const close = file.text.indexOf(')', n.start) + 1 || n.end;
  return { node: n.id, macro, start: n.start, end: Math.min(close, n.end), line: n.line, locks: p.locks, list: p.list };
}

/** The node's text contains `word` (a search of the node's text only: indexOf from its start would go on to the file's end). */
function mentions(text: string, n: CfgNode, word: string): boolean {
  return text.slice(n.start, n.end).includes(word);
}

/**
 * `name (` at the start of text[start, limit) (after blanks): what
 * `/\s*([A-Za-z_]\w*)\s*\(/y` matches there, read by character code (a
 * match array per reachable statement was most of this walk's garbage).
 */
function leadingCall(text: string, start: number, limit: number): string | undefined {
  let i = start;
  while (i < text.length && isRegexSpace(text.charCodeAt(i))) i++;
  if (i >= text.length || !isIdentStart(text.charCodeAt(i))) return undefined;
  const nameStart = i;
  while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
  const nameEnd = i;
  while (i < text.length && isRegexSpace(text.charCodeAt(i))) i++;
  // Past the limit, the slice it stands for would have cut the match off.
  if (text.charCodeAt(i) !== 40 /* ( */ || i + 1 > limit) return undefined;
  return text.slice(nameStart, nameEnd);
}

/** What a regex's `\s` matches (ECMAScript WhiteSpace and LineTerminator), by character code. */
function isRegexSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 5760 ||
    (c >= 8192 && c <= 8202) ||
    c === 8232 ||
    c === 8233 ||
    c === 8239 ||
    c === 8287 ||
    c === 12288 ||
    c === 65279
  );
}

/** `spin_lock_irq(sd->schedule_lock)`: a plain spinlock primitive given a scheduler lock pointer (not `&sr->_lock`). */
function rawSchedLockCalls(facts: FunctionFacts, n: CfgNode, helpers: HelperTable, namer: LockNamer): void {
  for (const c of n.facts.calls) {
    const h = helpers.get(c.name);
    if (!h || h.lock !== 'spin' || (h.op !== 'acquire' && h.op !== 'tryacquire')) continue;
    const arg = c.args[h.arg]?.text ?? '';
    if (arg.startsWith('&')) continue;
    if (namer.schedPointer(namer.trace(arg)) || namer.schedPointer(arg))
      facts.rawSchedLocks.push({ call: c.name, arg, start: c.start, end: c.end, node: n.id });
  }
}

const BIT_UPDATES: ReadonlySet<string> = new Set([
  'setBit',
  'clearBit',
  'changeBit',
  'testAndSetBit',
  'testAndClearBit',
  'testAndChangeBit',
]);

/** Bit operations on a word (not the pause-flag helpers: their word is found inside them) and `|=`/`&=`/`^=` on a field or global. */
function bitUpdatesOf(facts: FunctionFacts, n: CfgNode, table: TypeTable): void {
  for (const c of n.facts.calls) {
    const m = memoryOp(c.name);
    if (!m || m.kind !== 'atomic' || m.pauseFlags || !BIT_UPDATES.has(m.op)) continue;
    const target = c.args[m.target];
    if (!target) continue;
    const at = ExpressionScanner.locate(table, facts.env, target.text);
    if (at.loc && at.addr)
      facts.bitUpdates.push({
        loc: at.loc,
        op: c.name,
        atomic: m.atomic,
        start: c.start,
        end: c.end,
        node: n.id,
        scope: scopeOf(facts, table, at.loc),
      });
  }
  for (const a of n.facts.assignments) {
    if (a.op !== '|=' && a.op !== '&=' && a.op !== '^=') continue;
    const at = ExpressionScanner.locate(table, facts.env, a.lhs);
    if (at.loc && !at.addr)
      facts.bitUpdates.push({
        loc: at.loc,
        op: a.op,
        atomic: false,
        start: a.start,
        end: a.end,
        node: n.id,
        scope: scopeOf(facts, table, at.loc),
      });
  }
}

/** The file a bit update's word is private to (its struct is defined in it), else undefined. */
function scopeOf(facts: FunctionFacts, table: TypeTable, loc: string): string | undefined {
  const struct = /^((?:struct|union) \w+)\./.exec(loc)?.[1];
  return struct && table.ownsStruct(struct) ? facts.path : undefined;
}

/** The locks the node takes (held after it, taken inside its range), with whether it was a trylock; type-level names later. */
function takenIn(fn: FunctionLocks, n: CfgNode, helpers: HelperTable, out: Omit<Acquisition, 'lock' | 'line'>[]): void {
  // (Most statements with calls take nothing: the set and the trylock test are made for the first lock taken.)
  let seen: Set<string> | undefined;
  let isTry: boolean | undefined;
  // Paths often share one held list (a transfer that changes no lock keeps it): each list is read once per node.
  let last: readonly HeldLock[] | undefined;
  for (const e of n.succ) {
    for (const s of fn.before[e.to] ?? []) {
      if (s.held === last) continue;
      last = s.held;
      for (const h of s.held) {
        if (h.entry || h.alias || h.at < n.start || h.at >= n.end || seen?.has(h.name)) continue;
        (seen ??= new Set()).add(h.name);
        isTry ??= n.facts.calls.some((c) => helpers.get(c.name)?.op === 'tryacquire');
        out.push({ name: h.name, start: h.at, node: n.id, noWait: isTry || h.kind === 'rcu' });
      }
    }
  }
}
