// What tree-sitter parses instead of the source: the same text with Xen's
// attribute macros (xen/attributes.ts) and a few GNU C idioms the C grammar
// does not know replaced by spaces, so that every offset, line and column
// stays where it was. Only the parser reads the blanked text; the CFG, the
// lexer, the rules and the fixes read the source. Every rewrite is local to a
// few tokens (the incremental tree cache diffs the blanked texts to tell the
// parser what changed, so nothing here needs to know about edits).
import { type AttributeMacro, BUILTIN_ATTRIBUTES } from '../xen/attributes';
import { isIdentPart, isIdentStart } from './tokens';

/** How far a function-like attribute's argument list may reach (a larger one is left alone). */
const MAX_ARGS_CHARS = 400;

/** `IDENT(` before which a `struct T` argument is a macro's (not sizeof's, a cast's or a compound literal's). */
const NOT_MACROS = new Set([
  'sizeof',
  'alignof',
  '_Alignof',
  '__alignof__',
  'typeof',
  '__typeof',
  '__typeof__',
  'offsetof',
  '__builtin_offsetof',
  'if',
  'while',
  'for',
  'switch',
  'return',
]);

/**
 * A type as a whole macro argument (`xzalloc(struct foo)`, `list_entry(p,
 * struct foo, elem)`, `DEFINE_PER_CPU(struct foo *, bar)`): the grammar wants
 * an expression there. The keyword and the stars are blanked, leaving the
 * type's name as a plain identifier argument.
 */
