// What tree-sitter parses instead of the source: the same text with Xen's
// attribute macros (xen/attributes.ts) and a few GNU C idioms the C grammar
// does not know replaced by spaces, so that every offset, line and column
// stays where it was. Only the parser reads the blanked text; the CFG, the
// lexer, the rules and the fixes read the source. Every rewrite is local to a
// few tokens (the incremental tree cache diffs the blanked texts to tell the
// parser what changed, so nothing here needs to know about edits).
import { type AttributeMacro, BUILTIN_ATTRIBUTES } from '../xen/attributes';

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
    out = out.replace(ALIGNOF_EXPR, (k) => (k === 'alignof' ? 'sizeof ' : 'sizeof     '));
    return out.replace(NAMED_VARIADIC, (_w, head: string, name: string) => `${head}${spaces(name)}`);
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

/** The offset just past the balanced `( … )` that follows `from` (after blanks), or -1. */
function argsEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  if (text[i] !== '(') return -1;
  let depth = 0;
  const limit = Math.min(text.length, i + MAX_ARGS_CHARS);
  for (; i < limit; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      // A string argument (`__section(".init.text")`): its contents are not brackets.
      for (i++; i < limit && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
    // A statement or block boundary: this is not an attribute's argument list.
    else if (c === ';' || c === '{' || c === '}') return -1;
  }
  return -1;
}
