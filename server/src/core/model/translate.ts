// Statements and expressions of one function instance as thread instructions,
// in C's evaluation order: a load of a modelled location is a read step into a
// register, a store a write step (`x += e` is both), the vocabulary's atomic
// and list operations single steps, lock helpers lock steps (the scheduler
// lock helpers re-validate v->processor as Xen's do), migration operations the
// Xen model's instructions. Values are followed through thread registers when
// everything they come from is modelled (constants, modelled locals, modelled
// locations); what the model does not know is `undefined`, and a condition
// that depends on it becomes a choice (walk.ts).
import type { InstrAt } from '../../../../sim/src/program';
import type { Expr, LockRef } from '../../../../sim/src/shared';
import type { SourceRef } from '../../../../sim/src/types';
import type { CallSite } from '../syntax/expr';
import { heldPredicate, type LockHelper, vcpuLockOp } from '../xen/lockHelpers';
import { type MemoryOp, memoryOp, NO_SHARED_EFFECT } from '../xen/memoryOps';
import { migrationCall, type MigrationOpKind } from '../xen/migration';
import type { CNode } from './cexpr';
import type { Code } from './code';
import type { ModelContext } from './context';
import { PER_CPU, type Place, type Scope } from './locations';

/** How each migration operation of the vocabulary acts in the Xen model. */
const OP_INSTR: Readonly<Record<MigrationOpKind, InstrAt['op']>> = {
  setMigrating: 'setMigrating',
  migrateStart: 'migrateStart',
  migrateFinish: 'migrateFinish',
  oldMigrate: 'migrate',
  sleep: 'sleepNosync',
  sleepLocked: 'sleepNosyncLocked',
  wake: 'wake',
};

/** Calls with no effect on shared state that are too common to list in the notes. */
const QUIET =
  /^(cpumask_|cpu_|node_|bitmap_|min|max|min_t|max_t|NOW|MILLISECS|MICROSECS|SECONDS|__builtin_|list_entry$|container_of$|list_first_entry|list_next_entry)/;

const c = (v: number): Expr => ({ k: 'const', v });
const reg = (r: string): Expr => ({ k: 'reg', r });
const bin = (op: Extract<Expr, { k: 'bin' }>['op'], a: Expr, b: Expr): Expr => ({ k: 'bin', op, a, b });

/** An inlinable function: the walker translates its body in place. */
export interface Inliner {
  /** Translates a call to an analysed function in place, or returns false (not inlinable here). */
  inline(t: Translator, call: Extract<CNode, { k: 'call' }>): boolean;
}

/** Expression nesting the model translates; deeper is an unknown value. */
const MAX_NESTING = 200;

export class Translator {
  private temp = 0;
  /** Notes gathered on the way (unknown calls by name, assertions not checked). */
  readonly unknownCalls = new Set<string>();
  readonly notes: string[] = [];
  /** Set while evaluating without emitting (deciding which locals are modelled). */
  private dry = 0;
  /** Inlined calls: a parameter -> the caller's argument, as lock names spell it (`cpu` -> `sched_cpu`). */
  aliases = new Map<string, string>();

  constructor(
    readonly ctx: ModelContext,
    readonly scope: Scope,
    readonly code: Code,
    /** The thread instance (scan mode records accesses per instance). */
    readonly thread: number,
    /** Register name of a local: inlined bodies get their own. */
    readonly prefix: string,
    /** Locals whose values the model follows (every assignment to them is known). */
    public modelled: ReadonlySet<string>,
    private readonly inliner: Inliner,
    private readonly text: (n: CNode) => string,
  ) {}

  src(offset: number): SourceRef {
    return { file: this.ctx.file.path, line: this.ctx.file.lineIndex.lineOf(offset) + 1 };
  }

  /** The source as written, on one line. */
  private written(n: CNode): string {
    return this.ctx.file.text.slice(n.start, n.end).replace(/\s+/g, ' ').trim();
  }

  /** The statement being translated (its text is what each of its steps quotes). */
  statement: { start: number; end: number } | undefined;

