// Access paths resolved to struct fields: walks a statement's tokens, finds
// every member path (`prv->runq`, `svc->flags`, `per_cpu(x, cpu).f`,
// `RUNQ(cpu)` through its macro), resolves it with the declarations of the
// function's parameters and locals and the file's type table, and reports
// each access of a field, global or per-CPU variable as a read, a write or a
// reference (its address handed to a call). Unknown types stay unknown: a
// path whose base type cannot be resolved reports nothing.
import { type Token, tokenize, TokenPool } from '../syntax/tokens';
import { BUILTIN_VARIABLES, containerOf, isDebugCheck, isDiagnosticOutput, isLockless, listOp, selfSynchronised } from '../xen/accessOps';
import { type CType, skipGroup } from './declarations';
import { splitTopLevel, typeOfTokens, type TypeTable } from './typeTable';

export type AccessKind = 'read' | 'write' | 'ref';

export interface Access {
  /** `struct csched_private.runq`, a global's name, `per_cpu(name)`. */
  loc: string;
  kind: AccessKind;
  start: number;
  end: number;
  /** A list operation's element (`list_del(&svc->runq_elem)`): the list it is on is what is accessed. */
  elem?: boolean;
  /** Iteration of a list (`list_for_each*`). */
  iterate?: string;
  /** An operand of a list operation (`list_add`, `list_del`, `list_empty`, …). */
  list?: boolean;
  /** The local variable the path starts from, when the location is one of its object's own fields (`svc->flags`: svc). */
  base?: string;
  /** The running CPU's own instance of a per-CPU variable (`this_cpu(x)`). */
  ownCpu?: boolean;
  /**
   * A field of what a call returns, the call handed a local pointer first
   * (`evtchn_from_port(d, 0)->state`: via evtchn_from_port, d). Whether that
   * is part of d's object is the callee's business (guards/ decide it).
   */
  via?: { fn: string; base: string };
}

export interface AccessSink {
  /**
   * An access, its fields as arguments (what Access has, in its order;
   * absent ones undefined): the sink makes the one object it keeps, and no
   * Access is made per access only to be copied.
   */
  access(
    loc: string,
    kind: AccessKind,
    start: number,
    end: number,
    elem: true | undefined,
    iterate: string | undefined,
    list: true | undefined,
    base: string | undefined,
    ownCpu: true | undefined,
    via: { fn: string; base: string } | undefined,
  ): void;
  /** `list_add(&svc->runq_elem, &prv->runq)`: elements through `elem` are on the list `head`. */
  elemOf(elem: string, head: string): void;
  /** A call through a function-pointer field (`s->ops->sleep(…)`): `sched_ops.sleep`. */
  memberCall(field: string, start: number, end: number): void;
  /** An identifier used as a value that is no variable we know (a function whose address is taken, an enum constant). */
  valueRef?(name: string): void;
}

export interface Variable {
  /** Undefined: declared with several types (or a type we cannot read). */
  type?: CType;
  /** A function-static variable is shared: a location of its own. */
  loc?: string;
}

/**
 * An operand's value. One class with every field, so that the scanner's
 * reads of values stay monomorphic (object literals with optional fields
 * made a hidden class per combination of them: see ARCHITECTURE.md, "one
 * shape"). Never changed once made: the unknown value is one shared object.
 */
class Val {
  constructor(
    readonly type: CType | undefined,
    /** The location this lvalue designates (a field, a global). */
    readonly loc: string | undefined,
    /** The value is the address of `loc`. */
    readonly addr: boolean,
    /** The value is this local variable. */
    readonly local: string | undefined,
    /** `loc` is a field of the object the local `root` points to. */
    readonly root: string | undefined,
    /** Part of a struct the function holds by value (a local or a parameter): its own copy, no shared location. */
    readonly stack: boolean,
    /** The running CPU's own instance of a per-CPU variable. */
    readonly ownCpu: boolean,
    /** Returned by a call handed this local pointer first. */
    readonly via: { fn: string; base: string } | undefined,
  ) {}
}

/** A value nothing is known of. */
const UNKNOWN = new Val(undefined, undefined, false, undefined, undefined, false, false, undefined);

