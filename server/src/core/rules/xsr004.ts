// XSR004 start-without-finish: a path from a start reaches the function's
// exit without a finish after the unlock. Path-sensitive: its own dataflow
// (over the generic solver) carries the pending starts and branch facts, so
// `if ( migrate ) start … unlock … if ( migrate ) finish` is one path, not two,
// and constant assignments (`move = 1`) teach the path the flag's value.
import type { FileAnalysis } from '../analysis';
import { solve } from '../cfg/dataflow';
import type { CfgEdge, CfgNode } from '../cfg/types';
import type { CoreDiagnostic } from '../diagnostics';
import { fixMissingFinish } from '../fix/protocolFixes';
import type { FunctionLocks } from '../locks/analyze';
import { atomsOf, constantTruth, evaluate, implied, parseCondition } from '../locks/condition';
import {
  type Graph,
  graphOf,
  isMigratingTest,
  isSchedRelease,
  lockEntity,
  mentions,
  migrationKindsIn,
  mustSched,
  opsAt,
  rootOf,
} from '../migration/view';
import { isIdentPart } from '../syntax/tokens';
import { finishName, isMigratingAtom } from '../xen/migration';
import { finding } from './report';
import type { Rule, RuleMeta } from './types';

interface Pending {
  /** Offsets of the start calls whose finish is still owed on this path. */
  starts: readonly number[];
  facts: readonly { atom: string; value: boolean }[];
}

/** Every path state from this one literal (no spreads): one shape for all of them, read on every edge of the solve. */
function pending(starts: readonly number[], facts: Pending['facts']): Pending {
  return { starts, facts };
}

/** What a condition node's edges need (see pendingAtExit's edgePlanOf). */
interface EdgePlan {
  cond: ReturnType<typeof parseCondition>;
  /** No path knows any of the condition's atoms: it evaluates to `value` on every one. */
  fixed: boolean;
  value: boolean | undefined;
  /** The facts each branch teaches about tracked atoms. */
  whenTrue: readonly { atom: string; value: boolean }[];
  whenFalse: readonly { atom: string; value: boolean }[];
}

/**
 * Whether two states have the same key (pendingAtExit's domain.key) without
 * making it: the same starts and the same facts. Keys join the facts'
 * `atom=value` with `;`, so two different fact lists share a key only when an
 * atom holds a `;` (a string literal in a condition): those are compared by key.
 */
function sameState(a: Pending, b: Pending, key: (s: Pending) => string): boolean {
  if (a.starts.length !== b.starts.length || a.facts.length !== b.facts.length) return sameByKey(a, b, key);
  for (let i = 0; i < a.starts.length; i++) if (a.starts[i] !== b.starts[i]) return false;
  for (let i = 0; i < a.facts.length; i++) {
    const x = a.facts[i]!;
    const y = b.facts[i]!;
    if (x.atom !== y.atom || x.value !== y.value) return sameByKey(a, b, key);
  }
  return true;
}

function sameByKey(a: Pending, b: Pending, key: (s: Pending) => string): boolean {
  const semicolon = (s: Pending): boolean => s.facts.some((f) => f.atom.includes(';'));
  return (semicolon(a) || semicolon(b)) && key(a) === key(b);
}

/** `word` occurs in `text` between non-word characters (what `(^|\W)word(\W|$)` tests, without a pattern per test). */
function mentionsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const end = at + word.length;
    if ((at === 0 || !isIdentPart(text.charCodeAt(at - 1))) && (end === text.length || !isIdentPart(text.charCodeAt(end)))) return true;
  }
  return false;
}

const IDENT = /^[A-Za-z_]\w*$/;

const meta: RuleMeta = {
  code: 'XSR004',
  slug: 'start-without-finish',
  severity: 'warning',
  summary: 'A path from a migrate start reaches the exit without a finish after the unlock.',
  fix: 'Inserts the finish right after the unlock.',
};

