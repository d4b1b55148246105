// One thread's program from a function's CFG. The CFG (loops cut to one
// iteration) is walked as a product with the truth of conditions the model
// cannot evaluate but that are tested more than once, so `if ( migrate )
// start; … if ( migrate ) finish;` stays one decision. A condition is split at
// `&&`, `||` and `!` (C's short-circuit order); each part the model can
// evaluate becomes reads and a branch, each other part a choice. Calls into
// functions of the file are inlined to a bounded depth.
import type { InstrAt } from '../../../../sim/src/program';
import { reversePostorder } from '../cfg/dataflow';
import type { Cfg, CfgEdge, CfgNode } from '../cfg/types';
import type { FunctionLocks } from '../locks/analyze';
import { stripParens } from '../locks/names';
import { listLoopHead } from '../xen/memoryOps';
import { isMigratingAtom, isRunningAtom, testsMigrating } from '../xen/migration';
import { type CNode, nodeText, parseText } from './cexpr';
import { Code, type Label } from './code';
import type { ModelContext } from './context';
import { type Decl, parseDeclaration, parseParams } from './decls';
import { Scope } from './locations';
import { type Inliner, Translator } from './translate';

type Facts = ReadonlyMap<string, boolean>;

export interface ThreadCode {
  instrs: InstrAt[];
  notes: string[];
}

/** Builds the program of one thread instance (its top function, with inlined callees). */
export class ThreadBuilder implements Inliner {
  private readonly code = new Code();
  private readonly notes: string[] = [];
  private readonly unknown = new Set<string>();
  private readonly stack: string[] = [];
  private inlined = 0;

  constructor(
    private readonly ctx: ModelContext,
    private readonly thread: number,
  ) {}

  build(fn: FunctionLocks, required: { lock: string; mode?: 'r' | 'w' }[]): ThreadCode {
    this.traced = singleAssignments(fn);
    const exit = this.code.newLabel();
    const name = fn.syntax.name;
    this.translate(fn, '', new Map(), new Map(), exit, required);
    this.code.place(exit);
    const notes = this.notes.slice();
    if (this.unknown.size) notes.unshift(`${name}: skipped calls the model does not know: ${[...this.unknown].sort().join(', ')}`);
    return { instrs: this.code.finish(), notes };
  }

  inline(t: Translator, call: Extract<CNode, { k: 'call' }>): boolean {
    const callee = this.ctx.file.functions.find((f) => f.syntax.name === call.name);
    if (!callee || callee.cfg.degraded || this.stack.includes(call.name)) return false;
    if (this.stack.length > this.ctx.opts.maxInline) {
      this.note(
        `${this.stack[0]}: ${call.name} (line ${t.src(call.start).line}) not inlined: deeper than ${this.ctx.opts.maxInline} calls`,
      );
      return false;
    }
    const decls = declsOf(this.ctx, callee);
    const bindings = new Map<string, { object: string }>();
    const values = new Map<string, ReturnType<Translator['value']>>();
    callee.syntax.params.forEach((p, i) => {
      const arg = call.args[i];
      const d = decls.get(p);
      if (!arg || !d) return;
      if (d.type.pointer > 0 || d.type.array) {
        // The caller's object when it names one; an accessor's result (`pcpu_of(cpu)`) says less than the parameter's type.
        const obj = t.scope.objectOf(arg);
        if (obj && !obj.startsWith('call:')) bindings.set(p, { object: obj });
        t.value(arg);
      } else values.set(p, t.value(arg));
    });
    // Lock names follow the caller's spelling of scalar arguments (`dec_nr_runnable(sched_cpu)`: its `cpu` is `sched_cpu`).
    const aliases = new Map<string, string>();
    callee.syntax.params.forEach((p, i) => {
      const arg = call.args[i];
      if (arg?.k === 'id' && t.scope.decl(arg.name)) aliases.set(p, t.localName(arg.name));
    });
    const exit = this.code.newLabel();
    this.translate(callee, `${call.name}#${++this.inlined}.`, bindings, values, exit, [], aliases);
    this.code.place(exit);
    return true;
  }

  /** The function being translated at the top: its locals traced to their single values (see requiredLockName). */
  private traced = new Map<string, string>();

