// Builds a statement-level CFG from a tree-sitter function body, turning Xen's
// idioms into real control flow: loop macros (`for_each_vcpu ( d, v ) { … }`,
// which tree-sitter parses as a call with a MISSING `;` followed by a separate
// statement), goto/labels, switch fallthrough, do/while(0), constant conditions
// and calls that never return.
import type { Node } from 'web-tree-sitter';

import { declarationFacts, type ExprFacts, exprFacts, matchClose, NO_FACTS } from '../syntax/expr';
import { isNestedRealDefinition, knownBody, unclosedEndOffset } from '../syntax/functions';
import { type JumpMacro, substituteParams } from '../syntax/jumpMacros';
import { type LineIndex } from '../syntax/lineIndex';
import { owned } from '../syntax/ownedString';
import { isIdentPart, tokenizeRange, TokenPool } from '../syntax/tokens';
import { migrationKindsOf } from '../xen/migration';
import { calleesOfNodes } from './callees';
import { type Cfg, type CfgEdge, type CfgNode, type CfgNodeKind } from './types';

/** Calls after which control never continues. */
const NORETURN_CALLS = new Set([
  'BUG',
  'panic',
  '__builtin_unreachable',
  'unreachable',
  'do_exit',
  'machine_halt',
  'machine_restart',
  'dom0_shutdown',
]);

const SKIPPED = new Set(['comment', ';']);

/**
 * The successors of a node that has none (the exit, a call that never returns): shared, never
 * added to. Made holding an object, as every edge list does (a `[]` literal starts as small
 * integers): empty and filled lists then share one array map.
 */
const NO_EDGES: CfgEdge[] = [{ to: 0 }];
NO_EDGES.pop();

/**
 * Edges are values, never changed once made, and so are the lists of one plain edge (a node's
 * successors are replaced whole, never added to; like NO_EDGES, the shared lists are not frozen,
 * since a frozen array has a map of its own): one object per target, and per target and branch,
 * and one list per target, serve every CFG. The CFGs are kept until a run ends, and each scavenge
 * copies what it finds of them: these were one in nine of the objects a folder's run kept (21k of
 * 182k on the bench corpus). (The entry's list stays its own; a function longer than the tables gets
 * its own past them.)
 */
const SHARED_EDGES = 4096;
const PLAIN_EDGES: (CfgEdge | undefined)[] = new Array<CfgEdge | undefined>(SHARED_EDGES).fill(undefined);
const TRUE_EDGES: (CfgEdge | undefined)[] = new Array<CfgEdge | undefined>(SHARED_EDGES).fill(undefined);
const FALSE_EDGES: (CfgEdge | undefined)[] = new Array<CfgEdge | undefined>(SHARED_EDGES).fill(undefined);
const ONE_EDGE: (CfgEdge[] | undefined)[] = new Array<CfgEdge[] | undefined>(SHARED_EDGES).fill(undefined);

/** The successors of a node that goes on to `to` alone (shared: never added to). */
function oneEdge(to: number): CfgEdge[] {
  if (to >= SHARED_EDGES) return [{ to }];
  return (ONE_EDGE[to] ??= [edgeTo(to)]);
}

/** The edge to `to`. */
function edgeTo(to: number): CfgEdge {
  if (to >= SHARED_EDGES) return { to };
  return (PLAIN_EDGES[to] ??= { to });
}

/** The edge to `to` taken when a condition is `branch`. */
function branchTo(to: number, branch: boolean): CfgEdge {
  if (to >= SHARED_EDGES) return { to, branch };
  const table = branch ? TRUE_EDGES : FALSE_EDGES;
  return (table[to] ??= { to, branch });
}

interface Targets {
  brk?: number;
  cont?: number;
}

/**
 * `ASSERT_UNREACHABLE()` and `ASSERT(0)` stop a debug build only: a release
 * build (NDEBUG) goes on past them, and whatever follows runs there.
 */
function stopsDebugBuildsOnly(c: { name: string; args: { text: string }[] }): boolean {
  return c.name === 'ASSERT_UNREACHABLE' || (c.name === 'ASSERT' && /^(0|false)$/.test(c.args[0]?.text ?? ''));
}

/**
 * Statements nested deeper than this are not built: the builder recurses once
 * per level, and no real function nests anywhere near it (Xen's deepest are
 * about a dozen). The function is then reported as not analysed.
 */