/** A value of a known type (or none) that designates no location. */
function typed(type: CType | undefined): Val {
  return type ? new Val(type, undefined, false, undefined, undefined, false, false, undefined) : UNKNOWN;
}

/** The location `loc` (a field, a global), of type `type`. */
function located(type: CType | undefined, loc: string, root?: string, via?: { fn: string; base: string }): Val {
  return new Val(type, loc, false, undefined, root, false, false, via);
}

/** scanText's tokens: what the scan reports holds texts and offsets, never a token. */
const statementTokens = new TokenPool();

const QUIET: AccessSink = { access: () => undefined, elemOf: () => undefined, memberCall: () => undefined };

const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);
const NOT_VALUES = new Set(['sizeof', 'typeof', '__typeof__', 'alignof', '_Alignof', 'offsetof', 'defined']);
const MAX_EXPANSION_DEPTH = 5;

/** `struct T` of a type that is a struct (after typedefs), with `ptr` levels of pointer. */
function structOf(table: TypeTable, t: CType | undefined, ptr: number): string | undefined {
  if (!t) return undefined;
  const r = table.resolve(t);
  if (r.ptr !== ptr || !(r.base.startsWith('struct ') || r.base.startsWith('union ')) || r.base.endsWith(' ?')) return undefined;
  return r.base;
}

/** Expression nesting read in full; deeper is unknown (generated code, never Xen's). */
const MAX_NESTING = 200;

export class ExpressionScanner {
  /** The macros being expanded (made at the first expansion: most scanners, one per function or per `locate`, expand none). */
  private expanding: Set<string> | undefined = undefined;
  /**
   * A member of a struct whose definition is not in scope (an arch header's
   * `struct arch_iommu`) still names a location, `struct arch_iommu.f`: what
   * identifies it is the struct's name and the field's, not the layout. Its
   * type stays unknown, so nothing past it resolves. For lock names only
   * (guards/lockIds.ts): a lock the caller and the callee reach through the
   * same path compares equal.
   */
  private undefinedStructs = false;
  private depth = 0;
  /** Brackets and prefix operators being read (unary's recursion). */
  private nesting = 0;
  /** Inside diagnostic output's arguments: reads are not accesses. */
  private printing = 0;
  /**
   * Inside what selects a pCPU's scheduler lock (`per_cpu(schedule_data,
   * v->processor).schedule_lock`): the reads choose which lock to take, and
   * taking it is what validates them (the helpers re-check, a raw acquire is
   * XSR015's), so they are not uses of the value.
   */
  private selecting = 0;
  /**
   * Where the operand read last ends (the token after it): set by unary and
   * postfix beside the value they return, read by their caller at once (no
   * `{ val, end }` pair made per operand).
   */
  private end = 0;

  constructor(
    private readonly table: TypeTable,
    private readonly env: ReadonlyMap<string, Variable>,
    private readonly sink: AccessSink,
  ) {}

  /**
   * The location an expression designates (`&prv->lock` → `struct
   * csched_private.lock`, addr), scanning nothing into the sink: for lock
   * expressions and assignment targets.
   */
  static locate(
    table: TypeTable,
    env: ReadonlyMap<string, Variable>,
    text: string,
    opts: { undefinedStructs?: boolean } = {},
  ): { loc?: string; addr?: boolean; type?: CType } {
    const s = new ExpressionScanner(table, env, QUIET);
    if (opts.undefinedStructs) s.undefinedStructs = true;
    const tokens = tokenize(text);
    const v = s.value(tokens, 0, tokens.length);
    // (Every field present, absent ones undefined: one shape for every answer.)
    return { loc: v.loc || undefined, addr: v.addr || undefined, type: v.type };
  }

  /** Scans a statement's text (document offsets `start`..`end`). */
  scanText(source: string, start: number, end: number): void {
    const tokens = statementTokens.borrow(source, start, end);
    try {
      this.scan(tokens, 0, tokens.length);
    } finally {
      statementTokens.giveBack();
    }
  }