  /** Where a step comes from: its line, and the source text of its statement as written (on one line). */
  private at(n: CNode): { src: SourceRef; text: string } {
    const range = this.statement && this.statement.start <= n.start && n.end <= this.statement.end ? this.statement : n;
    return { src: this.src(n.start), text: this.ctx.file.text.slice(range.start, range.end).replace(/\s+/g, ' ').replace(/;$/, '').trim() };
  }

  emit(ins: InstrAt): void {
    if (!this.dry) this.code.emit(ins);
  }

  newTemp(): string {
    return `%${this.temp++}`;
  }

  /** Temporaries are per statement: numbering restarts, so registers stay few. */
  endStatement(): void {
    this.temp = 0;
  }

  regOf(local: string): string {
    return this.prefix + local;
  }

  /** Whether `n` evaluates to a value the model knows (without emitting anything). */
  known(n: CNode): boolean {
    this.dry++;
    const saved = this.temp;
    try {
      return this.value(n) !== undefined;
    } finally {
      this.dry--;
      this.temp = saved;
    }
  }

  // Places and accesses.

  place(n: CNode): Place | undefined {
    const p = this.scope.place(n);
    if (p?.kind === 'loc') this.ctx.noteLocation(p.display, p.key);
    return p;
  }

  /** A load of a place: a read step when the location is modelled. */
  load(p: Place, at: CNode, how: 'plain' | 'atomic' | 'sync' = 'plain'): Expr | undefined {
    if (p.kind === 'local') return this.modelled.has(p.name) ? reg(this.regOf(p.name)) : undefined;
    if (!this.dry && this.ctx.scanning) this.ctx.record(this.thread, p.key, false);
    if (!this.ctx.modelled(p.key)) return undefined;
    const r = this.newTemp();
    this.emit({ op: 'read', loc: p.display, reg: r, ...(how !== 'plain' ? { how } : {}), ...this.at(at) });
    return reg(r);
  }

  /** A store: a write step to a modelled location (any value when unknown), or a local's new value. */
  store(p: Place, v: Expr | undefined, at: CNode, how: 'plain' | 'atomic' = 'plain'): void {
    if (p.kind === 'local') {
      if (this.modelled.has(p.name) && v) this.emit({ op: 'let', reg: this.regOf(p.name), value: v, ...this.at(at) });
      return;
    }
    if (!this.dry && this.ctx.scanning) this.ctx.record(this.thread, p.key, true);
    if (!this.ctx.modelled(p.key)) return;
    this.emit({ op: 'write', loc: p.display, ...(v ? { value: v } : {}), ...(how !== 'plain' ? { how } : {}), ...this.at(at) });
  }

  /** Evaluates reads of pointer fields on the way to a place (`v->domain` in `v->domain->x`). */
  private touchBase(n: CNode): void {
    if (n.k === 'member' && n.arrow && (n.obj.k === 'member' || n.obj.k === 'index')) this.value(n.obj);
    else if (n.k === 'member' && !n.arrow) this.touchBase(n.obj);
    else if (n.k === 'index') {
      this.value(n.index);
      this.touchBase(n.obj);
    }
  }

  // Expressions.

  /** Expressions being translated (value's recursion). */
  private nesting = 0;

  /** Emits the expression's steps; its value when the model knows it. */
  value(n: CNode): Expr | undefined {
    // Past MAX_NESTING levels an expression is unknown to the model (generated code, never Xen's): the stack is not ours to spend.
    if (this.nesting >= MAX_NESTING) return undefined;
    this.nesting++;
    try {
      return this.valueIn(n);
    } finally {
      this.nesting--;
    }
  }

