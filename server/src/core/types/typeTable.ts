// What the analysed files and headers declare at file scope: struct and
// union definitions (field → type), typedefs, global and per-CPU variables,
// function return types and function-like macros (the scheduler's accessor
// and cast macros: `CSCHED_PRIV(ops)`, `RUNQ(cpu)`). A file's table sits on
// the shared table of the headers, as its declarations sit on theirs in C.
import { editBetween, type TextEdit } from '../syntax/textEdits';
import { type Token, TokenPool } from '../syntax/tokens';
import { type CType, parseDeclaration, skipGroup, splitStatements } from './declarations';

export interface Macro {
  /** Parameter names; undefined for an object-like macro. `...` is `__VA_ARGS__`. */
  params?: string[];
  body: string;
}

/**
 * A `#define` line (with its continuations): name, parameter list, body.
 * Matched at a line's start, found by `defines`.
 */
const DEFINE = /[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\(([^)]*)\))?((?:[^\n\\]|\\.|\\\n)*)/y;

/**
 * The matches of DEFINE at line starts, in order and not overlapping: what
 * `text.matchAll(/^…/gm)` gives. Only the line starts before a `#` (blanks
 * between) are tried, found by searching for the `#`: the multiline pattern
 * was tried at every line of the file. A line starts after any line
 * terminator, as the pattern's `^` reads it; a line inside a match (a
 * continuation, a lone `\r`) is not tried: the search for `#` resumes past
 * the match, as the global search did.
 */
export function defines(text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let last = 0;
  for (let hash = text.indexOf('#'); hash >= 0; hash = text.indexOf('#', Math.max(hash + 1, last))) {
    let line = hash;
    while (line > 0 && (text.charCodeAt(line - 1) === 32 || text.charCodeAt(line - 1) === 9)) line--;
    if (line > 0 && !isLineTerminator(text.charCodeAt(line - 1))) continue;
    DEFINE.lastIndex = line;
    const m = DEFINE.exec(text);
    if (!m) continue;
    out.push(m);
    last = line + m[0].length;
  }
  return out;
}

/** What ends a line to a multiline pattern's `^`: `\n`, `\r`, U+2028, U+2029. */
function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** The ranges of `text` outside the function bodies, in order. */
function scopeRanges(text: string, bodies: readonly { start: number; end: number }[]): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  const sorted = [...bodies].sort((a, b) => a.start - b.start);
  for (const b of [...sorted, { start: text.length, end: text.length }]) {
    if (b.start > from) out.push([from, b.start]);
    from = Math.max(from, b.end);
  }
  return out;
}

function computeFileKey(text: string, bodies: readonly { start: number; end: number }[]): string {
  const parts = scopeRanges(text, bodies).map(([from, to]) => text.slice(from, to));
  for (const m of defines(text)) parts.push(m[0]);
  return parts.join('\u0000');
}

const BACKSLASH = 0x5c;

/** The last file key made, for the next text when it is this one edited (TypeTable.fileKey). */
let lastKey: { text: string; bodies: readonly { start: number; end: number }[]; key: string } | undefined;

/**
 * The edit leaves fileKey as it was: the text between the bodies and every
 * `#define` are the same. It is strictly inside one body (its braces kept),
 * and every body after it is the same body moved by the edit's length, so
 * the text outside the bodies is the same, only moved. A `#define` starts at
 * a line's `#` and goes on to the next line only after a backslash ending
 * its line: when the edit removes and inserts no line end, `#` or backslash,
 * and its line (between line ends) holds no `#` and does not follow a line
 * ending in a backslash, no `#define` reaches the edited line, before or
 * after the edit, and the others are untouched.
 */