export const xsr004: Rule = {
  meta,
  check(file: FileAnalysis, fn: FunctionLocks): CoreDiagnostic[] {
    if (!migrationKindsIn(fn).has('migrateStart')) return [];
    const g = graphOf(fn);
    const startNodes = g.reachableNodes().filter((n) => opsAt(n, 'migrateStart').length > 0);
    if (startNodes.length === 0) return [];
    const missing = pendingAtExit(file, fn);
    const out: CoreDiagnostic[] = [];
    for (const node of startNodes) {
      for (const op of opsAt(node, 'migrateStart')) {
        if (!missing.has(op.start)) continue;
        const unlocks = unlocksAfter(g, fn, node);
        const finish = finishName(op.era);
        const target = op.entity;
        const fix = fixMissingFinish(file, unlocks, `${finish}(${target});`);
        const d = finding(meta, fn, {
          start: op.start,
          end: op.end,
          fixable: !!fix,
          related: unlocks.map((u) => ({ start: u.start, end: u.end, message: 'the unlock after the start' })),
          message: `${op.name}(${target}) is not followed by ${finish}() after the unlock on every path: on a path that returns without it the vCPU stays flagged and asleep off every runqueue until something else finishes the move.`,
        });
        if (fix) {
          d.edits = fix;
          d.fixTitle = `Insert ${finish}(${target}) after the unlock`;
        }
        out.push(d);
      }
    }
    return out;
  },
};

/** The first scheduler-lock releases on the paths leaving `from`. */
function unlocksAfter(g: Graph, fn: FunctionLocks, from: CfgNode): CfgNode[] {
  const isRelease = (id: number): boolean => isSchedRelease(fn, g.node(id));
  return [...g.reachable(from.id, isRelease)]
    .filter(isRelease)
    .map((id) => g.node(id))
    .sort((a, b) => a.start - b.start);
}