  private valueIn(n: CNode): Expr | undefined {
    switch (n.k) {
      case 'num':
        return Number.isFinite(n.v) ? c(n.v) : undefined;
      case 'str':
      case 'opaque':
        return undefined;
      case 'id': {
        const k = this.ctx.opts.constants.get(n.name);
        if (k !== undefined && !this.scope.decl(n.name)) return c(k);
        const p = this.place(n);
        return p ? this.load(p, n) : undefined;
      }
      case 'member':
      case 'index': {
        this.touchBase(n);
        const p = this.place(n);
        return p ? this.load(p, n) : undefined;
      }
      case 'unary':
        return this.unary(n);
      case 'postfix': {
        const p = this.place(n.a);
        if (!p) return undefined;
        this.touchBase(n.a);
        const old = this.load(p, n.a);
        this.store(p, old && bin(n.op === '++' ? '+' : '-', old, c(1)), n);
        return old;
      }
      case 'binary': {
        const a = this.value(n.a);
        const b = this.value(n.b);
        if (!a || !b) {
          // `x && 0`, `x || 1` and `x * 0` do not depend on x.
          if (n.op === '&&' && (isZero(a) || isZero(b))) return c(0);
          if (n.op === '||' && (isOne(a) || isOne(b))) return c(1);
          return undefined;
        }
        return bin(n.op as Extract<Expr, { k: 'bin' }>['op'], a, b);
      }
      case 'assign':
        return this.assign(n);
      case 'cond': {
        const cv = this.value(n.c);
        const a = this.value(n.a);
        const b = this.value(n.b);
        return cv && a && b ? { k: 'ite', c: cv, a, b } : undefined;
      }
      case 'comma': {
        let last: Expr | undefined;
        for (const e of n.list) last = this.value(e);
        return last;
      }
      case 'cast':
        return this.value(n.a);
      case 'call':
        return this.call(n);
    }
  }

  private unary(n: Extract<CNode, { k: 'unary' }>): Expr | undefined {
    switch (n.op) {
      case '!':
      case '~':
      case '-': {
        const a = this.value(n.a);
        return a && { k: 'un', op: n.op, a };
      }
      case '+':
        return this.value(n.a);
      case '&':
        // An address: nothing is read (the pointer's value is not followed).
        this.touchBase(n.a);
        return undefined;
      case '*': {
        this.value(n.a);
        const p = this.place(n);
        return p ? this.load(p, n) : undefined;
      }
      case '++':
      case '--': {
        const p = this.place(n.a);
        if (!p) return undefined;
        this.touchBase(n.a);
        const old = this.load(p, n.a);
        const v = old && bin(n.op === '++' ? '+' : '-', old, c(1));
        this.store(p, v, n);
        return v;
      }
      default:
        return undefined;
    }
  }

  private assign(n: Extract<CNode, { k: 'assign' }>): Expr | undefined {
    // The Xen model's flag write (`v->pause_flags |= VPF_migrating`) is an operation of its own.
    if (this.ctx.opts.xen && n.op === '|=' && isPauseFlags(n.lhs) && /_?VPF_migrating/.test(this.text(n.rhs))) {
      this.emit({ op: 'setMigrating', ...this.at(n) });
      return undefined;
    }
    const p = this.place(n.lhs);
    if (n.op === '=') {
      const v = this.value(n.rhs);
      if (p) {
        this.touchBase(n.lhs);
        this.store(p, v, n);
      } else this.value(n.lhs);
      return v;
    }
    if (!p) {
      this.value(n.rhs);
      return undefined;
    }
    this.touchBase(n.lhs);
    const old = this.load(p, n.lhs);
    const rhs = this.value(n.rhs);
    const op = n.op.slice(0, -1) as Extract<Expr, { k: 'bin' }>['op'];
    const v = old && rhs ? bin(op, old, rhs) : undefined;
    this.store(p, v, n);
    return v;
  }

  // Calls.