  private requiredLock(text: string, kind: 'spin' | 'rw', fn: string, decls: Map<string, Decl>, t: Translator): { lock: string } {
    const name = requiredLockName(this.ctx, text, fn, decls, this.traced);
    if (!this.ctx.locks.has(name)) this.ctx.locks.set(name, kind);
    this.ctx.recordLock(t.thread, name);
    return { lock: name };
  }

  private note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** Translates fn's body at the current place; its exits go to `exit`. */
  private translate(
    fn: FunctionLocks,
    prefix: string,
    bindings: Map<string, { object: string }>,
    paramValues: Map<string, ReturnType<Translator['value']>>,
    exit: Label,
    required: { lock: string; mode?: 'r' | 'w' }[],
    aliases = new Map<string, string>(),
  ): void {
    const { file } = this.ctx;
    const name = fn.syntax.name;
    this.stack.push(name);
    const decls = declsOf(this.ctx, fn);
    const text = (n: CNode): string => nodeText(file.text, n);
    const scope = new Scope(this.ctx.locs, { fn: name, decls, bindings, isConstant: (x) => this.ctx.isConstant(x) }, text);
    const t = new Translator(this.ctx, scope, this.code, this.thread, prefix, new Set(), this, text);
    t.aliases = aliases;
    t.modelled = modelledLocals(t, fn, decls, paramValues);
    const at = { src: t.src(fn.syntax.start) };
    for (const [p, v] of paramValues) if (v && t.modelled.has(p)) t.emit({ op: 'let', reg: t.regOf(p), value: v, ...at });
    const locks = required.map((r) => ({ ...r, ref: this.requiredLock(r.lock, r.mode ? 'rw' : 'spin', name, decls, t) }));
    for (const l of locks) if (l.ref) t.emit({ op: 'lock', lock: l.ref, ...(l.mode ? { mode: l.mode } : {}), ...at });
    const end = locks.length ? this.code.newLabel() : exit;
    new CfgWalk(this.ctx, fn.cfg, t, this.code, end, (s) => this.note(`${name}: ${s}`)).run();
    if (locks.length) {
      this.code.place(end);
      const atEnd = { src: t.src(fn.syntax.end - 1) };
      for (const l of [...locks].reverse()) if (l.ref) t.emit({ op: 'unlock', lock: l.ref, ...(l.mode ? { mode: l.mode } : {}), ...atEnd });
      this.code.jump(exit);
    }
    for (const u of t.unknownCalls) this.unknown.add(u);
    for (const n of t.notes) this.note(n);
    this.stack.pop();
  }
}

/**
 * A lock the function's callers hold, named as the lock summary names it
 * (`prv->lock`, in the function's own terms): resolved like the code's own
 * lock expressions, so that both name one lock.
 */
function requiredLockName(ctx: ModelContext, text: string, fn: string, decls: Map<string, Decl>, traced: Map<string, string>): string {
  // A scheduler lock `sched(E)`: of E->processor when E is a vCPU or unit pointer (as the helpers name it), else of the pCPU E.
  // The lock analysis names a local by the one value it holds (`sched(sched_unit_master(unit))` for `cpu`): back to the local.
  const sched = /^sched\((.*)\)$/.exec(text);
  const local = sched ? [...traced].find(([, v]) => v === sched[1])?.[0] : undefined;
  const expr = sched ? (local ?? sched[1]!) : text;
  const scope = new Scope(ctx.locs, { fn, decls, isConstant: (x) => ctx.isConstant(x) }, (n) => nodeText(expr, n));
  const node = parseText(expr);
  if (!sched) {
    const p = scope.place(node);
    return p?.kind === 'loc' ? p.display : text;
  }
  const d = node.k === 'id' ? decls.get(node.name) : undefined;
  const p = d && d.type.pointer > 0 ? scope.implied(node, 'processor', `${expr}->processor`) : scope.place(node);
  return `sched(${p?.kind === 'loc' ? p.display : expr})`;
}

