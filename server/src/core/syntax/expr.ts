// Expression facts read from a statement's tokens: the calls it makes (in
// evaluation order: arguments before the call that receives them) and the
// assignments it performs. Used by the lock transfer functions and the rules.
import { owned } from './ownedString';
import { joinTokens, type Token, TokenPool } from './tokens';

export interface ArgText {
  /** Canonical text (see canonicalText). */
  text: string;
  start: number;
  end: number;
}

export interface CallSite {
  name: string;
  /** Offsets of the callee name and of the whole call `name(...)`. */
  nameStart: number;
  start: number;
  end: number;
  args: ArgText[];
  /** Nesting depth of the call inside other calls' argument lists (0 = outermost). */
  depth: number;
}

export interface Assignment {
  /** Canonical text of the assigned expression; for a declaration, the declared name. */
  lhs: string;
  /** Canonical text of the right-hand side. */
  rhs: string;
  op: string;
  start: number;
  end: number;
  /** The outermost call that is the whole right-hand side, if any (index into calls); present (undefined) when none. */
  rhsCall: number | undefined;
}

export interface ExprFacts {
  calls: CallSite[];
  assignments: Assignment[];
}

const NOT_CALLS = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'sizeof',
  'typeof',
  '__typeof__',
  'alignof',
  '_Alignof',
  'defined',
  'do',
  'else',
  'case',
]);
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

// One shape for every facts object, call, argument and assignment the CFG builder makes (each comes
// from one literal with every field present): the lock transfer, the guards and the rules read them
// on every path. The shared empty facts are not frozen, since a frozen object has a map of its own
// (its readers see it through the readonly types instead).
// The shared empty lists hold objects' elements kind too (a `[]` literal starts as small integers
// and moves on at its first push): an empty list and a filled one then share one array map.
function emptyList<T extends object>(): T[] {
  const list = [{}] as T[];
  list.pop();
  return list;
}
const NO_CALLS: CallSite[] = emptyList();
const NO_ASSIGNMENTS: Assignment[] = emptyList();
const NO_ARGS: ArgText[] = emptyList();
/** The facts of a statement without calls or assignments (shared: never added to). */
export const NO_FACTS: ExprFacts = { calls: NO_CALLS, assignments: NO_ASSIGNMENTS };

/**
 * A list one reader fills at a time, copied out to its exact length. The
 * facts are kept until the run ends, and a list grown by push keeps room for
 * 17 (copied whole by each scavenge that finds it); filling a list of our own
 * and copying it would make one such list of garbage per statement instead.
 */
class Scratch<T extends object> {
  private readonly items: T[] = [];
  length = 0;

  /** `blank`: what a slot holds once copied out, so that nothing read stays reachable from here. */
  constructor(private readonly blank: T) {}

  /** Starts a list (one left half-filled by a reader that threw is dropped). */
  reset(): void {
    this.length = 0;
  }

  push(x: T): void {
    this.items[this.length++] = x;
  }

  /** The items, exactly as many (`empty` when none); the scratch is empty again. */
  take(empty: T[]): T[] {
    const n = this.length;
    if (n === 0) return empty;
    const out = this.items.slice(0, n);
    for (let i = 0; i < n; i++) this.items[i] = this.blank;
    this.length = 0;
    return out;
  }
}

// One per kind of list (the readers below are never re-entered while one is filling: scanCalls
// recurses into arguments, all into the same calls, and splits each call's arguments before it does).
const callScratch = new Scratch<CallSite>({ name: '', nameStart: 0, start: 0, end: 0, args: NO_ARGS, depth: 0 });
const argScratch = new Scratch<ArgText>({ text: '', start: 0, end: 0 });
const assignmentScratch = new Scratch<Assignment>({ lhs: '', rhs: '', op: '', start: 0, end: 0, rhsCall: undefined });

/** Reads calls and assignments from the text at document offset `start`..`end`. */
export function exprFacts(source: string, start: number, end: number): ExprFacts {
  // Most statements without '(', '=', '++' or '--' (declarations, `return rc;`) have no facts: skip the lexer.
  if (!mayHaveFacts(source, start, end)) return NO_FACTS;
  const tokens = pool.borrow(source, start, end);
  try {
    return factsOfTokens(source, tokens);
  } finally {
    pool.giveBack();
  }
}

