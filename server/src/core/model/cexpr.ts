// A C expression parser for the model extraction: statement text in, a small
// AST with offsets out (precedence climbing over the project's lexer). It
// reads what the simulator needs to follow a value (operators, member
// accesses, calls, casts, assignments) and turns anything it cannot read into
// an `opaque` node instead of failing: bad input never stops an extraction.
import { matchClose, TYPE_WORDS } from '../syntax/expr';
import { joinTokens, type Token, tokenize } from '../syntax/tokens';

export type CNode =
  | { k: 'num'; v: number; start: number; end: number }
  | { k: 'id'; name: string; start: number; end: number }
  | { k: 'str'; start: number; end: number }
  | { k: 'call'; name: string; args: CNode[]; start: number; end: number }
  | { k: 'member'; obj: CNode; field: string; arrow: boolean; start: number; end: number }
  | { k: 'index'; obj: CNode; index: CNode; start: number; end: number }
  | { k: 'unary'; op: string; a: CNode; start: number; end: number }
  | { k: 'postfix'; op: '++' | '--'; a: CNode; start: number; end: number }
  | { k: 'binary'; op: string; a: CNode; b: CNode; start: number; end: number }
  | { k: 'assign'; op: string; lhs: CNode; rhs: CNode; start: number; end: number }
  | { k: 'cond'; c: CNode; a: CNode; b: CNode; start: number; end: number }
  | { k: 'comma'; list: CNode[]; start: number; end: number }
  | { k: 'cast'; type: string; a: CNode; start: number; end: number }
  /** Something the parser does not read (a compound literal, a statement expression, a GNU extension). */
  | { k: 'opaque'; text: string; start: number; end: number };

const BINARY: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);
/** Words that start a cast's type: C's type words and Xen's fixed-width typedefs. */
const CAST_WORDS: ReadonlySet<string> = new Set([
  ...TYPE_WORDS,
  'uint8_t',
  'uint16_t',
  'uint32_t',
  'uint64_t',
  'int8_t',
  'int16_t',
  'int32_t',
  'int64_t',
  's_time_t',
  'size_t',
]);

/** Parses an expression from tokens[from, to). */
export function parseExpr(tokens: Token[], from = 0, to = tokens.length): CNode {
  const p = new Parser(tokens, from, to);
  try {
    const e = p.comma();
    if (p.i < to) return opaque(tokens, from, to);
    return e;
  } catch {
    return opaque(tokens, from, to);
  }
}

export function parseText(text: string, base = 0): CNode {
  return parseExpr(tokenize(text, base));
}

function opaque(tokens: Token[], from: number, to: number): CNode {
  const start = tokens[from]?.start ?? 0;
  const end = tokens[Math.max(from, to - 1)]?.end ?? start;
  return { k: 'opaque', text: joinTokens(tokens, from, to), start, end };
}

class ParseError extends Error {}

class Parser {
  constructor(
    readonly t: Token[],
    public i: number,
    readonly to: number,
  ) {}

  private peek(k = 0): Token | undefined {
    return this.i + k < this.to ? this.t[this.i + k] : undefined;
  }
  private text(k = 0): string | undefined {
    return this.peek(k)?.text;
  }
  private punct(k = 0): string | undefined {
    const tok = this.peek(k);
    return tok?.kind === 'punct' ? tok.text : undefined;
  }
  private take(): Token {
    const tok = this.peek();
    if (!tok) throw new ParseError('end of expression');
    this.i++;
    return tok;
  }
  private expect(text: string): Token {
    const tok = this.take();
    if (tok.text !== text) throw new ParseError(`expected ${text}`);
    return tok;
  }

  comma(): CNode {
    const first = this.assignment();
    if (this.punct() !== ',') return first;
    const list = [first];
    while (this.punct() === ',') {
      this.i++;
      list.push(this.assignment());
    }
    return { k: 'comma', list, start: first.start, end: list[list.length - 1]!.end };
  }