/** Locals with one distinct value assigned in the function (the lock analysis traces lock names through them). */
function singleAssignments(fn: FunctionLocks): Map<string, string> {
  const values = new Map<string, Set<string>>();
  for (const n of fn.cfg.nodes)
    for (const a of n.facts.assignments) {
      if (a.op !== '=' || !/^[A-Za-z_]\w*$/.test(a.lhs)) continue;
      let set = values.get(a.lhs);
      if (!set) values.set(a.lhs, (set = new Set()));
      set.add(a.rhs);
    }
  return new Map([...values].filter(([x, v]) => v.size === 1 && !fn.syntax.params.includes(x)).map(([x, v]) => [x, [...v][0]!]));
}

/** Parameters and locals of a function with their types. */
export function declsOf(ctx: ModelContext, fn: FunctionLocks): Map<string, Decl> {
  const { file } = ctx;
  const out = new Map<string, Decl>();
  for (const d of parseParams(file.text.slice(fn.syntax.start, fn.syntax.bodyStart), fn.syntax.start)) out.set(d.name, d);
  for (const n of fn.cfg.nodes) {
    if (n.kind !== 'stmt' || n.end <= n.start) continue;
    for (const d of parseDeclaration(file.text.slice(n.start, n.end), n.start) ?? []) if (!out.has(d.name)) out.set(d.name, d);
  }
  return out;
}

/**
 * The locals whose values the model follows: every assignment to them (their
 * initialiser included) is an expression the model knows, given the others
 * (a fixpoint from "all of them"). Parameters are the caller's values: known
 * only when an inlined call passed a known one.
 */
function modelledLocals(t: Translator, fn: FunctionLocks, decls: Map<string, Decl>, paramValues: Map<string, unknown>): Set<string> {
  const params = new Set(fn.syntax.params);
  const modelled = new Set([...decls.keys()].filter((d) => !params.has(d) || paramValues.get(d) !== undefined));
  const assigns: { x: string; rhs: CNode }[] = [];
  const source = t.ctx.file.text;
  for (const n of fn.cfg.nodes) {
    if (n.end <= n.start || (n.kind !== 'stmt' && n.kind !== 'cond' && n.kind !== 'return' && n.kind !== 'switch')) continue;
    const text = source.slice(n.start, n.end);
    const decl = n.kind === 'stmt' ? parseDeclaration(text, n.start) : undefined;
    if (decl) {
      for (const d of decl) if (d.init) assigns.push({ x: d.name, rhs: d.init });
    } else collectAssigns(parseText(stripStatement(text, n.kind), n.start), assigns);
  }
  for (let changed = true; changed;) {
    changed = false;
    t.modelled = modelled;
    for (const a of assigns) {
      if (!modelled.has(a.x) || (a.rhs && t.known(a.rhs))) continue;
      modelled.delete(a.x);
      changed = true;
    }
  }
  return modelled;
}

/** Assignments to plain locals in an expression: `x = e` (rhs e), `x += e` and `x++` (rhs: the whole expression). */
function collectAssigns(n: CNode, out: { x: string; rhs: CNode }[]): void {
  const visit = (e: CNode): void => {
    switch (e.k) {
      case 'assign':
        if (e.lhs.k === 'id') out.push({ x: e.lhs.name, rhs: e.op === '=' ? e.rhs : e });
        visit(e.lhs);
        visit(e.rhs);
        return;
      case 'postfix':
        if (e.a.k === 'id') out.push({ x: e.a.name, rhs: e.a });
        visit(e.a);
        return;
      case 'unary':
        if ((e.op === '++' || e.op === '--' || e.op === '&') && e.a.k === 'id')
          out.push({ x: e.a.name, rhs: e.op === '&' ? { k: 'opaque', text: '&', start: e.start, end: e.end } : e.a });
        visit(e.a);
        return;
      case 'binary':
        visit(e.a);
        visit(e.b);
        return;
      case 'cond':
        visit(e.c);
        visit(e.a);
        visit(e.b);
        return;
      case 'comma':
        e.list.forEach(visit);
        return;
      case 'call':
        // `f(&x)` may write x.
        for (const a of e.args) {
          if (a.k === 'unary' && a.op === '&' && a.a.k === 'id')
            out.push({ x: a.a.name, rhs: { k: 'opaque', text: '&', start: a.start, end: a.end } });
          visit(a);
        }
        return;
      case 'member':
      case 'cast':
        visit(e.k === 'member' ? e.obj : e.a);
        return;
      case 'index':
        visit(e.obj);
        visit(e.index);
        return;
      default:
        return;
    }
  };
  visit(n);
}