  /** Scans tokens [from, to): every operand, with the use its context gives it. */
  scan(tokens: readonly Token[], from: number, to: number): void {
    let k = from;
    while (k < to) {
      const t = tokens[k]!;
      if (
        t.kind === 'ident' ||
        (t.kind === 'punct' && (t.text === '(' || t.text === '&' || t.text === '*' || t.text === '++' || t.text === '--'))
      ) {
        // A `&`/`*` after an operand is binary: skip it.
        if ((t.text === '&' || t.text === '*') && k > from && isOperandEnd(tokens[k - 1]!)) {
          k++;
          continue;
        }
        const end = this.operand(tokens, k, to);
        if (end <= k) {
          k++;
          continue;
        }
        k = end;
        continue;
      }
      k++;
    }
  }

  /** One operand at k (prefix operators, primary, postfix), its use decided by what surrounds it; where it ends. */
  private operand(tokens: readonly Token[], k: number, to: number): number {
    const val = this.unary(tokens, k, to);
    const rEnd = this.end;
    const next = tokens[rEnd];
    if (val.loc && !val.addr) {
      const start = tokens[k]!.start;
      const end = tokens[rEnd - 1]!.end;
      if (next && next.kind === 'punct' && ASSIGN.has(next.text)) this.use(val, 'write', start, end);
      else if (next && next.kind === 'punct' && (next.text === '++' || next.text === '--')) {
        this.use(val, 'write', start, end);
        return rEnd + 1;
      } else this.use(val, 'read', start, end);
    }
    return rEnd;
  }

  private use(v: Val, kind: AccessKind, start: number, end: number, elem?: true, iterate?: string, list?: true): void {
    if (!v.loc || ((this.printing > 0 || this.selecting > 0) && kind !== 'write')) return;
    if (v.type && (v.type.fnptr || selfSynchronised(v.type.base) || selfSynchronised(this.table.resolve(v.type).base))) return;
    this.sink.access(
      v.loc,
      kind,
      start,
      end,
      elem,
      iterate,
      list,
      v.root || undefined,
      v.ownCpu || undefined,
      v.via && !v.root ? v.via : undefined,
    );
  }

  /** Prefix operators, then a postfix expression; where it ends in `this.end`. */
  private unary(tokens: readonly Token[], k: number, to: number): Val {
    // Past MAX_NESTING levels of brackets and prefix operators: an unknown value (the stack is not ours to spend).
    if (this.nesting >= MAX_NESTING) {
      this.end = to;
      return UNKNOWN;
    }
    this.nesting++;
    try {
      return this.unaryIn(tokens, k, to);
    } finally {
      this.nesting--;
    }
  }

  private unaryIn(tokens: readonly Token[], k: number, to: number): Val {
    const t = tokens[k];
    if (!t || k >= to) {
      this.end = k;
      return UNKNOWN;
    }
    if (t.kind === 'punct') {
      if (t.text === '&') {
        const v = this.unary(tokens, k + 1, to);
        const type = v.type ? { ...v.type, ptr: v.type.ptr + 1 } : undefined;
        return new Val(type, v.loc, true, undefined, v.root || undefined, false, false, undefined);
      }
      if (t.text === '*') {
        const v = this.unary(tokens, k + 1, to);
        const end = this.end;
        this.read(v, tokens, k + 1, end);
        this.end = end;
        return typed(v.type && v.type.ptr > 0 ? { ...v.type, ptr: v.type.ptr - 1 } : undefined);
      }
      if (t.text === '++' || t.text === '--') {
        const v = this.unary(tokens, k + 1, to);
        const end = this.end;
        if (!v.addr) this.use(v, 'write', tokens[k]!.start, tokens[Math.max(k, end - 1)]!.end);
        this.end = end;
        return UNKNOWN;
      }
      if (t.text === '!' || t.text === '-' || t.text === '~' || t.text === '+') {
        const v = this.unary(tokens, k + 1, to);
        const end = this.end;
        this.read(v, tokens, k + 1, end);
        this.end = end;
        return UNKNOWN;
      }
      if (t.text === '(') {
        const close = skipGroup(tokens, k, to) - 1;
        const cast = close > k + 1 ? castType(this.table, tokens, k + 1, close) : undefined;
        const after = tokens[close + 1];
        if (cast && after && close + 1 < to && !isBinaryAfterCast(after)) {
          const v = this.unary(tokens, close + 1, to);
          const end = this.end;
          this.read(v, tokens, close + 1, end);
          this.end = end;
          return typed(cast);
        }
        const inner = this.value(tokens, k + 1, close);
        return this.postfix(tokens, close + 1, to, inner);
      }
      this.end = k;
      return UNKNOWN;
    }
    if (t.kind !== 'ident') {
      this.end = k + 1;
      return UNKNOWN;
    }
    return this.primary(tokens, k, to);
  }