/** The facts readers' tokens: the facts keep their texts and offsets, never a token. */
const pool = new TokenPool();

function mayHaveFacts(source: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c === 40 /* ( */ || c === 61 /* = */ || ((c === 43 /* + */ || c === 45) /* - */ && source.charCodeAt(i + 1) === c)) return true;
  }
  return false;
}

/** A declaration statement's facts (exprFacts) and the names it declares (declaredNames), from one lexing of its text. */
export function declarationFacts(source: string, start: number, end: number): { facts: ExprFacts; names: string[] } {
  const tokens = pool.borrow(source, start, end);
  try {
    return { facts: mayHaveFacts(source, start, end) ? factsOfTokens(source, tokens) : NO_FACTS, names: namesOfTokens(tokens) };
  } finally {
    pool.giveBack();
  }
}

/** `tokens`: lexed from `source` by tokenizeRange (their offsets index it). */
function factsOfTokens(source: string, tokens: Token[]): ExprFacts {
  callScratch.reset();
  scanCalls(source, tokens, 0, tokens.length, 0, callScratch);
  const calls = callScratch.take(NO_CALLS);
  const assignments = scanAssignments(source, tokens, calls);
  // A statement with a `(` or `=` but neither (a cast, a comparison) shares the empty facts.
  if (calls === NO_CALLS && assignments === NO_ASSIGNMENTS) return NO_FACTS;
  return { calls, assignments };
}

/** Index of the token closing the bracket opened at `open`, or tokens.length. */
export function matchClose(tokens: readonly Token[], open: number, to = tokens.length): number {
  const o = tokens[open]!.text;
  const c = o === '(' ? ')' : o === '[' ? ']' : '}';
  let depth = 0;
  for (let k = open; k < to; k++) {
    const t = tokens[k]!.text;
    if (tokens[k]!.kind !== 'punct') continue;
    if (t === o) depth++;
    else if (t === c) {
      depth--;
      if (depth === 0) return k;
    }
  }
  return to;
}

/** Calls nested in other calls' arguments deeper than this are not read (no real statement nests a dozen). */
const MAX_CALL_NESTING = 64;

function scanCalls(source: string, tokens: Token[], from: number, to: number, depth: number, out: Scratch<CallSite>): void {
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    const next = tokens[k + 1];
    if (t.kind === 'ident' && next && next.text === '(' && k + 1 < to && !NOT_CALLS.has(t.text)) {
      // `(*fn)(x)` and `ops->hook(x)` are calls we cannot name; `a.b(x)` likewise.
      const prev = tokens[k - 1];
      const close = matchClose(tokens, k + 1, to);
      const args = splitArgs(source, tokens, k + 2, close);
      // Calls nested deeper than this in arguments stay part of the argument text (the scan recurses per level).
      if (depth < MAX_CALL_NESTING) scanCalls(source, tokens, k + 2, close, depth + 1, out);
      const member = prev !== undefined && (prev.text === '->' || prev.text === '.');
      out.push({
        name: member ? `${prev.text}${t.text}` : t.text,
        nameStart: t.start,
        start: t.start,
        end: close < tokens.length ? tokens[close]!.end : tokens[tokens.length - 1]!.end,
        args,
        depth,
      });
      k = close;
    }
  }
}

function splitArgs(source: string, tokens: Token[], from: number, to: number): ArgText[] {
  const args = argScratch;
  args.reset();
  let depth = 0;
  let s = from;
  for (let k = from; k <= to; k++) {
    const t = k < to ? tokens[k]! : undefined;
    if (t && t.kind === 'punct') {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    }
    if (k === to || (depth === 0 && t !== undefined && t.text === ',' && t.kind === 'punct')) {
      if (k > s) args.push({ text: spanText(source, tokens, s, k), start: tokens[s]!.start, end: tokens[k - 1]!.end });
      s = k + 1;
    }
  }
  return args.take(NO_ARGS);
}

/**
 * The canonical text of tokens [from, to) (joinTokens), for arguments and both sides of assignments: for tokens written without a gap between
 * them (`&prv->lock`, `v->processor`: most arguments) that is the source between them, one slice
 * where joining made a string per token.
 */