function keepsFileScope(
  edit: TextEdit,
  before: readonly { start: number; end: number }[],
  after: readonly { start: number; end: number }[],
): boolean {
  const delta = edit.newLength - (edit.oldEnd - edit.start);
  if (before.length !== after.length) return false;
  let inside = false;
  for (let i = 0; i < before.length; i++) {
    const b = before[i]!;
    const a = after[i]!;
    if (b.end <= edit.start) {
      if (a.start !== b.start || a.end !== b.end) return false;
    } else if (b.start >= edit.oldEnd) {
      if (a.start !== b.start + delta || a.end !== b.end + delta) return false;
    } else if (b.start < edit.start && edit.oldEnd < b.end) {
      if (a.start !== b.start || a.end !== b.end + delta) return false;
      inside = true;
    } else return false;
  }
  if (!inside) return false;
  const text = edit.after;
  const newEnd = edit.start + edit.newLength;
  const touched = /[\n#\\]/;
  if (touched.test(edit.before.slice(edit.start, edit.oldEnd)) || touched.test(text.slice(edit.start, newEnd))) return false;
  const lineStart = text.lastIndexOf('\n', edit.start - 1) + 1;
  const next = text.indexOf('\n', newEnd);
  if (text.slice(lineStart, next < 0 ? text.length : next).includes('#')) return false;
  return lineStart < 2 || text.charCodeAt(lineStart - 2) !== BACKSLASH;
}

/** readScope's tokens: the table keeps names and types, never a token. */
const scopeTokens = new TokenPool();

/** One scope of file-level declarations (a header set, or one file over it). */
export class TypeTable {
  private readonly structs = new Map<string, Map<string, CType>>();
  private readonly typedefs = new Map<string, CType>();
  private readonly globals = new Map<string, CType>();
  private readonly perCpu = new Map<string, CType>();
  private readonly returns = new Map<string, CType>();
  private readonly macros = new Map<string, Macro>();

  /** The table's content as text (computed when first asked, forgotten when the table changes). */
  private sig: string | undefined;

  constructor(private readonly parent?: TypeTable) {}

  /**
   * Everything the table knows, as one string: two tables with the same
   * signature answer every question alike (what a cache of derived facts
   * keys on: an edit inside a function body leaves it unchanged).
   */
  signature(): string {
    // The parent's part is appended, not serialised into ours (headers are large, and shared by every file's table).
    this.sig ??= `${JSON.stringify([
      [...this.structs].map(([k, m]) => [k, [...m]]),
      [...this.typedefs],
      [...this.globals],
      [...this.perCpu],
      [...this.returns],
      [...this.macros],
    ])}\u0000${this.parent?.signature() ?? ''}`;
    return this.sig;
  }

  field(struct: string, name: string): CType | undefined {
    return this.structs.get(struct)?.get(name) ?? this.parent?.field(struct, name);
  }

  /** The struct is defined in this file's own scope (a .c file's private type, not a header's). */
  ownsStruct(struct: string): boolean {
    return this.parent !== undefined && this.structs.has(struct);
  }

  hasStruct(struct: string): boolean {
    return this.structs.has(struct) || !!this.parent?.hasStruct(struct);
  }

  typedef(name: string): CType | undefined {
    return this.typedefs.get(name) ?? this.parent?.typedef(name);
  }

  global(name: string): CType | undefined {
    return this.globals.get(name) ?? this.parent?.global(name);
  }

  perCpuVar(name: string): CType | undefined {
    return this.perCpu.get(name) ?? this.parent?.perCpuVar(name);
  }

  returnType(fn: string): CType | undefined {
    return this.returns.get(fn) ?? this.parent?.returnType(fn);
  }

  macro(name: string): Macro | undefined {
    return this.macros.get(name) ?? this.parent?.macro(name);
  }

  isTypeName(name: string): boolean {
    return this.typedefs.has(name) || !!this.parent?.isTypeName(name) || name.endsWith('_t');
  }

  /** A typedef resolved to the struct it names (`a653sched_priv_t` → `struct a653sched_priv_s`), pointer depths added. */
  resolve(t: CType): CType {
    let cur = t;
    for (let i = 0; i < 4 && !cur.base.includes(' '); i++) {
      const d = this.typedef(cur.base);
      if (!d) break;
      // (`fnptr` only when set, as a spread of it made it: without the spread's two objects per step.)
      cur = d.fnptr || cur.fnptr ? { base: d.base, ptr: d.ptr + cur.ptr, fnptr: true } : { base: d.base, ptr: d.ptr + cur.ptr };
    }
    return cur;
  }

  setReturn(fn: string, t: CType): void {
    this.sig = undefined;
    this.returns.set(fn, t);
  }

  /**
   * Reads a file's file-scope declarations: `text` with the function bodies
   * (`bodies`: offset ranges) left out, and its `#define`s.
   */
  addFile(text: string, bodies: readonly { start: number; end: number }[]): void {
    this.sig = undefined;
    this.readMacros(text);
    for (const [from, to] of scopeRanges(text, bodies)) this.readScope(text, from, to);
  }

  /**
   * Everything `addFile(text, bodies)` reads, as one string: the file-scope
   * text between the bodies and every `#define` (the same key, the same
   * table; an edit inside a body that adds no `#define` keeps it).
   */
  static fileKey(text: string, bodies: readonly { start: number; end: number }[]): string {
    // A keystroke inside a body leaves the key as it was: the last key is given again, not made (the key is a third
    // of the file, joined and then hashed as the tables' map key on every keystroke).
    const last = lastKey;
    const edit = last && editBetween(last.text, text);
    const key = last && edit && keepsFileScope(edit, last.bodies, bodies) ? last.key : computeFileKey(text, bodies);
    lastKey = { text, bodies, key };
    return key;
  }

  private readMacros(text: string): void {
    for (const m of defines(text)) {
      const body = m[4]!
        .replace(/\\\n/g, ' ')
        .replace(/\/\*[\s\S]*?\*\//g, ' ')
        .replace(/\/\/.*$/, '')
        .trim();
      if (!body) continue;
      const params =
        m[2] !== undefined
          ? m[3]!.split(',').map((p) =>
              p
                .trim()
                .replace(/^\.\.\.$/, '__VA_ARGS__')
                .replace(/\.\.\.$/, ''),
            )
          : undefined;
      this.macros.set(m[1]!, params ? { params: params.filter((p) => p !== ''), body } : { body });
    }
  }

  /** File-scope text between function bodies (prototypes, structs, variables, the header before a body). */
  private readScope(text: string, start: number, end: number): void {
    const tokens = scopeTokens.borrow(text, start, end);
    try {
      this.readStatements(tokens);
    } finally {
      scopeTokens.giveBack();
    }
  }

  private readStatements(tokens: readonly Token[]): void {
    const isTypeName = (n: string): boolean => this.isTypeName(n);
    for (const st of splitStatements(tokens, 0, tokens.length)) {
      const first = tokens[st.from]!;
      // `static DEFINE_SPINLOCK(x);`, `DEFINE_PER_CPU(struct sched_resource *, sched_res);`, `static LIST_HEAD(l);`.
      const k = first.text === 'static' ? st.from + 1 : st.from;
      const head = tokens[k];
      if (head?.kind === 'ident' && tokens[k + 1]?.text === '(' && this.declaratorMacro(tokens, k, st.to)) continue;
      // A function definition's header (the body was cut out): its return type.
      const d = parseDeclaration(tokens, st.from, st.to, isTypeName);
      if (!d) {
        this.readStructsIn(tokens, st.from, st.to);
        continue;
      }
      let anonymousAs: string | undefined;
      if (d.inlineDefinition) {
        // `typedef struct { … } balance_state_t;`: the struct is known by its typedef's name.
        const tag = d.inlineDefinition.tag;
        anonymousAs = tag.endsWith(' ?') && d.typedef && d.declarators[0] ? `${tag.slice(0, -2)} ${d.declarators[0].name}` : undefined;
        this.readStruct(anonymousAs ?? tag, tokens, d.inlineDefinition.open, d.inlineDefinition.close);
      }
      for (const x of d.declarators) {
        if (d.typedef) this.typedefs.set(x.name, anonymousAs ? { ...x.type, base: anonymousAs } : x.type);
        else if (x.prototype) this.returns.set(x.name, x.type);
        else this.globals.set(x.name, x.type);
      }
    }
  }

  /** `struct T { … }` nested anywhere in a statement that is not a declaration we read. */
  private readStructsIn(tokens: readonly Token[], from: number, to: number): void {
    for (let k = from; k + 2 < to; k++) {
      const t = tokens[k]!;
      if ((t.text === 'struct' || t.text === 'union') && tokens[k + 1]!.kind === 'ident' && tokens[k + 2]!.text === '{') {
        const close = skipGroup(tokens, k + 2, to) - 1;
        this.readStruct(`${t.text} ${tokens[k + 1]!.text}`, tokens, k + 2, close);
        k = close;
      }
    }
  }

  private declaratorMacro(tokens: readonly Token[], k: number, to: number): boolean {
    const name = tokens[k]!.text;
    const close = skipGroup(tokens, k + 1, to) - 1;
    const args = splitTopLevel(tokens, k + 2, close);
    const last = args[args.length - 1];
    const lastName = last && last.to - last.from === 1 ? tokens[last.from]!.text : undefined;
    if (/^(DEFINE|DECLARE)_PER_CPU(_\w+)?$/.test(name) && args.length === 2 && lastName) {
      const d = parseDeclaration(tokens, args[0]!.from, args[0]!.to, (n) => this.isTypeName(n));
      // The type alone parses as a type name with no declarator: read it by hand.
      const type = typeOfTokens(tokens, args[0]!.from, args[0]!.to) ?? d?.declarators[0]?.type;
      if (type) this.perCpu.set(lastName, type);
      return true;
    }
    if (
      /^(DEFINE_SPINLOCK|DEFINE_RWLOCK|DEFINE_RCU_READ_LOCK|LIST_HEAD|PAGE_LIST_HEAD|DEFINE_PERCPU_RWLOCK_GLOBAL)$/.test(name) &&
      lastName
    ) {
      const base =
        name === 'DEFINE_SPINLOCK'
          ? 'spinlock_t'
          : name === 'DEFINE_RWLOCK'
            ? 'rwlock_t'
            : name.includes('LIST')
              ? name.startsWith('PAGE')
                ? 'struct page_list_head'
                : 'struct list_head'
              : name === 'DEFINE_RCU_READ_LOCK'
                ? 'rcu_read_lock_t'
                : 'percpu_rwlock_t';
      this.globals.set(lastName, { base, ptr: 0 });
      return true;
    }
    return false;
  }

  private readStruct(tag: string, tokens: readonly Token[], open: number, close: number): void {
    const fields = new Map<string, CType>();
    for (const st of splitStatements(tokens, open + 1, close)) {
      const d = parseDeclaration(tokens, st.from, st.to, (n) => this.isTypeName(n));
      if (!d) continue;
      let inner: string | undefined;
      if (d.inlineDefinition) {
        // An anonymous nested struct is named after its field (`struct csched_unit.stats`).
        const anonymous = d.inlineDefinition.tag.endsWith(' ?');
        const name = d.declarators[0]?.name;
        inner = anonymous ? (name ? `${tag}.${name}` : undefined) : d.inlineDefinition.tag;
        if (inner) this.readStruct(inner, tokens, d.inlineDefinition.open, d.inlineDefinition.close);
        // An anonymous member struct/union without a name: its fields are the outer struct's.
        if (anonymous && !name) {
          const sub = `${tag}.?${st.from}`;
          this.readStruct(sub, tokens, d.inlineDefinition.open, d.inlineDefinition.close);
          for (const [f, t] of this.structs.get(sub) ?? []) fields.set(f, t);
          this.structs.delete(sub);
        }
      }
      for (const x of d.declarators) fields.set(x.name, inner ? { ...x.type, base: inner } : x.type);
    }
    const known = this.structs.get(tag);
    // Two definitions of one tag (an #ifdef alternative): their fields together.
    if (known) for (const [f, t] of fields) known.set(f, t);
    else this.structs.set(tag, fields);
  }
}

/** Top-level comma-separated ranges of tokens [from, to). */
export function splitTopLevel(tokens: readonly Token[], from: number, to: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let s = from;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{')) {
      k = skipGroup(tokens, k, to) - 1;
      continue;
    }
    if (t.kind === 'punct' && t.text === ',') {
      out.push({ from: s, to: k });
      s = k + 1;
    }
  }
  if (to > s) out.push({ from: s, to });
  return out;
}

/** A type name alone (`struct sched_resource *`, `unsigned int`, `cpumask_t`): a cast's or a macro argument's. */
export function typeOfTokens(tokens: readonly Token[], from: number, to: number): CType | undefined {
  let k = from;
  let base: string | undefined;
  let builtin = '';
  while (k < to) {
    const t = tokens[k]!;
    if (t.kind !== 'ident') break;
    if (t.text === 'const' || t.text === 'volatile') {
      k++;
      continue;
    }
    if ((t.text === 'struct' || t.text === 'union') && tokens[k + 1]?.kind === 'ident' && k + 1 < to) {
      base = `${t.text} ${tokens[k + 1]!.text}`;
      k += 2;
      continue;
    }
    if (/^(unsigned|signed|long|short|int|char|bool|void)$/.test(t.text)) {
      builtin += builtin ? ` ${t.text}` : t.text;
      k++;
      continue;
    }
    if (base === undefined && !builtin) {
      base = t.text;
      k++;
      continue;
    }
    return undefined;
  }
  base ??= builtin || undefined;
  if (!base) return undefined;
  let ptr = 0;
  while (k < to && (tokens[k]!.text === '*' || tokens[k]!.text === 'const')) {
    if (tokens[k]!.text === '*') ptr++;
    k++;
  }
  return k === to ? { base, ptr } : undefined;
}
