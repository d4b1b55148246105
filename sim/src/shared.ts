// The general part of a model: shared locations over small value domains,
// locks (spin and rw), and the thread instructions that work on them (reads
// and writes as separate steps, atomic operations as single steps, lock,
// trylock and unlock, local computations, branches and assertions). This file
// holds the input language (JSON-safe, what the C extraction emits) and its
// compilation to what the steps need: indices, value normalisers and
// expression closures over a thread's registers.

import type { Layout, State } from './state';

/** An expression over the thread's registers (C locals) and constants. */
export type Expr =
  | { k: 'const'; v: number }
  | { k: 'reg'; r: string }
  | { k: 'un'; op: '!' | '~' | '-'; a: Expr }
  | { k: 'bin'; op: BinOp; a: Expr; b: Expr }
  | { k: 'ite'; c: Expr; a: Expr; b: Expr }
  /** 1 when this thread holds the lock (`spin_is_locked` in an ASSERT states what the caller holds). */
  | { k: 'held'; lock: LockRef }
  /** The lock's identity as a pointer value (index + 1; 0 is NULL). */
  | { k: 'lockId'; lock: LockRef };

type BinOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/**
 * Which lock an instruction means: one by name; one of a family chosen by an
 * index (the per-pCPU scheduler locks indexed by `v->processor`); or the lock
 * whose identity a register holds (`spin_unlock(lock)` after `lock =
 * vcpu_schedule_lock(v)`).
 */
export type LockRef = { lock: string } | { family: string[]; index: Expr } | { reg: string };

/** The values a location takes. Writes are normalised into the domain (ints wrap around). */
export type Domain =
  | { kind: 'bool' }
  /** 0..max, arithmetic modulo max + 1. */
  | { kind: 'int'; max: number }
  /** A flags word: the bits of `mask` (bit positions as in C). */
  | { kind: 'bits'; mask: number; names?: string[] }
  /** A list head: the set of elements on it, as a bit per element. */
  | { kind: 'set'; elements: string[] }
  /** One of a few named values (a pCPU number, a lock pointer): 0..values.length-1. */
  | { kind: 'enum'; values: string[] }
  /** Only whether it is read or written matters (race detection): no value is kept. */
  | { kind: 'none' };

export interface LocationSpec {
  name: string;
  domain: Domain;
  /** A fixed initial value; absent: every value of the domain is an initial state. */
  init?: number;
}

export interface LockSpec {
  name: string;
  /** `spin` (the default) or `rw` (read/write lock). */
  kind?: 'spin' | 'rw';
}

export interface SharedSpec {
  locations: LocationSpec[];
  locks: LockSpec[];
}

type Access = 'plain' | 'atomic' | 'sync';

export type AtomicFn =
  | 'setBit'
  | 'clearBit'
  | 'changeBit'
  | 'testAndSetBit'
  | 'testAndClearBit'
  | 'testAndChangeBit'
  | 'testBit'
  | 'read'
  | 'set'
  | 'add'
  | 'sub'
  | 'or'
  | 'andNot'
  | 'addReturn'
  | 'subReturn'
  | 'incAndTest'
  | 'decAndTest'
  | 'xchg'
  | 'cmpxchg';

/** Instructions over the general shared state (see program.ts for the Xen ones). */
export type SharedInstr =
  /** `reg = loc` (a load; `sync`: a lock helper's re-validation read). */
  | { op: 'read'; loc: string; reg?: string; how?: Access }
  /** `loc = value`; without a value, any value of the domain (the C computes something the model does not know). */
  | { op: 'write'; loc: string; value?: Expr; how?: 'plain' | 'atomic' }
  /** One atomic read-modify-write (or atomic read) of `loc`; `reg` receives the result. */
  | { op: 'atomic'; loc: string; fn: AtomicFn; arg?: Expr; arg2?: Expr; reg?: string }
  /** A local computation (no shared access: folded into the previous step). */
  | { op: 'let'; reg: string; value: Expr }
  /** Continue when `cond` is non-zero, else at `else` (local: folded into the previous step). */
  | { op: 'branch'; cond: Expr; else: number }
  /** Acquire (blocks while taken); `reg` receives the lock's identity. `mode`: rwlock side. */
  | { op: 'lock'; lock: LockRef; mode?: 'r' | 'w'; reg?: string }
  /** Acquire if free: `reg` receives the lock's identity, or 0 when it was taken. */
  | { op: 'trylock'; lock: LockRef; mode?: 'r' | 'w'; reg: string }
  | { op: 'unlock'; lock: LockRef; mode?: 'r' | 'w' }
  /** An ASSERT/BUG_ON: a violation when `cond` is zero. */
  | { op: 'assert'; cond: Expr }
  /** `list_add(elem, loc)` / `list_del(elem)` on a list head: one plain read-modify-write of its element set. */
  | { op: 'list'; loc: string; fn: 'add' | 'del'; elem: string };

