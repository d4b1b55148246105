// A small C lexer for statement and expression text. The tree-sitter tree gives
// us statement structure; expression-level facts (which calls, with which
// argument texts, which assignments) are read from the statement's text with
// this lexer, because crossing into WASM for every expression node costs more
// than the parse itself (see ARCHITECTURE.md, "Performance").
import { owned } from './ownedString';

type TokenKind = 'ident' | 'number' | 'string' | 'char' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Absolute offsets (UTF-16 code units) into the document. */
  start: number;
  end: number;
}

const PUNCT2_LIST = [
  '->',
  '++',
  '--',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '^=',
  '|=',
  '##',
];
/**
 * Two-character punctuators by their two char codes (ASCII both: `first *
 * 128 + second`): matched without slicing the text, and their strings are
 * reused (the lexer runs on every statement; short-lived slices were a good
 * part of its garbage). An array indexed by the pair, not a Map: one is looked
 * up for every punctuator lexed.
 */
const PUNCT2: (string | undefined)[] = new Array<string | undefined>(128 * 128).fill(undefined);
for (const p of PUNCT2_LIST) PUNCT2[p.charCodeAt(0) * 128 + p.charCodeAt(1)] = p;

/** `[A-Za-z_]` by character code. */
export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
/** `\w` by character code (from the lexer's table: one load, not a chain of ranges). */
export function isIdentPart(c: number): boolean {
  return c < 128 && (CLASS[c]! & (IDENT_START | DIGIT)) !== 0;
}

/** Tokenizes `text`, which starts at document offset `base`. Comments and preprocessor lines are skipped. */
export function tokenize(text: string, base = 0): Token[] {
  const out: Token[] = [];
  lex(text, 0, text.length, base, out, 0);
  return out;
}

/**
 * The tokens of `source` between offsets `start` and `end`, with document
 * offsets: the same as `tokenize(source.slice(start, end), start)` without
 * copying the text first.
 */
export function tokenizeRange(source: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  lex(source, start, Math.min(end, source.length), 0, out, 0);
  return out;
}

/**
 * Token objects lent to one reader at a time, for readers whose tokens never
 * outlive the call (the CFG builder's facts, the discipline's statement
 * scan): every statement is lexed, and its tokens were a good part of the
 * analysis's garbage. A reader borrows, reads, returns; a second borrower
 * while one holds the pool (never the case today) gets tokens of its own.
 */
export class TokenPool {
  /** The pooled token objects, written over by each lexing (at most MAX_POOLED kept between borrowers). */
  private readonly tokens: Token[] = [];
  private lent = false;
  private lentArray: Token[] | undefined;

  /** tokenizeRange's tokens, in objects the next borrower overwrites: call `giveBack` when done, keep none. */
  borrow(source: string, start: number, end: number): Token[] {
    if (this.lent) return tokenizeRange(source, start, end);
    this.lent = true;
    // Lexed into the pool's own list, then lent as a copy of exactly that many: a list filled by push
    // from empty reserves room for 17 and grows by copies (one such list per statement lexed).
    const n = lex(source, start, Math.min(end, source.length), 0, this.tokens, 0);
    this.lentArray = this.tokens.slice(0, n);
    this.trim();
    return this.lentArray;
  }

  /**
   * Lexes source[start, end) after the tokens `lent` already holds (what
   * `borrow` gave): one array for several ranges, for a reader that reads
   * them all before it gives them back. Returns where the new tokens begin.
   */
  append(lent: Token[], source: string, start: number, end: number): number {
    const from = lent.length;
    if (!this.lent || this.lentArray !== lent || from > this.tokens.length) {
      // (A second borrower's array has no pooled objects behind it; past MAX_POOLED neither has the pool.)
      lex(source, start, Math.min(end, source.length), 0, lent, from);
      return from;
    }
    // The pool's objects from `from` on are not lent yet: lexed into, then lent too.
    const n = lex(source, start, Math.min(end, source.length), 0, this.tokens, from);
    for (let k = from; k < n; k++) lent.push(this.tokens[k]!);
    this.trim();
    return from;
  }