/** A statement's text without its `;`, a condition's without its parentheses, a return's expression. */
function stripStatement(text: string, kind: CfgNode['kind']): string {
  let s = text.trim();
  if (kind === 'return') s = s.replace(/^return\b/, '');
  s = s.replace(/;\s*$/, '').trim();
  if (kind === 'cond' || kind === 'switch') s = stripParens(s);
  return s;
}

/** The walk of one function's CFG (see the header). */
class CfgWalk {
  private readonly succ: Map<number, CfgEdge[]>;
  private readonly rank: Map<number, number>;
  private readonly tracked: Set<string>;
  private readonly queue: { id: number; facts: Facts; key: string }[] = [];
  private readonly labels = new Map<string, Label>();

  constructor(
    private readonly ctx: ModelContext,
    private readonly cfg: Cfg,
    private readonly t: Translator,
    private readonly code: Code,
    private readonly exit: Label,
    note: (s: string) => void,
  ) {
    this.succ = forwardEdges(cfg, (line) => note(`the loop at line ${line} is explored for one iteration`));
    this.rank = new Map(reversePostorder(cfg).map((id, i) => [id, i]));
    this.tracked = this.atomsTestedTwice();
  }

  run(): void {
    this.code.jump(this.labelOf(this.cfg.entry, new Map()));
    while (this.queue.length) {
      // Program order: the lowest reverse-postorder rank first (all edges go forward).
      this.queue.sort((a, b) => this.rank.get(a.id)! - this.rank.get(b.id)!);
      const { id, facts, key } = this.queue.shift()!;
      this.code.place(this.labels.get(key)!);
      this.node(this.cfg.nodes[id]!, facts);
    }
  }

  private labelOf(id: number, facts: Facts): Label {
    if (id === this.cfg.exit) return this.exit;
    const key = `${id}|${[...facts]
      .sort()
      .map(([a, v]) => `${a}=${v ? 1 : 0}`)
      .join(';')}`;
    let l = this.labels.get(key);
    if (l === undefined) {
      l = this.code.newLabel();
      this.labels.set(key, l);
      this.queue.push({ id, facts, key });
    }
    return l;
  }

  /** Canonical text (fact keys). */
  private text(n: CNode): string {
    return nodeText(this.ctx.file.text, n);
  }

  /** The source as written, on one line (labels a reviewer reads). */
  private written(n: CNode): string {
    return this.ctx.file.text.slice(n.start, n.end).replace(/\s+/g, ' ').trim();
  }

  private node(node: CfgNode, inFacts: Facts): void {
    const { t } = this;
    const source = this.ctx.file.text;
    const raw = source.slice(node.start, node.end);
    const edges = this.succ.get(node.id) ?? [];
    const src = t.src(node.start);
    const text = raw.replace(/\s+/g, ' ').trim();
    t.statement = { start: node.start, end: node.end };
    if (node.kind === 'cond' && node.loopMacro) {
      this.loopMacro(node, edges, inFacts);
      return;
    }
    if (node.kind === 'stmt' && node.end > node.start) {
      const decl = parseDeclaration(raw, node.start);
      if (decl)
        for (const d of decl)
          t.store(
            { kind: 'local', name: d.name },
            d.init ? t.value(d.init) : undefined,
            d.init ?? { k: 'opaque', text: d.name, start: d.start, end: d.end },
          );
      else t.value(parseText(stripStatement(raw, 'stmt'), node.start));
      t.endStatement();
    } else if ((node.kind === 'return' || node.kind === 'switch') && node.end > node.start) {
      const body = stripStatement(raw, node.kind);
      if (body) t.value(parseText(body, node.start + raw.indexOf(body)));
      t.endStatement();
    }
    const facts = forgetAssigned(node, inFacts);
    if (node.kind === 'cond' && edges.length === 2 && node.end > node.start) {
      const whenTrue = edges.find((e) => e.branch)!,
        whenFalse = edges.find((e) => e.branch === false)!;
      const body = stripStatement(raw, 'cond');
      const ast = parseText(body, node.start + Math.max(0, raw.indexOf(body)));
      this.cond(
        ast,
        facts,
        (f) => this.labelOf(whenTrue.to, f),
        (f) => this.labelOf(whenFalse.to, f),
        text,
      );
      t.endStatement();
      return;
    }
    if (edges.length > 1) {
      const labels = edges.map((e) => this.edgeLabel(node, e));
      this.code.choice(
        edges.map((e) => this.labelOf(e.to, facts)),
        { src, text, labels },
      );
      return;
    }
    this.code.jump(this.labelOf(edges[0]?.to ?? this.cfg.exit, facts));
  }