  /** An identifier primary (variable, global, macro or call) and its postfix operators. */
  private primary(tokens: readonly Token[], k: number, to: number): Val {
    const name = tokens[k]!.text;
    const next = tokens[k + 1];
    if (next?.text === '(' && k + 1 < to) {
      const close = skipGroup(tokens, k + 1, to) - 1;
      const member = tokens[close + 1]?.text;
      const selects = (member === '.' || member === '->') && tokens[close + 2]?.text === 'schedule_lock';
      if (selects) this.selecting++;
      let val: Val;
      try {
        val = this.call(tokens, k, close, name);
      } finally {
        if (selects) this.selecting--;
      }
      return this.postfix(tokens, close + 1, to, val);
    }
    return this.postfix(tokens, k + 1, to, this.variable(tokens, k, name));
  }

  private variable(tokens: readonly Token[], k: number, name: string): Val {
    const local = this.env.get(name);
    if (local)
      return local.loc ? located(local.type, local.loc) : new Val(local.type, undefined, false, name, undefined, false, false, undefined);
    const g = this.table.global(name);
    if (g) return located(g, name);
    const macro = this.table.macro(name);
    if (macro && !macro.params) return this.expand(tokens[k]!, name, macro.body, new Map());
    const b = BUILTIN_VARIABLES.get(name);
    if (b) return typed(b);
    this.sink.valueRef?.(name);
    return UNKNOWN;
  }

  /** `->f`, `.f`, `[i]`, `(args)` after a primary; where they end in `this.end`. */
  private postfix(tokens: readonly Token[], k: number, to: number, val: Val): Val {
    let cur = val;
    while (k < to) {
      const t = tokens[k]!;
      if (t.kind !== 'punct') break;
      if ((t.text === '->' || t.text === '.') && tokens[k + 1]?.kind === 'ident') {
        const arrow = t.text === '->';
        const field = tokens[k + 1]!.text;
        const struct = cur.addr && arrow ? structOf(this.table, cur.type, 1) : structOf(this.table, cur.type, arrow ? 1 : 0);
        // `p->f` loads p (a field or global holding the pointer): a read of it. `&x->f` is no load of x.
        if (arrow && !cur.addr && cur.loc) this.use(cur, 'read', t.start, t.end);
        const ftype = struct ? this.table.field(struct, field) : undefined;
        const isCall = tokens[k + 2]?.text === '(';
        if (isCall) {
          // A call through a function-pointer field: no access, a call site of that field.
          const close = skipGroup(tokens, k + 2, to) - 1;
          if (struct) this.sink.memberCall(`${struct.replace(/^(struct|union) /, '')}.${field}`, t.start, tokens[close]!.end);
          this.args(tokens, k + 3, close, undefined);
          cur = UNKNOWN;
          k = close + 1;
          continue;
        }
        // `slice.migrated` of a struct held by value in a local or parameter: the function's own copy, nobody else's.
        if (!arrow && struct && ftype && (cur.stack || (cur.local !== undefined && !cur.addr))) {
          cur = new Val(ftype, undefined, false, undefined, undefined, true, false, undefined);
          k += 2;
          continue;
        }
        // The object's own field (`svc->f`, `svc->stats.f`): remembered for the fresh/dying-object exemption.
        const root = arrow ? cur.local : cur.root;
        const via = arrow ? (cur.loc === undefined && cur.local === undefined && !cur.addr ? cur.via : undefined) : cur.via;
        cur =
          struct && ftype
            ? located(ftype, `${struct}.${field}`, root || undefined, via || undefined)
            : struct && this.undefinedStructs && !this.table.hasStruct(struct)
              ? located(undefined, `${struct}.${field}`)
              : UNKNOWN;
        k += 2;
        continue;
      }
      if (t.text === '[') {
        const close = skipGroup(tokens, k, to) - 1;
        this.scan(tokens, k + 1, close);
        const type = cur.type && cur.type.ptr > 0 ? { ...cur.type, ptr: cur.type.ptr - 1 } : undefined;
        cur = new Val(type, cur.addr ? undefined : cur.loc, false, undefined, cur.root || undefined, false, false, undefined);
        k = close + 1;
        continue;
      }
      if (t.text === '(') {
        // A call through a function pointer held in a variable or returned by a call.
        const close = skipGroup(tokens, k, to) - 1;
        this.args(tokens, k + 1, close, undefined);
        cur = UNKNOWN;
        k = close + 1;
        continue;
      }
      break;
    }
    this.end = k;
    return cur;
  }