function spanText(source: string, tokens: readonly Token[], from: number, to: number): string {
  // An empty or clipped range (half-typed code) is joinTokens's to handle.
  if (from >= to || to > tokens.length) return joinTokens(tokens as Token[], from, to);
  if (to - from === 1) return tokens[from]!.text;
  for (let k = from + 1; k < to; k++) if (tokens[k]!.start !== tokens[k - 1]!.end) return joinTokens(tokens as Token[], from, to);
  return owned(source.slice(tokens[from]!.start, tokens[to - 1]!.end));
}

/**
 * Assignments at bracket depth 0 of each comma-separated piece, plus those
 * nested in parentheses (`if ( (lock = trylock(c)) == NULL )`). Chains
 * (`a = b = x`) give one assignment per target.
 */
function scanAssignments(source: string, tokens: Token[], calls: CallSite[]): Assignment[] {
  const out = assignmentScratch;
  out.reset();
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && (t.text === '++' || t.text === '--')) {
      const inc = increment(source, tokens, k);
      if (inc) out.push(inc);
      continue;
    }
    if (t.kind !== 'punct' || !ASSIGN_OPS.has(t.text)) continue;
    const lhsFrom = lhsStart(tokens, k);
    const rhsTo = rhsEnd(tokens, k + 1);
    if (lhsFrom >= k || rhsTo <= k + 1) continue;
    const lhs = declaredName(tokens, lhsFrom, k) ?? spanText(source, tokens, lhsFrom, k);
    // The right-hand side of `a = b = x` is `x`: skip to the last assignment operator.
    let rhsFrom = k + 1;
    for (let j = k + 1; j < rhsTo; j++) {
      const tj = tokens[j]!;
      if (tj.kind === 'punct' && (tj.text === '(' || tj.text === '[')) j = matchClose(tokens, j, rhsTo);
      else if (tj.kind === 'punct' && ASSIGN_OPS.has(tj.text)) rhsFrom = j + 1;
    }
    const rhs = spanText(source, tokens, rhsFrom, rhsTo);
    const rhsStart = tokens[rhsFrom]?.start ?? t.end;
    const rhsEndOff = tokens[rhsTo - 1]!.end;
    let ci = callSpanning(calls, rhsStart, rhsEndOff);
    // `(spinlock_t *)helper(x)` or `likely(x)` wrappers are rare here; accept a cast prefix.
    if (ci < 0 && tokens[rhsFrom]?.text === '(') ci = callEndingAfter(calls, rhsStart, rhsEndOff);
    out.push({ lhs, rhs, op: t.text, start: tokens[lhsFrom]!.start, end: rhsEndOff, rhsCall: ci >= 0 ? ci : undefined });
  }
  return out.take(NO_ASSIGNMENTS);
}

/** The first call spanning exactly [start, end), or -1 (a loop: this runs for every assignment). */
function callSpanning(calls: readonly CallSite[], start: number, end: number): number {
  for (let i = 0; i < calls.length; i++) if (calls[i]!.start === start && calls[i]!.end === end) return i;
  return -1;
}

/** The first call ending at `end` and starting after `start`, or -1. */
function callEndingAfter(calls: readonly CallSite[], start: number, end: number): number {
  for (let i = 0; i < calls.length; i++) if (calls[i]!.end === end && calls[i]!.start > start) return i;
  return -1;
}

/**
 * `i++`, `--x->n`: an assignment of the operand (`i += 1`), so what a path
 * knew about `i` is forgotten (a loop counter tested in the body).
 */
function increment(source: string, tokens: Token[], k: number): Assignment | undefined {
  const t = tokens[k]!;
  const op = t.text === '++' ? '+=' : '-=';
  const prev = tokens[k - 1];
  if (prev && (prev.kind === 'ident' || (prev.kind === 'punct' && (prev.text === ')' || prev.text === ']')))) {
    const from = lhsStart(tokens, k);
    if (from >= k) return undefined;
    return { lhs: spanText(source, tokens, from, k), rhs: '1', op, start: tokens[from]!.start, end: t.end, rhsCall: undefined };
  }
  // Prefix: the operand is the member path that follows.
  let to = k + 1;
  while (to < tokens.length) {
    const x = tokens[to]!;
    if (x.kind === 'ident' || (x.kind === 'punct' && (x.text === '->' || x.text === '.'))) to++;
    else break;
  }
  if (to === k + 1) return undefined;
  return { lhs: spanText(source, tokens, k + 1, to), rhs: '1', op, start: t.start, end: tokens[to - 1]!.end, rhsCall: undefined };
}

