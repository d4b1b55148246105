// Three-valued evaluation of branch conditions against one path's state, so a
// dataflow edge can be found infeasible (`if ( !lock )` after a successful
// trylock) and so a taken edge can teach the path facts (`migrate` is true).
import type { Cfg, CfgNode } from '../cfg/types';
import { matchClose } from '../syntax/expr';
import { owned } from '../syntax/ownedString';
import { joinTokens, type Token, tokenize } from '../syntax/tokens';

/** Looks up an atom's truth value on the current path. */
export type AtomValue = (atom: string) => boolean | undefined;

type Expr =
  | { k: 'const'; value: boolean }
  | { k: 'atom'; text: string }
  | { k: 'not'; e: Expr }
  | { k: 'and' | 'or'; a: Expr; b: Expr }
  /** `e == NULL` (negated false) / `e != NULL` */
  | { k: 'null'; e: Expr; negated: boolean };

const cache = new Map<string, Expr>();

/**
 * Past this many `&&`/`||` a condition is one opaque atom: every walk over a
 * condition recurses once per operator of a chain, and no real condition
 * comes near it.
 */
const MAX_CHAIN = 1000;
/** Brackets nested deeper than this inside a condition are opaque text (each level is parsed by a parser of its own). */
const MAX_BRACKETS = 64;
/** Condition texts longer than this are not kept in the shared cache. */
const MAX_CACHED_TEXT = 2048;

export function parseCondition(source: string): Expr {
  let e = cache.get(source);
  if (!e) {
    // Parsed from a string of its own: the cache outlives the document the text was cut from (ownedString.ts).
    const text = owned(source);
    const tokens = tokenize(text);
    let ops = 0;
    for (const t of tokens) if (t.text === '&&' || t.text === '||') ops++;
    e = ops > MAX_CHAIN ? { k: 'atom', text: joinTokens(tokens, 0, tokens.length) } : new CondParser(tokens).parseAll();
    // Shared by every document the server ever saw: bounded in entries, and long texts (a pasted wall of
    // `&&`) are not kept at all (each node caches its own parse anyway: conditionOf).
    if (cache.size > 5000) cache.clear();
    if (text.length <= MAX_CACHED_TEXT) cache.set(text, e);
  }
  return e;
}

/**
 * `ran(atom)` says the atom is a call this path is known to have executed
 * (a trylock in the condition): by short-circuit evaluation the operand before
 * it in `a || call` was false, and in `a && call` true.
 */
export type Ran = (atom: string) => boolean;

/** Whether `e` holds an atom `ran` names; memoized per evaluation, so a long `&&`/`||` chain is walked once, not once per level. */
function ranIn(e: Expr, ran: Ran | undefined, memo: Map<Expr, boolean> | undefined): boolean {
  if (!ran || !memo) return false;
  let r = memo.get(e);
  if (r === undefined) {
    switch (e.k) {
      case 'atom':
        r = ran(e.text);
        break;
      case 'not':
      case 'null':
        r = ranIn(e.e, ran, memo);
        break;
      case 'and':
      case 'or':
        r = ranIn(e.a, ran, memo) || ranIn(e.b, ran, memo);
        break;
      case 'const':
        r = false;
        break;
    }
    memo.set(e, r);
  }
  return r;
}

export function evaluate(e: Expr, value: AtomValue, ran?: Ran): boolean | undefined {
  // The memo serves `&&`/`||` chains only (ranIn is asked about their operands): none for a plain test.
  return evaluateIn(e, value, ran, ran && hasChain(e) ? new Map() : undefined);
}

/** The condition has an `&&` or `||` (they sit at its top, under any `!` and NULL tests). */
function hasChain(e: Expr): boolean {
  let x = e;
  while (x.k === 'not' || x.k === 'null') x = x.e;
  return x.k === 'and' || x.k === 'or';
}