  /** A use of `v` as a value (not through the statement's assignment): a read. */
  private read(v: Val, tokens: readonly Token[], from: number, to: number): void {
    if (v.loc && !v.addr) this.use(v, 'read', tokens[from]!.start, tokens[Math.max(from, to - 1)]!.end);
  }

  /** The value of a whole expression [from, to): a single operand's value, else the scan of its parts. */
  private value(tokens: readonly Token[], from: number, to: number): Val {
    if (from >= to) return UNKNOWN;
    const v = this.unary(tokens, from, to);
    const end = this.end;
    if (end === to) return v;
    // Not a single operand (a comparison, a ternary, …): the first operand's use, then the rest.
    this.read(v, tokens, from, end);
    this.scan(tokens, end, to);
    return UNKNOWN;
  }

  /** Arguments of a call to an unknown (or known, non-vocabulary) function: `&x->f` hands x->f over (a reference). */
  private args(tokens: readonly Token[], from: number, to: number, _callee: string | undefined): void {
    // splitTopLevel's ranges, read one at a time (no list of them is made for every call).
    for (let s = from; s < to;) {
      const e = argumentEnd(tokens, s, to);
      const v = this.unary(tokens, s, e);
      const end = this.end;
      if (end !== e) {
        this.read(v, tokens, s, end);
        this.scan(tokens, end, e);
      } else if (v.addr) this.use(v, 'ref', tokens[s]!.start, tokens[e - 1]!.end);
      else this.read(v, tokens, s, e);
      s = e + 1;
    }
  }

  private call(tokens: readonly Token[], k: number, close: number, name: string): Val {
    const open = k + 1;
    const start = tokens[k]!.start;
    const end = tokens[close]!.end;
    if (NOT_VALUES.has(name) || isDebugCheck(name)) return UNKNOWN;
    if (isDiagnosticOutput(name)) {
      this.printing++;
      try {
        this.args(tokens, open + 1, close, name);
      } finally {
        this.printing--;
      }
      return UNKNOWN;
    }
    // (The argument ranges are split where they are read, by the few calls that read them as a list: a closure
    // splitting them here made a context for every call scanned.)
    if (isLockless(name)) {
      // Operands accessed atomically: only what computes their addresses is read.
      for (let s = open + 1; s < close;) {
        const e = argumentEnd(tokens, s, close);
        this.unary(tokens, s, e);
        if (this.end !== e) this.scan(tokens, this.end, e);
        s = e + 1;
      }
      return UNKNOWN;
    }
    if (name === 'per_cpu' || name === 'this_cpu') {
      const args = splitTopLevel(tokens, open + 1, close);
      const v = args[0] && args[0].to - args[0].from === 1 ? tokens[args[0].from]!.text : undefined;
      if (args[1]) this.scan(tokens, args[1].from, args[1].to);
      if (!v) return UNKNOWN;
      return new Val(this.table.perCpuVar(v), `per_cpu(${v})`, false, undefined, undefined, false, name === 'this_cpu', undefined);
    }
    const list = listOp(name);
    if (list) return this.listCall(tokens, name, list, splitTopLevel(tokens, open + 1, close), start, end);
    const container = containerOf(name);
    if (container) {
      const args = splitTopLevel(tokens, open + 1, close);
      const ptr = args[container.ptr];
      const typeArg = args[container.type];
      const type = typeArg ? typeOfTokens(tokens as Token[], typeArg.from, typeArg.to) : undefined;
      const member = args[container.member];
      if (ptr) this.listEntryPtr(tokens, ptr, type, member, start, end);
      return typed(type ? { ...type, ptr: type.ptr + 1 } : undefined);
    }
    const macro = this.table.macro(name);
    if (macro?.params) {
      const args = splitTopLevel(tokens, open + 1, close).map((a) => textOf(tokens, a.from, a.to));
      const map = new Map<string, string>();
      macro.params.forEach((p, i) => {
        if (p === '__VA_ARGS__') map.set(p, args.slice(i).join(', '));
        else map.set(p, args[i] ?? '');
      });
      return this.expand({ start, end } as Token, name, macro.body, map);
    }
    this.args(tokens, open + 1, close, name);
    const ret = this.table.returnType(name);
    if (!ret) return UNKNOWN;
    // `lookup(d, …)`: remembered with the local pointer it was handed first (see Access.via).
    const arg = open + 1 < close && argumentEnd(tokens, open + 1, close) === open + 2 ? tokens[open + 1]!.text : undefined;
    const local = arg !== undefined ? this.env.get(arg) : undefined;
    if (ret.ptr > 0 && local && !local.loc && local.type && local.type.ptr > 0)
      return new Val(ret, undefined, false, undefined, undefined, false, false, { fn: name, base: arg! });
    return typed(ret);
  }

