// C declarations read from tokens: the type and name of each declarator
// (`struct csched_unit * const svc = …`, `unsigned int cpu, *p;`,
// `void (*fn)(void *)`, `struct list_head runq[NR];`). Only what the guard
// inference needs: the named type (struct/union/typedef) and the pointer
// depth; arrays count as one level of pointer (indexing removes it).
import type { Token } from '../syntax/tokens';

export interface CType {
  /** `struct csched_private`, `union x`, or a typedef/builtin name (`spinlock_t`, `int`). */
  base: string;
  /** Pointer depth (arrays add one). */
  ptr: number;
  /** A function pointer (calling it is a call through a field, not an access). */
  fnptr?: boolean;
}

interface Declarator {
  name: string;
  type: CType;
  /** `name(…)`: a function prototype (type is its return type). */
  prototype?: boolean;
  /** The declarator's initialiser text range, if any (tokens index range). */
  init?: { from: number; to: number };
}

export interface Declaration {
  declarators: Declarator[];
  typedef: boolean;
  isStatic: boolean;
  /** `struct T {` / `union T {` defined inline (its body is tokens [open, close]). */
  inlineDefinition?: { tag: string; open: number; close: number };
}

/** Words that qualify a declaration without naming its type. */
const QUALIFIERS = new Set([
  'const',
  'volatile',
  'restrict',
  'static',
  'extern',
  'register',
  'inline',
  'auto',
  'cf_check',
  'always_inline',
  'noinline',
  'noreturn',
  'typedef',
]);

/** Words that are (parts of) builtin type names. */
const BUILTIN = new Set(['unsigned', 'signed', 'long', 'short', 'int', 'char', 'bool', 'void', 'float', 'double', '_Bool']);

/** `/^__\w+$/` but `__typeof__`, on an identifier token's text (read by character: it is asked of most words of every declaration). */
const isAttribute = (t: string): boolean => t.length > 2 && t.charCodeAt(0) === 95 && t.charCodeAt(1) === 95 && t !== '__typeof__';

/** Index of the token after the bracket group opened at `open` (or `to`). */
export function skipGroup(tokens: readonly Token[], open: number, to: number): number {
  const o = tokens[open]!.text;
  const c = o === '(' ? ')' : o === '[' ? ']' : '}';
  let depth = 0;
  for (let k = open; k < to; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    if (t.text === o) depth++;
    else if (t.text === c && --depth === 0) return k + 1;
  }
  return to;
}

/**
 * Reads one declaration from tokens [from, to) (without its `;`). Returns
 * undefined for something that does not start with a type (an expression
 * statement).
 */
