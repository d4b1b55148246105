// Counts a tree's syntax errors, leaving out the MISSING `;` that every loop
// macro header (`for_each_vcpu ( d, v ) {`) produces: that shape is understood.
// Error sites inside function bodies are counted by the CFG builder (which
// visits every statement anyway); here only the top level is walked, because a
// tree-sitter query over the whole tree costs as much as a fifth of the parse.
import type { Node, Tree } from 'web-tree-sitter';

import { DEFINITION_GROUPS } from './functions';

/** Parts of a function definition's head (declarator, attributes) holding errors. */
export function headerErrorCount(def: Node): number {
  if (!def.hasError) return 0;
  let n = 0;
  for (const h of def.namedChildren) if (h && h.type !== 'compound_statement' && h.hasError) n++;
  return n;
}

/** `root`: the tree's root node, when the caller has it (see findFunctions). */
export function countParseErrors(tree: Tree, bodyErrorSites: readonly number[], root: Node = tree.rootNode): number {
  let count = bodyErrorSites.reduce((a, b) => a + b, 0);
  if (!root.hasError) return 0;
  // A stack of its own: `#ifdef`s may nest thousands deep.
  const work: Node[] = [root];
  while (work.length) {
    for (const c of work.pop()!.namedChildren) {
      if (!c || !c.hasError) continue;
      if (c.type === 'ERROR' || c.isMissing) count++;
      else if (DEFINITION_GROUPS.has(c.type)) work.push(c);
      // Errors in the head only: the body's are counted already.
      else if (c.type === 'function_definition') count += headerErrorCount(c);
      else count++;
    }
  }
  return count;
}