function lhsStart(tokens: Token[], op: number): number {
  let depth = 0;
  for (let k = op - 1; k >= 0; k--) {
    const t = tokens[k]!;
    if (t.kind === 'punct') {
      if (t.text === ')' || t.text === ']') {
        depth++;
        continue;
      }
      if (t.text === '(' || t.text === '[') {
        if (depth === 0) return k + 1;
        depth--;
        continue;
      }
      if (
        depth === 0 &&
        (t.text === ',' ||
          t.text === ';' ||
          t.text === '{' ||
          t.text === '}' ||
          ASSIGN_OPS.has(t.text) ||
          t.text === '?' ||
          t.text === ':' ||
          t.text === '&&' ||
          t.text === '||' ||
          t.text === '==' ||
          t.text === '!=')
      )
        return k + 1;
    }
  }
  return 0;
}

function rhsEnd(tokens: Token[], from: number): number {
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      if (depth === 0) return k;
      depth--;
    } else if (depth === 0 && (t.text === ',' || t.text === ';')) return k;
  }
  return tokens.length;
}

export const TYPE_WORDS: ReadonlySet<string> = new Set([
  'const',
  'volatile',
  'static',
  'unsigned',
  'signed',
  'struct',
  'union',
  'enum',
  'register',
  'int',
  'long',
  'short',
  'char',
  'bool',
  'bool_t',
  'void',
  'float',
  'double',
  'inline',
]);

/**
 * For a declaration's left-hand side (`spinlock_t *lock`, `unsigned int cpu`),
 * the declared name; undefined for an ordinary lvalue (`v->processor`, `*p`, `x`).
 */
function declaredName(tokens: readonly Token[], from: number, to: number): string | undefined {
  if (to - from < 2) return undefined;
  const last = tokens[to - 1]!;
  if (last.kind !== 'ident') return undefined;
  const before = tokens[to - 2]!;
  if (
    before.kind === 'ident' ||
    (before.kind === 'punct' && before.text === '*' && to - from >= 3 && (tokens[to - 3]!.kind === 'ident' || tokens[to - 3]!.text === '*'))
  ) {
    // `a * b = c` cannot be an expression statement, so this is a declaration.
    for (let k = from; k < to; k++) {
      const t = tokens[k]!;
      if (t.kind === 'punct' && (t.text === '->' || t.text === '.' || t.text === '[')) return undefined;
    }
    if (before.kind === 'ident') return last.text;
    for (let k = from; k < to - 1; k++) {
      const t = tokens[k]!;
      if (!(t.kind === 'ident' || t.text === '*' || TYPE_WORDS.has(t.text))) return undefined;
    }
    return last.text;
  }
  return undefined;
}

/**
 * The names a declaration statement declares (`struct q *q, *old_q;` → q,
 * old_q; `unsigned long flags = 0;` → flags): per top-level declarator, the
 * last identifier before its initializer, array bounds or parameter list.
 */
function namesOfTokens(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  let depth = 0;
  let last: string | undefined;
  let done = false;
  for (const t of tokens) {
    if (t.kind === 'punct') {
      if (t.text === '(' || t.text === '[' || t.text === '{') {
        if (depth === 0 && last && !done) {
          out.push(last);
          done = true;
        }
        depth++;
        continue;
      }
      if (t.text === ')' || t.text === ']' || t.text === '}') {
        depth--;
        continue;
      }
      if (depth > 0) continue;
      if (t.text === '=' || t.text === ':') {
        if (last && !done) out.push(last);
        done = true;
      } else if (t.text === ',' || t.text === ';') {
        if (last && !done) out.push(last);
        last = undefined;
        done = false;
      }
      continue;
    }
    if (depth === 0 && !done && t.kind === 'ident') last = t.text;
  }
  // (Most declare one name: no set made to find it has no repeats. Kept on the node: a list to measure.)
  if (out.length < 2) return out.length === 0 ? out : [out[0]!];
  return [...new Set(out)];
}