export function parseDeclaration(
  tokens: readonly Token[],
  from: number,
  to: number,
  isTypeName: (n: string) => boolean,
): Declaration | undefined {
  let k = from;
  let typedef = false;
  let isStatic = false;
  let base: string | undefined;
  let builtin = '';
  let inlineDefinition: Declaration['inlineDefinition'];
  while (k < to) {
    const t = tokens[k]!;
    if (t.kind !== 'ident') break;
    if (t.text === 'typedef') typedef = true;
    if (t.text === 'static') isStatic = true;
    if (QUALIFIERS.has(t.text)) {
      k++;
      continue;
    }
    if (t.text === '__attribute__' || t.text === '__typeof__' || t.text === 'typeof') {
      if (tokens[k + 1]?.text === '(') k = skipGroup(tokens, k + 1, to);
      else k++;
      if (t.text !== '__attribute__') base ??= '?';
      continue;
    }
    if (isAttribute(t.text) && base === undefined && !isTypeName(t.text)) {
      k++;
      continue;
    }
    if (t.text === 'struct' || t.text === 'union' || t.text === 'enum') {
      const tag = tokens[k + 1];
      if (tag?.kind === 'ident') {
        base = `${t.text === 'enum' ? 'enum' : t.text} ${tag.text}`;
        k += 2;
      } else {
        base = `${t.text} ?`;
        k++;
      }
      if (tokens[k]?.text === '{') {
        const close = skipGroup(tokens, k, to) - 1;
        inlineDefinition = { tag: base, open: k, close };
        k = close + 1;
      }
      continue;
    }
    if (BUILTIN.has(t.text)) {
      builtin += builtin ? ` ${t.text}` : t.text;
      k++;
      continue;
    }
    if (base === undefined && !builtin) {
      // A typedef or unknown type name: a declaration only if a declarator follows.
      const next = tokens[k + 1];
      if (!next) return undefined;
      if (next.kind === 'ident' || next.text === '*' || (next.text === '(' && tokens[k + 2]?.text === '*')) {
        base = t.text;
        k++;
        continue;
      }
      return undefined;
    }
    break;
  }
  base ??= builtin || undefined;
  if (base === undefined) return undefined;
  let count = 0;
  // Declarators, separated by top-level commas.
  while (k < to) {
    let ptr = 0;
    while (
      k < to &&
      (tokens[k]!.text === '*' || (tokens[k]!.kind === 'ident' && (QUALIFIERS.has(tokens[k]!.text) || isAttribute(tokens[k]!.text))))
    ) {
      if (tokens[k]!.text === '*') ptr++;
      k++;
    }
    const t = tokens[k];
    if (!t) break;
    let d: Declarator | undefined;
    if (t.text === '(' && tokens[k + 1]?.text === '*') {
      // `(*name)(args)`: a function pointer.
      let j = k + 2;
      while (j < to && tokens[j]!.kind === 'ident' && QUALIFIERS.has(tokens[j]!.text)) j++;
      const name = tokens[j];
      if (name?.kind !== 'ident') return count ? declaration(takeDeclarators(count), typedef, isStatic, inlineDefinition) : undefined;
      d = { name: name.text, type: { base, ptr: ptr + 1, fnptr: true } };
      k = skipGroup(tokens, k, to);
      if (tokens[k]?.text === '(') k = skipGroup(tokens, k, to);
    } else if (t.kind === 'ident') {
      d = { name: t.text, type: { base, ptr } };
      k++;
      if (tokens[k]?.text === '(') {
        d.prototype = true;
        k = skipGroup(tokens, k, to);
      }
      while (tokens[k]?.text === '[') {
        d.type = { ...d.type, ptr: d.type.ptr + 1 };
        k = skipGroup(tokens, k, to);
      }
    } else break;
    // Attributes after the declarator (`spinlock_t lock __cacheline_aligned`), bit-fields, initialisers.
    while (k < to && tokens[k]!.kind === 'ident' && isAttribute(tokens[k]!.text)) {
      k++;
      if (tokens[k]?.text === '(') k = skipGroup(tokens, k, to);
    }
    if (tokens[k]?.text === ':' || tokens[k]?.text === '=') {
      const isInit = tokens[k]!.text === '=';
      const start = k + 1;
      let j = start;
      while (j < to && tokens[j]!.text !== ',') {
        const x = tokens[j]!.text;
        if (x === '(' || x === '[' || x === '{') j = skipGroup(tokens, j, to);
        else j++;
      }
      if (isInit) d.init = { from: start, to: j };
      k = j;
    }
    scratch[count++] = d;
    if (tokens[k]?.text === ',') {
      k++;
      continue;
    }
    break;
  }
  if (count === 0 && !inlineDefinition) return undefined;
  return declaration(takeDeclarators(count), typedef, isStatic, inlineDefinition);
}

/**
 * The declarators parseDeclaration reads, before it copies them out to measure: nearly every
 * declaration has one, and a list grown by push from empty reserves room for 17 (a declaration is
 * read for every local, parameter and file-scope declaration; the discipline, the type table).
 */
const scratch: Declarator[] = [];
/** What a scratch slot holds once copied out (its room is kept: emptied, the list would grow again). */
const NO_DECLARATOR: Declarator = { name: '', type: { base: '', ptr: 0 } };

/** The first `count` declarators read, in a list of their own (the scratch keeps none of them). */
function takeDeclarators(count: number): Declarator[] {
  const out = scratch.slice(0, count);
  for (let i = 0; i < count; i++) scratch[i] = NO_DECLARATOR;
  return out;
}

/** A Declaration with `inlineDefinition` only when there is one (no object spread into a new one per declaration). */
function declaration(
  declarators: Declarator[],
  typedef: boolean,
  isStatic: boolean,
  inlineDefinition: Declaration['inlineDefinition'],
): Declaration {
  return inlineDefinition ? { declarators, typedef, isStatic, inlineDefinition } : { declarators, typedef, isStatic };
}

/** Splits tokens [from, to) at top-level `;` (brace groups kept whole). */
export function splitStatements(tokens: readonly Token[], from: number, to: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let s = from;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') {
      k = skipGroup(tokens, k, to) - 1;
      continue;
    }
    if (t.text === ';') {
      if (k > s) out.push({ from: s, to: k });
      s = k + 1;
    }
  }
  if (to > s) out.push({ from: s, to });
  return out;
}
