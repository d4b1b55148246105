// A small C lexer for statement and expression text. The tree-sitter tree gives
// us statement structure; expression-level facts (which calls, with which
// argument texts, which assignments) are read from the statement's text with
// this lexer, because crossing into WASM for every expression node costs more
// than the parse itself (see ARCHITECTURE.md, "Performance").

type TokenKind = 'ident' | 'number' | 'string' | 'char' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Absolute offsets (UTF-16 code units) into the document. */
  start: number;
  end: number;
}

const PUNCT3_SET = new Map(['<<=', '>>=', '...'].map((p) => [p, p]));
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
const PUNCT2_SET = new Map(PUNCT2_LIST.map((p) => [p, p]));

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Tokenizes `text`, which starts at document offset `base`. Comments and preprocessor lines are skipped. */
export function tokenize(text: string, base = 0): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  let lineStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      i++;
      lineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const e = text.indexOf('\n', i + 2);
      i = e < 0 ? n : e;
      continue;
    }
    if (c === 35 /* # */ && lineStart) {
      // A preprocessor line inside a statement: skip it (with continuations).
      let j = i;
      while (j < n) {
        const e = text.indexOf('\n', j);
        if (e < 0) {
          j = n;
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
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      out.push({ kind: 'ident', text: text.slice(i, j), start: base + i, end: base + j });
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && (isIdentPart(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      out.push({ kind: 'number', text: text.slice(i, j), start: base + i, end: base + j });
      i = j;
      continue;
    }
    if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 10) {
        if (text.charCodeAt(j) === 92) j++;
        j++;
      }
      j = Math.min(n, j + 1);
      out.push({ kind: c === 34 ? 'string' : 'char', text: text.slice(i, j), start: base + i, end: base + j });
      i = j;
      continue;
    }
    // Punctuators come from a fixed set: reuse their strings (no slices, less GC).
    const p3 = PUNCT3_SET.get(text.slice(i, i + 3));
    const p2 = p3 === undefined ? PUNCT2_SET.get(text.slice(i, i + 2)) : undefined;
    const p = p3 ?? p2 ?? text[i]!;
    out.push({ kind: 'punct', text: p, start: base + i, end: base + i + p.length });
    i += p.length;
  }
  return out;
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