const MAX_NESTING = 200;

export interface CfgOptions {
  /** The file's function-like macros that jump (syntax/jumpMacros.ts): a statement calling one is a goto or a return. */
  jumpMacros?: ReadonlyMap<string, JumpMacro>;
}

export function buildCfg(body: Node, source: string, lines: LineIndex, opts: CfgOptions = {}): Cfg {
  return new CfgBuilder(source, lines, opts.jumpMacros).build(body);
}

class CfgBuilder {
  private readonly nodes: CfgNode[] = [];
  // (Both maps made when first needed: most functions have no label and no loop-macro header.)
  private labels: Map<string, number> | undefined;
  /** Loop-macro headers nested at the end of an if/else/loop, mapped to their body sibling. */
  private macroBodies: Map<number, Node> | undefined;
  private errorSites = 0;
  private depth = 0;
  private tooDeep = false;
  /** Where the first function nested after an unclosed `{` starts (see unclosedEnd). */
  private cutAt: number | undefined;
  /**
   * The statement being built lies in a subtree without syntax errors (a
   * node's error flag counts its descendants'): its statements' flags are
   * known false without asking WASM, one call per statement otherwise.
   */
  private clean = false;
  private set hasError(v: boolean) {
    if (v) this.errorSites++;
  }

  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
    private readonly jumpMacros?: ReadonlyMap<string, JumpMacro>,
  ) {}

  build(body: Node): Cfg {
    // (What findFunctions read of the body already is not asked of WASM again.)
    const known = knownBody(body);
    const end = known ? known.end : body.endIndex;
    const entry = this.node('entry', body.startIndex, body.startIndex);
    const exit = this.node('exit', end, end);
    this.nodes[entry]!.succ = [edgeTo(this.stmt(body, exit, {}, undefined, known ? known.hasError : body.hasError))];
    if (this.cutAt !== undefined) {
      // The function ends where the unclosed text does (see unclosedEnd).
      const x = this.nodes[exit]!;
      x.start = x.end = this.cutAt;
      x.line = this.lines.lineOf(this.cutAt);
    }
    // Kept to the end of a run: a copy made to measure, not the list grown by push (a third more room).
    const nodes = this.nodes.slice();
    const cfg: Cfg = {
      nodes,
      entry,
      exit,
      hasError: this.errorSites > 0,
      errorSites: this.errorSites,
      // Read off the nodes while they are in the cache (see Cfg.callees).
      callees: calleesOfNodes(nodes),
      migrationKinds: migrationKindsOf(nodes),
    };
    if (this.tooDeep) cfg.degraded = `statements nested deeper than ${MAX_NESTING} levels`;
    return cfg;
  }

  /**
   * A new node; `succ`: its edges when known now. Edge lists are made to measure, never grown by a
   * push (a push into an empty array reserves room for 17, and the CFG is kept until the run ends,
   * copied whole by each scavenge that finds it); a node without edges shares NO_EDGES.
   */
  private node(kind: CfgNodeKind, start: number, end: number, facts = NO_FACTS, succ: CfgEdge[] = NO_EDGES): number {
    const id = this.nodes.length;
    // Every field, the optional ones undefined until set: all nodes then share one shape, and the
    // analyses' reads of them stay monomorphic (a field added to some nodes only gave six shapes).
    this.nodes.push({
      id,
      kind,
      start,
      end,
      line: this.lines.lineOf(start),
      succ,
      facts,
      returnText: undefined,
      loopMacro: undefined,
      noreturn: undefined,
      debugStop: undefined,
      exitsAt: undefined,
      declares: undefined,
      error: undefined,
    });
    return id;
  }

  private effectNode(kind: CfgNodeKind, n: Node, next: number | undefined): number {
    const start = n.startIndex;
    const end = n.endIndex; // (a call into WASM: read once)
    return this.effectRange(kind, start, end, exprFacts(this.source, start, end), next);
  }

  /** An effect node continuing to `next` (none when undefined, or when a call never returns). */
  private effectRange(kind: CfgNodeKind, start: number, end: number, facts: ExprFacts, next: number | undefined): number {
    let noreturn = false;
    let debugStop = false;
    for (const c of facts.calls) {
      if (NORETURN_CALLS.has(c.name)) noreturn = true;
      if (stopsDebugBuildsOnly(c)) debugStop = true;
    }
    const id = this.node(kind, start, end, facts, noreturn || next === undefined ? NO_EDGES : oneEdge(next));
    const cfgNode = this.nodes[id]!;
    if (noreturn) cfgNode.noreturn = true;
    if (debugStop) cfgNode.debugStop = true;
    return id;
  }

  private label(name: string): number {
    this.labels ??= new Map();
    let id = this.labels.get(name);
    if (id === undefined) {
      id = this.node('nop', 0, 0);
      this.labels.set(name, id);
    }
    return id;
  }

  /**
   * Builds `n` so that it continues to `next`; returns the entry node id.
   * `type` and `hasError`: the node's, when the caller has read them already.
   */
  private stmt(n: Node, next: number, t: Targets, type?: string, hasError?: boolean): number {
    if (this.depth >= MAX_NESTING) {
      // Past the bound the rest is one opaque step; the function is marked degraded and not analysed.
      this.tooDeep = true;
      return this.node('nop', n.startIndex, n.endIndex, NO_FACTS, oneEdge(next));
    }
    this.depth++;
    const wasClean = this.clean;
    if (hasError === false) this.clean = true;
    try {
      return this.stmtAt(n, next, t, type ?? n.type, hasError);
    } finally {
      this.depth--;
      this.clean = wasClean;
    }
  }

  // Every property of a tree-sitter node but its start is a call into WASM: a
  // statement's type and error flag are read once, by whoever needs them first.
  private stmtAt(n: Node, next: number, t: Targets, type: string, knownError: boolean | undefined): number {
    if (this.clean) knownError = false;
    switch (type) {
      case 'compound_statement':
        return this.sequence(children(n), next, t);
      case 'expression_statement': {
        const hasError = knownError ?? n.hasError;
        if (hasError && endsInMissing(n)) {
          const bodyNode = this.macroBodies?.get(n.id);
          if (bodyNode) return this.macroLoop(n, bodyNode, next, t);
        }
        if (hasError) {
          // `for_each_vcpu ( d, v ) x++;` parses as one broken expression.
          const split = splitMacroStatement(this.source, n.startIndex, n.endIndex);
          if (split) return this.macroLoopText(split, next);
          this.hasError = true;
        }
        return this.macroJump(n, next) ?? this.effectNode('stmt', n, next);
      }
      case 'declaration': {
        if (knownError ?? n.hasError) this.hasError = true;
        const start = n.startIndex;
        const end = n.endIndex;
        const { facts, names } = declarationFacts(this.source, start, end);
        const id = this.effectRange('stmt', start, end, facts, next);
        if (names.length) this.nodes[id]!.declares = names;
        return id;
      }
      case 'if_statement':
        return this.ifStatement(n, next, t);
      case 'while_statement':
        return this.whileLoop(n, next);
      case 'for_statement':
        return isForKeyword(this.source, n.startIndex) ? this.forLoop(n, next, t) : this.macroFor(n, next);
      case 'do_statement':
        return this.doLoop(n, next, t);
      case 'switch_statement':
        return this.switchStatement(n, next, t);
      case 'return_statement': {
        const id = this.effectNode('return', n, this.nodes[1] ? 1 : next);
        const node = this.nodes[id]!;
        // (The node's range is the statement's: its end is not asked of WASM again.)
        node.returnText = owned(
          this.source
            .slice(node.start, node.end)
            .replace(/^return\b/, '')
            .replace(/;\s*$/, '')
            .trim(),
        );
        node.succ = node.noreturn ? NO_EDGES : oneEdge(1);
        return id;
      }
      case 'break_statement':
        return this.jump(n, t.brk ?? next);
      case 'continue_statement':
        return this.jump(n, t.cont ?? next);
      case 'goto_statement': {
        const label = n.childForFieldName('label');
        return this.jump(n, label ? this.label(label.text) : 1);
      }
      case 'labeled_statement': {
        const label = n.childForFieldName('label');
        const id = this.label(label ? label.text : '');
        const inner = children(n, (_, type) => type !== 'statement_identifier');
        this.nodes[id]!.start = n.startIndex;
        this.nodes[id]!.end = n.startIndex;
        this.nodes[id]!.line = this.lines.lineOf(n.startIndex);
        this.nodes[id]!.succ = oneEdge(this.sequence(inner, next, t));
        return id;
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else':
        return this.preprocessor(n, next, t);
      case 'function_definition': {
        if (isNestedRealDefinition(n)) return this.unclosedEnd(n);
        // `for_each_affinity_balance_step( bs ) { … }` inside a body parses as a
        // nested function definition `TYPE (declarator) { … }`: a loop macro.
        const bodyNode = n.childForFieldName('body');
        if (bodyNode) return this.macroLoopRange(n.startIndex, bodyNode.startIndex, bodyNode, next);
        return this.effectNode('stmt', n, next);
      }
      case 'preproc_call':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_include':
        return next;
      default: {
        if (type === 'ERROR' || (knownError ?? n.hasError)) this.hasError = true;
        const id = this.effectNode('stmt', n, next);
        if (type === 'ERROR') this.nodes[id]!.error = true;
        return id;
      }
    }
  }

  /**
   * A real function definition inside the body: this function's `{` was never
   * closed and its text ends here (findFunctions ends it there too). What
   * would follow is unknown, so paths stop, as after BUG(), instead of
   * reaching the exit with whatever they hold. One error however many follow.
   */
  private unclosedEnd(n: Node): number {
    if (this.cutAt === undefined) this.hasError = true;
    const at = unclosedEndOffset(this.source, n);
    this.cutAt = Math.min(this.cutAt ?? at, at);
    const id = this.node('nop', at, at);
    this.nodes[id]!.error = true;
    this.nodes[id]!.noreturn = true;
    return id;
  }

  /**
   * `PIN_FAIL(out, rc, "…")` where PIN_FAIL's body ends in `goto` its first
   * argument: the statement is a jump there (or a return), taken always or,
   * when the macro tests something first, on one of two edges.
   */
  private macroJump(n: Node, next: number): number | undefined {
    if (!this.jumpMacros?.size) return undefined;
    const call = n.namedChild(0);
    if (n.namedChildCount !== 1 || call?.type !== 'call_expression') return undefined;
    const fn = call.childForFieldName('function');
    const macro = fn?.type === 'identifier' ? this.jumpMacros.get(fn.text) : undefined;
    const argList = call.childForFieldName('arguments');
    if (!macro || !argList) return undefined;
    const args = argList.namedChildren.filter((a) => a !== null && a.type !== 'comment').map((a) => a!.text);
    let target: number;
    if (macro.goto) {
      const label = 'label' in macro.goto ? macro.goto.label : args[macro.goto.param];
      if (!label || !/^[A-Za-z_]\w*$/.test(label)) return undefined;
      target = this.label(label);
    } else {
      target = this.node('return', n.startIndex, n.endIndex);
      const ret = this.nodes[target]!;
      ret.returnText = owned(substituteParams(macro.returns ?? '', macro.params, args));
      ret.succ = oneEdge(1);
    }
    const id = this.effectNode('stmt', n, next);
    const node = this.nodes[id]!;
    if (!node.noreturn) node.succ = macro.conditional ? [edgeTo(next), edgeTo(target)] : oneEdge(target);
    return id;
  }

  private jump(n: Node, to: number): number {
    return this.node('jump', n.startIndex, n.endIndex, NO_FACTS, oneEdge(to));
  }

  /**
   * A statement list, with the loop-macro repair: a call statement missing its
   * `;` followed by a statement is a loop whose body is that statement. The same
   * holds when the call is the last statement nested in an if/else/loop.
   */
  private sequence(list: Statements, next: number, t: Targets): number {
    const { nodes, types } = list;
    // The statements built (indices into `list`), each with its error flag when it was read here
    // (at most one per statement: made to that size).
    const items = new Array<number>(nodes.length);
    const errors = new Array<boolean | undefined>(nodes.length);
    let built = 0;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      const following = nodes[i + 1];
      // Only a statement with a syntax error can end in a loop-macro header.
      const hasError = following ? (this.clean ? false : n.hasError) : undefined;
      const header = following && hasError ? trailingMacroHeader(n) : undefined;
      items[built] = i;
      errors[built++] = hasError;
      if (header && following && types[i + 1] !== 'case_statement') {
        (this.macroBodies ??= new Map()).set(header.id, following);
        i++;
      }
    }
    let cur = next;
    for (let k = built - 1; k >= 0; k--) {
      const i = items[k]!;
      cur = this.stmt(nodes[i]!, cur, t, types[i], errors[k]);
    }
    return cur;
  }

  private condNode(cond: Node | null, at: Node): number {
    if (!cond) return this.node('cond', at.startIndex, at.startIndex);
    return this.effectNodeNoSucc('cond', cond);
  }

  private effectNodeNoSucc(kind: CfgNodeKind, n: Node): number {
    return this.effectNode(kind, n, undefined);
  }

  /** Adds the true/false edges of a condition, dropping the one a constant condition never takes. */
  private branch(cond: number, whenTrue: number, whenFalse: number): void {
    const node = this.nodes[cond]!;
    const constant =
      node.start === node.end ? true : mayBeConstant(this.source, node.start, node.end) ? constantCondition(this.source, node) : undefined;
    if (node.noreturn) {
      node.succ = NO_EDGES;
      return;
    }
    const onTrue = branchTo(whenTrue, true);
    const onFalse = branchTo(whenFalse, false);
    node.succ = constant === undefined ? [onTrue, onFalse] : constant ? [onTrue] : [onFalse];
  }

  private ifStatement(n: Node, next: number, t: Targets): number {
    const cond = this.condNode(n.childForFieldName('condition'), n);
    this.nodes[cond]!.line = this.lines.lineOf(n.startIndex);
    const cons = n.childForFieldName('consequence');
    const alt = n.childForFieldName('alternative');
    const thenEntry = cons ? this.stmt(cons, next, t) : next;
    let elseEntry = next;
    if (alt) {
      const inner = alt.type === 'else_clause' ? children(alt) : { nodes: [alt], types: [undefined] };
      if (inner.nodes[0]) elseEntry = this.stmt(inner.nodes[0], next, t, inner.types[0]);
    }
    this.branch(cond, thenEntry, elseEntry);
    return cond;
  }

  private whileLoop(n: Node, next: number): number {
    const cond = this.condNode(n.childForFieldName('condition'), n);
    this.nodes[cond]!.line = this.lines.lineOf(n.startIndex);
    const body = n.childForFieldName('body');
    const bodyEntry = body ? this.stmt(body, cond, { brk: next, cont: cond }) : cond;
    this.branch(cond, bodyEntry, next);
    return cond;
  }

  private doLoop(n: Node, next: number, _t: Targets): number {
    const cond = this.condNode(n.childForFieldName('condition'), n);
    const body = n.childForFieldName('body');
    const bodyEntry = body ? this.stmt(body, cond, { brk: next, cont: cond }) : cond;
    this.branch(cond, bodyEntry, next);
    return bodyEntry;
  }

  private forLoop(n: Node, next: number, _t: Targets): number {
    const init = n.childForFieldName('initializer');
    const condition = n.childForFieldName('condition');
    const update = n.childForFieldName('update');
    const cond = this.condNode(condition, n);
    this.nodes[cond]!.line = this.lines.lineOf(n.startIndex);
    const updateEntry = update ? this.effectNode('stmt', update, cond) : cond;
    const body = n.childForFieldName('body');
    const bodyEntry = body ? this.stmt(body, updateEntry, { brk: next, cont: updateEntry }) : updateEntry;
    this.branch(cond, bodyEntry, next);
    if (!init) return cond;
    // The three parts' ranges are read of WASM once: the condition's and the update's are their nodes'.
    const initRange = { start: init.startIndex, end: init.endIndex };
    const counting =
      condition && update ? countingLoop(this.source, initRange, this.nodes[cond]!, this.nodes[updateEntry]!, body) : undefined;
    if (counting) this.nodes[cond]!.exitsAt = counting;
    const initId = this.effectRange('stmt', initRange.start, initRange.end, exprFacts(this.source, initRange.start, initRange.end), cond);
    this.nodes[initId]!.line = this.lines.lineOf(n.startIndex);
    return initId;
  }

  /** `for_each_vcpu ( d, v ) body`: the header is the loop condition. */
  private macroLoop(header: Node, body: Node, next: number, _t: Targets): number {
    const call = header.namedChildren[0]!;
    const args = call.childForFieldName('arguments');
    const fn = call.childForFieldName('function');
    const facts = args ? exprFacts(this.source, args.startIndex + 1, Math.max(args.startIndex + 1, args.endIndex - 1)) : NO_FACTS;
    const cond = this.node('cond', header.startIndex, header.endIndex, facts);
    // (Owned: a node's text is a slice of the source, and the CFG outlives this version of it.)
    this.nodes[cond]!.loopMacro = fn ? owned(fn.text) : 'loop';
    const bodyEntry = this.stmt(body, cond, { brk: next, cont: cond });
    this.nodes[cond]!.succ = [branchTo(bodyEntry, true), branchTo(next, false)];
    return cond;
  }

  /**
   * A loop macro the parser read as `for(;;)` (syntax/blank.ts rewrites a
   * header it could read no other way): the header, read from the source, is
   * the loop condition, as in macroLoop.
   */
  private macroFor(n: Node, next: number): number {
    const body = n.childForFieldName('body');
    const header = macroHeader(this.source, n.startIndex, body ? body.startIndex : n.endIndex);
    // (Never seen: the blanker rewrote a balanced header. Read as the `for(;;)` the parser saw.)
    if (!header) return this.forLoop(n, next, {});
    const cond = this.node('cond', header.start, header.end, exprFacts(this.source, header.argsStart, header.argsEnd));
    this.nodes[cond]!.loopMacro = header.name;
    const bodyEntry = body ? this.stmt(body, cond, { brk: next, cont: cond }) : cond;
    this.nodes[cond]!.succ = [branchTo(bodyEntry, true), branchTo(next, false)];
    return cond;
  }

  /** A loop macro whose body is the rest of the same statement's text. */
  private macroLoopText(split: MacroSplit, next: number): number {
    const cond = this.node('cond', split.start, split.headerEnd, exprFacts(this.source, split.argsStart, split.argsEnd));
    this.nodes[cond]!.loopMacro = split.name;
    const bodyFacts = exprFacts(this.source, split.bodyStart, split.end);
    const body = this.node(split.jump ? 'jump' : 'stmt', split.bodyStart, split.end, split.jump ? NO_FACTS : bodyFacts);
    const bodyNode = this.nodes[body]!;
    if (bodyFacts.calls.some((c) => NORETURN_CALLS.has(c.name))) bodyNode.noreturn = true;
    else bodyNode.succ = oneEdge(split.jump === 'break' ? next : cond);
    this.nodes[cond]!.succ = [branchTo(body, true), branchTo(next, false)];
    return cond;
  }

  private macroLoopRange(start: number, end: number, body: Node, next: number): number {
    const cond = this.node('cond', start, end, exprFacts(this.source, start, end));
    this.nodes[cond]!.facts = { calls: this.nodes[cond]!.facts.calls.slice(0, -1), assignments: [] };
    this.nodes[cond]!.loopMacro = owned((/^\s*(\w+)/.exec(this.source.slice(start, end)) ?? ['', 'loop'])[1]!);
    const bodyEntry = this.stmt(body, cond, { brk: next, cont: cond });
    this.nodes[cond]!.succ = [branchTo(bodyEntry, true), branchTo(next, false)];
    return cond;
  }

  private switchStatement(n: Node, next: number, _t: Targets): number {
    const cond = this.condNode(n.childForFieldName('condition'), n);
    const node = this.nodes[cond]!;
    node.kind = 'switch';
    node.line = this.lines.lineOf(n.startIndex);
    const body = n.childForFieldName('body');
    const cases = body ? children(body) : { nodes: [], types: [] };
    const entries: number[] = [];
    let hasDefault = false;
    let cur = next;
    // Built backwards so each case falls through into the next one.
    for (let i = cases.nodes.length - 1; i >= 0; i--) {
      const c = cases.nodes[i]!;
      if (cases.types[i] !== 'case_statement') {
        cur = this.stmt(c, cur, { brk: next, cont: _t.cont }, cases.types[i]);
        continue;
      }
      const value = c.childForFieldName('value');
      if (!value) hasDefault = true;
      const stmts = children(c, (s) => !value || s.id !== value.id);
      const entry = this.node('nop', c.startIndex, c.startIndex);
      this.nodes[entry]!.succ = oneEdge(this.sequence(stmts, cur, { brk: next, cont: _t.cont }));
      entries.unshift(entry);
      cur = entry;
    }
    if (!hasDefault) entries.push(next);
    node.succ = entries.map(edgeTo);
    return cond;
  }

  /** `#ifdef X … #else … #endif` inside a body: either branch may be compiled. */
  private preprocessor(n: Node, next: number, t: Targets): number {
    const alt = n.childForFieldName('alternative');
    const skip = new Set([n.childForFieldName('name')?.id, n.childForFieldName('condition')?.id, alt?.id]);
    const body = children(n, (c, type) => !skip.has(c.id) && type !== 'identifier');
    const choice = this.node('nop', n.startIndex, n.startIndex);
    const bodyEntry = this.sequence(body, next, t);
    const altEntry = alt ? this.stmt(alt, next, t) : next;
    this.nodes[choice]!.succ = bodyEntry === altEntry ? oneEdge(bodyEntry) : [edgeTo(bodyEntry), edgeTo(altEntry)];
    return choice;
  }
}