function evaluateIn(e: Expr, value: AtomValue, ran: Ran | undefined, memo: Map<Expr, boolean> | undefined): boolean | undefined {
  if ((e.k === 'or' || e.k === 'and') && ranIn(e.b, ran, memo) && !ranIn(e.a, ran, memo)) {
    const a = evaluateIn(e.a, value, ran, memo);
    // The left operand let evaluation reach the call: it had the non-short-circuit value.
    if (a === undefined || a === (e.k === 'and')) return evaluateIn(e.b, value, ran, memo);
    return undefined;
  }
  switch (e.k) {
    case 'const':
      return e.value;
    case 'atom':
      return value(e.text);
    case 'not': {
      const v = evaluateIn(e.e, value, ran, memo);
      return v === undefined ? undefined : !v;
    }
    case 'and': {
      const a = evaluateIn(e.a, value, ran, memo);
      if (a === false) return false;
      const b = evaluateIn(e.b, value, ran, memo);
      if (b === false) return false;
      return a === true && b === true ? true : undefined;
    }
    case 'or': {
      const a = evaluateIn(e.a, value, ran, memo);
      if (a === true) return true;
      const b = evaluateIn(e.b, value, ran, memo);
      if (b === true) return true;
      return a === false && b === false ? false : undefined;
    }
    case 'null': {
      const v = evaluateIn(e.e, value, ran, memo);
      return v === undefined ? undefined : e.negated ? v : !v;
    }
  }
}

/**
 * The atom facts implied by the condition having truth value `value`
 * (`a && b` true gives both; `!x` false gives x true; `a || b` true gives nothing).
 */
export function implied(e: Expr, value: boolean, out: { atom: string; value: boolean }[] = []): { atom: string; value: boolean }[] {
  switch (e.k) {
    case 'atom':
      out.push({ atom: e.text, value });
      break;
    case 'not':
      implied(e.e, !value, out);
      break;
    case 'null':
      implied(e.e, e.negated ? value : !value, out);
      break;
    case 'and':
      if (value) {
        implied(e.a, true, out);
        implied(e.b, true, out);
      }
      break;
    case 'or':
      if (!value) {
        implied(e.a, false, out);
        implied(e.b, false, out);
      }
      break;
    case 'const':
      break;
  }
  return out;
}

/**
 * Short-circuit evaluation never reaches the (first) occurrence of `atom` in
 * `e` given the path's facts: it sits right of an `||` whose left side is
 * known true, or of an `&&` whose left side is known false. A trylock there is
 * not called at all, so it must not split the path (`trylock(a) ||
 * trylock(b) || …` is n + 1 paths, not 2^n).
 */
export function notReached(e: Expr, atom: string, value: AtomValue): boolean {
  const walk = (x: Expr): 'absent' | 'reached' | 'skipped' => {
    switch (x.k) {
      case 'atom':
        return x.text === atom ? 'reached' : 'absent';
      case 'const':
        return 'absent';
      case 'not':
      case 'null':
        return walk(x.e);
      case 'and':
      case 'or': {
        const left = walk(x.a);
        if (left !== 'absent') return left;
        const right = walk(x.b);
        if (right !== 'reached') return right;
        const lv = evaluate(x.a, value);
        return (x.k === 'or' && lv === true) || (x.k === 'and' && lv === false) ? 'skipped' : 'reached';
      }
    }
  };
  return walk(e) === 'skipped';
}

type Rel = '<' | '>' | '<=' | '>=' | '==' | '!=';

interface Comparison {
  readonly a: string;
  readonly op: Rel;
  readonly b: string;
}

/**
 * `a < b` as a comparison of two plain operands (variables, member paths),
 * else undefined. Asked of an atom on every path that evaluates it (and for
 * every condition's atoms): answered once per atom text (shared, read-only),
 * not by a match and a new object each time.
 */
export function comparison(atom: string): Comparison | undefined {
  let c = comparisons.get(atom);
  if (c === undefined) {
    c = comparisonOf(atom) ?? null;
    if (comparisons.size > 5000) comparisons.clear();
    comparisons.set(atom, c);
  }
  return c ?? undefined;
}

const comparisons = new Map<string, Comparison | null>();

function comparisonOf(atom: string): Comparison | undefined {
  const m = /^([A-Za-z_][\w>.-]*?)(<=|>=|==|!=|<|>)([A-Za-z_][\w>.-]*|\d+[uUlL]*)$/.exec(atom);
  if (!m || m[1]!.endsWith('-')) return undefined;
  return { a: m[1]!, op: m[2] as Rel, b: m[3]! };
}

/** The operand pair a comparison is about, in a fixed order (`a < b` and `b >= a` are about one pair). */
function pairOf(atom: string): string | undefined {
  const c = comparison(atom);
  return c && pairKey(c);
}

function pairKey(c: { a: string; b: string }): string {
  return c.a < c.b ? `${c.a}|${c.b}` : `${c.b}|${c.a}`;
}

const FLIP: Readonly<Record<Rel, Rel>> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };

/**
 * What one comparison's truth says about the others over the same two
 * operands: `ld < rd` true gives `ld != rd`, `rd > ld`, not `ld == rd`, …; so
 * the address-ordered double lock (`if ( ld < rd ) … else if ( ld != rd ) …`,
 * then `if ( ld != rd ) unlock`) is followed path by path.
 */
