// The control-flow graph of one function body, at statement granularity.
import type { ExprFacts } from '../syntax/expr';
import type { MigrationOpKind } from '../xen/migration';

export type CfgNodeKind =
  | 'entry'
  | 'exit'
  /** An expression statement or declaration. */
  | 'stmt'
  /** A condition (if/while/for/do/loop macro); successors carry `branch`. */
  | 'cond'
  | 'switch'
  | 'return'
  /** break, continue, goto: a statement line without effect. */
  | 'jump'
  /** A joint point with no effect (labels, preprocessor alternatives, loop exits). */
  | 'nop';

export interface CfgEdge {
  to: number;
  /** For a cond node: the truth value of the condition on this edge. */
  branch?: boolean;
}

export interface CfgNode {
  id: number;
  kind: CfgNodeKind;
  /** Text range whose evaluation this node performs (empty for entry/exit/nop). */
  start: number;
  end: number;
  /** 0-based line where the statement starts. */
  line: number;
  succ: CfgEdge[];
  facts: ExprFacts;
  /** For 'return': the returned expression's canonical text ('' for a bare return). */
  returnText?: string;
  /** For a loop macro's header node: the macro's name. */
  loopMacro?: string;
  /** The statement calls a function that does not return (BUG(), panic(), …). */
  noreturn?: boolean;
  /** The statement stops debug builds only (`ASSERT_UNREACHABLE()`, `ASSERT(0)`): release builds go on. */
  debugStop?: boolean;
  /**
   * For the condition of a counting loop `for ( i = A; i < K; i++ )` (A and K
   * integers, A ≤ K, `i` changed only by the update): the loop leaves with
   * `i == K` when the condition fails (a `break` leaves earlier, with `i < K`).
   */
  exitsAt?: { counter: string; bound: string };
  /** For a declaration: the names it declares (the function's locals). */
  declares?: string[];
  /** The node comes from a region tree-sitter could not parse. */
  error?: boolean;
}

export interface Cfg {
  nodes: CfgNode[];
  entry: number;
  exit: number;
  /** The body held ERROR/MISSING nodes other than the loop-macro shape. */
  hasError: boolean;
  /** Statements holding syntax errors (loop-macro headers excepted). */
  errorSites?: number;
  /** Why the function's control flow could not be built faithfully (it is then not analysed). */
  degraded?: string;
  /**
   * The names the body calls, in node order (calleesOf), and the kinds of
   * migration operations it performs (migration/view.ts's migrationKindsIn),
   * read off the nodes by the builder as it made them: the call-graph order
   * and every migration rule asked them of each function, each a walk over
   * every node's facts long after they had left the cache (a few ms of a
   * folder's run on a busy machine). Absent on a CFG made elsewhere (then
   * read from the nodes).
   */
  callees?: ReadonlySet<string>;
  migrationKinds?: ReadonlySet<MigrationOpKind>;
}