  giveBack(): void {
    this.lent = false;
    this.lentArray = undefined;
  }

  /** A pool stops growing at a size no real statement reaches: a generated initializer's tokens are not kept for good. */
  private trim(): void {
    if (this.tokens.length > MAX_POOLED) this.tokens.length = MAX_POOLED;
  }
}

const MAX_POOLED = 4096;

/**
 * Writes a token at `out[n]`: over the object already there (a pool's), or a
 * new one (one literal: one shape for all). Returns n + 1.
 */
function emit(out: Token[], n: number, kind: TokenKind, text: string, start: number, end: number): number {
  const t = out[n];
  if (t === undefined) {
    out[n] = { kind, text, start, end };
    return n + 1;
  }
  t.kind = kind;
  t.text = text;
  t.start = start;
  t.end = end;
  return n + 1;
}

/**
 * Identifiers lexed before: the lexer runs on every statement (twice: the CFG
 * builder's facts, the discipline's scan), the same few hundred names come
 * back in every one, and each is then looked up in maps and sets (the lock
 * helpers, the locals, the type table). One string per name, made once,
 * spares a copy per token and the hash V8 computes again for every new string
 * it is asked to look up. A name longer than V8 copies is kept as a string of
 * its own (`owned`): a slice of the text, kept in the summaries and the
 * memos, kept that version of the document alive (see ownedString.ts).
 */
const interned: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);

/** text[i, j), an identifier: the interned string when it is one (checked character by character). */
function identifier(text: string, i: number, j: number): string {
  const n = j - i;
  // The slot: from the length and three of the characters (hashing every one cost more than it saved).
  const slot = (text.charCodeAt(i) * 961 + text.charCodeAt((i + j) >> 1) * 31 + text.charCodeAt(j - 1) + n * 2897) & (interned.length - 1);
  const s = interned[slot];
  if (s !== undefined && s.length === n && text.startsWith(s, i)) return s;
  const made = owned(text.slice(i, j));
  interned[slot] = made;
  return made;
}

/** Character classes of ASCII by code (`lex` reads one per character: one load, not a chain of ranges). */
const SPACE = 1; // ' ', \t, \r, \f, \v (a newline is read on its own)
const IDENT_START = 2; // [A-Za-z_]
const DIGIT = 4; // [0-9]
const CLASS = new Uint8Array(128);
for (const c of [32, 9, 13, 12, 11]) CLASS[c] = SPACE;
for (let c = 0; c < 128; c++) {
  if (isIdentStart(c)) CLASS[c] = IDENT_START;
  if (c >= 48 && c <= 57) CLASS[c] = DIGIT;
}

/**
 * Lexes text[from, to) as if it were the whole text; token offsets are `shift` + the index in `text`.
 * The tokens are written from `out[n]` on (over the objects there: a TokenPool's); returns the index past the last.
 */
