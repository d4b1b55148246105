// Declarations the model extraction needs: a function's parameters (from its
// header) and its locals (from declaration statements), each with the base
// type and the pointer depth, so that pointers to one struct type can be taken
// for one object and scalars for thread-local registers.
import { matchClose } from '../syntax/expr';
import { type Token, tokenize } from '../syntax/tokens';
import { type CNode, parseExpr } from './cexpr';

export interface CType {
  /** `struct csched_vcpu`, `spinlock_t`, `unsigned int`, … ('' when unknown). */
  base: string;
  /** Number of `*`. */
  pointer: number;
  /** Declared with `[…]`. */
  array: boolean;
}

export interface Decl {
  name: string;
  type: CType;
  /** The initialiser, for a local declared with one. */
  init?: CNode;
  /** Offsets of the declarator with its initialiser (for source lines). */
  start: number;
  end: number;
}

const QUALIFIERS = new Set(['const', 'volatile', 'static', 'register', 'extern', 'inline', '__read_mostly', '__init', '__maybe_unused']);
const TYPE_KEYWORDS = new Set([
  'struct',
  'union',
  'enum',
  'unsigned',
  'signed',
  'int',
  'long',
  'short',
  'char',
  'bool',
  'void',
  'float',
  'double',
  '_Bool',
]);

/** The parameters of a function, from the text of its header (definition start to body). */
export function parseParams(header: string, base: number): Decl[] {
  const tokens = tokenize(header, base);
  // The parameter list: the last top-level `( … )` of the header.
  let open = -1;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k]!.text !== '(' || tokens[k]!.kind !== 'punct') continue;
    const close = matchClose(tokens, k);
    if (close >= tokens.length) break;
    if (close === tokens.length - 1 || tokens.slice(close + 1).every((t) => t.kind === 'ident')) open = k;
    k = close;
  }
  if (open < 0) return [];
  const close = matchClose(tokens, open);
  const out: Decl[] = [];
  for (const [s, e] of splitTop(tokens, open + 1, close)) {
    const d = declarator(tokens, s, e, false);
    if (d) out.push(d);
  }
  return out;
}

/**
 * The declarations of a statement (`struct csched_vcpu * const svc = CSCHED_VCPU(v), *p;`),
 * or undefined when the statement is not a declaration.
 */
export function parseDeclaration(text: string, base: number): Decl[] | undefined {
  const tokens = tokenize(text, base);
  let end = tokens.length;
  if (tokens[end - 1]?.text === ';') end--;
  if (!looksLikeDeclaration(tokens, end)) return undefined;
  // The type words shared by every declarator.
  let k = 0;
  const typeWords: string[] = [];
  while (k < end && (QUALIFIERS.has(tokens[k]!.text) || TYPE_KEYWORDS.has(tokens[k]!.text))) {
    const w = tokens[k]!.text;
    if (!QUALIFIERS.has(w)) typeWords.push(w);
    k++;
    if (w === 'struct' || w === 'union' || w === 'enum') {
      if (tokens[k]?.kind === 'ident') typeWords.push(tokens[k++]!.text);
    }
  }
  if (typeWords.length === 0 && tokens[k]?.kind === 'ident') typeWords.push(tokens[k++]!.text);
  const baseType = typeWords.join(' ');
  const out: Decl[] = [];
  for (const [s, e] of splitTop(tokens, k, end)) {
    const d = declarator(tokens, s, e, true, baseType);
    if (d) out.push(d);
  }
  return out;
}

/** A statement starts with type words followed by a declarator (`T *x`, `T x =`, `T x[…]`, `T x;`). */
function looksLikeDeclaration(tokens: Token[], end: number): boolean {
  let k = 0;
  let words = 0;
  while (k < end && (QUALIFIERS.has(tokens[k]!.text) || TYPE_KEYWORDS.has(tokens[k]!.text))) {
    if (TYPE_KEYWORDS.has(tokens[k]!.text)) words++;
    const w = tokens[k]!.text;
    k++;
    if ((w === 'struct' || w === 'union' || w === 'enum') && tokens[k]?.kind === 'ident') k++;
  }
  if (words === 0) {
    // A typedef name: `spinlock_t *lock`, `s_time_t now`, `cpumask_t mask` (never a call or a member access).
    if (tokens[k]?.kind !== 'ident') return false;
    k++;
  }
  while (tokens[k]?.text === '*' || (tokens[k] && QUALIFIERS.has(tokens[k]!.text))) k++;
  if (tokens[k]?.kind !== 'ident') return false;
  const next = tokens[k + 1]?.text;
  return k + 1 >= end || next === '=' || next === ',' || next === '[' || next === ';';
}

function declarator(tokens: Token[], s: number, e: number, local: boolean, baseType = ''): Decl | undefined {
  let k = s;
  const words: string[] = [];
  if (!local) {
    while (k < e && (QUALIFIERS.has(tokens[k]!.text) || TYPE_KEYWORDS.has(tokens[k]!.text) || tokens[k]!.kind === 'ident')) {
      const w = tokens[k]!.text;
      if (!QUALIFIERS.has(w)) words.push(w);
      k++;
    }
    // The last word is the name (unless the declarator starts with pointers: then it comes after them).
    if (tokens[k]?.text !== '*' && words.length >= 2) {
      const name = words.pop()!;
      return {
        name,
        type: { base: words.join(' '), pointer: 0, array: tokens[k]?.text === '[' },
        start: tokens[s]!.start,
        end: tokens[e - 1]!.end,
      };
    }
  }
  let pointer = 0;
  while (k < e && (tokens[k]!.text === '*' || QUALIFIERS.has(tokens[k]!.text))) {
    if (tokens[k]!.text === '*') pointer++;
    k++;
  }
  const nameTok = tokens[k];
  if (!nameTok || nameTok.kind !== 'ident' || k >= e) return undefined;
  k++;
  let array = false;
  while (k < e && tokens[k]!.text === '[') {
    array = true;
    k = matchClose(tokens, k, e) + 1;
  }
  const type: CType = { base: local ? baseType : words.join(' '), pointer, array };
  const decl: Decl = { name: nameTok.text, type, start: tokens[s]!.start, end: tokens[e - 1]!.end };
  if (local && tokens[k]?.text === '=' && k + 1 < e) decl.init = parseExpr(tokens, k + 1, e);
  return decl;
}

/** [start, end) of the comma-separated pieces of tokens[from, to) at bracket depth 0. */
function splitTop(tokens: Token[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let s = from;
  for (let k = from; k <= to; k++) {
    const t = k < to ? tokens[k] : undefined;
    if (t?.kind === 'punct') {
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    }
    if (k === to || (depth === 0 && t?.kind === 'punct' && t.text === ',')) {
      if (k > s) out.push([s, k]);
      s = k + 1;
    }
  }
  return out;
}

/** A struct (or union) type name: `struct csched_vcpu` -> `csched_vcpu`; a typedef stays itself. */
export function structName(t: CType): string | undefined {
  const m = /^(?:struct|union)\s+(\w+)$/.exec(t.base);
  return m ? m[1] : undefined;
}