/** Statements and their types, read once (a node's type is a call into WASM). */
interface Statements {
  nodes: Node[];
  types: (string | undefined)[];
}

/** The named children of `n` but comments and `;`, those `keep` accepts. */
function children(n: Node, keep?: (c: Node, type: string) => boolean): Statements {
  const all = n.namedChildren;
  // Made to the children's number and cut to those kept (lists grown by a push were copied as they grew).
  const nodes = new Array<Node>(all.length);
  const types = new Array<string>(all.length);
  let kept = 0;
  for (const c of all) {
    if (!c) continue;
    const type = c.type;
    if (SKIPPED.has(type) || (keep && !keep(c, type))) continue;
    nodes[kept] = c;
    types[kept++] = type;
  }
  nodes.length = types.length = kept;
  return { nodes, types };
}

/** macroHeader's tokens: it keeps the name and offsets, never a token. */
const headerTokens = new TokenPool();

/**
 * `NAME ( args )` at the start of source[start, end): the name, the header's range and its
 * arguments' (inside the brackets), or undefined when the text does not start so or the bracket
 * is not closed. Read from lent tokens: a loop macro's header was lexed into tokens of its own
 * (a list and its token objects per loop macro, kept by nothing).
 */
function macroHeader(
  source: string,
  start: number,
  end: number,
): { name: string; start: number; end: number; argsStart: number; argsEnd: number } | undefined {
  const tokens = headerTokens.borrow(source, start, end);
  try {
    if (tokens.length <= 2 || tokens[0]!.kind !== 'ident' || tokens[1]!.text !== '(') return undefined;
    const close = matchClose(tokens, 1);
    if (close >= tokens.length) return undefined;
    return {
      name: tokens[0]!.text,
      start: tokens[0]!.start,
      end: tokens[close]!.end,
      argsStart: tokens[1]!.end,
      argsEnd: tokens[close]!.start,
    };
  } finally {
    headerTokens.giveBack();
  }
}