export function relatedFacts(atom: string, value: boolean): readonly { atom: string; value: boolean }[] {
  // Asked for every fact a path learns on every edge: answered once per atom and value (shared, read-only).
  const memo = value ? relatedIfTrue : relatedIfFalse;
  let r = memo.get(atom);
  if (!r) {
    r = relatedFactsOf(atom, value);
    if (memo.size > 5000) memo.clear();
    memo.set(atom, r);
  }
  return r;
}

const relatedIfTrue = new Map<string, readonly { atom: string; value: boolean }[]>();
const relatedIfFalse = new Map<string, readonly { atom: string; value: boolean }[]>();

function relatedFactsOf(atom: string, value: boolean): { atom: string; value: boolean }[] {
  const c = comparison(atom);
  if (!c) return [];
  // The relation that holds, as the set of orderings it allows: lt, eq, gt.
  const allows: Record<Rel, [boolean, boolean, boolean]> = {
    '<': [true, false, false],
    '>': [false, false, true],
    '<=': [true, true, false],
    '>=': [false, true, true],
    '==': [false, true, false],
    '!=': [true, false, true],
  };
  const base = allows[c.op].map((x) => (value ? x : !x)) as [boolean, boolean, boolean];
  const out: { atom: string; value: boolean }[] = [];
  for (const op of Object.keys(allows) as Rel[]) {
    const set = allows[op];
    // Decided when every ordering still possible agrees on it.
    const possible = [0, 1, 2].filter((i) => base[i]);
    if (possible.length === 0) continue;
    const first = set[possible[0]!]!;
    if (!possible.every((i) => set[i] === first)) continue;
    out.push({ atom: `${c.a}${op}${c.b}`, value: first }, { atom: `${c.b}${FLIP[op]}${c.a}`, value: first });
  }
  return out.filter((f) => f.atom !== atom);
}

/** Every atom in a condition. */
export function atomsOf(e: Expr, out: string[] = []): string[] {
  switch (e.k) {
    case 'atom':
      out.push(e.text);
      break;
    case 'not':
    case 'null':
      atomsOf(e.e, out);
      break;
    case 'and':
    case 'or':
      atomsOf(e.a, out);
      atomsOf(e.b, out);
      break;
    case 'const':
      break;
  }
  return out;
}

const TRANSPARENT_CALLS = new Set(['likely', 'unlikely', '!!']);

class CondParser {
  private i = 0;
  constructor(
    private readonly t: Token[],
    /** Brackets around the tokens (see MAX_BRACKETS). */
    private readonly depth = 0,
  ) {}

  parseAll(): Expr {
    if (this.t.length === 0) return { k: 'const', value: true };
    const e = this.or();
    return this.i === this.t.length ? e : { k: 'atom', text: joinTokens(this.t, 0, this.t.length) };
  }

  /** The index after a closing bracket (the end, when half-typed code left it unclosed). */
  private past(close: number): number {
    return Math.min(close + 1, this.t.length);
  }

  private peek(): string | undefined {
    return this.t[this.i]?.text;
  }

  private or(): Expr {
    let a = this.and();
    while (this.peek() === '||') {
      this.i++;
      a = { k: 'or', a, b: this.and() };
    }
    return a;
  }

  private and(): Expr {
    let a = this.equality();
    while (this.peek() === '&&') {
      this.i++;
      a = { k: 'and', a, b: this.equality() };
    }
    return a;
  }

  /** `x == NULL`, `NULL != x`, `x == 0`; any other comparison is an opaque atom. */
  private equality(): Expr {
    const start = this.i;
    const a = this.unary();
    const op = this.peek();
    if (op !== '==' && op !== '!=') {
      if (this.i < this.t.length && !['||', '&&', ')'].includes(op ?? '')) return this.opaqueFrom(start);
      return a;
    }
    this.i++;
    const rhsStart = this.i;
    const b = this.unary();
    const isNull = (x: Expr, from: number, to: number): boolean =>
      x.k === 'const' || ['NULL', '0', 'false'].includes(joinTokens(this.t, from, to));
    if (this.i < this.t.length && !['||', '&&', ')'].includes(this.peek() ?? '')) return this.opaqueFrom(start);
    if (isNull(b, rhsStart, this.i) && b.k === 'const' && !b.value) return { k: 'null', e: a, negated: op === '!=' };
    if (a.k === 'const' && !a.value) return { k: 'null', e: b, negated: op === '!=' };
    return { k: 'atom', text: joinTokens(this.t, start, this.i) };
  }