// It starts at the bracket or comma (a search V8 does fast); the callee before
// it is read backwards (calleeBefore), not by the pattern: a leading optional
// identifier made the engine try a match at every offset of the file.
const TYPE_ARG = /([(,]\s*)(struct|union|enum)(\s+[A-Za-z_]\w*)((?:\s*\*)*)(?=\s*[,)])/g;
/** GNU `alignof(*ptr)` (of an expression): `sizeof (*ptr)` parses, and the analysis does not read it. */
const ALIGNOF_EXPR = /\b(?:__alignof__|alignof)(?=\s*\(\s*\*)/g;
/** A named variadic macro parameter (`#define d2printk(x...)`): the name goes, `...` stays. */
const NAMED_VARIADIC = /^([ \t]*#[ \t]*define[ \t]+[A-Za-z_]\w*\([^)\n]*?)([A-Za-z_]\w*)(?=\.\.\.)/gm;

/** The first argument of a call that is not sizeof & co., or a later argument (a `(` without a callee is a cast). */
const isMacroArgument = (callee: string | undefined, open: string): boolean =>
  open.includes(',') || (callee !== undefined && !NOT_MACROS.has(callee));

const spaces = (s: string): string => s.replace(/[^\r\n]/g, ' ');
const escape = (s: string): string => s.replace(/[$]/g, '\\$&');

export class Blanker {
  private readonly words: RegExp | undefined;
  private readonly withArgs: ReadonlySet<string>;

  constructor(extra: readonly AttributeMacro[] = []) {
    const all = new Map<string, AttributeMacro>();
    for (const a of [...BUILTIN_ATTRIBUTES, ...extra]) all.set(a.name, a);
    const names = [...all.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    this.words = names.length ? new RegExp(`\\b(?:${names.map(escape).join('|')})\\b`, 'g') : undefined;
    this.withArgs = new Set([...all.values()].filter((a) => a.args).map((a) => a.name));
  }

  /** The text the parser reads: same length, same line ends. */
  blank(text: string): string {
    let out = this.words ? blankSpans(text, this.attributeSpans(text)) : text;
    out = out.replace(TYPE_ARG, (whole, open: string, keyword: string, name: string, stars: string, at: number, all: string) =>
      isMacroArgument(calleeBefore(all, at), open) ? `${open}${spaces(keyword)}${name}${spaces(stars)}` : whole,
    );
    // (Each pattern needs a word most files lack: a search for it, far faster than the pattern, is asked first.)
    if (out.includes('alignof')) out = out.replace(ALIGNOF_EXPR, (k) => (k === 'alignof' ? 'sizeof ' : 'sizeof     '));
    if (out.includes('...')) out = out.replace(NAMED_VARIADIC, (_w, head: string, name: string) => `${head}${spaces(name)}`);
    return loopHeadsAsFor(out);
  }

  /** Where the attribute macros are: the word, and for a function-like one its argument list too. */
  private attributeSpans(text: string): { from: number; to: number }[] {
    const spans: { from: number; to: number }[] = [];
    const re = this.words!;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const to = m.index + m[0].length;
      const end = this.withArgs.has(m[0]) ? argsEnd(text, to) : -1;
      spans.push({ from: m.index, to: end > 0 ? end : to });
      if (end > 0) re.lastIndex = end;
    }
    return spans;
  }
}

/** The identifier right before offset `at` (blanks between allowed), if any. */
function calleeBefore(text: string, at: number): string | undefined {
  let end = at;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  let start = end;
  while (start > 0 && /\w/.test(text[start - 1]!)) start--;
  // An identifier does not start with a digit (`9abc` reads as `abc`, as the pattern did).
  while (start < end && /\d/.test(text[start]!)) start++;
  return start < end ? text.slice(start, end) : undefined;
}

/** `text` with the (ordered, disjoint) spans replaced by spaces, line ends kept. */
function blankSpans(text: string, spans: readonly { from: number; to: number }[]): string {
  if (spans.length === 0) return text;
  const parts: string[] = [];
  let last = 0;
  for (const { from, to } of spans) {
    parts.push(text.slice(last, from), spaces(text.slice(from, to)));
    last = to;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/**
 * The offset just past the balanced `( … )` that follows `from` (after
 * blanks), or -1 when there is none within MAX_ARGS_CHARS or one of `stops`
 * comes first outside a string (a statement or block boundary: not an
 * argument list).
 */
function argsEnd(text: string, from: number, stops = ';{}'): number {
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  if (text[i] !== '(') return -1;
  let depth = 0;
  const limit = Math.min(text.length, i + MAX_ARGS_CHARS);
  for (; i < limit; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      // A string argument (`__section(".init.text")`): its contents are not brackets.
      for (i++; i < limit && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    else if (stops.includes(c)) return -1;
  }
  return -1;
}

/**
 * Loop macros (`for_each_vcpu ( d, v ) { … }`, `list_for_each_entry(…) x;`)
 * as `for(;;)`, the rest of the header blanked: the grammar does not know a
 * call followed by a statement, and its error recovery there (a MISSING `;`,
 * a broken expression, a nested function definition) was about a sixth of the
 * parse of Xen-style code. The CFG builder reads such a `for` from the source
 * (which still says `for_each_vcpu ( d, v )`) as the loop macro it is
 * (cfg/build.ts, `macroFor`). Only a header the parser could read no other
 * way is rewritten: a name containing `for_each` at the start of a statement
 * (after `;`, `{`, `}`, `)`, `:`, `else` or `do`), a balanced argument list,
 * then a block or a statement that starts with a word. Anything else keeps
 * its text, and the CFG builder's repair of the broken parse.
 */
function loopHeadsAsFor(text: string): string {
  let parts: string[] | undefined;
  let last = 0;
  for (let at = text.indexOf('for_each'); at >= 0; at = text.indexOf('for_each', at + 8)) {
    let start = at;
    while (start > 0 && isIdentPart(text.charCodeAt(start - 1))) start--;
    let end = at + 8;
    while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
    if (start < last || !startsStatement(text, start)) continue;
    // (A comment or a preprocessor line inside the header: not one this rewrite reads.)
    const close = argsEnd(text, end, ';{}/#') - 1;
    if (close < 0 || !bodyFollows(text, close + 1)) continue;
    // `for(;;)` over the first seven characters of the name (it has at least eight), the rest blanked.
    (parts ??= []).push(text.slice(last, start), 'for(;;)', spaces(text.slice(start + 7, close + 1)));
    last = close + 1;
    at = close;
  }
  if (!parts) return text;
  parts.push(text.slice(last));
  return parts.join('');
}

const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Whether a statement can start at `start`: what comes before it ends a statement, a condition or a label. */
function startsStatement(text: string, start: number): boolean {
  let i = start;
  // Blanks, and block comments (`/* Wake on new CPU. */` above the loop), come between.
  for (let comments = 0; ; comments++) {
    while (i > 0 && isBlank(text.charCodeAt(i - 1))) i--;
    if (comments === 8 || i < 4 || text[i - 1] !== '/' || text[i - 2] !== '*') break;
    const open = text.lastIndexOf('/*', i - 3);
    if (open < 0) return false;
    i = open;
  }
  if (i === 0) return false;
  const c = text[i - 1]!;
  if (c === ';' || c === '{' || c === '}' || c === ')' || c === ':') return true;
  let w = i;
  while (w > 0 && isIdentPart(text.charCodeAt(w - 1))) w--;
  const word = text.slice(w, i);
  return word === 'else' || word === 'do';
}

/** Whether a loop body follows at `from` (after blanks): a block, or a statement starting with a word. */
function bodyFollows(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  return c === 123 /* { */ || isIdentStart(c);
}
