// Function-local reparse. Reparsing a whole Xen file incrementally still costs
// several milliseconds for a one-character edit: tree-sitter cannot reuse the
// subtrees that error recovery built (every loop macro leaves a MISSING `;`),
// so it re-does much of the top level. When an edit stays strictly inside one
// function body and cannot change how text outside it is tokenised, only that
// function is parsed (tree-sitter's included ranges, so offsets stay those of
// the document) and its CFG rebuilt; the full tree keeps the edit and is
// reparsed later (DocumentAnalyzer.settle), which also checks the local result.
import type { Node, Tree } from 'web-tree-sitter';

import type { Analyzer } from '../analyzer';
import { buildCfg, isMacroSemicolon } from '../cfg/build';
import type { Cfg } from '../cfg/types';
import { findFunctions, type FunctionSyntax } from '../syntax/functions';
import { jumpMacrosOf } from '../syntax/jumpMacros';
import type { LineIndex } from '../syntax/lineIndex';
import { headerErrorCount } from '../syntax/parseErrors';
import { tokenize } from '../syntax/tokens';
import type { DocumentEdit } from './treeCache';

/** What the parse-error count and the local reparse need to know about a function's place in the full tree. */
export interface TopLevelFacts {
  /** The definition is a direct child of the translation unit and its neighbours hold no syntax errors. */
  isolated: boolean;
  /** The definition holds ERROR or MISSING nodes (header or body). */
  defHasError: boolean;
  /** Header parts holding errors, as countParseErrors counts them. */
  headerErrors: number;
}

export interface TopLevel {
  byStart: Map<number, TopLevelFacts>;
  /** Children of the translation unit holding errors (the root has errors iff this is not 0). */
  errorItems: number;
}

/** An ERROR node, or a MISSING node other than the `;` after a loop-macro header. */
function hasRealError(root: Node): boolean {
  // A stack of its own: error nodes may nest thousands deep.
  const work: Node[] = [root];
  while (work.length) {
    const n = work.pop()!;
    if (!n.hasError) continue;
    if (n.type === 'ERROR') return true;
    if (n.isMissing) {
      if (!isMacroSemicolon(n)) return true;
      continue;
    }
    for (const c of n.children) if (c) work.push(c);
  }
  return false;
}

/** Facts of the top-level function definitions of a (fully parsed) tree, by start offset. */
export function topLevelFacts(tree: Tree): TopLevel {
  const kids = tree.rootNode.children;
  const errs = kids.map((c) => !!c && c.hasError);
  // For isolation only real errors count: the loop-macro shape's recovery stays
  // inside its own statement, and most Xen functions have one.
  const realErrs = kids.map((c, i) => errs[i]! && hasRealError(c!));
  const byStart = new Map<number, TopLevelFacts>();
  let errorItems = 0;
  for (let i = 0; i < kids.length; i++) {
    const c = kids[i];
    if (!c) continue;
    if (errs[i]) errorItems++;
    if (c.type !== 'function_definition') continue;
    const isolated = !realErrs[i - 1] && !realErrs[i + 1];
    byStart.set(c.startIndex, { isolated, defHasError: errs[i]!, headerErrors: headerErrorCount(c) });
  }
  return { byStart, errorItems };
}

/**
 * Text whose insertion or removal may change tokens beyond the edit's line:
 * braces, string and character quotes, directives and line continuations…
 */
