// Counts a tree's syntax errors, leaving out the MISSING `;` that every loop
// macro header (`for_each_vcpu ( d, v ) {`) produces: that shape is understood.
import { Query, Tree } from 'web-tree-sitter';

let query: Query | undefined;

export function countParseErrors(tree: Tree): number {
  if (!tree.rootNode.hasError) return 0;
  query ??= new Query(tree.language, '(ERROR) @error (MISSING) @missing');
  let count = 0;
  for (const cap of query.captures(tree.rootNode)) {
    const n = cap.node;
    if (cap.name === 'missing') {
      const parent = n.parent;
      if (n.type === ';' && parent && parent.type === 'expression_statement' && parent.firstNamedChild?.type === 'call_expression') continue;
    }
    count++;
  }
  return count;
}