  assignment(): CNode {
    const lhs = this.conditional();
    const op = this.punct();
    if (op && ASSIGN.has(op)) {
      this.i++;
      const rhs = this.assignment();
      return { k: 'assign', op, lhs, rhs, start: lhs.start, end: rhs.end };
    }
    return lhs;
  }

  conditional(): CNode {
    const c = this.binary(1);
    if (this.punct() !== '?') return c;
    this.i++;
    // GNU `a ?: b`
    const a = this.punct() === ':' ? c : this.comma();
    this.expect(':');
    const b = this.conditional();
    return { k: 'cond', c, a, b, start: c.start, end: b.end };
  }

  binary(min: number): CNode {
    let a = this.unary();
    for (;;) {
      const op = this.punct();
      const prec = op !== undefined ? BINARY[op] : undefined;
      if (prec === undefined || prec < min) return a;
      this.i++;
      const b = this.binary(prec + 1);
      a = { k: 'binary', op: op!, a, b, start: a.start, end: b.end };
    }
  }

  unary(): CNode {
    const tok = this.peek();
    if (!tok) throw new ParseError('expected an operand');
    if (tok.kind === 'punct' && ['!', '~', '-', '+', '*', '&', '++', '--'].includes(tok.text)) {
      this.i++;
      const a = this.unary();
      return { k: 'unary', op: tok.text, a, start: tok.start, end: a.end };
    }
    if (tok.kind === 'ident' && (tok.text === 'sizeof' || tok.text === 'alignof' || tok.text === '_Alignof')) {
      this.i++;
      if (this.punct() === '(') {
        const close = matchClose(this.t, this.i, this.to);
        const end = this.t[close]?.end ?? tok.end;
        this.i = Math.min(close + 1, this.to);
        return { k: 'opaque', text: 'sizeof', start: tok.start, end };
      }
      const a = this.unary();
      return { k: 'opaque', text: 'sizeof', start: tok.start, end: a.end };
    }
    if (tok.kind === 'punct' && tok.text === '(' && this.isCast()) {
      const close = matchClose(this.t, this.i, this.to);
      const type = joinTokens(this.t, this.i + 1, close);
      this.i = close + 1;
      if (this.punct() === '{') {
        // A compound literal.
        const end = matchClose(this.t, this.i, this.to);
        const last = this.t[end]?.end ?? tok.end;
        this.i = Math.min(end + 1, this.to);
        return this.postfix({ k: 'opaque', text: `(${type}){…}`, start: tok.start, end: last });
      }
      const a = this.unary();
      return { k: 'cast', type, a, start: tok.start, end: a.end };
    }
    return this.postfix(this.primary());
  }

  /** `( type )` ahead: a type word, or an identifier followed by `*`s then `)`. */
  private isCast(): boolean {
    const first = this.peek(1);
    if (!first || first.kind !== 'ident') return false;
    if (CAST_WORDS.has(first.text)) return true;
    let k = 2;
    while (this.text(k) === '*') k++;
    if (this.text(k) !== ')') return false;
    // `(x)` alone is a parenthesised expression; `(spinlock_t *)` or `(T)` before an operand is a cast.
    if (k > 2) return true;
    const after = this.peek(k + 1);
    return !!after && /_t$/.test(first.text) && (after.kind !== 'punct' || ['(', '&', '*', '!', '~'].includes(after.text));
  }