  private call(n: Extract<CNode, { k: 'call' }>): Expr | undefined {
    const name = n.name;
    if (name === 'likely' || name === 'unlikely') return n.args[0] ? this.value(n.args[0]) : undefined;
    if (name === 'ASSERT' || name === 'BUG_ON') {
      this.assertion(n, name === 'BUG_ON');
      return undefined;
    }
    const site = callSite(n, this.text);
    if (this.ctx.opts.xen) {
      const mig = migrationCall(site);
      if (mig) {
        this.emit({ op: OP_INSTR[mig.kind], ...this.at(n) } as InstrAt);
        return undefined;
      }
    }
    const helper = this.ctx.table.get(name);
    if (helper) return this.lockHelper(n, helper);
    const held = heldPredicate(name);
    if (held?.lock === 'rcu') return undefined; // RCU readers exclude nobody: not modelled
    if (held && n.args[0]) {
      const lock = this.lockRef(n.args[0], held.lock === 'rwlock' ? 'rw' : 'spin');
      return lock ? { k: 'held', lock } : undefined;
    }
    const mem = memoryOp(name);
    if (mem) return this.memory(n, mem);
    if (this.inliner.inline(this, n)) return undefined;
    // Unknown: its arguments are evaluated (loads in them happen), its effect is not modelled.
    for (const a of n.args) this.value(a);
    if (!this.dry && !NO_SHARED_EFFECT.has(name) && !QUIET.test(name)) this.unknownCalls.add(name);
    return undefined;
  }

  private assertion(n: Extract<CNode, { k: 'call' }>, bugOn: boolean): void {
    const arg = n.args[0];
    if (!arg) return;
    // Its loads happen either way; a condition the model cannot evaluate is not checked.
    const v = this.value(arg);
    if (!v) {
      if (!this.dry && !this.ctx.scanning)
        this.notes.push(
          `${this.written(n)} at line ${this.src(n.start).line}: not checked (it depends on values the model does not follow)`,
        );
      return;
    }
    this.emit({ op: 'assert', cond: bugOn ? { k: 'un', op: '!', a: v } : v, ...this.at(n) });
  }

  // Locks.

  /** The lock an address expression names: a modelled local holding a lock pointer, or the place it points at. */
  lockRef(arg: CNode, kind: 'spin' | 'rw'): LockRef | undefined {
    const inner = arg.k === 'unary' && arg.op === '&' ? arg.a : arg;
    if (inner.k === 'id' && this.scope.decl(inner.name) && this.modelled.has(inner.name) && inner === arg)
      return { reg: this.regOf(inner.name) };
    const cpu = schedLockCpu(inner);
    if (cpu) return this.cpuLock(cpu);
    const p = this.place(inner);
    const name = p?.kind === 'loc' ? p.display : this.text(inner);
    if (!this.ctx.locks.has(name)) this.ctx.locks.set(name, kind);
    if (!this.dry) this.ctx.recordLock(this.thread, name);
    return { lock: name };
  }

