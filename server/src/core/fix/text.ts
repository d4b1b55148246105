// Line-level text surgery for the fixes: whole-line statements, `if`
// statements found from their condition node, comments carried along,
// indentation. Every edit is an offset range into the analysed text; lines
// the fix does not touch are never part of an edit.
import type { TextEdit } from '../diagnostics';
import { matchClose } from '../syntax/expr';
import { type Token, tokenize } from '../syntax/tokens';

export class Source {
  constructor(readonly text: string) {}

  lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** Offset of the line terminator ending the line of `offset` (`\n`, or the `\r` of `\r\n`), or the text's end. */
  lineEnd(offset: number): number {
    const e = this.text.indexOf('\n', offset);
    if (e < 0) return this.text.length;
    return e > offset && this.text[e - 1] === '\r' ? e - 1 : e;
  }

  /** Offset just past the line terminator of the line of `offset` (the next line's start). */
  nextLineStart(offset: number): number {
    const e = this.text.indexOf('\n', offset);
    return e < 0 ? this.text.length : e + 1;
  }

  indentAt(offset: number): string {
    return /^[ \t]*/.exec(this.text.slice(this.lineStart(offset)))![0];
  }

  /** Only whitespace between the line start and `offset`. */
  startsLine(offset: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  /** The comments (if any) and whitespace after `offset` up to the end of its line; undefined if code follows. */
  trailing(offset: number): string[] | undefined {
    const rest = this.text.slice(offset, this.lineEnd(offset));
    const comments: string[] = [];
    let s = rest;
    for (;;) {
      s = s.replace(/^[ \t]+/, '');
      if (s === '' || s === '\r') return comments;
      const m = /^(\/\*[^]*?\*\/|\/\/.*)/.exec(s);
      if (!m) return undefined;
      comments.push(m[1]!.replace(/\r$/, ''));
      s = s.slice(m[1]!.length);
    }
  }

  /**
   * The whole lines of a statement [start, end) that stands alone on them
   * (whitespace before, nothing but comments after): the range including the
   * final newline, and its trailing comments.
   */
  wholeLines(start: number, end: number): { start: number; end: number; comments: string[] } | undefined {
    if (!this.startsLine(start)) return undefined;
    const comments = this.trailing(end);
    if (!comments) return undefined;
    return { start: this.lineStart(start), end: this.nextLineStart(end), comments };
  }

  isBlankLine(offset: number): boolean {
    return offset < this.text.length && /^[ \t\r]*$/.test(this.text.slice(this.lineStart(offset), this.lineEnd(offset)));
  }

  /** Comments inside [start, end), in order. */
  commentsIn(start: number, end: number): string[] {
    const out: string[] = [];
    const body = this.text.slice(start, end);
    const re = /\/\*[^]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g;
    for (let m = re.exec(body); m; m = re.exec(body)) {
      if (m[0].startsWith('/')) out.push(this.reindentComment(start + m.index, m[0].replace(/\r$/, '')));
    }
    return out;
  }

  /** A multi-line comment's continuation lines, made relative to its first line's indentation. */
  private reindentComment(at: number, comment: string): string {
    const base = this.indentAt(at);
    const lines = comment.split('\n');
    return [lines[0]!, ...lines.slice(1).map((l) => (l.startsWith(base) ? l.slice(base.length) : l.replace(/^[ \t]+/, ' ')))].join('\n');
  }
}

/** Comments laid out as lines at `indent` (continuation lines shifted to match). */
export function commentLines(comments: readonly string[], indent: string): string {
  return comments
    .map(
      (c) =>
        c
          .split('\n')
          .map((l, i) => (i === 0 ? indent + l : indent + l))
          .join('\n') + '\n',
    )
    .join('');
}

export interface IfStatement {
  /** Offset of the `if` keyword (it starts its line). */
  ifStart: number;
  /** Offset just past the statement (the closing brace or the body's `;`). */
  end: number;
  /** The body's range: inside the braces, or the single statement. */
  bodyStart: number;
  bodyEnd: number;
  braces: boolean;
}

/**
 * The `if` statement whose condition is [condStart, condEnd) (the parenthesised
 * condition, as the CFG's cond node has it). Undefined for `else if`, for an
 * `if` with an `else`, or when the shape is not plain.
 */
export function ifStatementAt(src: Source, condStart: number, condEnd: number): IfStatement | undefined {
  const text = src.text;
  const head = text.slice(src.lineStart(condStart), condStart);
  const m = /^([ \t]*)if\s*$/.exec(head);
  if (!m) return undefined;
  const ifStart = src.lineStart(condStart) + m[1]!.length;
  // The statement is read from a window after the condition that grows until
  // it holds the whole statement and the token after it (a body is short; the
  // rest of a large file is not tokenized for it, as the rules ask for many ifs).
  for (let window = 4096; ; window *= 8) {
    const limit = Math.min(text.length, condEnd + Math.min(window, MAX_IF_CHARS));
    const r = ifStatementIn(tokenize(text.slice(condEnd, limit), condEnd), ifStart, limit === text.length);
    if (r !== 'more') return r;
    if (window >= MAX_IF_CHARS) return undefined;
  }
}

/** How far after its condition an `if` statement is looked for. */
const MAX_IF_CHARS = 200000;

/** The statement from the tokens after the condition; `more` when they end before it does (and `complete` is false). */
function ifStatementIn(tokens: readonly Token[], ifStart: number, complete: boolean): IfStatement | 'more' | undefined {
  const more = complete ? undefined : 'more';
  if (tokens.length === 0) return more;
  let end: number;
  let bodyStart: number;
  let bodyEnd: number;
  let braces = false;
  let next: number;
  if (tokens[0]!.text === '{') {
    const close = matchClose(tokens, 0);
    if (close >= tokens.length) return more;
    braces = true;
    bodyStart = tokens[0]!.end;
    bodyEnd = tokens[close]!.start;
    end = tokens[close]!.end;
    next = close + 1;
  } else {
    // A single statement: up to the first `;` outside brackets (no nested control flow).
    if (['if', 'for', 'while', 'do', 'switch', '{'].includes(tokens[0]!.text)) return undefined;
    let depth = 0;
    let i = 0;
    for (; i < tokens.length; i++) {
      const t = tokens[i]!.text;
      if (t === '(' || t === '[') depth++;
      else if (t === ')' || t === ']') depth--;
      else if (t === ';' && depth === 0) break;
    }
    if (i >= tokens.length) return more;
    bodyStart = tokens[0]!.start;
    bodyEnd = tokens[i]!.end;
    end = bodyEnd;
    next = i + 1;
  }
  // The token after the statement must be whole (a window may cut `else` to `el`).
  if (next + 1 >= tokens.length && !complete) return 'more';
  if (tokens[next]?.text === 'else') return undefined;
  return { ifStart, end, bodyStart, bodyEnd, braces };
}

/** Code tokens in [start, end) outside the given ranges (comments never count). */
export function codeOutside(text: string, start: number, end: number, ranges: readonly { start: number; end: number }[]): boolean {
  for (const t of tokenize(text.slice(start, end), start)) {
    if (!ranges.some((r) => t.start >= r.start && t.end <= r.end)) return true;
  }
  return false;
}

/** The file's line terminator: what inserted lines must end with. */
export function eolOf(text: string): '\n' | '\r\n' | '\r' {
  const n = text.indexOf('\n');
  if (n > 0 && text[n - 1] === '\r') return '\r\n';
  if (n < 0 && text.includes('\r')) return '\r';
  return '\n';
}

/** Edits whose inserted line breaks match the file's (the fixes write `\n`). */
export function withEol(edits: readonly TextEdit[], eol: string): TextEdit[] {
  if (eol === '\n') return edits.slice();
  return edits.map((e) => ({ ...e, newText: e.newText.replace(/\r?\n/g, eol) }));
}

/** Applies non-overlapping edits (any order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`overlapping edits at offset ${e.start}`);
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** Two edits overlap (touching insertions at one offset count as overlapping, to keep their order defined). */
export function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return (
    (a.start < b.end && b.start < a.end) ||
    (a.start === a.end && a.start > b.start && a.start < b.end) ||
    (b.start === b.end && b.start > a.start && b.start < a.end)
  );
}