/** A compiled expression: its value in state s for thread t. */
export type CExpr = (s: State, t: number) => number;

/** A compiled lock reference: the lock's index in state s for thread t, or -1 (a NULL or unknown pointer). */
type CLock = (s: State, t: number) => number;

/** The compiled payload of a general micro-operation. */
export interface GOp {
  loc: number;
  reg: number;
  how: Access;
  e1?: CExpr;
  e2?: CExpr;
  lock?: CLock;
  /** The lock's name when it is one fixed lock (for labels before the step runs). */
  lockName?: string;
  mode: 'x' | 'r' | 'w';
  afn?: AtomicFn;
  lfn?: 'add' | 'del';
  elem: number;
  /** The list element's name (for labels when the list keeps no value). */
  elemName?: string;
  /** A canonical description (thread symmetry compares programs by it). */
  sig: string;
}

/** Value normalisers and enumerations of the domains. */
function normaliser(d: Domain): (v: number) => number {
  switch (d.kind) {
    case 'bool':
      return (v) => (v ? 1 : 0);
    case 'int': {
      const n = d.max + 1;
      return (v) => ((v % n) + n) % n;
    }
    case 'bits':
      return (v) => v & d.mask;
    case 'set':
      return (v) => v & ((1 << d.elements.length) - 1);
    case 'enum': {
      const n = Math.max(1, d.values.length);
      return (v) => ((v % n) + n) % n;
    }
    case 'none':
      return () => 0;
  }
}

export function domainValues(d: Domain): number[] {
  switch (d.kind) {
    case 'bool':
      return [0, 1];
    case 'int':
      return Array.from({ length: d.max + 1 }, (_, i) => i);
    case 'bits':
      return submasks(d.mask);
    case 'set':
      return submasks((1 << d.elements.length) - 1);
    case 'enum':
      return Array.from({ length: Math.max(1, d.values.length) }, (_, i) => i);
    case 'none':
      return [0];
  }
}

function submasks(mask: number): number[] {
  const out: number[] = [];
  for (let m = mask; ; m = (m - 1) & mask) {
    out.push(m);
    if (m === 0) break;
  }
  return out.sort((a, b) => a - b);
}

/** How a location's value reads in a trace (`{PARKED,YIELD}`, `[svc]`, `B`, `2`). */
export function showValue(d: Domain, v: number): number | string | boolean {
  switch (d.kind) {
    case 'bool':
      return v !== 0;
    case 'int':
      return v;
    case 'bits': {
      if (!d.names) return v;
      const on: string[] = [];
      for (let b = 0; b < 15; b++) if (v & (1 << b)) on.push(d.names[b] ?? `bit${b}`);
      return `{${on.join(',')}}`;
    }
    case 'set':
      return `[${d.elements.filter((_, i) => v & (1 << i)).join(',')}]`;
    case 'enum':
      return d.values[v] ?? v;
    case 'none':
      return v;
  }
}

/** Names to indices for one compiled model: locations, locks, and each thread's registers. */
export class SharedIndex {
  readonly locs = new Map<string, number>();
  readonly locks = new Map<string, number>();
  /** For each rwlock (by lock index), its rank among the rwlocks (reader-slot objects and masks). */
  readonly rwRank = new Map<number, number>();
  readonly norm: ((v: number) => number)[];
  constructor(readonly spec: SharedSpec) {
    spec.locations.forEach((l, i) => {
      if (this.locs.has(l.name)) throw new Error(`location ${l.name} declared twice`);
      this.locs.set(l.name, i);
    });
    spec.locks.forEach((l, i) => {
      if (this.locks.has(l.name)) throw new Error(`lock ${l.name} declared twice`);
      this.locks.set(l.name, i);
      if (l.kind === 'rw') this.rwRank.set(i, this.rwRank.size);
    });
    if (this.rwRank.size > 15) throw new Error('at most 15 rwlocks');
    this.norm = spec.locations.map((l) => normaliser(l.domain));
  }
  loc(name: string): number {
    const i = this.locs.get(name);
    if (i === undefined) throw new Error(`unknown location ${name}`);
    return i;
  }
  lock(name: string): number {
    const i = this.locks.get(name);
    if (i === undefined) throw new Error(`unknown lock ${name}`);
    return i;
  }
}

/** Compiles expressions and lock references of one thread (its register names to indices). */
export class ExprCompiler {
  readonly regs = new Map<string, number>();
  constructor(
    private readonly ix: SharedIndex,
    private readonly L: () => Layout,
  ) {}

  reg(name: string): number {
    let r = this.regs.get(name);
    if (r === undefined) this.regs.set(name, (r = this.regs.size));
    return r;
  }