const UNSAFE_CHARS = /[{}"'#\\]/;
/**
 * …and comment openers and closers formed with a neighbouring character
 * (typing `/` after `/`), or a character escaped by a backslash before it.
 */
const UNSAFE_PAIRS = /\/\*|\*\/|\/\/|\\[^]/;

export function locallySafe(text: string, e: DocumentEdit): boolean {
  const removed = text.slice(e.start, e.oldEnd);
  if (UNSAFE_CHARS.test(removed) || UNSAFE_CHARS.test(e.newText)) return false;
  const before = text.slice(Math.max(0, e.start - 1), e.start);
  const after = text.slice(e.oldEnd, e.oldEnd + 1);
  return !UNSAFE_PAIRS.test(before + removed + after) && !UNSAFE_PAIRS.test(before + e.newText + after);
}

/**
 * `text` with the edit applied: `target` itself when it is that text (the
 * document's own string, which the editor hands over). A text made here is a
 * second copy of the document that the line index and the parse flatten, a
 * whole-file allocation on every keystroke; comparing the parts allocates
 * nothing. The parts are compared as slices with `===` (a block comparison
 * of the characters, a few microseconds for a 5,000-line file), not with
 * startsWith/endsWith, which took a tenth to most of a millisecond there.
 */
export function textAfter(text: string, e: DocumentEdit, target?: string): string {
  const after = e.start + e.newText.length;
  if (
    target !== undefined &&
    target.length === text.length - (e.oldEnd - e.start) + e.newText.length &&
    target.startsWith(e.newText, e.start) &&
    target.slice(0, e.start) === text.slice(0, e.start) &&
    target.slice(after) === text.slice(e.oldEnd)
  )
    return target;
  return text.slice(0, e.start) + e.newText + text.slice(e.oldEnd);
}

/** Index of the function whose body strictly contains the edited range, or -1. */
export function functionContaining(fns: readonly { syntax: FunctionSyntax }[], e: DocumentEdit): number {
  let lo = 0;
  let hi = fns.length - 1;
  // Functions are in document order and do not overlap: binary search on the body start.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = fns[mid]!.syntax;
    if (e.start <= s.bodyStart) hi = mid - 1;
    else if (e.start >= s.bodyEnd) lo = mid + 1;
    else return e.oldEnd < s.bodyEnd ? mid : -1;
  }
  return -1;
}

export interface LocalFunction {
  syntax: FunctionSyntax;
  cfg: Cfg;
  /** The body's node count (part of the CFG cache key). */
  bodyNodes: number;
  top: TopLevelFacts;
}

const sameParams = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Parses the function `old` (in the text before the edit) in `text` (after an
 * edit inside its body that changed the length by `delta`) on its own.
 * Returns undefined unless it is still one complete definition with the same
 * header, its body between real braces at the expected offsets, and without
 * syntax errors other than the loop-macro shape.
 */
export function parseFunctionAlone(
  analyzer: Analyzer,
  text: string,
  lines: LineIndex,
  old: FunctionSyntax,
  delta: number,
): LocalFunction | undefined {
  const start = old.start;
  const end = old.end + delta;
  const point = (offset: number): { row: number; column: number } => {
    const p = lines.position(offset);
    return { row: p.line, column: p.character };
  };
  let tree: Tree | null;
  try {
    tree = analyzer.parseRange(text, { startIndex: start, endIndex: end, startPosition: point(start), endPosition: point(end) });
  } catch {
    return undefined;
  }
  if (!tree) return undefined;
  try {
    const root = tree.rootNode;
    if (root.childCount !== 1) return undefined;
    const def = root.firstChild;
    if (!def || def.type !== 'function_definition' || def.startIndex !== start || def.endIndex !== end) return undefined;
    const found = findFunctions(tree, text);
    const f = found[0];
    if (found.length !== 1 || !f || !f.body) return undefined;
    if (f.name !== old.name || !sameParams(f.params, old.params) || f.returnsPointer !== old.returnsPointer || f.isStatic !== old.isStatic)
      return undefined;
    if (f.start !== start || f.end !== end || f.bodyStart !== old.bodyStart || f.bodyEnd !== old.bodyEnd + delta) return undefined;
    const body = f.body;
    const open = body.firstChild;
    const close = body.lastChild;
    if (!open || open.type !== '{' || open.isMissing || !close || close.type !== '}' || close.isMissing || close.endIndex !== end)
      return undefined;
    const cfg = buildCfg(body, text, lines, { jumpMacros: jumpMacrosOf(text).macros });
    // A syntax error (other than the loop-macro shape, whose recovery stays
    // inside its statement) may be recovered differently in the whole file:
    // an unclosed `(` there can swallow the functions after this one.
    // Half-typed code inside balanced brackets is recovered within the function
    // (the whole-file reparse when the editor is idle confirms it); an open
    // bracket is not.
    const headerErrs = headerErrorCount(def);
    if (headerErrs > 0 || (cfg.hasError && !bracketsBalanced(text, start, end))) return undefined;
    const bodyNodes = body.descendantCount;
    f.hasError = cfg.hasError;
    delete f.body;
    return { syntax: f, cfg, bodyNodes, top: { isolated: true, defHasError: def.hasError, headerErrors: headerErrs } };
  } finally {
    tree.delete();
  }
}

/** Every (, [ and { in the text has its closer, in order (comments and strings skipped by the lexer). */
function bracketsBalanced(text: string, start: number, end: number): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const t of tokenize(text.slice(start, end))) {
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') stack.push(t.text);
    else if (t.text in pairs && stack.pop() !== pairs[t.text]) return false;
  }
  return stack.length === 0;
}