  /** Consumes up to the next top-level `&&`/`||`/`)` as one opaque atom. */
  private opaqueFrom(start: number): Expr {
    while (this.i < this.t.length) {
      const p = this.peek();
      if (p === '&&' || p === '||' || p === ')') break;
      if (p === '(' || p === '[') this.i = this.past(matchClose(this.t, this.i));
      else this.i++;
    }
    return { k: 'atom', text: joinTokens(this.t, start, this.i) };
  }

  private unary(): Expr {
    // `!!x` is x's truth: a run of `!` is at most one negation (and no recursion however long it is).
    let negations = 0;
    while (this.peek() === '!') {
      this.i++;
      negations++;
    }
    const e = this.primary();
    return negations % 2 ? { k: 'not', e } : e;
  }

  /** The tokens inside brackets, parsed by a parser of their own (opaque text when nested too deep). */
  private nested(inner: Token[]): Expr {
    if (this.depth >= MAX_BRACKETS)
      return inner.length ? { k: 'atom', text: joinTokens(inner, 0, inner.length) } : { k: 'const', value: true };
    return new CondParser(inner, this.depth + 1).parseAll();
  }

  private primary(): Expr {
    // Casts are skipped in a loop: a run of them does not recurse.
    for (;;) {
      const e = this.primaryOrCast();
      if (e) return e;
    }
  }

  /** One primary expression, or undefined after skipping a cast `(type)` (the operand follows). */
  private primaryOrCast(): Expr | undefined {
    const tok = this.t[this.i];
    if (!tok) return { k: 'const', value: true };
    if (tok.text === '(') {
      const close = matchClose(this.t, this.i);
      const inner = this.t.slice(this.i + 1, close);
      this.i = this.past(close);
      // `(lock = trylock(c))`: the value is the assigned variable.
      const assign = inner.findIndex((x) => x.text === '=');
      if (assign > 0 && inner.slice(0, assign).every((x) => x.kind === 'ident')) return { k: 'atom', text: inner[assign - 1]!.text };
      // A cast `(bool)x` or `(void *)x`.
      if (
        inner.length > 0 &&
        inner.every((x) => x.kind === 'ident' || x.text === '*') &&
        this.i < this.t.length &&
        this.t[this.i]!.text !== ')' &&
        !['&&', '||', '==', '!='].includes(this.t[this.i]!.text)
      )
        return undefined;
      return this.nested(inner);
    }
    if (tok.kind === 'number') {
      this.i++;
      return { k: 'const', value: !/^0+[uUlL]*$/.test(tok.text) };
    }
    if (tok.text === 'NULL' || tok.text === 'false') {
      this.i++;
      return { k: 'const', value: false };
    }
    if (tok.text === 'true') {
      this.i++;
      return { k: 'const', value: true };
    }
    const start = this.i;
    if (tok.kind === 'ident' && this.t[this.i + 1]?.text === '(' && TRANSPARENT_CALLS.has(tok.text)) {
      const close = matchClose(this.t, this.i + 1);
      const inner = this.t.slice(this.i + 2, close);
      this.i = this.past(close);
      return this.nested(inner);
    }
    // A postfix chain: identifiers, calls, member access, indexing.
    while (this.i < this.t.length) {
      const x = this.t[this.i]!;
      if (
        x.kind === 'ident' ||
        x.kind === 'number' ||
        x.kind === 'string' ||
        x.kind === 'char' ||
        x.text === '->' ||
        x.text === '.' ||
        (x.text === '&' && this.i === start)
      )
        this.i++;
      else if (x.text === '(' || x.text === '[') this.i = this.past(matchClose(this.t, this.i));
      else break;
      const nx = this.t[this.i];
      if (nx && x.kind === 'ident' && nx.kind === 'ident') break;
    }
    if (this.i === start) this.i++;
    return { k: 'atom', text: joinTokens(this.t, start, this.i) };
  }
}

/** `( cond )` as written after `if`/`while`: the text inside the outer parentheses. */
function conditionText(raw: string): string {
  const t = raw.trim();
  return t.startsWith('(') && t.endsWith(')') ? t.slice(1, -1) : t;
}

const nodeConditions = new WeakMap<CfgNode, Expr>();

/** A condition node's parsed condition (once per node: nodes do not change once built). */
export function conditionOf(node: CfgNode, source: string): Expr {
  let e = nodeConditions.get(node);
  if (!e) {
    e = parseCondition(conditionText(source.slice(node.start, node.end)));
    nodeConditions.set(node, e);
  }
  return e;
}