/** Whether the statement at `at` starts with the keyword `for` (not a loop macro the parser read as one). */
function isForKeyword(source: string, at: number): boolean {
  return source.startsWith('for', at) && !isIdentPart(source.charCodeAt(at + 3));
}

/** The MISSING `;` tree-sitter puts after a loop macro's header: not a real error. */
export function isMacroSemicolon(n: Node): boolean {
  const parent = n.parent;
  return (
    n.isMissing &&
    n.type === ';' &&
    parent !== null &&
    parent.type === 'expression_statement' &&
    parent.firstNamedChild?.type === 'call_expression'
  );
}

/** `IDENT ( args )` at statement level with a MISSING `;`: a loop macro's header. */
function isMacroHeader(n: Node): boolean {
  return n.type === 'expression_statement' && n.hasError && endsInMissing(n);
}

/** isMacroHeader for a node already known to be an expression statement with an error. */
function endsInMissing(n: Node): boolean {
  const last = n.lastChild;
  const first = n.firstNamedChild;
  return !!last && last.isMissing && !!first && first.type === 'call_expression';
}

/** The loop-macro header a statement ends with (itself, or nested as the last branch/body). */
function trailingMacroHeader(n: Node): Node | undefined {
  let cur: Node | null = n;
  for (let depth = 0; cur && depth < 16; depth++) {
    switch (cur.type) {
      case 'expression_statement':
        return isMacroHeader(cur) ? cur : undefined;
      case 'if_statement': {
        const alt = cur.childForFieldName('alternative');
        cur = alt
          ? alt.type === 'else_clause'
            ? (alt.namedChildren.find((c) => c && c.type !== 'comment') ?? null)
            : alt
          : cur.childForFieldName('consequence');
        break;
      }
      case 'while_statement':
      case 'for_statement':
        cur = cur.childForFieldName('body');
        break;
      case 'labeled_statement':
        cur = cur.lastNamedChild;
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

interface MacroSplit {
  name: string;
  start: number;
  headerEnd: number;
  argsStart: number;
  argsEnd: number;
  bodyStart: number;
  end: number;
  jump?: 'break' | 'continue';
}

/** A text range of the source. */
interface Range {
  start: number;
  end: number;
}

/** `for ( i = 0; i < 3; i++ )` whose body never assigns `i`: the counter and the bound it leaves at. */
function countingLoop(
  source: string,
  init: Range,
  condition: Range,
  update: Range,
  body: Node | null,
): { counter: string; bound: string } | undefined {
  const text = (x: Range): string => source.slice(x.start, x.end).replace(/\s+/g, '');
  const c = /^([A-Za-z_]\w*)<(\d+)[uUlL]*$/.exec(text(condition));
  if (!c) return undefined;
  const [, counter, bound] = c as unknown as [string, string, string];
  const i = new RegExp(`^${counter}=(\\d+)[uUlL]*;?$`).exec(text(init));
  if (!i || Number(i[1]) > Number(bound)) return undefined;
  if (!new RegExp(`^(${counter}\\+\\+|\\+\\+${counter}|${counter}\\+=1)$`).test(text(update))) return undefined;
  // The body must leave the counter alone (an assignment or increment would break the count).
  if (
    body &&
    new RegExp(`\\b${counter}\\s*([-+*/%&|^]?=(?!=)|\\+\\+|--)|(\\+\\+|--)\\s*${counter}\\b`).test(
      source.slice(body.startIndex, body.endIndex),
    )
  )
    return undefined;
  return { counter, bound };
}

/**
 * `IDENT ( args ) rest;` where `rest` starts with a word: no C expression
 * continues that way, so it is a loop macro whose body is `rest`.
 */
function splitMacroStatement(source: string, start: number, end: number): MacroSplit | undefined {
  const tokens = tokenizeRange(source, start, end);
  if (tokens.length < 4 || tokens[0]!.kind !== 'ident' || tokens[1]!.text !== '(') return undefined;
  const close = matchClose(tokens, 1);
  const after = tokens[close + 1];
  if (!after || after.kind !== 'ident') return undefined;
  return {
    name: tokens[0]!.text,
    start,
    headerEnd: tokens[close]!.end,
    argsStart: tokens[1]!.end,
    argsEnd: tokens[close]!.start,
    bodyStart: after.start,
    end,
    ...(after.text === 'break' || after.text === 'continue' ? { jump: after.text } : {}),
  };
}

/**
 * Whether a condition node's text, its outer parentheses dropped, is a
 * constant (`1`, `0`, `true`, `false`, `!0`, `!1`, or nothing): true/false,
 * else undefined. Read character by character, blanks skipped (what `\s`
 * matches), without copying the text and rewriting it with patterns: a
 * function's short conditions (`( !v )`, `( rc )`) all come here.
 */
function constantCondition(source: string, node: { start: number; end: number }): boolean | undefined {
  let from = node.start;
  let to = node.end;
  if (source.charCodeAt(from) === 40 /* ( */) from++;
  if (to > from && source.charCodeAt(to - 1) === 41 /* ) */) to--;
  let t = '';
  for (let i = from; i < to; i++) {
    const c = source.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(source[i]!))) continue;
    // (No constant has more than five characters.)
    if (t.length === 5) return undefined;
    t += source[i]!;
  }
  if (t === '' || t === '1' || t === 'true' || t === '!0') return true;
  if (t === '0' || t === 'false' || t === '!1') return false;
  return undefined;
}

/**
 * Whether source[start, end) is short enough to be a constant condition: the
 * longest, `(false)`, has 7 characters besides spaces, so a text with more
 * (printable ASCII, never a space to `\s`) is not one. Most conditions are
 * longer: their text is then not copied and rewritten just to find that out.
 */
function mayBeConstant(source: string, start: number, end: number): boolean {
  let solid = 0;
  for (let i = start; i < end; i++) {
    const c = source.charCodeAt(i);
    if (c > 32 && c < 127 && ++solid > 7) return false;
  }
  return true;
}