  /** What taking a CFG edge of a multi-way node means, for the trace. */
  private edgeLabel(node: CfgNode, e: CfgEdge): string {
    const to = this.cfg.nodes[e.to]!;
    if (node.kind === 'switch') {
      const caseText = /^\s*(case\b[^:]*|default)\s*:/.exec(this.ctx.file.text.slice(to.start, to.start + 80));
      return caseText ? `switch: ${caseText[1]!.replace(/\s+/g, ' ')}` : 'switch: no case matches';
    }
    if (node.kind === 'cond' && e.branch !== undefined) return `condition is ${e.branch}`;
    return `#if alternative at line ${to.line + 1}`;
  }

  /**
   * A loop macro's header: an iteration macro over a list head reads the
   * head; whether the body runs once more is a choice (loops are cut to one
   * iteration).
   */
  private loopMacro(node: CfgNode, edges: CfgEdge[], facts: Facts): void {
    const { t } = this;
    const raw = this.ctx.file.text.slice(node.start, node.end);
    const macro = node.loopMacro!;
    const head = listLoopHead(macro);
    const call = parseText(raw.replace(/;\s*$/, ''), node.start);
    if (head !== undefined && call.k === 'call') {
      const arg = call.args[head];
      const inner = arg && arg.k === 'unary' && arg.op === '&' ? arg.a : arg;
      const p = inner ? t.place(inner) : undefined;
      if (p?.kind === 'loc') {
        this.ctx.noteLocation(p.display, p.key).kind = 'list';
        t.load(p, inner!);
      }
      t.endStatement();
    }
    const body = edges.find((e) => e.branch);
    const out = edges.find((e) => e.branch === false);
    const src = t.src(node.start);
    if (!body || !out) {
      this.code.jump(this.labelOf((body ?? out)?.to ?? this.cfg.exit, facts));
      return;
    }
    this.code.choice([this.labelOf(body.to, facts), this.labelOf(out.to, facts)], {
      src,
      text: raw.replace(/\s+/g, ' ').trim(),
      labels: [`${macro}: runs its body`, `${macro}: ends`],
    });
  }

  /**
   * Emits a condition's evaluation: continues at kTrue(facts) or kFalse(facts).
   * A condition with no part the model can evaluate is one choice (its
   * outcome teaches the facts it implies); else it is split.
   */
  private cond(n: CNode, facts: Facts, kTrue: (f: Facts) => Label, kFalse: (f: Facts) => Label, text: string): void {
    const atoms: CNode[] = [];
    collectAtoms(n, (a) => atoms.push(a));
    if (!atoms.some((a) => this.evaluable(a))) return this.wholeChoice(n, facts, kTrue, kFalse, text);
    this.split(n, facts, kTrue, kFalse, text);
  }

  private evaluable(a: CNode): boolean {
    const atomText = this.text(a);
    if (this.ctx.opts.xen && (testsMigrating(atomText) || isMigratingAtom(atomText) || isRunningAtom(atomText))) return true;
    return this.t.known(a);
  }

  private wholeChoice(n: CNode, facts: Facts, kTrue: (f: Facts) => Label, kFalse: (f: Facts) => Label, text: string): void {
    // Its loads happen; its value is unknown to the model.
    this.t.value(n);
    const decided = evalFacts(n, (a) => facts.get(this.text(a)));
    if (decided !== undefined) {
      this.code.jump(decided ? kTrue(facts) : kFalse(facts));
      return;
    }
    const learn = (v: boolean): Facts => {
      const m = new Map(facts);
      for (const x of implied(n, v)) {
        const key = this.text(x.atom);
        if (this.tracked.has(key)) m.set(key, x.value);
      }
      return m;
    };
    const condText = this.written(n);
    this.code.choice([kTrue(learn(true)), kFalse(learn(false))], {
      src: this.t.src(n.start),
      text,
      labels: [`${condText} is true`, `${condText} is false`],
    });
  }

