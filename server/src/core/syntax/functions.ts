// Finds the function definitions of a translation unit, including those that
// tree-sitter recovered inside ERROR nodes or preprocessor conditionals.
import type { Node, Tree } from 'web-tree-sitter';

import { owned } from './ownedString';
import { TokenPool } from './tokens';

export interface FunctionSyntax {
  name: string;
  /** Parameter names in order ('' where unnamed). */
  params: string[];
  /** Offsets of the whole definition and of the body's braces. */
  start: number;
  end: number;
  bodyStart: number;
  bodyEnd: number;
  /** The declared return type returns a pointer (for conditional-acquire summaries). */
  returnsPointer: boolean;
  isStatic: boolean;
  /** The definition (header or body) contains ERROR or MISSING nodes that are not the loop-macro shape. */
  hasError: boolean;
  /** The body node: valid only while its tree lives (the analyzer frees trees after building CFGs). */
  body?: Node;
}

/** Top-level nodes that hold definitions (preprocessor conditionals, extern "C" blocks). */
export const DEFINITION_GROUPS: ReadonlySet<string> = new Set([
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
]);
/** …plus the root and ERROR nodes, in which tree-sitter may recover whole definitions. */
const CONTAINERS = new Set([...DEFINITION_GROUPS, 'translation_unit', 'ERROR']);

/**
 * `root`: the tree's root node, when the caller walks it too (each `tree.rootNode`
 * is a new object, and a node's children are fetched from WASM once per object).
 */
export function findFunctions(tree: Tree, source: string, root: Node = tree.rootNode): FunctionSyntax[] {
  const out: FunctionSyntax[] = [];
  // Depth first in document order with a stack of its own: `#ifdef`s or unclosed
  // `{`s nested thousands deep must not overflow the call stack.
  const work: { node: Node; define: boolean }[] = [{ node: root, define: false }];
  while (work.length) {
    const { node, define } = work.pop()!;
    if (define) {
      const f = functionOf(node, source);
      if (!f) continue;
      out.push(f);
      const hasError = f.body ? f.body.hasError : false;
      if (f.body) bodies.set(f.body, { end: f.bodyEnd, hasError });
      // An unclosed `{` makes tree-sitter nest the functions after it inside this
      // one. They are functions of their own; this one ends where the first starts.
      const nested = hasError && f.body ? unclosedNesting(f.body) : [];
      if (nested.length === 0) continue;
      f.end = f.bodyEnd = unclosedEndOffset(source, nested[0]!);
      for (let i = nested.length - 1; i >= 0; i--) work.push({ node: nested[i]!, define: true });
      continue;
    }
    const kids = node.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) {
      const child = kids[i];
      if (!child) continue;
      const type = child.type; // (a call into WASM: read once)
      if (type === 'function_definition') work.push({ node: child, define: true });
      else if (CONTAINERS.has(type)) work.push({ node: child, define: false });
    }
  }
  return out;
}

/**
 * What findFunctions read of each body (its end and its error flag: each a
 * call into WASM, about a microsecond), for the CFG builder, which asks the
 * same body for both (cfg/build.ts). By node object: a body found otherwise
 * (or in another tree) is not here, and is asked.
 */
const bodies = new WeakMap<Node, { end: number; hasError: boolean }>();

/** The end and error flag findFunctions read of `body`, if it found it. */
export function knownBody(body: Node): { end: number; hasError: boolean } | undefined {
  return bodies.get(body);
}

/**
 * A definition with a parameter list (`int f(void) { … }`) inside a body: C has
 * no nested functions, so it is a real function after an unclosed `{`. (A loop
 * macro read as a definition has a parenthesised declarator instead:
 * `for_each_affinity_balance_step( bs ) { … }`.)
 */