function lex(text: string, from: number, to: number, shift: number, out: Token[], n: number): number {
  let i = from;
  let lineStart = true;
  while (i < to) {
    const c = text.charCodeAt(i);
    const cls = c < 128 ? CLASS[c]! : 0;
    if (cls === SPACE) {
      i++;
      continue;
    }
    if (c === 10) {
      i++;
      lineStart = true;
      continue;
    }
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    // Words first (most tokens are): no second character read, no comment or `#` test (neither starts with
    // a letter). Measured on the bench corpus's text: the lexer a fifteenth faster.
    if (cls === IDENT_START) {
      lineStart = false;
      let j = i + 1;
      while (j < to && isIdentPart(text.charCodeAt(j))) j++;
      n = emit(out, n, 'ident', identifier(text, i, j), shift + i, shift + j);
      i = j;
      continue;
    }
    const c1 = i + 1 < to ? text.charCodeAt(i + 1) : -1;
    if (c === 47 /* / */ && c1 === 42) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 || e + 2 > to ? to : e + 2;
      continue;
    }
    if (c === 47 && c1 === 47) {
      const e = text.indexOf('\n', i + 2);
      i = e < 0 || e >= to ? to : e;
      continue;
    }
    if (c === 35 /* # */ && lineStart) {
      // A preprocessor line inside a statement: skip it (with continuations).
      let j = i;
      while (j < to) {
        const e = text.indexOf('\n', j);
        if (e < 0 || e >= to) {
          j = to;
          break;
        }
        if (text.charCodeAt(e - 1) === 92) {
          j = e + 1;
          continue;
        }
        j = e;
        break;
      }
      i = j;
      continue;
    }
    lineStart = false;
    if (cls === DIGIT) {
      let j = i + 1;
      while (j < to && (isIdentPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      n = emit(out, n, 'number', text.slice(i, j), shift + i, shift + j);
      i = j;
      continue;
    }
    if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < to && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10) {
        if (text.charCodeAt(j) === 92) j++;
        j++;
      }
      j = Math.min(to, j + 1);
      n = emit(out, n, c === 34 ? 'string' : 'char', text.slice(i, j), shift + i, shift + j);
      i = j;
      continue;
    }
    const p = punctAt(text, i, to, c, c1);
    n = emit(out, n, 'punct', p, shift + i, shift + i + p.length);
    i += p.length;
  }
  return n;
}

/** The punctuator at `i` (`c`, `c1`: its first two char codes, -1 past the end): the longest of `<<=`, `>>=`, `...`, PUNCT2, one character. */
function punctAt(text: string, i: number, to: number, c: number, c1: number): string {
  if (c1 === c && (c === 60 /* < */ || c === 62) /* > */ && i + 2 < to && text.charCodeAt(i + 2) === 61 /* = */)
    return c === 60 ? '<<=' : '>>=';
  if (c === 46 /* . */ && c1 === 46 && i + 2 < to && text.charCodeAt(i + 2) === 46) return '...';
  return (c < 128 && c1 >= 0 && c1 < 128 ? PUNCT2[c * 128 + c1] : undefined) ?? text[i]!;
}

/** Source text of tokens [from, to) re-joined with single spaces where the source had any gap. */
export function joinTokens(tokens: Token[], from: number, to: number, source?: string): string {
  // Half-typed code has unbalanced brackets: a range past the end stops at the end.
  to = Math.min(to, tokens.length);
  if (from >= to) return '';
  if (source !== undefined) return normalizeSpace(source.slice(tokens[from]!.start, tokens[to - 1]!.end));
  if (to - from > 32) {
    // A long range is joined, not appended: `+=` leaves a rope of one node per token, kept alive with the text.
    const parts: string[] = [tokens[from]!.text];
    for (let k = from + 1; k < to; k++) {
      if (tokens[k]!.start > tokens[k - 1]!.end && needsSpace(tokens[k - 1]!, tokens[k]!)) parts.push(' ');
      parts.push(tokens[k]!.text);
    }
    return parts.join('');
  }
  let s = tokens[from]!.text;
  for (let k = from + 1; k < to; k++) {
    const gap = tokens[k]!.start > tokens[k - 1]!.end;
    s += (gap && needsSpace(tokens[k - 1]!, tokens[k]!) ? ' ' : '') + tokens[k]!.text;
  }
  return s;
}

function needsSpace(a: Token, b: Token): boolean {
  return (a.kind === 'ident' || a.kind === 'number') && (b.kind === 'ident' || b.kind === 'number');
}

/**
 * Canonical expression text: comments removed, whitespace dropped except between
 * two words, so `& prv -> lock` and `&prv->lock` name the same lock.
 */
export function canonicalText(text: string): string {
  const tokens = tokenize(text);
  return joinTokens(tokens, 0, tokens.length);
}

function normalizeSpace(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