  private lockHelper(n: Extract<CNode, { k: 'call' }>, h: LockHelper): Expr | undefined {
    if (h.lock === 'rcu') return undefined;
    const xenOp = this.ctx.opts.xen ? vcpuLockOp(h) : undefined;
    if (xenOp) {
      this.emit({ op: xenOp === 'acquire' ? 'lockVcpu' : 'unlockVcpu', ...this.at(n) });
      return undefined;
    }
    if (h.lock === 'sched') return this.schedHelper(n, h);
    const arg = n.args[h.arg];
    if (!arg) return undefined;
    const lock = this.lockRef(arg, h.lock === 'rwlock' ? 'rw' : 'spin');
    if (!lock) return undefined;
    const mode = h.mode ? { mode: h.mode } : {};
    const at = this.at(n);
    switch (h.op) {
      case 'acquire': {
        const r = this.newTemp();
        this.emit({ op: 'lock', lock, ...mode, reg: r, ...at });
        return reg(r);
      }
      case 'tryacquire': {
        const r = this.newTemp();
        this.emit({ op: 'trylock', lock, ...mode, reg: r, ...at });
        return reg(r);
      }
      case 'release':
        this.emit({ op: 'unlock', lock, ...mode, ...at });
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * Scheduler locks without the Xen model: the lock of `v->processor` (or of
   * a pCPU). When some thread writes v->processor, the locks are the
   * per-pCPU family and the helpers behave as Xen's: read v->processor, lock
   * that pCPU's lock, re-read and retry when v moved; the unlock helper
   * ASSERTs that the lock released is still v->processor's.
   */
  /**
   * The scheduler lock of a pCPU expression (`cpu`, `v->processor`): one of the
   * per-pCPU family, picked by the value read, when some thread moves the
   * vCPU; else the lock named by the expression (`sched(cpu)`).
   */
  private cpuLock(cpu: CNode): LockRef {
    const p = this.place(cpu);
    if (p?.kind === 'loc' && this.ctx.opts.written.has(p.key) && this.ctx.modelled(p.key)) {
      const family = this.family(p.display, p.key);
      const index = this.value(cpu);
      if (index) return { family, index };
    } else if (p?.kind === 'loc') this.value(cpu);
    const name = `sched(${p?.kind === 'loc' ? p.display : p?.kind === 'local' ? this.localName(p.name) : this.text(cpu)})`;
    if (!this.ctx.locks.has(name)) this.ctx.locks.set(name, 'spin');
    if (!this.dry) this.ctx.recordLock(this.thread, name);
    return { lock: name };
  }

  /** What names a local in lock names: for an inlined call's parameter, the caller's argument. */
  localName(local: string): string {
    return this.aliases.get(local) ?? local;
  }

  private schedHelper(n: Extract<CNode, { k: 'call' }>, h: LockHelper): Expr | undefined {
    const at = this.at(n);
    const vcpu = /^(vcpu|unit)_/.test(h.name);
    const entity = n.args[h.arg];
    if (h.op === 'acquireDouble' || h.op === 'releaseDouble') return this.doubleLock(n, h);
    if (!entity) return undefined;
    if (!vcpu) return this.pcpuHelper(n, h, entity);
    const proc: CNode = entity;
    const procPlace = vcpu ? this.scope.implied(entity, 'processor', `${this.text(entity)}->processor`) : undefined;
    if (procPlace?.kind === 'loc') this.ctx.noteLocation(procPlace.display, procPlace.key);
    // The helper reads v->processor (the scan records it); the per-pCPU family only when some thread moves v.
    if (procPlace?.kind === 'loc' && !this.dry && this.ctx.scanning) this.ctx.record(this.thread, procPlace.key, false, true);
    const family =
      procPlace?.kind === 'loc' && this.ctx.opts.written.has(procPlace.key) && this.ctx.modelled(procPlace.key)
        ? this.family(procPlace.display, procPlace.key)
        : undefined;
    if (!family) {
      const name = `sched(${procPlace?.kind === 'loc' ? procPlace.display : this.text(entity)})`;
      if (!this.ctx.locks.has(name)) this.ctx.locks.set(name, 'spin');
      if (!this.dry) this.ctx.recordLock(this.thread, name);
      const r = this.newTemp();
      if (h.op === 'acquire') this.emit({ op: 'lock', lock: { lock: name }, reg: r, ...at });
      else if (h.op === 'tryacquire') this.emit({ op: 'trylock', lock: { lock: name }, reg: r, ...at });
      else this.emit({ op: 'unlock', lock: { lock: name }, ...at });
      return h.op === 'release' ? undefined : reg(r);
    }
    const loc = procPlace as Extract<Place, { kind: 'loc' }>;
    if (h.op === 'release') {
      const cur = this.load(loc, proc);
      const ptr = h.ptrArg !== undefined ? n.args[h.ptrArg] : undefined;
      const held = ptr?.k === 'id' && this.modelled.has(ptr.name) ? reg(this.regOf(ptr.name)) : undefined;
      if (cur && held) {
        this.emit({
          op: 'assert',
          cond: bin('==', held, { k: 'lockId', lock: { family, index: cur } }),
          src: at.src,
          text: `${h.name}: ASSERT(lock == per_cpu(schedule_data, ${this.text(entity)}->processor).schedule_lock)`,
        });
        this.emit({ op: 'unlock', lock: { reg: this.regOf((ptr as { name: string }).name) }, ...at });
      } else if (cur) this.emit({ op: 'unlock', lock: { family, index: cur }, ...at });
      return undefined;
    }
    if (this.dry) return h.op === 'tryacquire' || h.returnsLock ? c(1) : undefined;
    const start = this.code.newLabel();
    const retry = this.code.newLabel();
    const done = this.code.newLabel();
    const p = this.newTemp();
    const q = this.newTemp();
    const r = this.newTemp();
    this.code.place(start);
    this.emit({ op: 'read', loc: loc.display, reg: p, how: 'sync', ...at });
    if (this.ctx.scanning) this.ctx.record(this.thread, loc.key, false, true);
    if (h.op === 'tryacquire') {
      this.emit({ op: 'trylock', lock: { family, index: reg(p) }, reg: r, ...at });
      this.code.branch({ op: 'branch', cond: reg(r), else: -1, ...at }, done);
    } else this.emit({ op: 'lock', lock: { family, index: reg(p) }, reg: r, ...at });
    this.emit({ op: 'read', loc: loc.display, reg: q, how: 'sync', ...at });
    this.code.branch({ op: 'branch', cond: bin('==', reg(p), reg(q)), else: -1, ...at }, retry);
    this.code.jump(done);
    this.code.place(retry);
    this.emit({ op: 'unlock', lock: { family, index: reg(p) }, ...at });
    if (h.op === 'tryacquire') this.emit({ op: 'let', reg: r, value: c(0), ...at });
    else this.code.jump(start);
    this.code.place(done);
    return reg(r);
  }

  /** pcpu_schedule_lock(cpu) & co.: the lock of the pCPU the argument names (read once, as C passes it). */
  private pcpuHelper(n: Extract<CNode, { k: 'call' }>, h: LockHelper, cpu: CNode): Expr | undefined {
    const at = this.at(n);
    const r = this.newTemp();
    if (h.op === 'release') {
      const ptr = h.ptrArg !== undefined ? n.args[h.ptrArg] : undefined;
      const lock = this.cpuLock(cpu);
      if (ptr?.k === 'id' && this.modelled.has(ptr.name)) {
        const held = reg(this.regOf(ptr.name));
        this.emit({
          op: 'assert',
          cond: bin('==', held, { k: 'lockId', lock }),
          src: at.src,
          text: `${h.name}: ASSERT(lock == per_cpu(schedule_data, ${this.text(cpu)}).schedule_lock)`,
        });
        this.emit({ op: 'unlock', lock: { reg: this.regOf(ptr.name) }, ...at });
      } else this.emit({ op: 'unlock', lock, ...at });
      return undefined;
    }
    const lock = this.cpuLock(cpu);
    this.emit({ op: h.op === 'tryacquire' ? 'trylock' : 'lock', lock, reg: r, ...at });
    return reg(r);
  }

  /** The per-pCPU lock family of a vCPU's processor field. */
  private family(display: string, key: string): string[] {
    const info = this.ctx.noteLocation(display, key);
    info.kind = 'processor';
    const names = this.ctx.opts.pcpus.map((p) => `sched(${p})`);
    for (const name of names) {
      this.ctx.locks.set(name, 'spin');
      this.ctx.families.add(name);
      if (!this.dry) this.ctx.recordLock(this.thread, name);
    }
    return names;
  }

  private doubleLock(n: Extract<CNode, { k: 'call' }>, h: LockHelper): Expr | undefined {
    if (this.dry) return undefined;
    const a = n.args[h.arg],
      b = h.arg2 !== undefined ? n.args[h.arg2] : undefined;
    if (!a || !b) return undefined;
    const la = this.lockRef(a, 'spin'),
      lb = this.lockRef(b, 'spin');
    if (!la || !lb) return undefined;
    const at = this.at(n);
    const op = h.op === 'acquireDouble' ? 'lock' : 'unlock';
    // The second lock only when it is another lock (Xen's helpers take one lock when both are the same).
    const same = this.code.newLabel();
    const first = op === 'lock' ? la : lb,
      second = op === 'lock' ? lb : la;
    this.emit({ op, lock: first, ...at });
    this.code.branch({ op: 'branch', cond: bin('!=', { k: 'lockId', lock: la }, { k: 'lockId', lock: lb }), else: -1, ...at }, same);
    this.emit({ op, lock: second, ...at });
    this.code.place(same);
    return undefined;
  }

  // Memory operations.

  private memory(n: Extract<CNode, { k: 'call' }>, m: MemoryOp): Expr | undefined {
    if (m.kind === 'list') return this.list(n, m);
    const targetArg = n.args[m.target];
    if (!targetArg) return undefined;
    let p: Place | undefined;
    if (m.kind === 'atomic' && m.pauseFlags) {
      p = this.scope.implied(targetArg, 'pause_flags', `${this.text(targetArg)}->pause_flags`);
      if (p?.kind === 'loc') this.ctx.noteLocation(p.display, p.key);
    } else {
      const target: CNode =
        m.kind === 'once' && !m.byAddress
          ? targetArg
          : targetArg.k === 'unary' && targetArg.op === '&'
            ? targetArg.a
            : { k: 'unary', op: '*', a: targetArg, start: targetArg.start, end: targetArg.end };
      p = this.place(target);
      this.touchBase(target);
    }
    if (m.kind === 'once') {
      if (!p) return undefined;
      if (!m.write) return this.load(p, n, 'atomic');
      const v = m.arg !== undefined && n.args[m.arg] ? this.value(n.args[m.arg]!) : undefined;
      this.store(p, v, n, 'atomic');
      return undefined;
    }
    const bitOp = /Bit$/.test(m.op);
    const operand = (i: number | undefined): Expr | undefined => {
      if (i === undefined) return m.constant !== undefined ? c(m.constant) : undefined;
      const a = n.args[i];
      if (!a) return undefined;
      if (bitOp && a.k === 'id' && !this.ctx.opts.constants.has(a.name) && !this.scope.decl(a.name)) return c(this.ctx.bit(a.name));
      return this.value(a);
    };
    const arg = operand(m.arg);
    const arg2 = m.arg2 !== undefined ? operand(m.arg2) : undefined;
    if (!p) return undefined;
    if (p.kind === 'local') return undefined;
    if (!m.atomic) {
      // `__set_bit` & co.: a plain load and a plain store.
      const old = this.load(p, n);
      const bit = arg && bin('<<', c(1), arg);
      const kind = m.op.replace(/^testAnd/, '').toLowerCase();
      const v =
        old && bit
          ? kind === 'setbit'
            ? bin('|', old, bit)
            : kind === 'clearbit'
              ? bin('&', old, { k: 'un', op: '~', a: bit })
              : kind === 'changebit'
                ? bin('^', old, bit)
                : old
          : undefined;
      this.store(p, v, n);
      return m.op.startsWith('testAnd') && old && bit ? bin('!=', bin('&', old, bit), c(0)) : undefined;
    }
    if (!this.dry && this.ctx.scanning) this.ctx.record(this.thread, p.key, m.op !== 'read' && m.op !== 'testBit');
    if (!this.ctx.modelled(p.key)) return undefined;
    const needsArg = m.arg !== undefined || m.constant !== undefined;
    if (needsArg && !arg) {
      // An operand the model does not know: the word still changes (any value), atomically.
      if (m.op === 'read' || m.op === 'testBit') return this.load(p, n, 'atomic');
      this.store(p, undefined, n, 'atomic');
      return undefined;
    }
    const r = this.newTemp();
    this.emit({
      op: 'atomic',
      loc: p.display,
      fn: m.op,
      ...(arg ? { arg } : {}),
      ...(arg2 ? { arg2 } : {}),
      reg: r,
      ...this.at(n),
    });
    return reg(r);
  }

  private list(n: Extract<CNode, { k: 'call' }>, m: Extract<MemoryOp, { kind: 'list' }>): Expr | undefined {
    const headArg = m.head !== undefined ? n.args[m.head] : undefined;
    const entryArg = m.entry !== undefined ? n.args[m.entry] : undefined;
    const head = headArg ? this.listHead(headArg) : undefined;
    const elem = entryArg ? this.element(entryArg) : undefined;
    if (m.op === 'empty' || m.op === 'first') {
      if (head?.kind !== 'loc') return undefined;
      this.ctx.noteLocation(head.display, head.key).kind = 'list';
      const v = this.load(head, n);
      return m.op === 'empty' && v ? bin('==', v, c(0)) : undefined;
    }
    if (!elem) return undefined;
    const heads: Extract<Place, { kind: 'loc' }>[] = [];
    if (m.op === 'del' || m.op === 'move') {
      for (const [key, display] of this.ctx.listHeads.get(elem.key) ?? []) heads.push({ kind: 'loc', key, display });
      // No insertion seen: the element's own list, whatever head it is on.
      if (heads.length === 0) {
        const key = `list:${elem.key}`;
        heads.push({ kind: 'loc', key, display: this.ctx.locs.name(key, `list of ${elem.link}`, this.scope.fn) });
      }
    }
    const add = (m.op === 'add' || m.op === 'move') && head?.kind === 'loc' ? head : undefined;
    if (add) {
      let heads = this.ctx.listHeads.get(elem.key);
      if (!heads) this.ctx.listHeads.set(elem.key, (heads = new Map()));
      heads.set(add.key, add.display);
    }
    for (const h of heads) this.listStep(h, 'del', elem.name, n);
    if (add) this.listStep(add, 'add', elem.name, n);
    return undefined;
  }

  /**
   * A list head argument: `&obj->runq`, a `struct list_head *` variable, or a
   * macro's or accessor's result (`RUNQ(cpu)`): the head that call returns,
   * one location per spelling of its arguments.
   */
  private listHead(arg: CNode): Place | undefined {
    if (arg.k === 'unary' && arg.op === '&') return this.place(arg.a);
    if (arg.k === 'call' && !PER_CPU.has(arg.name)) {
      const text = this.text(arg);
      return { kind: 'loc', key: `call:${text}`, display: text };
    }
    return this.place(arg);
  }

  private listStep(h: Extract<Place, { kind: 'loc' }>, fn: 'add' | 'del', elem: string, n: CNode): void {
    const info = this.ctx.noteLocation(h.display, h.key);
    info.kind = 'list';
    info.elements.add(elem);
    if (!this.dry && this.ctx.scanning) this.ctx.record(this.thread, h.key, true);
    if (!this.ctx.modelled(h.key)) return;
    this.emit({ op: 'list', loc: h.display, fn, elem, ...this.at(n) });
  }

  /** A list element (`&svc->runq_elem`): the object it belongs to and the link field, named by the object's spelling. */
  element(arg: CNode): { key: string; name: string; link: string } | undefined {
    const inner = arg.k === 'unary' && arg.op === '&' ? arg.a : arg;
    // A bare `struct list_head *` (a helper's parameter): the element is the object it points to.
    if (inner.k === 'id' && arg === inner) {
      const obj = this.scope.objectOf(inner);
      return obj ? { key: obj, name: inner.name, link: inner.name } : undefined;
    }
    if (inner.k !== 'member') return undefined;
    const obj = this.scope.objectOf(inner.obj);
    if (!obj) return undefined;
    return { key: `${obj}.${inner.field}`, name: this.text(inner.obj), link: this.text(inner) };
  }
}

/** The pCPU of a scheduler-lock pointer expression (`per_cpu(schedule_data, X).schedule_lock`, `get_sched_res(X)->schedule_lock`). */
function schedLockCpu(n: CNode): CNode | undefined {
  if (n.k !== 'member' || n.field !== 'schedule_lock' || n.obj.k !== 'call') return undefined;
  const call = n.obj;
  if (call.name === 'per_cpu' && call.args[0]?.k === 'id' && call.args[0].name === 'schedule_data') return call.args[1];
  if (call.name === 'get_sched_res') return call.args[0];
  return undefined;
}

function isZero(e: Expr | undefined): boolean {
  return e?.k === 'const' && e.v === 0;
}

function isOne(e: Expr | undefined): boolean {
  return e?.k === 'const' && e.v !== 0;
}

function isPauseFlags(n: CNode): boolean {
  return n.k === 'member' && n.field === 'pause_flags';
}

/** The CallSite shape the vocabulary's migration queries read. */
function callSite(n: Extract<CNode, { k: 'call' }>, text: (n: CNode) => string): CallSite {
  return {
    name: n.name,
    nameStart: n.start,
    start: n.start,
    end: n.end,
    depth: 0,
    args: n.args.map((a) => ({ text: text(a), start: a.start, end: a.end })),
  };
}
