// Counts a tree's syntax errors, leaving out the MISSING `;` that every loop
// macro header (`for_each_vcpu ( d, v ) {`) produces: that shape is understood.
// Error sites inside function bodies are counted by the CFG builder (which
// visits every statement anyway); here only the top level is walked, because a
// tree-sitter query over the whole tree costs as much as a fifth of the parse.
import type { Node, Tree } from 'web-tree-sitter';

const CONTAINERS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification', 'declaration_list']);

export function countParseErrors(tree: Tree, bodyErrorSites: readonly number[]): number {
  let count = bodyErrorSites.reduce((a, b) => a + b, 0);
  if (!tree.rootNode.hasError) return 0;
  const visit = (node: Node): void => {
    for (const c of node.namedChildren) {
      if (!c || !c.hasError) continue;
      if (c.type === 'ERROR' || c.isMissing) count++;
      else if (CONTAINERS.has(c.type)) visit(c);
      else if (c.type === 'function_definition') {
        // Errors in the header (declarator, attributes); the body's are counted already.
        for (const h of c.namedChildren) if (h && h.type !== 'compound_statement' && h.hasError) count++;
      } else count++;
    }
  };
  visit(tree.rootNode);
  return count;
}