export function isNestedRealDefinition(def: Node): boolean {
  let decl = def.childForFieldName('declarator');
  while (decl && decl.type === 'pointer_declarator') decl = decl.childForFieldName('declarator');
  if (decl?.type !== 'function_declarator' || !def.childForFieldName('body')) return false;
  // `#endif`-split `else if ( c ) { … }` parses as `else if(c) { … }`: type
  // `else`, name `if`. Statement keywords are never a type or a function name.
  const name = decl.childForFieldName('declarator');
  const type = def.childForFieldName('type');
  return name?.type === 'identifier' && !STATEMENT_KEYWORDS.has(name.text) && !!type && !STATEMENT_KEYWORDS.has(type.text);
}

const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'if',
  'else',
  'while',
  'for',
  'do',
  'switch',
  'case',
  'default',
  'return',
  'goto',
  'break',
  'continue',
  'sizeof',
]);

/** Where a function left unclosed ends: the last non-blank text before the first definition nested in it. */
export function unclosedEndOffset(source: string, nested: Node): number {
  let at = nested.startIndex;
  while (at > 0 && /\s/.test(source[at - 1]!)) at--;
  return at;
}

/** The real definitions nested in `body` (in document order), looking only into nodes that hold errors. */
function unclosedNesting(body: Node): Node[] {
  const out: Node[] = [];
  // Document order, with a stack of its own (error nodes may nest thousands deep).
  const work: { node: Node; found: boolean }[] = [{ node: body, found: false }];
  while (work.length) {
    const { node, found } = work.pop()!;
    if (found) {
      out.push(node);
      continue;
    }
    const kids = node.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) {
      const c = kids[i];
      if (!c) continue;
      if (c.type === 'function_definition' && isNestedRealDefinition(c)) work.push({ node: c, found: true });
      else if (c.hasError) work.push({ node: c, found: false });
    }
  }
  return out;
}

function functionOf(def: Node, source: string): FunctionSyntax | undefined {
  const body = def.childForFieldName('body');
  let decl = def.childForFieldName('declarator');
  if (!body || !decl) return undefined;
  // `static void cf_check\nschedule(void) { … }`: tree-sitter may split off the
  // attribute-laden head and read `schedule(void)` as TYPE (declarator).
  let declType: string | undefined = decl.type;
  const type = declType === 'parenthesized_declarator' ? def.childForFieldName('type') : null;
  if (type && type.type === 'type_identifier') {
    const name = source.slice(type.startIndex, type.endIndex);
    if (!/^[A-Za-z_]\w*$/.test(name) || isLoopMacroName(name)) return undefined;
    return {
      name,
      params: paramNames(source.slice(decl.startIndex, decl.endIndex)),
      start: def.startIndex,
      end: def.endIndex,
      bodyStart: body.startIndex,
      bodyEnd: body.endIndex,
      returnsPointer: false,
      isStatic: false,
      hasError: false,
      body,
    };
  }
  let returnsPointer = false;
  while (decl && declType !== 'function_declarator') {
    if (declType === 'pointer_declarator') returnsPointer = true;
    decl = decl.childForFieldName('declarator');
    declType = decl?.type;
  }
  if (!decl) return undefined;
  const nameNode = decl.childForFieldName('declarator');
  const paramsNode = decl.childForFieldName('parameters');
  if (!nameNode) return undefined;
  const name = owned(source.slice(nameNode.startIndex, nameNode.endIndex).trim());
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const header = source.slice(def.startIndex, nameNode.startIndex);
  return {
    name,
    params: paramsNode ? paramNames(source.slice(paramsNode.startIndex, paramsNode.endIndex)) : [],
    start: def.startIndex,
    end: def.endIndex,
    bodyStart: body.startIndex,
    bodyEnd: body.endIndex,
    returnsPointer,
    isStatic: /\bstatic\b/.test(header),
    hasError: false,
    body,
  };
}

/**
 * `(struct vcpu *v, unsigned int cpu)` -> ['v', 'cpu']; `(void)` -> []: per
 * comma-separated parameter, its last identifier when it has a type before it.
 */