  primary(): CNode {
    const tok = this.take();
    if (tok.kind === 'number') return { k: 'num', v: parseNumber(tok.text), start: tok.start, end: tok.end };
    if (tok.kind === 'string' || tok.kind === 'char') {
      if (tok.kind === 'char') return { k: 'num', v: charValue(tok.text), start: tok.start, end: tok.end };
      // Adjacent string literals concatenate.
      let end = tok.end;
      while (this.peek()?.kind === 'string') end = this.take().end;
      return { k: 'str', start: tok.start, end };
    }
    if (tok.kind === 'ident') {
      if (this.punct() === '(') return this.call(tok);
      return { k: 'id', name: tok.text, start: tok.start, end: tok.end };
    }
    if (tok.text === '(') {
      if (this.punct() === '{') {
        // A GNU statement expression.
        const close = matchClose(this.t, this.i - 1, this.to);
        const end = this.t[close]?.end ?? tok.end;
        this.i = Math.min(close + 1, this.to);
        return { k: 'opaque', text: '({…})', start: tok.start, end };
      }
      // A parenthesised expression is the expression (its text without the parentheses names it).
      const e = this.comma();
      this.expect(')');
      return e;
    }
    throw new ParseError(`unexpected ${tok.text}`);
  }

  private call(name: Token): CNode {
    const open = this.i;
    const close = matchClose(this.t, open, this.to);
    if (close >= this.to) throw new ParseError('unclosed call');
    const args: CNode[] = [];
    let s = open + 1;
    let depth = 0;
    for (let k = open + 1; k <= close; k++) {
      const tok = this.t[k]!;
      if (tok.kind === 'punct') {
        if (tok.text === '(' || tok.text === '[' || tok.text === '{') depth++;
        else if (tok.text === ')' || tok.text === ']' || tok.text === '}') depth--;
      }
      if (k === close || (depth === 0 && tok.kind === 'punct' && tok.text === ',')) {
        if (k > s) args.push(parseExpr(this.t, s, k));
        s = k + 1;
      }
    }
    this.i = close + 1;
    return { k: 'call', name: name.text, args, start: name.start, end: this.t[close]!.end };
  }

  private postfix(e: CNode): CNode {
    for (;;) {
      const op = this.punct();
      if (op === '->' || op === '.') {
        this.i++;
        const f = this.take();
        if (f.kind !== 'ident') throw new ParseError('expected a field');
        if (this.punct() === '(') {
          // `ops->hook(x)`: a call through a pointer; its arguments are read, the callee is unknown.
          const call = this.call(f) as Extract<CNode, { k: 'call' }>;
          e = { k: 'call', name: `${op}${f.text}`, args: [e, ...call.args], start: e.start, end: call.end };
          continue;
        }
        e = { k: 'member', obj: e, field: f.text, arrow: op === '->', start: e.start, end: f.end };
      } else if (op === '[') {
        const close = matchClose(this.t, this.i, this.to);
        if (close >= this.to) throw new ParseError('unclosed [');
        const index = parseExpr(this.t, this.i + 1, close);
        const end = this.t[close]!.end;
        this.i = close + 1;
        e = { k: 'index', obj: e, index, start: e.start, end };
      } else if (op === '++' || op === '--') {
        const tok = this.take();
        e = { k: 'postfix', op, a: e, start: e.start, end: tok.end };
      } else if (op === '(' && e.k !== 'id') {
        // `(*fn)(x)`: an indirect call.
        const call = this.call({ kind: 'ident', text: '(*)', start: e.start, end: e.end }) as Extract<CNode, { k: 'call' }>;
        e = { k: 'call', name: '(*)', args: call.args, start: e.start, end: call.end };
      } else return e;
    }
  }
}

function parseNumber(text: string): number {
  const t = text.replace(/[uUlL]+$/, '');
  const v = /^0[xX]/.test(t) ? parseInt(t, 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : Number(t);
  return Number.isFinite(v) ? v : NaN;
}

function charValue(text: string): number {
  const inner = text.slice(1, -1);
  if (inner.startsWith('\\')) return { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39 }[inner[1]!] ?? NaN;
  return inner.charCodeAt(0);
}

/** The canonical text of a node (the source's tokens joined as the rest of the core writes them). */
export function nodeText(source: string, n: CNode): string {
  return joinTokens(tokenize(source.slice(n.start, n.end), n.start), 0, Infinity);
}