  /** A list operation: its head and element arguments are accesses of the list. */
  private listCall(
    tokens: readonly Token[],
    name: string,
    op: NonNullable<ReturnType<typeof listOp>>,
    args: { from: number; to: number }[],
    start: number,
    end: number,
  ): Val {
    const kind: AccessKind = op.effect === 'write' ? 'write' : 'read';
    const iterate = op.effect === 'iterate' ? name : undefined;
    let head: string | undefined;
    args.forEach((a, i) => {
      if (i === op.type || i === op.member) return;
      const v = this.value(tokens, a.from, a.to);
      if (i === op.head) {
        if (v.loc) {
          head = v.loc;
          this.use(v, kind, start, end, undefined, iterate, true);
        }
      } else if (i === op.elem) {
        if (v.loc) this.use(v, kind, start, end, true, undefined, true);
      } else if (i === op.pos) {
        // The cursor: for `list_next_entry(pos, member)` the list pos is on is read.
        const member = op.member !== undefined ? args[op.member] : undefined;
        const struct = structOf(this.table, v.type, 1);
        if (struct && member && member.to - member.from === 1) {
          const elem = `${struct}.${tokens[member.from]!.text}`;
          if (op.head === undefined) this.sink.access(elem, kind, start, end, true, undefined, true, undefined, undefined, undefined);
          else if (head) this.sink.elemOf(elem, head);
        }
      } else this.read(v, tokens, a.from, a.to);
    });
    // `list_add(&svc->elem, head)`: elements through that field are on that list.
    if (op.elem !== undefined && head) {
      const e = args[op.elem];
      const v = e ? ExpressionScanner.locate(this.table, this.env, textOf(tokens, e.from, e.to)) : undefined;
      if (v?.loc && v.addr) this.sink.elemOf(v.loc, head);
    }
    if (op.type !== undefined) {
      const typeArg = args[op.type];
      const type = typeArg ? typeOfTokens(tokens as Token[], typeArg.from, typeArg.to) : undefined;
      const member = op.member !== undefined ? args[op.member] : undefined;
      const struct = type ? structOf(this.table, type, 0) : undefined;
      if (struct && head && member && member.to - member.from === 1) this.sink.elemOf(`${struct}.${tokens[member.from]!.text}`, head);
      return typed(type ? { ...type, ptr: type.ptr + 1 } : undefined);
    }
    return UNKNOWN;
  }