  expr(e: Expr): CExpr {
    switch (e.k) {
      case 'const': {
        const v = e.v | 0;
        return () => v;
      }
      case 'reg': {
        const r = this.reg(e.r);
        return (s, t) => s[this.L().reg(t, r)]!;
      }
      case 'un': {
        const a = this.expr(e.a);
        if (e.op === '!') return (s, t) => (a(s, t) ? 0 : 1);
        if (e.op === '~') return (s, t) => ~a(s, t);
        return (s, t) => -a(s, t);
      }
      case 'bin':
        return this.binary(e.op, this.expr(e.a), this.expr(e.b));
      case 'ite': {
        const c = this.expr(e.c),
          a = this.expr(e.a),
          b = this.expr(e.b);
        return (s, t) => (c(s, t) ? a(s, t) : b(s, t));
      }
      case 'held': {
        const l = this.lock(e.lock);
        return (s, t) => {
          const k = l(s, t);
          return k >= 0 && holds(this.L(), this.ix, s, t, k) ? 1 : 0;
        };
      }
      case 'lockId': {
        const l = this.lock(e.lock);
        return (s, t) => l(s, t) + 1;
      }
    }
  }

  private binary(op: BinOp, a: CExpr, b: CExpr): CExpr {
    switch (op) {
      case '+':
        return (s, t) => a(s, t) + b(s, t);
      case '-':
        return (s, t) => a(s, t) - b(s, t);
      case '*':
        return (s, t) => a(s, t) * b(s, t);
      case '/':
        return (s, t) => {
          const d = b(s, t);
          return d === 0 ? 0 : Math.trunc(a(s, t) / d);
        };
      case '%':
        return (s, t) => {
          const d = b(s, t);
          return d === 0 ? 0 : a(s, t) % d;
        };
      case '&':
        return (s, t) => a(s, t) & b(s, t);
      case '|':
        return (s, t) => a(s, t) | b(s, t);
      case '^':
        return (s, t) => a(s, t) ^ b(s, t);
      case '<<':
        return (s, t) => a(s, t) << (b(s, t) & 31);
      case '>>':
        return (s, t) => a(s, t) >> (b(s, t) & 31);
      case '==':
        return (s, t) => (a(s, t) === b(s, t) ? 1 : 0);
      case '!=':
        return (s, t) => (a(s, t) !== b(s, t) ? 1 : 0);
      case '<':
        return (s, t) => (a(s, t) < b(s, t) ? 1 : 0);
      case '<=':
        return (s, t) => (a(s, t) <= b(s, t) ? 1 : 0);
      case '>':
        return (s, t) => (a(s, t) > b(s, t) ? 1 : 0);
      case '>=':
        return (s, t) => (a(s, t) >= b(s, t) ? 1 : 0);
      case '&&':
        return (s, t) => (a(s, t) && b(s, t) ? 1 : 0);
      case '||':
        return (s, t) => (a(s, t) || b(s, t) ? 1 : 0);
    }
  }

  lock(ref: LockRef): CLock {
    if ('lock' in ref) {
      const k = this.ix.lock(ref.lock);
      return () => k;
    }
    if ('reg' in ref) {
      const r = this.reg(ref.reg);
      const n = this.ix.spec.locks.length;
      return (s, t) => {
        const v = s[this.L().reg(t, r)]! - 1;
        return v >= 0 && v < n ? v : -1;
      };
    }
    const members = ref.family.map((name) => this.ix.lock(name));
    const index = this.expr(ref.index);
    return (s, t) => members[index(s, t)] ?? -1;
  }
}

/** Whether thread t holds lock k (as its owner, or as a reader of an rwlock). */
export function holds(L: Layout, ix: SharedIndex, s: State, t: number, k: number): boolean {
  if (s[L.gOwner(k)] === t) return true;
  const rank = ix.rwRank.get(k);
  return rank !== undefined && (s[L.rmask(t)]! & (1 << rank)) !== 0;
}

/** A text for labels and symmetry signatures. */
export function exprText(e: Expr): string {
  switch (e.k) {
    case 'const':
      return String(e.v);
    case 'reg':
      return e.r;
    case 'un':
      return `${e.op}${exprText(e.a)}`;
    case 'bin':
      return `(${exprText(e.a)} ${e.op} ${exprText(e.b)})`;
    case 'ite':
      return `(${exprText(e.c)} ? ${exprText(e.a)} : ${exprText(e.b)})`;
    case 'held':
      return `held(${lockText(e.lock)})`;
    case 'lockId':
      return `&${lockText(e.lock)}`;
  }
}

export function lockText(ref: LockRef): string {
  if ('lock' in ref) return ref.lock;
  if ('reg' in ref) return `*${ref.reg}`;
  return `${ref.family.join('|')}[${exprText(ref.index)}]`;
}