function pendingAtExit(file: FileAnalysis, fn: FunctionLocks): Set<number> {
  const cfg = fn.cfg;
  // The scheduler locks protecting each start: the finish counts once none of them is held.
  const startLocks = new Map<number, string[]>();
  for (const n of cfg.nodes) {
    const ops = opsAt(n, 'migrateStart');
    if (ops.length === 0) continue;
    const held = mustSched(fn.before[n.id] ?? []);
    for (const c of ops) {
      const target = c.entity;
      const named = held.filter((h) => mentions(lockEntity(h.name) ?? '', target) || mentions(lockEntity(h.name) ?? '', rootOf(target)));
      startLocks.set(
        c.start,
        (named.length ? named : held).map((h) => h.name),
      );
    }
  }
  const condText = (n: CfgNode): string => file.text.slice(n.start, n.end).trim().replace(/^\(/, '').replace(/\)$/, '');
  // Per condition node, read once (the solve visits its edges once per state).
  const conds = new Map<number, ReturnType<typeof parseCondition>>();
  const condOf = (n: CfgNode): ReturnType<typeof parseCondition> => {
    let c = conds.get(n.id);
    if (!c) conds.set(n.id, (c = parseCondition(condText(n))));
    return c;
  };
  const migratingTests = new Map<number, boolean>();
  const testsMigrating = (n: CfgNode): boolean => {
    let t = migratingTests.get(n.id);
    if (t === undefined) migratingTests.set(n.id, (t = isMigratingTest(file, n)));
    return t;
  };
  const counts = new Map<string, number>();
  for (const n of cfg.nodes) {
    if (n.kind !== 'cond' || n.loopMacro || n.start === n.end) continue;
    for (const a of new Set(atomsOf(condOf(n)))) counts.set(a, (counts.get(a) ?? 0) + 1);
  }
  const constAssigned = new Set<string>();
  for (const n of cfg.nodes)
    for (const a of n.facts.assignments) if (IDENT.test(a.lhs) && constantTruth(a.rhs) !== undefined) constAssigned.add(a.lhs);
  const tracked = new Set([...counts].filter(([a, c]) => c >= 2 || (c >= 1 && constAssigned.has(a))).map(([a]) => a));
  // Per condition node, what its edges need, made once (the solve takes each edge once per state): a
  // condition none of whose atoms a path can know (none tracked, none the migrating flag) evaluates the
  // same on every path; the facts each branch teaches, those of tracked atoms only.
  const edgePlans = new Map<number, EdgePlan>();
  const edgePlanOf = (n: CfgNode): EdgePlan => {
    let plan = edgePlans.get(n.id);
    if (!plan) {
      const cond = condOf(n);
      const atoms = atomsOf(cond);
      const fixed = !atoms.some((a) => tracked.has(a) || isMigratingAtom(a));
      plan = {
        cond,
        fixed,
        value: fixed ? evaluate(cond, () => undefined) : undefined,
        whenTrue: implied(cond, true).filter((f) => tracked.has(f.atom)),
        whenFalse: implied(cond, false).filter((f) => tracked.has(f.atom)),
      };
      edgePlans.set(n.id, plan);
    }
    return plan;
  };
  const withFact = (s: Pending, atom: string, value: boolean): Pending =>
    pending(
      s.starts,
      s.facts
        .filter((f) => f.atom !== atom)
        .concat({ atom, value })
        .sort((x, y) => (x.atom < y.atom ? -1 : 1)),
    );
  const key = (s: Pending): string =>
    // (Most states, before any start, are empty: no string to build.)
    s.starts.length === 0 && s.facts.length === 0
      ? '|'
      : `${s.starts.join(',')}|${s.facts.map((f) => `${f.atom}=${f.value ? 1 : 0}`).join(';')}`;
  const domain = {
    key,
    // Field by field, no key strings (the solve compares each state arriving at a node with those it has).
    same: (a: Pending, b: Pending): boolean => sameState(a, b, key),
    // A statement with neither a start, a finish nor an assignment leaves every state as it is.
    passes: (node: CfgNode): boolean =>
      node.facts.assignments.length === 0 && opsAt(node, 'migrateStart').length === 0 && opsAt(node, 'migrateFinish').length === 0,
    merge: (states: readonly Pending[]): Pending => {
      const starts = [...new Set(states.flatMap((s) => s.starts))].sort((a, b) => a - b);
      const facts = states[0]!.facts.filter((f) => states.every((s) => s.facts.some((x) => x.atom === f.atom && x.value === f.value)));
      return pending(starts, facts);
    },
    transfer: (node: CfgNode, s: Pending): Pending[] => {
      let r = s;
      const starts = opsAt(node, 'migrateStart');
      if (opsAt(node, 'migrateFinish').length) {
        // A finish after the unlock of the started vCPU's lock settles every pending start it no longer covers.
        const held = new Set(mustSched(fn.before[node.id] ?? []).map((h) => h.name));
        r = pending(
          r.starts.filter((o) => (startLocks.get(o) ?? []).some((l) => held.has(l))),
          r.facts,
        );
      }
      if (starts.length)
        r = pending(
          [...new Set([...r.starts, ...starts.map((c) => c.start)])].sort((a, b) => a - b),
          r.facts,
        );
      for (const a of node.facts.assignments) {
        const root = r.facts.length ? /^[A-Za-z_]\w*/.exec(a.lhs)?.[0] : undefined;
        // (No facts, nothing to forget: most paths carry none.)
        if (root)
          r = pending(
            r.starts,
            r.facts.filter((f) => !mentionsWord(f.atom, root)),
          );
        if (IDENT.test(a.lhs) && tracked.has(a.lhs) && a.op === '=' && constantTruth(a.rhs) !== undefined)
          r = withFact(r, a.lhs, constantTruth(a.rhs)!);
      }
      return [r];
    },
    edge: (node: CfgNode, edge: CfgEdge, s: Pending): Pending | undefined => {
      if (edge.branch === undefined || node.kind !== 'cond' || node.loopMacro || node.start === node.end) return s;
      const plan = edgePlanOf(node);
      let v: boolean | undefined;
      if (plan.fixed) v = plan.value;
      else {
        const cond = plan.cond;
        // While a start is pending its flag is set: a re-check of it is XSR005's business, not a missing finish.
        const recheck = s.starts.length > 0 && testsMigrating(node);
        const value = (atom: string): boolean | undefined =>
          recheck && isMigratingAtom(atom) ? true : s.facts.find((f) => f.atom === atom)?.value;
        v = evaluate(cond, value);
      }
      if (v !== undefined && v !== edge.branch) return undefined;
      let r = s;
      for (const f of edge.branch ? plan.whenTrue : plan.whenFalse) r = withFact(r, f.atom, f.value);
      return r;
    },
  };
  const { before } = solve(cfg, domain, pending([], []), 32);
  return new Set((before[cfg.exit] ?? []).flatMap((s) => s.starts));
}