/**
 * The truth of a constant expression a variable is set to or a function
 * returns: `0`, `false`, `NULL` false; other integers, `true` and negative
 * errno constants (`-EBUSY`) true; undefined for anything else.
 */
export function constantTruth(text: string): boolean | undefined {
  if (text === '0' || text === 'false' || text === 'NULL') return false;
  if (text === 'true' || /^-?[1-9]\d*[uUlL]*$/.test(text) || /^-E[A-Z0-9]+$/.test(text)) return true;
  return undefined;
}

/**
 * Atoms whose value a path should remember: those tested twice, and flags that
 * are tested once but set to a constant somewhere (`held = true;` beside a
 * lock, `if ( held ) spin_unlock(…)` later: the test must see the lock's path).
 */
const IDENT_RE = /^[A-Za-z_]\w*$/;

/** Variables a lock call is given or reaches its lock through (`spin_lock(&lp->lock)`, `_spin_lock(lock1)`): lp, lock1. */
function lockOwners(cfg: Cfg): Set<string> {
  const out = new Set<string>();
  for (const n of cfg.nodes)
    for (const c of n.facts.calls) {
      if (!/lock/i.test(c.name)) continue;
      for (const a of c.args) {
        const m = /^[&(\s]*([A-Za-z_]\w*)/.exec(a.text);
        if (m) out.add(m[1]!);
      }
    }
  return out;
}

export function correlatedAtoms(cfg: Cfg, source: string): Set<string> {
  // Atoms tested by two or more conditions of the function: the only branch facts worth carrying along a
  // path (the lock dataflow and the model extraction both keep such correlated tests path-sensitive).
  // Counted per condition (an atom a condition tests twice counts once); the keys are every atom tested.
  const count = new Map<string, number>();
  for (const n of cfg.nodes) {
    if (n.kind !== 'cond' || n.loopMacro || n.start === n.end) continue;
    const atoms = atomsOf(conditionOf(n, source));
    if (atoms.length > 8) {
      for (const a of new Set(atoms)) count.set(a, (count.get(a) ?? 0) + 1);
      continue;
    }
    // A few atoms (most conditions test one or two): each counted at its first occurrence, no set made.
    for (let i = 0; i < atoms.length; i++) {
      const a = atoms[i]!;
      if (atoms.indexOf(a) === i) count.set(a, (count.get(a) ?? 0) + 1);
    }
  }
  const out = new Set<string>();
  // No condition: nothing below can add an atom (each needs one tested).
  if (count.size === 0) return out;
  for (const [a, c] of count) if (c >= 2) out.add(a);
  for (const n of cfg.nodes) {
    for (const a of n.facts.assignments) if (a.op === '=' && count.has(a.lhs) && constantTruth(a.rhs) !== undefined) out.add(a.lhs);
  }
  // Comparisons of one operand pair tested twice in any spelling (`ld < rd`, later `ld != rd`) are one question.
  const pairs = new Map<string, string[]>();
  // Two lock owners compared (`if ( lp != rp )` before unlocking one of them): whether they are one
  // object decides whether one release freed both names. (The owners are read only when a comparison is tested.)
  let owners: Set<string> | undefined;
  for (const a of count.keys()) {
    const c = comparison(a);
    if (!c) continue;
    const p = pairKey(c);
    const same = pairs.get(p);
    if (same) same.push(a);
    else pairs.set(p, [a]);
    if ((owners ??= lockOwners(cfg)).has(c.a) && owners.has(c.b)) out.add(a);
  }
  if (pairs.size === 0) return out;
  // A sentinel: `dom = DOMID_INVALID;` on one path, `if ( dom == DOMID_INVALID )` later.
  const assignedPairs = new Set<string>();
  for (const n of cfg.nodes)
    for (const a of n.facts.assignments)
      if (a.op === '=' && IDENT_RE.test(a.lhs) && IDENT_RE.test(a.rhs)) assignedPairs.add(pairOf(`${a.lhs}==${a.rhs}`)!);
  for (const [pair, atoms] of pairs) {
    if (atoms.length < 2 && !atoms.some((a) => out.has(a)) && !assignedPairs.has(pair)) continue;
    for (const a of atoms) out.add(a);
    // Every spelling of an equality of the pair, so an assignment `x = y` can say so (transfer.ts).
    const c = comparison(atoms[0]!)!;
    out.add(`${c.a}==${c.b}`).add(`${c.b}==${c.a}`);
  }
  return out;
}