  private split(n: CNode, facts: Facts, kTrue: (f: Facts) => Label, kFalse: (f: Facts) => Label, text: string): void {
    if (n.k === 'unary' && n.op === '!') return this.split(n.a, facts, kFalse, kTrue, text);
    if (n.k === 'cast') return this.split(n.a, facts, kTrue, kFalse, text);
    if (n.k === 'call' && (n.name === 'likely' || n.name === 'unlikely') && n.args[0])
      return this.split(n.args[0], facts, kTrue, kFalse, text);
    if (n.k === 'binary' && (n.op === '&&' || n.op === '||')) {
      // The right operand is evaluated on one outcome of the left only; one place per set of facts learned on the way.
      const mids = new Map<string, { label: Label; facts: Facts }>();
      const toMid = (f: Facts): Label => {
        const key = [...f].map(([a, v]) => `${a}=${v}`).join(';');
        let m = mids.get(key);
        if (!m) mids.set(key, (m = { label: this.code.newLabel(), facts: f }));
        return m.label;
      };
      if (n.op === '&&') this.split(n.a, facts, toMid, kFalse, text);
      else this.split(n.a, facts, kTrue, toMid, text);
      for (const m of mids.values()) {
        this.code.place(m.label);
        this.split(n.b, m.facts, kTrue, kFalse, text);
      }
      return;
    }
    if (n.k === 'binary' && (n.op === '==' || n.op === '!=') && (isNull(n.b) || isNull(n.a))) {
      const x = isNull(n.b) ? n.a : n.b;
      if (n.op === '==') return this.split(x, facts, kFalse, kTrue, text);
      return this.split(x, facts, kTrue, kFalse, text);
    }
    this.atom(n, facts, kTrue, kFalse, text);
  }

  private atom(n: CNode, facts: Facts, kTrue: (f: Facts) => Label, kFalse: (f: Facts) => Label, text: string): void {
    const { t } = this;
    const atomText = this.text(n);
    const src = t.src(n.start);
    if (this.ctx.opts.xen && (testsMigrating(atomText) || isMigratingAtom(atomText) || isRunningAtom(atomText))) {
      const op = isRunningAtom(atomText) ? 'ifRunning' : 'ifMigrating';
      this.code.test({ op, else: -1, src, text }, kFalse(facts));
      this.code.jump(kTrue(facts));
      return;
    }
    const evaluated = t.known(n);
    const v = evaluated ? t.value(n) : undefined;
    if (v) {
      if (v.k === 'const') {
        this.code.jump(v.v ? kTrue(facts) : kFalse(facts));
        return;
      }
      this.code.branch({ op: 'branch', cond: v, else: -1, src, text }, kFalse(facts));
      this.code.jump(kTrue(facts));
      return;
    }
    // Its loads happen; its value is unknown to the model.
    if (!evaluated) t.value(n);
    const decided = facts.get(atomText);
    if (decided !== undefined) {
      this.code.jump(decided ? kTrue(facts) : kFalse(facts));
      return;
    }
    const learn = (v: boolean): Facts => {
      if (!this.tracked.has(atomText)) return facts;
      const m = new Map(facts);
      m.set(atomText, v);
      return m;
    };
    this.code.choice([kTrue(learn(true)), kFalse(learn(false))], {
      src,
      text,
      labels: [`${this.written(n)} is true`, `${this.written(n)} is false`],
    });
  }

  /** Atoms (parts of conditions split at &&, ||, !) appearing in two or more conditions. */
  private atomsTestedTwice(): Set<string> {
    const count = new Map<string, number>();
    const source = this.ctx.file.text;
    for (const n of this.cfg.nodes) {
      if (n.kind !== 'cond' || n.loopMacro || n.start === n.end) continue;
      const raw = source.slice(n.start, n.end);
      const body = stripStatement(raw, 'cond');
      const atoms = new Set<string>();
      collectAtoms(parseText(body, n.start + Math.max(0, raw.indexOf(body))), (a) => atoms.add(this.text(a)));
      for (const a of atoms) count.set(a, (count.get(a) ?? 0) + 1);
    }
    return new Set([...count].filter(([, k]) => k >= 2).map(([a]) => a));
  }
}