  /** `list_entry(prv->sdom.next, struct rt_dom, sdom_elem)`: a read of the list whose `next`/`prev` it follows. */
  private listEntryPtr(
    tokens: readonly Token[],
    ptr: { from: number; to: number },
    type: CType | undefined,
    member: { from: number; to: number } | undefined,
    start: number,
    end: number,
  ): void {
    const last = tokens[ptr.to - 1]!;
    const sep = tokens[ptr.to - 2];
    if ((last.text === 'next' || last.text === 'prev') && sep && (sep.text === '->' || sep.text === '.') && ptr.to - 2 > ptr.from) {
      const head = this.value(tokens, ptr.from, ptr.to - 2);
      const headLoc = head.loc && !head.addr ? head.loc : undefined;
      if (headLoc) {
        this.sink.access(headLoc, 'read', start, end, undefined, undefined, undefined, undefined, undefined, undefined);
        const struct = type ? structOf(this.table, type, 0) : undefined;
        if (struct && member && member.to - member.from === 1) this.sink.elemOf(`${struct}.${tokens[member.from]!.text}`, headLoc);
      }
      return;
    }
    const v = this.value(tokens, ptr.from, ptr.to);
    this.read(v, tokens, ptr.from, ptr.to);
  }

  /** A macro's body with its arguments substituted, evaluated as an expression at the call's range. */
  private expand(at: Pick<Token, 'start' | 'end'>, name: string, body: string, args: ReadonlyMap<string, string>): Val {
    if (this.expanding?.has(name) || this.depth >= MAX_EXPANSION_DEPTH) return UNKNOWN;
    const text = substitute(body, args);
    const tokens = tokenize(text).map((t) => ({ ...t, start: at.start, end: at.end }));
    // A statement-like body (`do { … } while ( 0 )`, `({ … })`) is scanned, not evaluated.
    (this.expanding ??= new Set()).add(name);
    this.depth++;
    try {
      if (tokens.some((t) => t.text === ';' || t.text === '{' || t.text === 'do' || t.text === '#' || t.text === '##')) {
        this.scan(tokens, 0, tokens.length);
        return UNKNOWN;
      }
      return this.value(tokens, 0, tokens.length);
    } finally {
      this.depth--;
      this.expanding!.delete(name);
    }
  }
}

/** Where the argument starting at `from` ends: the next top-level `,` of [from, to), else `to` (splitTopLevel's ranges, one at a time). */
function argumentEnd(tokens: readonly Token[], from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') k = skipGroup(tokens, k, to) - 1;
    else if (t.text === ',') return k;
  }
  return to;
}

function isOperandEnd(t: Token): boolean {
  return (
    t.kind === 'ident' ||
    t.kind === 'number' ||
    t.kind === 'string' ||
    t.kind === 'char' ||
    t.text === ')' ||
    t.text === ']' ||
    t.text === '++' ||
    t.text === '--'
  );
}

/** After `(T)`, a binary operator means `(T)` was a parenthesised expression, not a cast. */
function isBinaryAfterCast(t: Token): boolean {
  return t.kind === 'punct' && /^(\)|\]|,|;|\?|:|==|!=|<|>|<=|>=|\||\|\||&&|\^|\/|%|=|->|\.)$/.test(t.text);
}

/** `(struct T *)`, `(unsigned long)`, `(a653sched_priv_t *)`: a cast's type; undefined for a parenthesised expression. */
function castType(table: TypeTable, tokens: readonly Token[], from: number, to: number): CType | undefined {
  if (tokens[from]!.kind !== 'ident') return undefined;
  const t = typeOfTokens(tokens as Token[], from, to);
  if (!t) return undefined;
  if (t.base.includes(' ') || /^(unsigned|signed|long|short|int|char|bool|void)$/.test(t.base)) return t;
  // `(x)` is a cast only when x names a type.
  return table.isTypeName(t.base) ? t : undefined;
}

function textOf(tokens: readonly Token[], from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += (k > from ? ' ' : '') + tokens[k]!.text;
  return s;
}

/** Replaces the macro's parameters in its body (whole words; `#x` stringification and `##` pasting joined crudely). */
function substitute(body: string, args: ReadonlyMap<string, string>): string {
  if (args.size === 0) return body;
  return body
    .replace(/[A-Za-z_]\w*/g, (id) => {
      const r = args.get(id);
      // A lone identifier goes in bare: `(opsptr)->fn` with fn = migrate is the member `->migrate`, not a value.
      return r === undefined ? id : /^\s*[A-Za-z_]\w*\s*$/.test(r) ? r.trim() : `(${r})`;
    })
    .replace(/\s*##\s*\(([^()]*)\)/g, '$1')
    .replace(/,\s*##\s*/g, ', ');
}