export function paramNames(list: string): string[] {
  return isPlainParamList(list) ? paramNamesOfTokens(list) : paramNamesOfText(list);
}

/**
 * Whether `list` is ASCII without a comment, string, character, array
 * bracket, preprocessor line or line continuation: then lexing it once and
 * splitting its tokens at top-level commas reads what paramNamesOfText reads
 * (its patterns' blanks are the lexer's, and no comma, bracket or word hides
 * in a comment or a string). Nearly every list is: it was a fifth of
 * findFunctions, a slice, a lexing and a pattern per parameter.
 */
function isPlainParamList(list: string): boolean {
  for (let i = 0; i < list.length; i++) {
    const c = list.charCodeAt(i);
    if (c >= 128 || c === 47 /* / */ || c === 34 /* " */ || c === 39 /* ' */ || c === 35 /* # */ || c === 91 /* [ */ || c === 92 /* \ */)
      return false;
  }
  return true;
}

/** paramNamesOfText for a plain list (isPlainParamList), from one lexing of it. */
function paramNamesOfTokens(list: string): string[] {
  const tokens = paramTokens.borrow(list, 0, list.length);
  try {
    // The list's own brackets (what the text's patterns strip), then `()` and `(void)`.
    let from = 0;
    let to = tokens.length;
    if (to > 0 && tokens[0]!.text === '(') from++;
    if (to > from && tokens[to - 1]!.text === ')') to--;
    if (to === from || (to === from + 1 && tokens[from]!.text === 'void')) return [];
    const names: string[] = [];
    let depth = 0;
    let words = 0;
    let last = '';
    for (let k = from; k < to; k++) {
      const t = tokens[k]!;
      if (t.kind === 'ident') {
        words++;
        last = t.text;
      } else if (t.text === '(') depth++;
      else if (t.text === ')' || t.text === ']') depth--;
      else if (t.text === ',' && depth === 0) {
        names.push(words < 2 ? '' : last);
        words = 0;
        last = '';
      }
    }
    names.push(words < 2 ? '' : last);
    // Kept with the function (and its summary) to the end of a run: a copy made to measure.
    return names.slice();
  } finally {
    paramTokens.giveBack();
  }
}

/** paramNames of any list, from its text: split at top-level commas, each piece lexed (lastIdent). */
export function paramNamesOfText(list: string): string[] {
  const inner = list.replace(/^\s*\(/, '').replace(/\)\s*$/, '');
  if (/^\s*(void)?\s*$/.test(inner)) return [];
  const names: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner.charCodeAt(i);
    if (c === 40 /* ( */ || c === 91 /* [ */) depth++;
    else if (c === 41 /* ) */ || c === 93 /* ] */) depth--;
    else if (c === 44 /* , */ && depth === 0) {
      names.push(lastIdent(inner.slice(from, i)));
      from = i + 1;
    }
  }
  names.push(lastIdent(inner.slice(from)));
  // Kept with the function (and its summary) to the end of a run: a copy made to measure, not the
  // list grown by push (room for 17).
  return names.slice();
}

/** The last identifier of a parameter declaration, if it has a type before it. */
function lastIdent(piece: string): string {
  let count = 0;
  let last = '';
  const text = piece.includes('[') ? piece.replace(/\[.*\]/, '') : piece;
  const tokens = paramTokens.borrow(text, 0, text.length);
  try {
    for (const t of tokens) {
      if (t.kind !== 'ident') continue;
      count++;
      last = t.text;
    }
  } finally {
    paramTokens.giveBack();
  }
  return count < 2 ? '' : last;
}

/** lastIdent's tokens: it keeps a name, never a token. */
const paramTokens = new TokenPool();

/** Loop macros read as `TYPE (x) { … }` must not become functions. */
function isLoopMacroName(name: string): boolean {
  return /(^|_)for_each|^list_for|_foreach|^until_/.test(name);
}