function collectAtoms(n: CNode, add: (a: CNode) => void): void {
  if (n.k === 'unary' && n.op === '!') return collectAtoms(n.a, add);
  if (n.k === 'cast') return collectAtoms(n.a, add);
  if (n.k === 'call' && (n.name === 'likely' || n.name === 'unlikely') && n.args[0]) return collectAtoms(n.args[0], add);
  if (n.k === 'binary' && (n.op === '&&' || n.op === '||')) {
    collectAtoms(n.a, add);
    collectAtoms(n.b, add);
    return;
  }
  if (n.k === 'binary' && (n.op === '==' || n.op === '!=') && (isNull(n.b) || isNull(n.a)))
    return collectAtoms(isNull(n.b) ? n.a : n.b, add);
  add(n);
}

/** A condition's truth from the truths of its atoms (three-valued). */
function evalFacts(n: CNode, value: (atom: CNode) => boolean | undefined): boolean | undefined {
  if (n.k === 'unary' && n.op === '!') {
    const v = evalFacts(n.a, value);
    return v === undefined ? undefined : !v;
  }
  if (n.k === 'cast') return evalFacts(n.a, value);
  if (n.k === 'call' && (n.name === 'likely' || n.name === 'unlikely') && n.args[0]) return evalFacts(n.args[0], value);
  if (n.k === 'binary' && (n.op === '&&' || n.op === '||')) {
    const a = evalFacts(n.a, value),
      b = evalFacts(n.b, value);
    if (n.op === '&&') return a === false || b === false ? false : a && b ? true : undefined;
    return a === true || b === true ? true : a === false && b === false ? false : undefined;
  }
  if (n.k === 'binary' && (n.op === '==' || n.op === '!=') && (isNull(n.b) || isNull(n.a))) {
    const v = evalFacts(isNull(n.b) ? n.a : n.b, value);
    return v === undefined ? undefined : n.op === '==' ? !v : v;
  }
  return value(n);
}

/** The atom truths a condition's outcome implies (`a && b` true: both; `a || b` false: neither). */
function implied(n: CNode, v: boolean, out: { atom: CNode; value: boolean }[] = []): { atom: CNode; value: boolean }[] {
  if (n.k === 'unary' && n.op === '!') return implied(n.a, !v, out);
  if (n.k === 'cast') return implied(n.a, v, out);
  if (n.k === 'call' && (n.name === 'likely' || n.name === 'unlikely') && n.args[0]) return implied(n.args[0], v, out);
  if (n.k === 'binary' && (n.op === '&&' || n.op === '||')) {
    if ((n.op === '&&') === v) {
      implied(n.a, v, out);
      implied(n.b, v, out);
    }
    return out;
  }
  if (n.k === 'binary' && (n.op === '==' || n.op === '!=') && (isNull(n.b) || isNull(n.a)))
    return implied(isNull(n.b) ? n.a : n.b, n.op === '==' ? !v : v, out);
  out.push({ atom: n, value: v });
  return out;
}

function isNull(n: CNode): boolean {
  return (n.k === 'num' && n.v === 0) || (n.k === 'id' && n.name === 'NULL');
}

/** Facts about a variable are void once the node assigns it. */
function forgetAssigned(node: CfgNode, facts: Facts): Facts {
  if (facts.size === 0 || node.facts.assignments.length === 0) return facts;
  const roots = node.facts.assignments.map((a) => /^[A-Za-z_]\w*/.exec(a.lhs)?.[0]).filter((r): r is string => !!r);
  const out = new Map(facts);
  for (const atom of facts.keys()) if (roots.some((r) => new RegExp(`(^|[^\\w])${r}([^\\w]|$)`).test(atom))) out.delete(atom);
  return out;
}

/**
 * Where a cut back edge u -> head goes: out of the loop, as if the head's
 * condition were false (its false edge; when that is itself a back edge to an
 * enclosing loop's head, out of that loop too). A do-while's back edge leaves
 * by its own false edge. The function's exit when nothing fits (a goto loop).
 */
function loopExit(cfg: Cfg, rank: Map<number, number>, u: number, e: CfgEdge): number {
  const r = (id: number): number => rank.get(id) ?? -1;
  const ok = (t: number): boolean => !reachesForward(cfg, rank, t, u);
  const own = e.branch === true ? cfg.nodes[u]!.succ.find((x) => x.branch === false) : undefined;
  if (own && r(own.to) > r(u) && ok(own.to)) return own.to;
  const seen = new Set<number>();
  for (let h = e.to; !seen.has(h);) {
    seen.add(h);
    const f = cfg.nodes[h]!.succ.find((x) => x.branch === false)?.to;
    if (f === undefined) break;
    if (r(f) > r(h)) return ok(f) ? f : cfg.exit;
    h = f; // the loop's exit is an enclosing loop's head: leave that one too
  }
  return cfg.exit;
}

/** Whether `to` is reachable from `from` along forward edges (those that go up in reverse postorder). */
function reachesForward(cfg: Cfg, rank: Map<number, number>, from: number, to: number): boolean {
  if (from === to) return true;
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    for (const e of cfg.nodes[id]!.succ) {
      if ((rank.get(e.to) ?? -1) <= rank.get(id)! || seen.has(e.to)) continue;
      if (e.to === to) return true;
      seen.add(e.to);
      stack.push(e.to);
    }
  }
  return false;
}

/**
 * CFG edges with loops cut: a back edge goes to the loop's exit instead (each
 * loop body runs at most once in the model), so every thread is finite.
 */
function forwardEdges(cfg: Cfg, cut: (line: number) => void): Map<number, CfgEdge[]> {
  const order = reversePostorder(cfg);
  const rank = new Map(order.map((id, i) => [id, i]));
  const out = new Map<number, CfgEdge[]>();
  const reported = new Set<number>();
  for (const id of order) {
    const node = cfg.nodes[id]!;
    const edges: CfgEdge[] = [];
    for (const e of node.succ) {
      if ((rank.get(e.to) ?? 0) > rank.get(id)!) {
        edges.push(e);
        continue;
      }
      const head = cfg.nodes[e.to]!;
      if (!reported.has(head.id)) {
        reported.add(head.id);
        cut(head.line + 1);
      }
      const to = loopExit(cfg, rank, id, e);
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

/** Calls that put an element on a list head: (element argument, head argument). */
const LIST_INSERTS: ReadonlyMap<string, [number, number]> = new Map([
  ['list_add', [0, 1]],
  ['list_add_tail', [0, 1]],
  ['list_move', [0, 1]],
  ['list_move_tail', [0, 1]],
]);

/**
 * Which heads each list element is put on, anywhere in the file: a
 * `list_del(&svc->runq_elem)` then removes it from those heads even when the
 * insertion is in a function that is not simulated.
 */
export function collectListHeads(ctx: ModelContext): void {
  const { file } = ctx;
  for (const fn of file.functions) {
    if (fn.cfg.degraded) continue;
    const calls = fn.cfg.nodes.flatMap((n) => n.facts.calls.filter((c) => LIST_INSERTS.has(c.name)));
    if (calls.length === 0) continue;
    const decls = declsOf(ctx, fn);
    const text = (n: CNode): string => nodeText(file.text, n);
    const scope = new Scope(ctx.locs, { fn: fn.syntax.name, decls, isConstant: (x) => ctx.isConstant(x) }, text);
    const t = new Translator(ctx, scope, new Code(), -1, '', new Set(), { inline: () => false }, text);
    for (const c of calls) {
      const [e, h] = LIST_INSERTS.get(c.name)!;
      const entry = c.args[e],
        head = c.args[h];
      if (!entry || !head) continue;
      const elem = t.element(parseText(entry.text, entry.start));
      const headNode = parseText(head.text, head.start);
      const p = scope.place(headNode.k === 'unary' && headNode.op === '&' ? headNode.a : headNode);
      if (!elem || p?.kind !== 'loc') continue;
      let heads = ctx.listHeads.get(elem.key);
      if (!heads) ctx.listHeads.set(elem.key, (heads = new Map()));
      heads.set(p.key, p.display);
    }
  }
}
